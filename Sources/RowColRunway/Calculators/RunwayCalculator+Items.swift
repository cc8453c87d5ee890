import Foundation
import RowColDomain

/// Open bills and invoices: aging, expected dates, haircuts, the plan's and the scenario's changes.
extension RunwayRun {
    /// One open item before it becomes an ``AgingSummary/Item``.
    struct OpenItem {
        var kind: PlanItemKind
        var id: EntityID
        var party: PartyRef
        var docNumber: String?
        var dueDate: LocalDate?
        var balance: Money
        var scheduled: Money?
    }

    /// Where and how much of an item the projection counts.
    struct Placement {
        /// `nil` when the plan excludes the item.
        var expectedOn: LocalDate?
        /// The date the item stands for, before the scenario moved it.
        var natural: LocalDate
        var basis: ProjectionBasis
        /// The share of the remaining balance counted when a haircut applies; nil for all of it
        /// (most items: no multiplication then, `Decimal` arithmetic being slow on Linux).
        var share: Decimal?
    }

    mutating func billsSummary(scheduledByBill: [EntityID: Money]) -> AgingSummary {
        var exceeded: [String] = []
        let items = inputs.bills.map { bill -> OpenItem in
            var scheduled: Money?
            if bill.isOpen, let planned = scheduledByBill[bill.id] {
                if planned.amount > bill.balance.amount { exceeded.append(bill.id.rawValue) }
                scheduled = Money(min(planned.amount, bill.balance.amount), bill.balance.currency)
            }
            return OpenItem(kind: .bill, id: bill.id, party: bill.vendor, docNumber: bill.docNumber,
                            dueDate: bill.effectiveDueDate, balance: bill.balance, scheduled: scheduled)
        }
        if !exceeded.isEmpty {
            warnings.append(RunwayWarning(
                code: .paymentExceedsBill,
                message: "scheduled payments exceed the open balance of these bills (the mirror may already show "
                    + "them paid); the bills add nothing more, the payments are still projected", ids: exceeded.sorted()))
        }
        let model = LatenessModel(items: inputs.history.paidBills, side: .payable, asOf: asOf, policy: policy)
        let (summary, perWeek) = summary(of: items, kind: "bills", category: .payables, model: model)
        for index in perWeek.indices { disbursements[index] += perWeek[index] }
        return summary
    }

    mutating func invoicesSummary() -> AgingSummary {
        let items = inputs.invoices.map {
            OpenItem(kind: .invoice, id: $0.id, party: $0.customer, docNumber: $0.docNumber,
                     dueDate: $0.effectiveDueDate, balance: $0.balance, scheduled: nil)
        }
        let model = LatenessModel(items: inputs.history.paidInvoices, side: .receivable, asOf: asOf, policy: policy)
        let (summary, perWeek) = summary(of: items, kind: "invoices", category: .receivables, model: model)
        for index in perWeek.indices { receipts[index] += perWeek[index] }
        return summary
    }

    /// The plan first, then the learned expectation (and the haircut of very overdue invoices),
    /// then the scenario.
    func place(_ item: OpenItem, daysOverdue: Int, model: LatenessModel) -> Placement {
        let override = plan[overrides: item.kind][item.id.rawValue]
        let note = override?.note.map { " (\($0))" } ?? ""
        if override?.exclude == true {
            return Placement(expectedOn: nil, natural: item.dueDate ?? asOf,
                             basis: ProjectionBasis(.plan, "excluded from the projection by the plan\(note)"), share: 0)
        }
        var placement: Placement
        if let on = override?.expectOn {
            let past = on < asOf ? ", a date already past: expected now (week 1)" : ""
            placement = Placement(expectedOn: max(on, asOf), natural: on,
                                  basis: ProjectionBasis(.plan, "expected on \(on) by the plan\(past)\(note)"), share: nil)
        } else {
            let expectation = model.expectation(due: item.dueDate, party: item.party)
            placement = Placement(expectedOn: expectation.expectedOn, natural: expectation.natural,
                                  basis: expectation.basis, share: nil)
            if item.kind == .invoice, let after = policy.haircutAfterDays, daysOverdue > after,
                policy.haircutPercent > 0
            {
                let percent = min(policy.haircutPercent, 100)
                placement.share = (100 - percent) / 100
                placement.basis = ProjectionBasis(.haircut, "\(daysOverdue) days overdue (more than \(after)): "
                    + "\(percent)% of it is not expected" + (percent < 100 ? "; the rest: \(expectation.basis.text)" : ""))
            }
        }
        guard let scenario, let scenarioName, var expected = placement.expectedOn else { return placement }
        var changes: [String] = []
        switch item.kind {
        case .invoice:
            if let days = scenario.arDelayDays, days != 0 {
                expected = max(expected.adding(days: days), asOf)
                changes.append("\(abs(days)) days \(days > 0 ? "later" : "earlier")")
            }
            if let percent = scenario.arHaircutPercent, percent > 0 {
                placement.share = (placement.share ?? 1) * ((100 - min(percent, 100)) / 100)
                changes.append("\(percent)% less collected")
            }
        case .bill:
            if let delay = scenario.delayedBills[item.id.rawValue] {
                if let days = delay.days {
                    expected = max(expected.adding(days: days), asOf)
                    changes.append("paid \(abs(days)) days \(days >= 0 ? "later" : "earlier")")
                } else if let on = delay.on {
                    expected = max(on, asOf)
                    changes.append("paid on \(on)")
                }
            }
        }
        guard !changes.isEmpty else { return placement }
        placement.expectedOn = expected
        placement.basis = ProjectionBasis(.scenario, "scenario \"\(scenarioName)\": \(changes.joined(separator: ", ")), "
            + "expected \(expected) (base: \(placement.basis.text))")
        return placement
    }

    /// Ages the items and returns, beside the summary, what each week of the projection gets from them.
    mutating func summary(of all: [OpenItem], kind: String, category: UnconvertedLedger.Category,
                          model: LatenessModel) -> (AgingSummary, [Decimal])
    {
        // Totals added as integers (DecimalSum): one item is a handful of additions.
        var perWeek = [DecimalSum](repeating: DecimalSum(), count: RunwayCalendar.weekCount)
        var open = DecimalSum(), overdue = DecimalSum(), beyond = DecimalSum(), credits = DecimalSum()
        var excluded = DecimalSum(), haircut = DecimalSum()
        var buckets = [DecimalSum](repeating: DecimalSum(), count: 5)
        var undated: [String] = []
        var items: [AgingSummary.Item] = []
        for item in all {
            if item.balance.isNegative {
                if let converted = converter.toHome(item.balance) { credits += converted.amount }
                continue
            }
            guard item.balance.isPositive else { continue }
            if item.dueDate == nil { undated.append(item.id.rawValue) }
            let due = item.dueDate ?? inputs.asOfDate
            let daysOverdue = calendar.daysOverdue(due)
            let remaining = item.scheduled.map { item.balance.amount - $0.amount } ?? item.balance.amount
            let placement = place(item, daysOverdue: due.days(until: asOf), model: model)
            let usual = model.usualLateness(of: item.party)?.days
            guard let homeBalance = converter.toHome(item.balance) else {
                ledger.add(item.balance, to: category, id: item.id.rawValue)
                items.append(AgingSummary.Item(
                    id: item.id, party: item.party, docNumber: item.docNumber, dueDate: item.dueDate,
                    daysOverdue: daysOverdue, balance: item.balance, homeBalance: nil,
                    scheduled: nil, projected: nil, week: nil, expectedOn: placement.expectedOn, basis: placement.basis,
                    usualDaysLate: usual))
                continue
            }
            let homeScheduled = item.scheduled.flatMap { converter.toHome($0) }
            let homeRemaining = converter.toHome(Money(remaining, item.balance.currency))?.amount ?? 0
            open += homeBalance.amount
            if daysOverdue > 0 { overdue += homeBalance.amount }
            buckets[Self.bucket(daysOverdue: daysOverdue)] += homeBalance.amount
            if placement.expectedOn != nil {
                openItemsByParty[item.kind, default: [:]][item.party.id, default: []].append((item.id, placement.natural))
            }
            var week: Int?
            var projected: Money?
            if let expected = placement.expectedOn {
                week = calendar.week(for: expected)
                if let week {
                    let counted = placement.share.map { homeRemaining * $0 } ?? homeRemaining
                    if remaining > 0 { perWeek[week - 1] += counted }
                    if placement.share != nil { haircut += max(homeRemaining - counted, 0) }
                    projected = money(max(counted, 0))
                } else {
                    beyond += homeBalance.amount
                }
            } else {
                excluded += homeBalance.amount
            }
            items.append(AgingSummary.Item(
                id: item.id, party: item.party, docNumber: item.docNumber, dueDate: item.dueDate,
                daysOverdue: daysOverdue, balance: item.balance, homeBalance: homeBalance,
                scheduled: homeScheduled, projected: projected, week: week, expectedOn: placement.expectedOn,
                basis: placement.basis, usualDaysLate: usual))
        }
        if !undated.isEmpty {
            warnings.append(RunwayWarning(
                code: .missingDueDate,
                message: "open \(kind) without a due date or transaction date were expected now (week 1); "
                    + "set a due date in QBO", ids: undated.sorted()))
        }
        // Positions sorted, then the items taken in that order: sorting the items themselves
        // moves each large value many times.
        let unsorted = items
        items = unsorted.indices.sorted { lhs, rhs in
            switch (unsorted[lhs].dueDate, unsorted[rhs].dueDate) {
            case (nil, nil): return unsorted[lhs].id < unsorted[rhs].id
            case (nil, _): return true
            case (_, nil): return false
            case (let left?, let right?): return left != right ? left < right : unsorted[lhs].id < unsorted[rhs].id
            }
        }.map { unsorted[$0] }
        let summary = AgingSummary(
            openTotal: money(open.total), overdueTotal: money(overdue.total), beyondHorizon: money(beyond.total),
            credits: money(credits.total),
            buckets: AgingBuckets(
                notDue: money(buckets[0].total), overdue1To30: money(buckets[1].total),
                overdue31To60: money(buckets[2].total), overdue61To90: money(buckets[3].total),
                overdueOver90: money(buckets[4].total)),
            items: items, excluded: money(excluded.total), haircut: money(haircut.total))
        return (summary, perWeek.map(\.total))
    }

    /// 0 = not due, 1 = 1–30, 2 = 31–60, 3 = 61–90, 4 = more than 90 days overdue.
    static func bucket(daysOverdue: Int) -> Int {
        switch daysOverdue {
        case ...0: 0
        case 1...30: 1
        case 31...60: 2
        case 61...90: 3
        default: 4
        }
    }
}
