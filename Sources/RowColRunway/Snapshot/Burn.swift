import Foundation
import RowColDomain

/// A simple burn figure, with the method that produced it named beside it.
public struct Burn: Hashable, Sendable, Codable {
    /// How the burn figure is computed.
    public enum Method: String, Hashable, Sendable, Codable {
        /// (Σ disbursements − Σ receipts over the 13 weeks) ÷ 13. Negative when more comes in than goes out.
        case averageWeeklyNetOutflow13Weeks = "average_weekly_net_outflow_13w"

        /// The method in words, for reports.
        public var explanation: String {
            switch self {
            case .averageWeeklyNetOutflow13Weeks:
                "average weekly net outflow over the 13 projected weeks: (disbursements - receipts) / 13; "
                    + "negative means more comes in than goes out"
            }
        }
    }

    /// How ``weekly`` was computed.
    public var method: Method
    /// The average per week, rounded to cents half away from zero (the snapshot's only rounding, since
    /// a thirteenth rarely ends).
    public var weekly: Money
    /// Σ disbursements − Σ receipts over the 13 weeks, exact.
    public var totalNetOutflow: Money
    /// The number of weeks averaged over.
    public var weeks: Int

    /// A burn figure and how it was computed.
    public init(method: Method, weekly: Money, totalNetOutflow: Money, weeks: Int) {
        self.method = method
        self.weekly = weekly
        self.totalNetOutflow = totalNetOutflow
        self.weeks = weeks
    }

    enum CodingKeys: String, CodingKey {
        case method, weekly, weeks
        case totalNetOutflow = "total_net_outflow"
    }
}
