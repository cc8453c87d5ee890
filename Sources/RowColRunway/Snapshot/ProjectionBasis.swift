import Foundation
import RowColDomain

/// Why a projected amount lands where it does: a stable code and a sentence a person can check.
///
/// In `--json` it is `{"code": "party_history", "text": "…"}`; the terminal and HTML reports show the text.
public struct ProjectionBasis: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A stable basis code.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        /// On its due date (or now, when already due): nothing better was known.
        public static let dueDate = Code(rawValue: "due_date")
        /// From the counterparty's own paid history (its typical lateness, or its recurring pattern).
        public static let partyHistory = Code(rawValue: "party_history")
        /// From the business's paid history across counterparties (this one had too little).
        public static let businessHistory = Code(rawValue: "business_history")
        /// Set by the advisor's plan (`plan.json`).
        public static let plan = Code(rawValue: "plan")
        /// Changed by the scenario the snapshot was computed for.
        public static let scenario = Code(rawValue: "scenario")
        /// Very overdue: only part of it is expected (a collection haircut).
        public static let haircut = Code(rawValue: "haircut")

        /// Every code this version writes.
        public static let all: [Code] = [.dueDate, .partyHistory, .businessHistory, .plan, .scenario, .haircut]
    }

    /// The stable code.
    public var code: Code
    /// The reason in words, with the figures behind it.
    public var text: String

    /// A basis with its code and text.
    public init(_ code: Code, _ text: String) {
        self.code = code
        self.text = text
    }

    public var description: String { "\(code): \(text)" }
}
