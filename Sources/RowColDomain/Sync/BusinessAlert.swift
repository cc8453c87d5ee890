import Foundation

/// A condition of the business itself — not of its mirror — that RowCol remembers between runs so
/// that it is announced once: today the cash-floor breach (`runway.below_floor`).
///
/// Kept in the `alerts` list of the business's `state.json` sync section, apart from the hygiene
/// flags: a business short of cash is news for the advisor, not a fault of the sync.
public struct BusinessAlert: Hashable, Sendable, Codable {
    /// A stable code: the runway warning that stands behind the alert.
    public var code: String
    /// When the condition was first seen; kept while it lasts.
    public var since: Date
    /// The latest description of it.
    public var message: String

    public init(code: String, since: Date, message: String) {
        self.code = code
        self.since = since
        self.message = message
    }

    /// The cash-floor breach: some projected week closes below the business's floor.
    public static let belowFloor = "runway.below_floor"
}
