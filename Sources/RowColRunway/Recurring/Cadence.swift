import Foundation
import RowColDomain

/// How often a recurring flow comes back.
///
/// Weekly and biweekly flows follow a fixed number of days; semi-monthly, monthly and quarterly
/// ones follow the calendar (the same days of the month), because rent and salaries are paid on
/// dates, not every 30 days.
public enum Cadence: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Every 7 days.
    case weekly
    /// Every 14 days.
    case biweekly
    /// Twice a month, on two days of the month (the 1st and the 15th, the 15th and the last, …).
    case semiMonthly = "semi_monthly"
    /// Once a month, on a day of the month.
    case monthly
    /// Every three months, on a day of the month.
    case quarterly

    public var description: String { rawValue }

    /// The cadence in words: `weekly`, `every two weeks`, `twice a month`, `monthly`, `quarterly`.
    public var words: String {
        switch self {
        case .weekly: "weekly"
        case .biweekly: "every two weeks"
        case .semiMonthly: "twice a month"
        case .monthly: "monthly"
        case .quarterly: "quarterly"
        }
    }

    /// The name of one period, for "seen in 11 of the last 12 months".
    public var periodName: String {
        switch self {
        case .weekly: "weeks"
        case .biweekly: "fortnights"
        case .semiMonthly: "half-months"
        case .monthly: "months"
        case .quarterly: "quarters"
        }
    }

    /// The typical length of a period in days.
    public var approximateDays: Int {
        switch self {
        case .weekly: 7
        case .biweekly: 14
        case .semiMonthly: 15
        case .monthly: 30
        case .quarterly: 91
        }
    }

    /// How far from its expected date an occurrence may fall and still count for its period
    /// (weekends, holidays, a payment run a few days early or late).
    public var toleranceDays: Int {
        switch self {
        case .weekly: 2
        case .biweekly: 3
        case .semiMonthly: 3
        case .monthly: 5
        case .quarterly: 10
        }
    }
}

/// Where a cadence's occurrences fall: a day count for interval cadences, days of the month for
/// calendar cadences.
struct CadenceSchedule: Hashable, Sendable {
    let cadence: Cadence
    /// Calendar cadences: the day(s) of the month (1…31, clamped to short months).
    let days: [Int]
    /// Quarterly: the month (1…12) of one occurrence; the others are three months apart.
    let phaseMonth: Int

    /// The schedule of an interval cadence.
    init(interval cadence: Cadence) {
        self.cadence = cadence
        days = []
        phaseMonth = 1
    }

    init(cadence: Cadence, days: [Int], phaseMonth: Int = 1) {
        self.cadence = cadence
        self.days = days.sorted()
        self.phaseMonth = phaseMonth
    }

    var isInterval: Bool { cadence == .weekly || cadence == .biweekly }

    /// The scheduled dates of a calendar cadence in `range`, oldest first.
    func calendarDates(from start: LocalDate, through end: LocalDate) -> [LocalDate] {
        guard !isInterval, start <= end else { return [] }
        var dates: [LocalDate] = []
        var (year, month, _) = start.adding(days: -31).parts
        while true {
            if cadence != .quarterly || ((month - phaseMonth) % 3 + 3) % 3 == 0 {
                for day in days {
                    let date = LocalDate.clamped(year: year, month: month, day: day)
                    if date > end { return dates }
                    if date >= start { dates.append(date) }
                }
            }
            month += 1
            if month > 12 {
                month = 1
                year += 1
            }
            if LocalDate.clamped(year: year, month: month, day: 1) > end { return dates }
        }
    }
}

extension LocalDate {
    /// The date, with the day clamped to the month's last day (the 31st of a 30-day month is the 30th).
    static func clamped(year: Int, month: Int, day: Int) -> LocalDate {
        let last = LocalDate.daysInMonth(month, year: year)
        return LocalDate(year: year, month: month, day: min(max(day, 1), last))!
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension CadenceSchedule {
    /// The dates of `cadence` starting on `start` (itself included), through `end`: a fixed step
    /// for weekly and biweekly, `start`'s day of the month for monthly and quarterly, and for
    /// semi-monthly that day and the one 15 days from it (the 1st and the 16th, the 5th and the 20th).
    static func sequence(_ cadence: Cadence, from start: LocalDate, through end: LocalDate) -> [LocalDate] {
        let (_, month, day) = start.parts
        switch cadence {
        case .weekly, .biweekly:
            return Array(stride(from: 0, through: start.days(until: end), by: cadence.approximateDays)).map {
                start.adding(days: $0)
            }
        case .monthly:
            return CadenceSchedule(cadence: .monthly, days: [day]).calendarDates(from: start, through: end)
        case .quarterly:
            return CadenceSchedule(cadence: .quarterly, days: [day], phaseMonth: month)
                .calendarDates(from: start, through: end)
        case .semiMonthly:
            let days = day <= 15 ? [day, day + 15] : [day - 15, day]
            return CadenceSchedule(cadence: .semiMonthly, days: days).calendarDates(from: start, through: end)
        }
    }
}
