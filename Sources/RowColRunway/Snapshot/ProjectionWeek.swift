import Foundation
import RowColDomain

/// One week of the 13-week cash projection (home currency).
public struct ProjectionWeek: Hashable, Sendable, Codable {
    /// 1 for the week that starts on the as-of date, up to 13.
    public var index: Int
    public var start: LocalDate
    /// The last day of the week (start + 6).
    public var end: LocalDate
    public var opening: Money
    /// Invoices expected in (overdue ones in week 1).
    public var receipts: Money
    /// Bills falling due (overdue ones in week 1) and scheduled payments on their pay-on day.
    public var disbursements: Money
    /// Receipts − disbursements.
    public var net: Money
    /// Opening + net; the next week's opening.
    public var closing: Money

    public init(index: Int, start: LocalDate, end: LocalDate, opening: Money, receipts: Money,
                disbursements: Money, net: Money, closing: Money) {
        self.index = index
        self.start = start
        self.end = end
        self.opening = opening
        self.receipts = receipts
        self.disbursements = disbursements
        self.net = net
        self.closing = closing
    }
}

/// The week whose closing balance is the lowest (the earliest such week on a tie).
public struct LowestWeek: Hashable, Sendable, Codable {
    public var index: Int
    public var start: LocalDate
    public var closing: Money

    public init(index: Int, start: LocalDate, closing: Money) {
        self.index = index
        self.start = start
        self.closing = closing
    }
}

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

/// A simple burn figure, with the method that produced it named beside it.
public struct Burn: Hashable, Sendable, Codable {
    /// How the burn figure is computed.
    public enum Method: String, Hashable, Sendable, Codable {
        /// (Σ disbursements − Σ receipts over the 13 weeks) ÷ 13. Negative when more comes in than goes out.
        case averageWeeklyNetOutflow13Weeks = "average_weekly_net_outflow_13w"

        public var explanation: String {
            switch self {
            case .averageWeeklyNetOutflow13Weeks:
                "average weekly net outflow over the 13 projected weeks: (disbursements - receipts) / 13; "
                    + "negative means more comes in than goes out"
            }
        }
    }

    public var method: Method
    /// The average per week, rounded to cents half away from zero (the snapshot's only rounding, since
    /// a thirteenth rarely ends).
    public var weekly: Money
    /// Σ disbursements − Σ receipts over the 13 weeks, exact.
    public var totalNetOutflow: Money
    /// The number of weeks averaged over.
    public var weeks: Int

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

/// A scheduled bill payment as the projection treats it.
public struct ScheduledPayment: Hashable, Sendable, Codable {
    /// What the projection did with the payment.
    public enum Treatment: String, Hashable, Sendable, Codable {
        /// Counted as a disbursement in ``ScheduledPayment/week``.
        case projected
        /// Confirmed in QBO with a pay-on day before the as-of date: the bank balance already
        /// reflects it, so it is not counted again.
        case cleared
        /// QBO refused it: it takes no cash.
        case rejected
        /// Pay-on day after week 13.
        case beyondHorizon = "beyond_horizon"
        /// Its currency had no rate: listed in ``RunwaySnapshot/unconverted`` instead.
        case unconverted
    }

    public var id: PaymentID
    public var billID: EntityID
    public var vendor: PartyRef?
    public var amount: Money
    /// The amount in the home currency; `nil` when its currency had no rate.
    public var homeAmount: Money?
    public var payOn: LocalDate
    public var state: PaymentState
    public var treatment: Treatment
    /// The projection week it is counted in (a pay-on day already past lands in week 1).
    public var week: Int?

    public init(id: PaymentID, billID: EntityID, vendor: PartyRef?, amount: Money, homeAmount: Money?,
                payOn: LocalDate, state: PaymentState, treatment: Treatment, week: Int?) {
        self.id = id
        self.billID = billID
        self.vendor = vendor
        self.amount = amount
        self.homeAmount = homeAmount
        self.payOn = payOn
        self.state = state
        self.treatment = treatment
        self.week = week
    }

    enum CodingKeys: String, CodingKey {
        case id, vendor, amount, state, treatment, week
        case billID = "bill_id"
        case homeAmount = "home_amount"
        case payOn = "pay_on"
    }
}
