import Foundation
import RowColDomain

/// How the projection cuts time into weeks.
///
/// Weeks are **7-day windows starting on the as-of date**, not calendar (Monday-based) weeks:
/// week 1 is the as-of date and the six days after it, week 2 the next seven, and so on to week 13.
/// Every week is a whole week, and week 1 never holds days already past. An amount due before the
/// as-of date (overdue) lands in week 1, because it is owed now; one due after week 13 is outside
/// the projection.
public struct RunwayCalendar: Hashable, Sendable {
    /// The number of projected weeks.
    public static let weekCount = 13

    /// The rule in words, as written into every snapshot.
    public static let ruleDescription =
        "13 windows of 7 days; week 1 starts on the as-of date; overdue amounts land in week 1; "
        + "amounts due after week 13 are outside the projection"

    /// The first day of week 1.
    public let asOfDate: LocalDate

    /// The calendar of a projection starting on `asOfDate`.
    public init(asOfDate: LocalDate) { self.asOfDate = asOfDate }

    /// The first day of week `index` (1-based).
    public func start(ofWeek index: Int) -> LocalDate { asOfDate.adding(days: 7 * (index - 1)) }

    /// The last day of week `index` (1-based).
    public func end(ofWeek index: Int) -> LocalDate { start(ofWeek: index).adding(days: 6) }

    /// The last day inside the projection.
    public var horizonEnd: LocalDate { end(ofWeek: Self.weekCount) }

    /// The week an amount due on `date` lands in: 1 when already due, `nil` after week 13.
    public func week(for date: LocalDate) -> Int? {
        let days = asOfDate.days(until: date)
        if days < 0 { return 1 }
        let index = days / 7 + 1
        return index <= Self.weekCount ? index : nil
    }

    /// Days past due on the as-of date (0 when due today or later).
    public func daysOverdue(_ date: LocalDate) -> Int { max(0, date.days(until: asOfDate)) }
}
