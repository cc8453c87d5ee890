import Foundation
import RowCol

/// The console: every business ranked by risk, with its 13-week sparkline, runway, lowest week,
/// cash, AP and AR, freshness and flags; sortable and filterable with or without the script.
enum ConsolePage {
    /// How the rows may be ordered (`?sort=`), each with the value it sorts by.
    static let sorts: [(key: String, label: String)] = [
        ("rank", "#"), ("name", "Business"), ("runway", "Runway"), ("lowest", "Lowest week"), ("cash", "Cash"),
        ("ap", "AP"), ("ar", "AR"), ("freshness", "Data"), ("flags", "Flags"),
    ]

    /// Which rows to show (`?show=`).
    static let filters: [(key: String, label: String)] = [
        ("all", "all"), ("at-risk", "running out within 13 weeks"), ("flagged", "with flags"),
    ]

    struct View {
        var sort = "rank"
        var descending = false
        var show = "all"
        var search = ""

        init(_ fields: FormFields) throws {
            if let sort = fields["sort"] {
                guard ConsolePage.sorts.contains(where: { $0.key == sort }) else {
                    throw WorkbenchError.badRequest("unknown sort \"\(sort.prefix(40))\": use one of \(ConsolePage.sorts.map(\.key).joined(separator: ", "))")
                }
                self.sort = sort
            }
            descending = fields["dir"] == "desc"
            if let show = fields["show"] {
                guard ConsolePage.filters.contains(where: { $0.key == show }) else {
                    throw WorkbenchError.badRequest("unknown show \"\(show.prefix(40))\": use one of \(ConsolePage.filters.map(\.key).joined(separator: ", "))")
                }
                self.show = show
            }
            search = fields["q"] ?? ""
        }

        var cacheKey: String { "\(sort)|\(descending)|\(show)|\(search)" }
    }

    static func render(_ entry: ConsoleEntry, view: View, frame: Page.Frame, notice: String?) -> String {
        let console = entry.console
        var rows = console.rows.filter { row in
            switch view.show {
            case "at-risk": return row.weeksOfRunway.firstNegativeWeek != nil
            case "flagged": return row.flagCount + row.warningCount > 0
            default: return true
            }
        }
        if !view.search.isEmpty {
            let needle = view.search.lowercased()
            rows = rows.filter { "\($0.business.name) \($0.business.business)".lowercased().contains(needle) }
        }
        rows.sort { order($0, $1, by: view.sort) }
        if view.descending { rows.reverse() }

        var body = "<h1>Console</h1>\n<p class=\"meta\">\(console.rows.count) business\(console.rows.count == 1 ? "" : "es") of "
            + "\(Page.esc(console.advisor.rawValue)), the most at risk first, as of \(Page.esc(DisplayFormat.instant(console.asOf))). "
            + "Each row is in its business's home currency.</p>\n"
        body += "<div class=\"toolbar\"><form method=\"get\" action=\"/\" class=\"inline\">"
            + "<input type=\"search\" name=\"q\" value=\"\(Page.esc(view.search))\" placeholder=\"Filter businesses\" data-filter=\"console\" aria-label=\"Filter businesses\">"
            + "<select name=\"show\" aria-label=\"Show\">"
        for filter in filters {
            body += "<option value=\"\(filter.key)\"\(filter.key == view.show ? " selected" : "")>\(Page.esc(filter.label))</option>"
        }
        body += "</select><input type=\"hidden\" name=\"sort\" value=\"\(Page.esc(view.sort))\"><button class=\"secondary\">Apply</button></form>"
        if !frame.readOnly {
            body += "<form method=\"post\" action=\"/sync\" class=\"inline\" data-api=\"/api/v1/sync\" data-busy=\"syncing every business…\">"
                + Page.csrfField(frame) + "<button id=\"sync-all\">Sync now</button></form>"
        }
        body += "</div>\n"
        let links = sorts.map { sort -> String? in
            let flip = sort.key == view.sort && !view.descending
            return "/" + Page.query([("sort", sort.key), ("dir", flip ? "desc" : nil), ("show", view.show == "all" ? nil : view.show),
                                    ("q", view.search.isEmpty ? nil : view.search)])
        }
        let headers = ["#", "Business", "Runway", "13 weeks", "Lowest week", "Cash", "AP", "AR", "Data", "Flags"]
        var cells: [[String]] = []
        var keys: [[String]] = []
        for row in rows {
            let runs = row.weeksOfRunway.firstNegativeWeek != nil
            let snapshot = entry.entries[row.business.business]?.snapshot
            let codes = row.flagCodes + row.warningCodes
            let href = "/businesses/\(row.business.business.rawValue)"
            cells.append([
                "\(row.rank)",
                "<a href=\"\(Page.esc(href))\" class=\"business\">\(Page.esc(row.business.name))</a> <small class=\"muted\">\(Page.esc(row.business.business.rawValue))</small>",
                "<strong class=\"\(runs ? "neg" : "pos")\">\(Page.esc(row.weeksOfRunway.label))</strong>",
                snapshot.map { Charts.sparkline($0.weeks, label: "closing balance over 13 weeks, lowest in week \(row.lowestWeek.index)") } ?? "",
                Page.amount(row.lowestWeek.closing) + " <small class=\"muted\">w\(row.lowestWeek.index)</small>",
                Page.amount(row.cashOnHand) + " <small class=\"muted\">\(Page.esc(row.homeCurrency.rawValue))</small>",
                Page.amount(row.payablesTotal) + (row.overduePayables.isPositive ? "<br><small class=\"neg\">\(Page.esc(DisplayFormat.amount(row.overduePayables.amount))) overdue</small>" : ""),
                Page.amount(row.receivablesTotal) + (row.overdueReceivables.isPositive ? "<br><small class=\"neg\">\(Page.esc(DisplayFormat.amount(row.overdueReceivables.amount))) overdue</small>" : ""),
                Page.esc(row.freshness.rawValue),
                codes.map { "<code class=\"flag\">\(Page.esc($0))</code>" }.joined(separator: " "),
            ])
            keys.append([
                "\(row.rank)", row.business.name.lowercased(), "\(row.weeksOfRunway.rankingWeeks)", "\(row.lowestWeek.index)",
                Page.key(row.lowestWeek.closing), Page.key(row.cashOnHand), Page.key(row.payablesTotal), Page.key(row.receivablesTotal),
                "\(staleness[row.freshness] ?? 0)", "\(row.flagCount + row.warningCount)",
            ])
        }
        let headerLinks: [String?] = [links[0], links[1], links[2], nil, links[3], links[4], links[5], links[6], links[7], links[8]]
        body += Page.table(id: "console", headers: headers, numeric: [0, 2, 4, 5, 6, 7], rows: cells, sortKeys: keys, headerLinks: headerLinks)
        if rows.isEmpty { body += "<p>No business matches.</p>\n" }
        body += "<p class=\"note\">Runway is the first week whose projected closing balance goes below zero (13+ when none does). "
            + "The sparkline is the closing balance of each of the 13 weeks; the dot is the lowest. Data is the stalest input.</p>\n"
        return Page.layout(frame, title: "Console", active: "/", body: body, notice: notice)
    }

    /// Stalest last when sorted ascending by data freshness.
    static let staleness: [Freshness.Level: Int] = [.fresh: 0, .stale: 1, .staleHard: 2, .never: 3]

    /// The order of `sort`: ties fall back to the risk rank, so every order is total.
    static func order(_ lhs: AdvisorConsole.Row, _ rhs: AdvisorConsole.Row, by sort: String) -> Bool {
        func by<T: Comparable>(_ value: (AdvisorConsole.Row) -> T) -> Bool {
            value(lhs) == value(rhs) ? lhs.rank < rhs.rank : value(lhs) < value(rhs)
        }
        switch sort {
        case "name": return by { $0.business.name.lowercased() }
        case "runway": return by { $0.weeksOfRunway.rankingWeeks }
        case "lowest": return by { $0.lowestWeek.closing.amount }
        case "cash": return by { $0.cashOnHand.amount }
        case "ap": return by { $0.payablesTotal.amount }
        case "ar": return by { $0.receivablesTotal.amount }
        case "freshness": return by { -(staleness[$0.freshness] ?? 0) }
        case "flags": return by { -($0.flagCount + $0.warningCount) }
        default: return lhs.rank < rhs.rank
        }
    }
}
