import Foundation
import RowColDomain

/// How reports write numbers, dates and instants. Rounding happens here and only here.
public enum DisplayFormat {
    /// `-1,234,567.89`: rounded to cents half away from zero, thousands grouped with commas, no
    /// currency symbol (reports name the currency once, in a header).
    public static func amount(_ value: Decimal) -> String {
        let text = Money.format(value.rounded(scale: 2), minimumFractionDigits: 2)
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = Array(parts[0])
        var grouped = ""
        for (offset, digit) in whole.enumerated() {
            if offset > 0 && (whole.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        let fraction = parts.count > 1 ? "." + parts[1] : ""
        let isZero = value.rounded(scale: 2) == 0
        return (negative && !isZero ? "-" : "") + grouped + fraction
    }

    /// `1,234.50 USD`.
    public static func money(_ money: Money) -> String { "\(amount(money.amount)) \(money.currency)" }

    /// `2026-11-28 03:00 UTC`: to the minute, rounded down, for people reading a report (the JSON
    /// outputs carry the exact instant).
    public static func instant(_ date: Date) -> String {
        let minutes = Int((date.timeIntervalSince1970 / 60).rounded(.down))
        let inDay = ((minutes % 1440) + 1440) % 1440
        return "\(LocalDate(date)) " + LocalDate.digits(inDay / 60, 2) + ":" + LocalDate.digits(inDay % 60, 2) + " UTC"
    }

    /// `fresh`, `stale (refreshed 2026-11-28 02:40 UTC)`, `never fetched`.
    public static func freshness(_ freshness: Freshness) -> String {
        let level: String
        switch freshness.level {
        case .fresh: level = "fresh"
        case .stale: level = "stale"
        case .staleHard: level = "stale beyond the hard limit"
        case .never: return "never fetched"
        }
        return freshness.refreshedAt.map { "\(level) (refreshed \(instant($0)))" } ?? level
    }

    /// The runway in words: `runs out in week 3` or `13+ weeks`.
    public static func runway(_ length: RunwayLength) -> String {
        switch length {
        case .runsOut(let week): "runs out in week \(week)"
        case .beyondHorizon: "\(length.label) weeks"
        }
    }

    /// `Plan: applied (scenario slow)`, `Plan: none`, `Plan: NOT APPLIED, plan.json is invalid: …`.
    public static func plan(_ plan: PlanSummary) -> String {
        let scenarios = plan.scenarios.isEmpty ? "" : "; scenarios: " + plan.scenarios.joined(separator: ", ")
        switch plan.state {
        case .none: return "Plan: none (`rowcol plan` sets expected dates, one-offs, a floor, scenarios)"
        case .applied: return "Plan: applied" + (plan.scenario.map { " with scenario \"\($0)\"" } ?? "") + scenarios
        case .invalid: return "Plan: NOT APPLIED, it cannot be read: " + (plan.problem ?? "")
        }
    }

    /// `Cash floor 5,000.00: below it in week 3 (from 2026-12-14), 1,800.00 short`.
    public static func alert(_ alert: FloorAlert) -> String {
        let floor = "Cash floor \(amount(alert.floor.amount))"
        guard let breach = alert.breach else { return floor + ": not reached in 13 weeks" }
        return floor + ": below it in week \(breach.week) (from \(breach.start)), \(amount(breach.shortfall.amount)) short"
    }
}
