import Foundation
import RowColDomain

/// Plain-text reports for a terminal: aligned columns, amounts right-aligned with thousands
/// separators, and ANSI colour only when `useColor` is true.
///
/// The caller decides colour: the CLI passes `true` only when standard output is a TTY and
/// `NO_COLOR` is unset. Text that came from QBO (names, document numbers) has its control
/// characters replaced, so it cannot inject escape sequences even with colour on.
public enum TerminalReport {
    /// Whether a command-line tool should ask for colour: only when its output is a terminal and
    /// `NO_COLOR` is unset or empty (https://no-color.org).
    /// - Parameters:
    ///   - isTerminal: whether standard output is a TTY (`isatty(1)`), decided by the caller.
    ///   - environment: the process environment.
    public static func shouldUseColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty
    }

    /// The snapshot of one business: summary, the 13 weeks, AP/AR aging, scheduled payments, flags.
    public static func render(_ snapshot: RunwaySnapshot, useColor: Bool) -> String {
        func style(_ text: String, _ style: ANSIStyle) -> String { useColor ? style.wrap(text) : text }
        func amount(_ money: Money) -> TextTable.Cell {
            TextTable.Cell(DisplayFormat.amount(money.amount), style: money.isNegative ? .red : nil)
        }
        let currency = snapshot.homeCurrency.rawValue
        var out = ""
        out += style(TerminalText.sanitize(snapshot.business.name), .bold)
            + "  (\(snapshot.business.ref))\n"
        out += "Runway as of \(DisplayFormat.instant(snapshot.asOf)), week 1 starts \(snapshot.asOfDate); amounts in \(currency)\n\n"

        var summary = TextTable([.init(title: "Summary", alignment: .left), .init(title: currency, alignment: .right)])
        summary.append([.init("Cash on hand"), amount(snapshot.cash.total)])
        summary.append([.init("AP open (bills)"), amount(snapshot.payables.openTotal)])
        summary.append([.init("  of which overdue"), amount(snapshot.payables.overdueTotal)])
        summary.append([.init("AR open (invoices)"), amount(snapshot.receivables.openTotal)])
        summary.append([.init("  of which overdue"), amount(snapshot.receivables.overdueTotal)])
        summary.append([.init("Lowest closing (week \(snapshot.lowestWeek.index), \(snapshot.lowestWeek.start))"),
                        amount(snapshot.lowestWeek.closing)])
        summary.append([.init("Burn per week"), amount(snapshot.burn.weekly)])
        out += summary.render(useColor: useColor)
        let runwayText = "Weeks of runway: \(DisplayFormat.runway(snapshot.weeksOfRunway))"
        out += "  " + (snapshot.weeksOfRunway.firstNegativeWeek == nil ? style(runwayText, .green) : style(runwayText, .boldRed)) + "\n"
        out += "  Burn method: \(snapshot.burn.method.rawValue) (\(snapshot.burn.method.explanation))\n"
        out += "  Freshness: bills \(DisplayFormat.freshness(snapshot.freshness.bills)); "
            + "invoices \(DisplayFormat.freshness(snapshot.freshness.invoices)); "
            + "balances \(DisplayFormat.freshness(snapshot.freshness.balances))\n"
        out += "  " + TerminalText.sanitize(DisplayFormat.plan(snapshot.plan)) + "\n"
        let alertText = "  " + DisplayFormat.alert(snapshot.alert)
        out += (snapshot.alert.breach == nil ? alertText : style(alertText, .boldRed)) + "\n\n"

        out += "13-week projection (each item on its expected date; recurring flows and planned items included)\n"
        var weeks = TextTable([
            .init(title: "Week", alignment: .right), .init(title: "Starts", alignment: .left),
            .init(title: "Opening", alignment: .right), .init(title: "Receipts", alignment: .right),
            .init(title: "Disbursements", alignment: .right), .init(title: "Net", alignment: .right),
            .init(title: "Closing", alignment: .right),
        ])
        for week in snapshot.weeks {
            weeks.append([.init(String(week.index)), .init(week.start.description), amount(week.opening),
                          amount(week.receipts), amount(week.disbursements), amount(week.net), amount(week.closing)])
        }
        out += weeks.render(useColor: useColor) + "\n"

        out += "Aging on \(snapshot.asOfDate)\n"
        var aging = TextTable([.init(title: "Bucket", alignment: .left), .init(title: "AP", alignment: .right),
                               .init(title: "AR", alignment: .right)])
        for (ap, ar) in zip(snapshot.payables.buckets.labelled, snapshot.receivables.buckets.labelled) {
            aging.append([.init(ap.label), amount(ap.amount), amount(ar.amount)])
        }
        aging.append([.init("Total open"), amount(snapshot.payables.openTotal), amount(snapshot.receivables.openTotal)])
        aging.append([.init("Due after week 13"), amount(snapshot.payables.beyondHorizon), amount(snapshot.receivables.beyondHorizon)])
        aging.append([.init("Credits (not projected)"), amount(snapshot.payables.credits), amount(snapshot.receivables.credits)])
        out += aging.render(useColor: useColor) + "\n"

        out += itemsTable(title: "Open bills", partyTitle: "Vendor", items: snapshot.payables.items, showScheduled: true, useColor: useColor)
        out += itemsTable(title: "Open invoices", partyTitle: "Customer", items: snapshot.receivables.items, showScheduled: false, useColor: useColor)
        out += recurringTable(snapshot.recurring, useColor: useColor)
        out += oneOffsTable(snapshot.oneOffs, useColor: useColor)

        if !snapshot.cash.accounts.isEmpty {
            out += "Bank accounts\n"
            var accounts = TextTable([.init(title: "Account", alignment: .left), .init(title: "Balance", alignment: .right),
                                      .init(title: "Currency", alignment: .left), .init(title: currency, alignment: .right)])
            for account in snapshot.cash.accounts {
                accounts.append([.init(account.name), amount(account.balance), .init(account.balance.currency.rawValue),
                                 account.homeBalance.map(amount) ?? .init("not converted", style: .yellow)])
            }
            out += accounts.render(useColor: useColor) + "\n"
        }

        if !snapshot.scheduledPayments.isEmpty {
            out += "Scheduled payments\n"
            var payments = TextTable([
                .init(title: "Pay on", alignment: .left), .init(title: "Vendor", alignment: .left),
                .init(title: "Bill", alignment: .left), .init(title: "Amount", alignment: .right),
                .init(title: "Currency", alignment: .left), .init(title: "State", alignment: .left),
                .init(title: "Projection", alignment: .left),
            ])
            for payment in snapshot.scheduledPayments {
                let treatment = payment.week.map { "week \($0)" } ?? payment.treatment.rawValue
                payments.append([.init(payment.payOn.description), .init(payment.vendor?.displayName ?? ""),
                                 .init(payment.billID.rawValue), amount(payment.amount),
                                 .init(payment.amount.currency.rawValue), .init(payment.state.rawValue), .init(treatment)])
            }
            out += payments.render(useColor: useColor) + "\n"
        }

        if !snapshot.unconverted.isEmpty {
            out += "Not converted (no rate given; left out of every total above)\n"
            var table = TextTable([.init(title: "Currency", alignment: .left), .init(title: "Cash", alignment: .right),
                                   .init(title: "AP", alignment: .right), .init(title: "AR", alignment: .right),
                                   .init(title: "Payments", alignment: .right)])
            for entry in snapshot.unconverted {
                table.append([.init(entry.currency.rawValue), amount(entry.cash), amount(entry.payables),
                              amount(entry.receivables), amount(entry.payments)])
            }
            out += table.render(useColor: useColor) + "\n"
        }

        out += "Flags and warnings\n"
        if snapshot.flags.isEmpty && snapshot.warnings.isEmpty { out += "  none\n" }
        for flag in snapshot.flags {
            let scope = flag.entity.map { "\(flag.business)/\($0)" } ?? flag.business.rawValue
            out += "  " + style(flag.code.rawValue, .yellow)
                + TerminalText.sanitize(" [\(scope), since \(DisplayFormat.instant(flag.since))] \(flag.message)") + "\n"
        }
        for warning in snapshot.warnings {
            out += "  " + style(warning.code.rawValue, .yellow) + TerminalText.sanitize(" \(warning.message)")
            if !warning.ids.isEmpty { out += TerminalText.sanitize(" (\(warning.ids.joined(separator: ", ")))") }
            out += "\n"
        }
        return out
    }

    static func itemsTable(title: String, partyTitle: String, items: [AgingSummary.Item], showScheduled: Bool,
                           useColor: Bool) -> String {
        guard !items.isEmpty else { return "\(title): none\n\n" }
        var columns: [TextTable.Column] = [
            .init(title: "Due", alignment: .left), .init(title: partyTitle, alignment: .left),
            .init(title: "No.", alignment: .left), .init(title: "Open", alignment: .right),
            .init(title: "Currency", alignment: .left), .init(title: "Overdue", alignment: .right),
        ]
        if showScheduled { columns.append(.init(title: "Scheduled", alignment: .right)) }
        columns += [.init(title: "Expected", alignment: .left), .init(title: "Counted", alignment: .right),
                    .init(title: "Week", alignment: .right), .init(title: "Basis", alignment: .left)]
        var table = TextTable(columns)
        var reasons = ""
        for item in items {
            var row: [TextTable.Cell] = [
                .init(item.dueDate?.description ?? "no date"), .init(item.party.displayName), .init(item.docNumber ?? ""),
                .init(DisplayFormat.amount(item.balance.amount)), .init(item.balance.currency.rawValue),
                .init(item.daysOverdue > 0 ? "\(item.daysOverdue) d" : "", style: item.daysOverdue > 0 ? .red : nil),
            ]
            if showScheduled { row.append(.init(item.scheduled.map { DisplayFormat.amount($0.amount) } ?? "")) }
            let notCounted = item.homeBalance == nil ? "n/c" : item.expectedOn == nil ? "excluded" : "13+"
            row += [.init(item.expectedOn?.description ?? ""), .init(item.projected.map { DisplayFormat.amount($0.amount) } ?? ""),
                    .init(item.week.map(String.init) ?? notCounted), .init(item.basis?.code.rawValue ?? "")]
            table.append(row)
            if let basis = item.basis {
                let name = item.docNumber.map { "\($0) " } ?? ""
                reasons += "  " + TerminalText.sanitize("\(name)(\(item.id)) \(item.party.displayName): \(basis.text)") + "\n"
            }
        }
        return "\(title)\n" + table.render(useColor: useColor) + (reasons.isEmpty ? "" : "  Why:\n" + reasons) + "\n"
    }

    static func recurringTable(_ flows: [RecurringFlow], useColor: Bool) -> String {
        guard !flows.isEmpty else { return "Recurring flows: none detected\n\n" }
        var table = TextTable([
            .init(title: "Key", alignment: .left), .init(title: "Who", alignment: .left),
            .init(title: "In/out", alignment: .left), .init(title: "Cadence", alignment: .left),
            .init(title: "Amount", alignment: .right), .init(title: "Next", alignment: .left),
            .init(title: "Seen", alignment: .right), .init(title: "Counted", alignment: .right),
            .init(title: "Basis", alignment: .left),
        ])
        var reasons = ""
        for flow in flows {
            let covered = flow.occurrences.filter { $0.coveredBy != nil }.count
            table.append([
                .init(flow.key), .init(flow.party.displayName), .init(flow.direction.rawValue), .init(flow.cadence.rawValue),
                .init(DisplayFormat.amount(flow.amount.amount)), .init(flow.nextOn?.description ?? "-"),
                .init(flow.seenIn.map { "\($0)/\(flow.ofLast ?? 0)" } ?? ""),
                .init(DisplayFormat.amount(flow.projected.amount)), .init(flow.basis.code.rawValue),
            ])
            let cover = covered == 0 ? "" : "; \(covered) occurrence(s) already entered as open bills ("
                + flow.occurrences.compactMap { $0.coveredBy?.rawValue }.joined(separator: ", ") + "), not counted again"
            reasons += "  " + TerminalText.sanitize("\(flow.key): \(flow.basis.text)\(cover)") + "\n"
        }
        return "Recurring flows\n" + table.render(useColor: useColor) + "  Why:\n" + reasons + "\n"
    }

    static func oneOffsTable(_ flows: [PlannedFlow], useColor: Bool) -> String {
        guard !flows.isEmpty else { return "" }
        var table = TextTable([
            .init(title: "On", alignment: .left), .init(title: "Item", alignment: .left),
            .init(title: "In/out", alignment: .left), .init(title: "Amount", alignment: .right),
            .init(title: "Week", alignment: .right), .init(title: "Basis", alignment: .left),
        ])
        for flow in flows {
            table.append([.init(flow.on.description), .init("\(flow.name) (\(flow.id))"), .init(flow.direction.rawValue),
                          .init(DisplayFormat.amount(flow.amount.amount)), .init(flow.week.map(String.init) ?? "-"),
                          .init(flow.basis.text)])
        }
        return "Planned one-off items\n" + table.render(useColor: useColor) + "\n"
    }

    /// Two projections of one business side by side (base and a scenario, or two scenarios).
    public static func render(_ comparison: RunwayComparison, useColor: Bool) -> String {
        func style(_ text: String, _ style: ANSIStyle) -> String { useColor ? style.wrap(text) : text }
        func amount(_ money: Money) -> TextTable.Cell {
            TextTable.Cell(DisplayFormat.amount(money.amount), style: money.isNegative ? .red : nil)
        }
        let left = comparison.left
        let right = comparison.right
        let snapshot = left.snapshot
        var out = style(TerminalText.sanitize(snapshot.business.name), .bold) + "  (\(snapshot.business.ref))\n"
        out += TerminalText.sanitize("Comparing \(left.name) with \(right.name), as of "
            + "\(DisplayFormat.instant(snapshot.asOf)), week 1 starts \(snapshot.asOfDate); amounts in \(snapshot.homeCurrency)")
            + "\n\n"
        var table = TextTable([
            .init(title: "Week", alignment: .right), .init(title: "Starts", alignment: .left),
            .init(title: TerminalText.sanitize("\(left.name) net"), alignment: .right),
            .init(title: TerminalText.sanitize("\(left.name) closing"), alignment: .right),
            .init(title: TerminalText.sanitize("\(right.name) net"), alignment: .right),
            .init(title: TerminalText.sanitize("\(right.name) closing"), alignment: .right),
            .init(title: "Difference", alignment: .right),
        ])
        for week in comparison.weeks {
            table.append([.init(String(week.index)), .init(week.start.description), amount(week.leftNet),
                          amount(week.leftClosing), amount(week.rightNet), amount(week.rightClosing), amount(week.difference)])
        }
        out += table.render(useColor: useColor) + "\n"
        for side in [left, right] {
            out += TerminalText.sanitize("  \(side.name): \(DisplayFormat.runway(side.snapshot.weeksOfRunway)); lowest closing "
                + "\(DisplayFormat.amount(side.snapshot.lowestWeek.closing.amount)) in week \(side.snapshot.lowestWeek.index); "
                + DisplayFormat.alert(side.snapshot.alert)) + "\n"
        }
        if let scenario = right.snapshot.plan.scenario ?? left.snapshot.plan.scenario {
            out += TerminalText.sanitize("  Items the scenario \"\(scenario)\" moves show basis \"scenario\" in "
                + "`rowcol snapshot --scenario \(scenario)`") + "\n"
        }
        return out
    }

    /// The advisor console: one row per business, the most at risk first.
    public static func render(_ console: AdvisorConsole, useColor: Bool) -> String {
        var out = "Advisor \(console.advisor): \(console.rows.count) business\(console.rows.count == 1 ? "" : "es"), "
            + "as of \(DisplayFormat.instant(console.asOf)), most at risk first\n"
        var table = TextTable([
            .init(title: "#", alignment: .right), .init(title: "Business", alignment: .left),
            .init(title: "Runway", alignment: .right), .init(title: "Cur", alignment: .left),
            .init(title: "Cash", alignment: .right), .init(title: "AP", alignment: .right),
            .init(title: "AR", alignment: .right), .init(title: "Lowest closing", alignment: .right),
            .init(title: "Wk", alignment: .right), .init(title: "Burn/wk", alignment: .right),
            .init(title: "Data", alignment: .left), .init(title: "Flags", alignment: .left),
        ])
        func amount(_ money: Money) -> TextTable.Cell {
            TextTable.Cell(DisplayFormat.amount(money.amount), style: money.isNegative ? .red : nil)
        }
        for row in console.rows {
            let runs = row.weeksOfRunway.firstNegativeWeek != nil
            let flags = (row.flagCodes + row.warningCodes).joined(separator: ", ")
            table.append([
                .init(String(row.rank)), .init("\(row.business.name) (\(row.business.business))"),
                .init(row.weeksOfRunway.label, style: runs ? .boldRed : .green), .init(row.homeCurrency.rawValue),
                amount(row.cashOnHand), amount(row.payablesTotal), amount(row.receivablesTotal),
                amount(row.lowestWeek.closing), .init(String(row.lowestWeek.index)), amount(row.burn.weekly),
                .init(row.freshness.rawValue, style: row.freshness == .fresh ? nil : .yellow),
                .init(flags.isEmpty ? "-" : flags, style: flags.isEmpty ? nil : .yellow),
            ])
        }
        out += table.render(useColor: useColor)
        out += "Runway = first week whose closing goes below zero (13+ = none in 13 weeks); "
            + "burn = \(Burn.Method.averageWeeklyNetOutflow13Weeks.rawValue)\n"
        return out
    }
}
