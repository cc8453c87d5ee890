import Foundation
import RowColDomain

/// How long the cash lasts: the first week whose closing balance goes below zero, or "13+".
public enum RunwayLength: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Week `week` (1…13) is the first to close below zero.
    case runsOut(week: Int)
    /// No week of the projection closes below zero.
    case beyondHorizon

    /// The first week closing below zero, or `nil` for "13+".
    public var firstNegativeWeek: Int? {
        if case .runsOut(let week) = self { return week }
        return nil
    }

    /// `"3"` or `"13+"`.
    public var label: String { firstNegativeWeek.map(String.init) ?? "\(RunwayCalendar.weekCount)+" }

    public var description: String { label }

    /// A number that orders runways from the most to the least at risk ("13+" ranks as 14).
    public var rankingWeeks: Int { firstNegativeWeek ?? RunwayCalendar.weekCount + 1 }

    enum CodingKeys: String, CodingKey {
        case label
        case firstNegativeWeek = "first_negative_week"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let week = try container.decodeIfPresent(Int.self, forKey: .firstNegativeWeek) {
            self = .runsOut(week: week)
        } else {
            self = .beyondHorizon
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(label, forKey: .label)
        // Written as an explicit null so that a reader sees the field for "13+" too.
        try container.encode(firstNegativeWeek, forKey: .firstNegativeWeek)
    }
}
