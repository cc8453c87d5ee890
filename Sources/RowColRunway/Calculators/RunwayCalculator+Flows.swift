import Foundation
import RowColDomain

/// Recurring flows (detected and from the plan) and one-off items.
extension RunwayRun {
    mutating func recurringFlows() -> [RecurringFlow] {
        var detected: [String: DetectedSeries] = [:]
        if policy.detectsRecurring {
            for series in RecurringDetector.series(
                of: inputs.history, asOf: asOf, policy: policy.recurring, toHome: { converter.toHome($0) })
            {
                if let found = RecurringDetector.detect(series, policy: policy.recurring) { detected[series.key] = found }
            }
        }
        var flows: [RecurringFlow] = []
        for key in detected.keys.sorted() {
            flows.append(detectedFlow(detected[key]!, edit: plan.recurring[key]))
        }
        var unknown: [String] = []
        for key in plan.recurring.keys.sorted() where detected[key] == nil {
            let edit = plan.recurring[key]!
            guard edit.action == .add, let cadence = edit.cadence, let amount = edit.amount, let start = edit.nextOn,
                let direction = edit.direction
            else {
                unknown.append(key)
                continue
            }
            let dates = due(CadenceSchedule.sequence(cadence, from: start, through: edit.until ?? calendar.horizonEnd),
                            tolerance: cadence.toleranceDays)
            let note = edit.note.map { " (\($0))" } ?? ""
            flows.append(flow(
                key: key, party: PartyRef(id: key, name: edit.name), direction: direction, cadence: cadence,
                amount: amount, dates: dates, basis: ProjectionBasis(.plan, "added by the plan: \(cadence.words), "
                    + "\(DisplayFormat.amount(amount)) from \(start)\(edit.until.map { " until \($0)" } ?? "")\(note)"),
                seen: nil))
        }
        if !unknown.isEmpty {
            warnings.append(RunwayWarning(
                code: .planUnknownRecurring,
                message: "the plan ignores or changes recurring series that are not detected in the history (any "
                    + "more), so these edits do nothing; to project a series of your own use \"action\": \"add\"",
                ids: unknown))
        }
        return flows
    }

    /// A detected series as the projection counts it, after the plan's edit.
    mutating func detectedFlow(_ series: DetectedSeries, edit: RunwayPlan.RecurringEdit?) -> RecurringFlow {
        let (upcoming, missed) = RecurringDetector.upcoming(series, asOf: asOf, through: calendar.horizonEnd)
        let last = series.history.events.last!.date
        let schedule = scheduleWords(series)
        let since = series.history.events[0].date.description
        let typical = DisplayFormat.amount(series.amount)
        let sample = min(series.matched, policy.recurring.amountSample)
        let seen = "seen in \(series.recentHits) of the last \(series.recentPeriods) \(series.cadence.periodName)"
        let direction = series.history.direction
        let payments = direction == .inflow ? "payments from" : "payments to"
        var text = "\(series.matched) \(payments) \(series.history.party.displayName) since \(since): \(schedule), "
        text += "typically \(typical) (median of the last \(sample)), " + seen
        var dates = upcoming
        if missed >= 2 {
            text += "; stopped: no payment on the last \(missed) scheduled dates (the last was on \(last))"
            dates = []
        } else if missed == 1 {
            text += "; the last scheduled date had no payment"
        }
        var basis = ProjectionBasis(.partyHistory, text)
        var amount = series.amount
        var cadence = series.cadence
        if let edit {
            let note = edit.note.map { " (\($0))" } ?? ""
            switch edit.action {
            case .ignore, .add:
                dates = []
                basis = ProjectionBasis(.plan, "ignored by the plan\(note); detected: \(text)")
            case .change:
                var changes: [String] = []
                if let newAmount = edit.amount {
                    changes.append("amount \(DisplayFormat.amount(newAmount)) (detected \(DisplayFormat.amount(amount)))")
                    amount = newAmount
                }
                if edit.cadence != nil || edit.nextOn != nil {
                    cadence = edit.cadence ?? cadence
                    let start = edit.nextOn ?? last
                    var sequence = CadenceSchedule.sequence(cadence, from: start, through: calendar.horizonEnd)
                    if edit.nextOn == nil { sequence.removeAll { $0 <= last } }
                    dates = due(sequence, tolerance: cadence.toleranceDays)
                    if let cadenceChange = edit.cadence { changes.append("\(cadenceChange.words)") }
                    if let next = edit.nextOn { changes.append("next on \(next)") }
                }
                if let until = edit.until {
                    dates.removeAll { $0 > until }
                    changes.append("until \(until)")
                }
                basis = ProjectionBasis(.plan, "changed by the plan: \(changes.joined(separator: ", "))\(note); "
                    + "detected: \(text)")
            }
        }
        return flow(key: series.history.key, party: series.history.party, direction: direction, cadence: cadence,
                    amount: amount, dates: dates, basis: basis, seen: (series.recentHits, series.recentPeriods))
    }

    /// `monthly on the 1st`, `twice a month on the 1st and the 15th`, `every two weeks`.
    func scheduleWords(_ series: DetectedSeries) -> String {
        let days = series.schedule.days.map(Self.ordinal)
        switch series.cadence {
        case .weekly, .biweekly: return series.cadence.words
        case .monthly: return "monthly on the \(days[0])"
        case .quarterly: return "quarterly on the \(days[0])"
        case .semiMonthly: return "twice a month on the \(days[0]) and the \(days[1])"
        }
    }

    static func ordinal(_ day: Int) -> String {
        let suffix: String
        switch (day % 10, day % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(day)\(suffix)"
    }

    /// Keeps the dates a projection can count: those a few days past (within the tolerance, not
    /// seen yet) move to the as-of date; older ones are dropped.
    func due(_ dates: [LocalDate], tolerance: Int) -> [LocalDate] {
        var kept: [LocalDate] = []
        for date in dates where date >= asOf.adding(days: -tolerance) && date <= calendar.horizonEnd {
            let on = max(date, asOf)
            if kept.last != on { kept.append(on) }
        }
        return kept
    }

    /// Builds a flow's occurrences, lets open bills of the same vendor (open invoices of the same
    /// customer) stand for theirs, and counts the rest.
    mutating func flow(key: String, party: PartyRef, direction: FlowDirection, cadence: Cadence, amount: Decimal,
                       dates: [LocalDate], basis: ProjectionBasis, seen: (Int, Int)?) -> RecurringFlow {
        var occurrences: [RecurringFlow.Occurrence] = []
        var bills: [(id: EntityID, natural: LocalDate)] = []
        if direction == .outflow, key.hasPrefix(SeriesHistory.vendorPrefix) {
            bills = openItemsByParty[.bill]?[String(key.dropFirst(SeriesHistory.vendorPrefix.count))] ?? []
        } else if direction == .inflow, key.hasPrefix(SeriesHistory.customerPrefix) {
            bills = openItemsByParty[.invoice]?[String(key.dropFirst(SeriesHistory.customerPrefix.count))] ?? []
        }
        let window = max(cadence.approximateDays / 2, cadence.toleranceDays)
        var projected: Decimal = 0
        for date in dates {
            guard let week = calendar.week(for: date) else { continue }
            var covered: EntityID?
            if let index = bills.indices.min(by: { abs(bills[$0].natural.days(until: date)) < abs(bills[$1].natural.days(until: date)) }),
                abs(bills[index].natural.days(until: date)) <= window
            {
                covered = bills[index].id
                bills.remove(at: index)
            }
            occurrences.append(RecurringFlow.Occurrence(on: date, week: week, amount: money(amount), coveredBy: covered))
            guard covered == nil else { continue }
            projected += amount
            if direction == .outflow { disbursements[week - 1] += amount } else { receipts[week - 1] += amount }
        }
        return RecurringFlow(
            key: key, party: party, direction: direction, cadence: cadence, amount: money(amount),
            nextOn: occurrences.first?.on, basis: basis, seenIn: seen?.0, ofLast: seen?.1, occurrences: occurrences,
            projected: money(projected))
    }

    /// The plan's one-off items and the scenario's extra items.
    mutating func plannedFlows() -> [PlannedFlow] {
        var flows: [PlannedFlow] = []
        var past: [String] = []
        var sources: [(id: String, item: RunwayPlan.PlannedItem, code: ProjectionBasis.Code, origin: String)] =
            plan.oneOffs.map { ($0.key, $0.value, .plan, "one-off item of the plan") }
        if let scenario, let scenarioName {
            sources += scenario.extraItems.map { ($0.key, $0.value, .scenario, "extra item of scenario \"\(scenarioName)\"") }
        }
        for source in sources.sorted(by: { ($0.item.on, $0.id) < ($1.item.on, $1.id) }) {
            let item = source.item
            var week: Int?
            var text = source.origin + (item.note.map { " (\($0))" } ?? "")
            if item.on < asOf {
                past.append(source.id)
                text += "; dated before the as-of date: left out"
            } else if let found = calendar.week(for: item.on) {
                week = found
                if item.direction == .outflow { disbursements[found - 1] += item.amount } else {
                    receipts[found - 1] += item.amount
                }
            } else {
                text += "; after week 13"
            }
            flows.append(PlannedFlow(
                id: source.id, name: item.name, direction: item.direction, amount: money(item.amount), on: item.on,
                week: week, basis: ProjectionBasis(source.code, text)))
        }
        if !past.isEmpty {
            warnings.append(RunwayWarning(
                code: .planItemPast,
                message: "one-off items dated before the as-of date were left out; move their date or remove them "
                    + "from the plan", ids: past.sorted()))
        }
        return flows
    }
}
