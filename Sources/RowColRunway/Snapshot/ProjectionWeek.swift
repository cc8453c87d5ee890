import Foundation
import RowColDomain

/// One week of the 13-week cash projection (home currency).
public struct ProjectionWeek: Hashable, Sendable, Codable {
    /// 1 for the week that starts on the as-of date, up to 13.
    public var index: Int
    /// The first day of the week.
    public var start: LocalDate
    /// The last day of the week (start + 6).
    public var end: LocalDate
    /// The previous week's closing; cash on hand for week 1.
    public var opening: Money
    /// Invoices expected in (overdue ones in week 1).
    public var receipts: Money
    /// Bills falling due (overdue ones in week 1) and scheduled payments on their pay-on day.
    public var disbursements: Money
    /// Receipts − disbursements.
    public var net: Money
    /// Opening + net; the next week's opening.
    public var closing: Money

    /// One week's figures.
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
    /// The week's number (1…13).
    public var index: Int
    /// The week's first day.
    public var start: LocalDate
    /// Its closing balance.
    public var closing: Money

    /// The lowest week's figures.
    public init(index: Int, start: LocalDate, closing: Money) {
        self.index = index
        self.start = start
        self.closing = closing
    }
}
