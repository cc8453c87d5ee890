import Foundation
import RowColDomain

/// One self-contained HTML page for a business's runway, good enough to send to a client.
///
/// Inline CSS and an inline SVG chart (closing balance as a line, receipts and disbursements as
/// bars, a zero line); no scripts, no external assets, no web fonts. Every piece of text is
/// escaped, so a vendor named `<script>` shows up as text.
public enum HTMLReport {
    /// A self-contained page's opening, through `<body>`: its title and the inline style sheet
    /// (every report is one file with no outside resource).
    static func documentStart(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>\(css)</style>
        </head>
        <body>
        """
    }

    /// The page for `snapshot`.
    public static func render(_ snapshot: RunwaySnapshot) -> String {
        let currency = snapshot.homeCurrency.rawValue
        let title = "Cash runway: \(snapshot.business.name)"
        var html = """
        \(documentStart(title: title))
        <header>
        <h1>\(escape(snapshot.business.name))</h1>
        <p class="meta">Cash runway as of \(escape(DisplayFormat.instant(snapshot.asOf))). Week 1 starts \(escape(snapshot.asOfDate.description)).
        All amounts in \(escape(currency)).</p>
        </header>

        """
        let runs = snapshot.weeksOfRunway.firstNegativeWeek != nil
        html += "<section class=\"cards\">\n"
        html += card("Cash on hand", amount(snapshot.cash.total))
        html += card("Weeks of runway", escape(snapshot.weeksOfRunway.label), runs ? "bad" : "good")
        html += card("Lowest closing", amount(snapshot.lowestWeek.closing) + "<small>week \(snapshot.lowestWeek.index)</small>")
        html += card("Bills open (AP)", amount(snapshot.payables.openTotal)
            + "<small>\(plain(snapshot.payables.overdueTotal)) overdue</small>")
        html += card("Invoices open (AR)", amount(snapshot.receivables.openTotal)
            + "<small>\(plain(snapshot.receivables.overdueTotal)) overdue</small>")
        html += card("Burn per week", amount(snapshot.burn.weekly))
        html += card("Cash floor", amount(snapshot.alert.floor) + "<small>"
            + (snapshot.alert.breach.map { "below it in week \($0.week)" } ?? "not reached") + "</small>",
            snapshot.alert.breach == nil ? nil : "bad")
        html += "</section>\n"
        html += "<p class=\"meta\">\(escape(DisplayFormat.plan(snapshot.plan)))</p>\n"

        html += "<section>\n<h2>13-week projection</h2>\n"
        html += RunwayChart.svg(snapshot)
        html += "<p class=\"note\">Weeks are 7-day windows starting on the as-of date. Each invoice and bill lands on its "
            + "expected date (its basis says why); recurring flows and planned items are included. "
            + "Weeks of runway is the first week whose closing balance goes below zero (13+ when none does). "
            + "Burn: \(escape(snapshot.burn.method.explanation)).</p>\n"
        html += table(
            headers: ["Week", "Starts", "Opening", "Receipts", "Disbursements", "Net", "Closing"],
            numeric: [0, 2, 3, 4, 5, 6],
            rows: snapshot.weeks.map { week in
                ["\(week.index)", escape(week.start.description), amount(week.opening), amount(week.receipts),
                 amount(week.disbursements), amount(week.net), amount(week.closing)]
            })
        html += "</section>\n"

        html += "<section>\n<h2>Aging on \(escape(snapshot.asOfDate.description))</h2>\n"
        var agingRows = zip(snapshot.payables.buckets.labelled, snapshot.receivables.buckets.labelled).map { ap, ar in
            [escape(ap.label), amount(ap.amount), amount(ar.amount)]
        }
        agingRows.append(["Total open", amount(snapshot.payables.openTotal), amount(snapshot.receivables.openTotal)])
        agingRows.append(["Due after week 13", amount(snapshot.payables.beyondHorizon), amount(snapshot.receivables.beyondHorizon)])
        agingRows.append(["Credits (not projected)", amount(snapshot.payables.credits), amount(snapshot.receivables.credits)])
        html += table(headers: ["", "Bills (AP)", "Invoices (AR)"], numeric: [1, 2], rows: agingRows)
        html += "</section>\n"

        html += items(title: "Open bills", party: "Vendor", snapshot.payables.items, scheduled: true)
        html += items(title: "Open invoices", party: "Customer", snapshot.receivables.items, scheduled: false)
        html += recurring(snapshot.recurring)
        html += oneOffs(snapshot.oneOffs)

        html += "<section>\n<h2>Bank accounts</h2>\n"
        if snapshot.cash.accounts.isEmpty {
            html += "<p>No active bank account.</p>\n"
        } else {
            html += table(
                headers: ["Account", "Balance", "Currency", "In \(currency)"], numeric: [1, 3],
                rows: snapshot.cash.accounts.map {
                    [escape($0.name), amount($0.balance), escape($0.balance.currency.rawValue),
                     $0.homeBalance.map(amount) ?? "not converted"]
                })
        }
        html += "</section>\n"

        if !snapshot.scheduledPayments.isEmpty {
            html += "<section>\n<h2>Scheduled payments</h2>\n"
            html += table(
                headers: ["Pay on", "Vendor", "Bill", "Amount", "Currency", "State", "Projection"], numeric: [3],
                rows: snapshot.scheduledPayments.map { payment in
                    [escape(payment.payOn.description), escape(payment.vendor?.displayName ?? ""),
                     escape(payment.billID.rawValue), amount(payment.amount), escape(payment.amount.currency.rawValue),
                     escape(payment.state.rawValue), escape(payment.week.map { "week \($0)" } ?? payment.treatment.rawValue)]
                })
            html += "</section>\n"
        }

        if !snapshot.unconverted.isEmpty {
            html += "<section>\n<h2>Not converted</h2>\n<p>No exchange rate was given for these currencies; "
                + "their amounts are left out of every total above.</p>\n"
            html += table(
                headers: ["Currency", "Cash", "Bills", "Invoices", "Payments"], numeric: [1, 2, 3, 4],
                rows: snapshot.unconverted.map {
                    [escape($0.currency.rawValue), amount($0.cash), amount($0.payables), amount($0.receivables),
                     amount($0.payments)]
                })
            html += "</section>\n"
        }

        html += "<section>\n<h2>Data quality</h2>\n"
        html += "<p>Bills: \(escape(DisplayFormat.freshness(snapshot.freshness.bills))). "
            + "Invoices: \(escape(DisplayFormat.freshness(snapshot.freshness.invoices))). "
            + "Balances: \(escape(DisplayFormat.freshness(snapshot.freshness.balances))).</p>\n"
        if snapshot.flags.isEmpty && snapshot.warnings.isEmpty {
            html += "<p>No flags.</p>\n"
        } else {
            html += "<ul class=\"flags\">\n"
            for flag in snapshot.flags {
                let scope = flag.entity.map { "\(flag.business)/\($0)" } ?? flag.business.rawValue
                html += "<li><code>\(escape(flag.code.rawValue))</code> \(escape(flag.message)) "
                    + "<small>\(escape(scope)), since \(escape(DisplayFormat.instant(flag.since)))</small></li>\n"
            }
            for warning in snapshot.warnings {
                html += "<li><code>\(escape(warning.code.rawValue))</code> \(escape(warning.message))"
                if !warning.ids.isEmpty { html += " <small>\(escape(warning.ids.joined(separator: ", ")))</small>" }
                html += "</li>\n"
            }
            html += "</ul>\n"
        }
        html += "</section>\n"
        html += "<footer>\(escape(snapshot.business.ref.description)) &middot; generated by RowCol</footer>\n</body>\n</html>\n"
        return html
    }

    /// Escapes text for HTML element content and quoted attribute values, replacing control
    /// characters (other than newline and tab) with U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.append(character)
            // Control characters are not allowed in HTML text; show that something was there.
            case _ where character.unicodeScalars.contains { $0.properties.generalCategory == .control }:
                out += "\u{FFFD}"
            default: out.append(character)
            }
        }
        return out
    }

    static func plain(_ money: Money) -> String { escape(DisplayFormat.amount(money.amount)) }

    static func amount(_ money: Money) -> String {
        let text = plain(money)
        return money.isNegative ? "<span class=\"neg\">\(text)</span>" : text
    }

    static func card(_ label: String, _ value: String, _ tone: String? = nil) -> String {
        "<div class=\"card\(tone.map { " \($0)" } ?? "")\"><div class=\"label\">\(escape(label))</div>"
            + "<div class=\"value\">\(value)</div></div>\n"
    }

    /// A table whose cells are already escaped HTML.
    static func table(headers: [String], numeric: Set<Int>, rows: [[String]]) -> String {
        var html = "<table>\n<thead><tr>"
        for (index, header) in headers.enumerated() {
            html += "<th\(numeric.contains(index) ? " class=\"num\"" : "")>\(escape(header))</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for row in rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() { html += "<td\(numeric.contains(index) ? " class=\"num\"" : "")>\(cell)</td>" }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static func items(title: String, party: String, _ items: [AgingSummary.Item], scheduled: Bool) -> String {
        var html = "<section>\n<h2>\(escape(title))</h2>\n"
        guard !items.isEmpty else { return html + "<p>None.</p>\n</section>\n" }
        var headers = ["Due", party, "No.", "Open", "Currency", "Days overdue"]
        var numeric: Set<Int> = [3, 5]
        if scheduled {
            headers.append("Scheduled")
            numeric.insert(6)
        }
        headers += ["Expected", "Counted", "Week", "Why"]
        numeric.insert(headers.count - 3)
        numeric.insert(headers.count - 2)
        html += table(headers: headers, numeric: numeric, rows: items.map { item in
            var row = [escape(item.dueDate?.description ?? "no date"), escape(item.party.displayName),
                       escape(item.docNumber ?? ""), amount(item.balance), escape(item.balance.currency.rawValue),
                       item.daysOverdue > 0 ? "<span class=\"neg\">\(item.daysOverdue)</span>" : ""]
            if scheduled { row.append(item.scheduled.map(amount) ?? "") }
            let notCounted = item.homeBalance == nil ? "not converted" : item.expectedOn == nil ? "excluded" : "after 13"
            row += [escape(item.expectedOn?.description ?? ""), item.projected.map(amount) ?? "",
                    item.week.map(String.init) ?? notCounted, basis(item.basis)]
            return row
        })
        return html + "</section>\n"
    }

    /// A basis as a small labelled sentence.
    static func basis(_ basis: ProjectionBasis?) -> String {
        guard let basis else { return "" }
        return "<small class=\"basis\"><code>\(escape(basis.code.rawValue))</code> \(escape(basis.text))</small>"
    }

    static func recurring(_ flows: [RecurringFlow]) -> String {
        var html = "<section>\n<h2>Recurring flows</h2>\n"
        guard !flows.isEmpty else { return html + "<p>None detected.</p>\n</section>\n" }
        html += table(
            headers: ["Who", "In/out", "Cadence", "Amount", "Next", "Seen", "Counted", "Why"], numeric: [3, 5, 6],
            rows: flows.map { flow in
                let covered = flow.occurrences.compactMap { $0.coveredBy?.rawValue }
                let cover = covered.isEmpty ? "" : "<small> Already entered as open bills: "
                    + escape(covered.joined(separator: ", ")) + " (not counted again).</small>"
                return ["\(escape(flow.party.displayName)) <small>\(escape(flow.key))</small>", escape(flow.direction.rawValue),
                        escape(flow.cadence.words), amount(flow.amount), escape(flow.nextOn?.description ?? "-"),
                        flow.seenIn.map { "\($0)/\(flow.ofLast ?? 0)" } ?? "", amount(flow.projected),
                        basis(flow.basis) + cover]
            })
        return html + "</section>\n"
    }

    static func oneOffs(_ flows: [PlannedFlow]) -> String {
        guard !flows.isEmpty else { return "" }
        return "<section>\n<h2>Planned one-off items</h2>\n" + table(
            headers: ["On", "Item", "In/out", "Amount", "Week", "Why"], numeric: [3, 4],
            rows: flows.map { flow in
                [escape(flow.on.description), "\(escape(flow.name)) <small>\(escape(flow.id))</small>",
                 escape(flow.direction.rawValue), amount(flow.amount), flow.week.map(String.init) ?? "-", basis(flow.basis)]
            }) + "</section>\n"
    }

    static let css = """
    body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d2430;margin:0 auto;max-width:980px;padding:24px}
    h1{margin:0 0 4px;font-size:24px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
    .meta,.note,footer{color:#5b6575}.note{font-size:12px}footer{margin-top:32px;font-size:12px}
    .cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:16px}
    .card{flex:1 1 140px;border:1px solid #d8dde6;border-radius:8px;padding:10px 12px}
    .card .label{font-size:12px;color:#5b6575}.card .value{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}
    .card small{display:block;font-size:11px;font-weight:400;color:#5b6575}
    .card.bad .value{color:#b3261e}.card.good .value{color:#1e7b34}
    table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
    th,td{padding:4px 8px;border-bottom:1px solid #eceff4;text-align:left}th{font-size:12px;color:#5b6575}
    .num{text-align:right;white-space:nowrap}.neg{color:#b3261e}.pos{color:#1e7b34}
    td code{background:#fff4d6;padding:1px 4px;border-radius:3px;font-size:12px}
    .flags code{background:#fff4d6;padding:1px 4px;border-radius:3px}
    svg{width:100%;height:auto;display:block}
    .basis{color:#5b6575}.basis code{background:#eef2f8;padding:0 3px;border-radius:3px}
    @media print{body{padding:0}.card{break-inside:avoid}}
    """
}
