import Foundation
import RowColDomain

/// The knobs of recurring-flow detection. The defaults are generic (no business's data chose them).
public struct RecurringPolicy: Hashable, Sendable, Codable {
    /// How far back payments are looked at, in days.
    public var lookbackDays: Int
    /// The fewest occurrences on schedule for a series to count as recurring.
    public var minimumOccurrences: Int
    /// The least share (percent) of expected periods matched, counting stray payments against it:
    /// matched ÷ (expected periods + payments off schedule).
    public var minimumScorePercent: Int
    /// How many of the latest occurrences the typical amount is the median of.
    public var amountSample: Int

    /// A policy with the given knobs.
    public init(lookbackDays: Int = 400, minimumOccurrences: Int = 3, minimumScorePercent: Int = 60,
                amountSample: Int = 6) {
        self.lookbackDays = lookbackDays
        self.minimumOccurrences = minimumOccurrences
        self.minimumScorePercent = minimumScorePercent
        self.amountSample = amountSample
    }

    /// The defaults.
    public static let standard = RecurringPolicy()

    enum CodingKeys: String, CodingKey {
        case lookbackDays = "lookback_days"
        case minimumOccurrences = "minimum_occurrences"
        case minimumScorePercent = "minimum_score_percent"
        case amountSample = "amount_sample"
    }
}

/// One payment of a series, in the home currency (several on one day are one occurrence).
struct SeriesEvent: Hashable, Sendable {
    var date: LocalDate
    var amount: Decimal
}

/// A series of outflows to one vendor (or, without a vendor, one expense account), or of receipts
/// from one customer (a retainer, a subscription).
struct SeriesHistory: Hashable, Sendable {
    var key: String
    var party: PartyRef
    var events: [SeriesEvent]

    /// Receipts for a `customer:` series, outflows otherwise.
    var direction: FlowDirection { key.hasPrefix(Self.customerPrefix) ? .inflow : .outflow }

    static let customerPrefix = "customer:"
    static let vendorPrefix = "vendor:"
}

/// A cadence found in a series, with how well it fits.
struct DetectedSeries: Hashable, Sendable {
    var history: SeriesHistory
    var cadence: Cadence
    var schedule: CadenceSchedule
    /// The typical amount (median of the latest occurrences).
    var amount: Decimal
    /// How many occurrences fell on schedule.
    var matched: Int
    /// Expected periods from the first occurrence to the last.
    var periods: Int
    /// Of the latest periods (up to 12, 4 for quarterly), how many had an occurrence.
    var recentHits: Int
    var recentPeriods: Int
    /// The fit score in percent.
    var score: Int
    /// The scheduled date the last occurrence stood for (the base of the next ones).
    var lastScheduled: LocalDate
}

/// Finds recurring flows in a business's history — outflows in Purchases and paid bills, receipts
/// in paid invoices — and projects them.
///
/// The rules, per series (one vendor, else one expense account; one customer):
/// - payments on the same day are one occurrence; only those before the as-of date and within
///   ``RecurringPolicy/lookbackDays`` count;
/// - each cadence is tried: weekly and biweekly walk back from the latest occurrence a period at a
///   time, re-anchoring on each payment found within the cadence's tolerance (so drift is
///   allowed); semi-monthly, monthly and quarterly use days of the month (the median day; for
///   semi-monthly, the medians of the first and of the second payment of months that have two);
/// - the fit score is matched ÷ (expected periods + payments off schedule), so a weekly series
///   does not pass as monthly (too many strays) nor a monthly one as weekly (too many misses);
///   the best score wins, then the smaller average distance from the schedule;
/// - a series is recurring when its best fit has at least ``RecurringPolicy/minimumOccurrences``
///   matched and a score of at least ``RecurringPolicy/minimumScorePercent``;
/// - a series that missed two or more scheduled dates before the as-of date has stopped and is
///   not projected.
enum RecurringDetector {
    /// The series of a history, keyed `vendor:<id>`, `account:<id>` or `customer:<id>`, in the home currency.
    static func series(of history: RunwayHistory, asOf: LocalDate, policy: RecurringPolicy,
                       toHome: (Money) -> Money?) -> [SeriesHistory] {
        let earliest = asOf.adding(days: -policy.lookbackDays)
        var parties: [String: PartyRef] = [:]
        var sums: [String: [LocalDate: Decimal]] = [:]
        func add(key: String, party: PartyRef, date: LocalDate, amount: Money) {
            guard date < asOf, date >= earliest, let home = toHome(amount), home.isPositive else { return }
            if parties[key] == nil || (parties[key]?.name == nil && party.name != nil) { parties[key] = party }
            sums[key, default: [:]][date, default: 0] += home.amount
        }
        for outflow in history.outflows {
            if let party = outflow.party, !party.id.isEmpty {
                add(key: "vendor:" + party.id, party: party, date: outflow.date, amount: outflow.amount)
            } else if let account = outflow.account, !account.id.isEmpty {
                add(key: "account:" + account.id, party: account, date: outflow.date, amount: outflow.amount)
            }
        }
        for bill in history.paidBills where !bill.party.id.isEmpty {
            add(key: "vendor:" + bill.party.id, party: bill.party, date: bill.paidOn, amount: bill.amount)
        }
        // Receipts recur too: a customer paying a retainer every month is cash the books do not
        // hold as invoices yet.
        for invoice in history.paidInvoices where !invoice.party.id.isEmpty {
            add(key: SeriesHistory.customerPrefix + invoice.party.id, party: invoice.party, date: invoice.paidOn,
                amount: invoice.amount)
        }
        return sums.keys.sorted().map { key in
            let events = sums[key]!.map { SeriesEvent(date: $0.key, amount: $0.value) }.sorted { $0.date < $1.date }
            return SeriesHistory(key: key, party: parties[key]!, events: events)
        }
    }

    /// The best cadence of a series, or `nil` when none fits well enough.
    static func detect(_ series: SeriesHistory, policy: RecurringPolicy) -> DetectedSeries? {
        guard series.events.count >= policy.minimumOccurrences else { return nil }
        var best: DetectedSeries?
        var bestDeviation = 0
        for cadence in Cadence.allCases {
            guard let (fit, deviation) = fit(series, cadence, policy: policy) else { continue }
            guard fit.matched >= policy.minimumOccurrences, fit.score >= policy.minimumScorePercent else { continue }
            if let current = best {
                // Higher score first; then the smaller mean distance from the schedule (cross-multiplied).
                if fit.score < current.score { continue }
                if fit.score == current.score && deviation * current.matched >= bestDeviation * fit.matched { continue }
            }
            best = fit
            bestDeviation = deviation
        }
        return best
    }

    /// Fits one cadence; returns the fit and the total distance (days) of matched payments from the schedule.
    static func fit(_ series: SeriesHistory, _ cadence: Cadence, policy: RecurringPolicy) -> (DetectedSeries, Int)? {
        let events = series.events
        guard let first = events.first, let last = events.last else { return nil }
        let tolerance = cadence.toleranceDays
        var used = Set<Int>()
        var hits: [Bool] = []  // newest period first
        var deviation = 0
        var lastScheduled = last.date

        func nearest(to date: LocalDate) -> Int? {
            var found: Int?
            var distance = tolerance + 1
            for (index, event) in events.enumerated() where !used.contains(index) {
                let gap = abs(event.date.days(until: date))
                if gap < distance || (gap == distance && found != nil && event.date > events[found!].date) {
                    found = index
                    distance = gap
                }
            }
            return distance <= tolerance ? found : nil
        }

        let schedule: CadenceSchedule
        switch cadence {
        case .weekly, .biweekly:
            schedule = CadenceSchedule(interval: cadence)
            let step = cadence.approximateDays
            used.insert(events.count - 1)
            hits.append(true)
            var cursor = last.date
            while true {
                let expected = cursor.adding(days: -step)
                if expected < first.date.adding(days: -tolerance) { break }
                if let index = nearest(to: expected) {
                    used.insert(index)
                    hits.append(true)
                    deviation += abs(events[index].date.days(until: expected))
                    cursor = events[index].date
                } else {
                    hits.append(false)
                    cursor = expected
                }
            }
        case .semiMonthly, .monthly, .quarterly:
            guard let calendar = calendarSchedule(cadence, events) else { return nil }
            schedule = calendar
            let dates = calendar.calendarDates(
                from: first.date.adding(days: -tolerance), through: last.date.adding(days: tolerance))
            var slots: [(date: LocalDate, hit: Bool)] = []  // newest first
            for date in dates.reversed() {
                if let index = nearest(to: date) {
                    used.insert(index)
                    slots.append((date, true))
                    deviation += abs(events[index].date.days(until: date))
                    if index == events.count - 1 { lastScheduled = date }
                } else {
                    slots.append((date, false))
                }
            }
            // Scheduled dates after the last payment that it did not stand for are not periods of
            // the past yet: ``upcoming(_:asOf:through:)`` counts them as missed when they are.
            while let newest = slots.first, !newest.hit, newest.date > last.date { slots.removeFirst() }
            if !used.contains(events.count - 1) {
                lastScheduled = slots.first(where: { $0.date <= last.date })?.date ?? last.date
            }
            hits = slots.map(\.hit)
        }
        guard !hits.isEmpty else { return nil }
        let matched = used.count
        let periods = hits.count
        let unmatched = events.count - matched
        let score = matched * 100 / (periods + unmatched)
        let recentPeriods = min(periods, cadence == .quarterly ? 4 : 12)
        let recentHits = hits.prefix(recentPeriods).filter { $0 }.count
        let latest = used.sorted().suffix(policy.amountSample).map { events[$0].amount }
        let detected = DetectedSeries(
            history: series, cadence: cadence, schedule: schedule, amount: median(latest), matched: matched,
            periods: periods, recentHits: recentHits, recentPeriods: recentPeriods, score: score,
            lastScheduled: lastScheduled)
        return (detected, deviation)
    }

    /// The days of the month (and for quarterly, the month) a calendar cadence follows, from the payments.
    static func calendarSchedule(_ cadence: Cadence, _ events: [SeriesEvent]) -> CadenceSchedule? {
        let days = events.map { $0.date.parts.day }
        switch cadence {
        case .monthly:
            return CadenceSchedule(cadence: .monthly, days: [medianInt(days)])
        case .quarterly:
            return CadenceSchedule(cadence: .quarterly, days: [medianInt(days)], phaseMonth: events.last!.date.parts.month)
        case .semiMonthly:
            var byMonth: [Int: [Int]] = [:]
            for event in events {
                let (year, month, day) = event.date.parts
                byMonth[year * 12 + month, default: []].append(day)
            }
            let pairs = byMonth.values.filter { $0.count >= 2 }
            guard pairs.count >= 2 else { return nil }
            let low = medianInt(pairs.map { $0.min()! })
            let high = medianInt(pairs.map { $0.max()! })
            guard high - low >= 10 else { return nil }
            return CadenceSchedule(cadence: .semiMonthly, days: [low, high])
        case .weekly, .biweekly:
            return nil
        }
    }

    /// The dates of the series after its last occurrence, from `asOf` to `end`; `missed` counts
    /// the scheduled dates already past (beyond the tolerance) with no payment.
    static func upcoming(_ series: DetectedSeries, asOf: LocalDate, through end: LocalDate)
        -> (dates: [LocalDate], missed: Int)
    {
        let tolerance = series.cadence.toleranceDays
        var raw: [LocalDate] = []
        if series.schedule.isInterval {
            var date = series.history.events.last!.date.adding(days: series.cadence.approximateDays)
            while date <= end {
                raw.append(date)
                date = date.adding(days: series.cadence.approximateDays)
            }
        } else {
            raw = series.schedule.calendarDates(from: series.lastScheduled.adding(days: 1), through: end)
        }
        var missed = 0
        var dates: [LocalDate] = []
        for date in raw {
            if date < asOf.adding(days: -tolerance) {
                missed += 1
            } else {
                // Due in the last few days and not seen yet: expected now.
                let on = max(date, asOf)
                if dates.last != on { dates.append(on) }
            }
        }
        return (dates, missed)
    }

    /// The median of exact amounts (the mean of the two middle ones for an even count).
    static func median(_ values: [Decimal]) -> Decimal {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The median of whole numbers, halves rounded away from zero.
    static func medianInt(_ values: [Int]) -> Int {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return sorted[middle] }
        let sum = sorted[middle - 1] + sorted[middle]
        return sum >= 0 ? (sum + 1) / 2 : -((-sum + 1) / 2)
    }
}
