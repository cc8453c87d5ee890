import Foundation
import RowCol

/// The frame every page shares — navigation, the CSRF token for the page's forms, the stylesheet
/// and script served by this server (the Content-Security-Policy allows nothing else) — and the
/// small helpers the pages are written with. Every piece of text goes through ``esc(_:)``.
enum Page {
    /// The pages of the navigation bar, in order: (path, label).
    static let navigation: [(path: String, label: String)] = [
        ("/", "Console"), ("/tray", "Tray"), ("/digest", "Digest"), ("/status", "Status"), ("/log", "Log"),
    ]

    /// What every page needs to know about the server it comes from.
    struct Frame: Sendable {
        var advisor: AdvisorID
        var csrfToken: String
        var readOnly: Bool
        /// Whether plans are wired in (``WorkbenchOptions/planning``): plan forms and scenarios are shown.
        var plans = false
    }

    static func layout(_ frame: Frame, title: String, active: String, body: String, notice: String? = nil) -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf-token" content="\(esc(frame.csrfToken))">
        <title>\(esc(title)) · RowCol</title>
        <link rel="stylesheet" href="/assets/workbench.css">
        <script src="/assets/workbench.js" defer></script>
        </head>
        <body data-page="\(esc(active))">
        <nav class="top"><span class="brand">RowCol</span>
        """
        for item in navigation {
            html += "<a href=\"\(item.path)\"\(item.path == active ? " class=\"active\" aria-current=\"page\"" : "")>\(esc(item.label))</a>"
        }
        html += "<span class=\"who\">advisor <strong>\(esc(frame.advisor.rawValue))</strong>"
            + (frame.readOnly ? " · <span class=\"badge\">read-only</span>" : "") + "</span></nav>\n"
        html += "<div id=\"live\" class=\"live\" hidden role=\"status\">Data changed — <a href=\"\">reload</a></div>\n"
        if let notice { html += "<div class=\"notice\" role=\"status\">\(notice)</div>\n" }
        html += "<main>\n" + body + "</main>\n<footer>RowCol workbench · reads the mirror without a lock; "
            + "writes take the advisor's lock one operation at a time</footer>\n</body>\n</html>\n"
        return html
    }

    /// A small page for an error (HTML answers only).
    static func error(status: Int, title: String, message: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>\(status) \(esc(title)) · RowCol</title>
        <link rel="stylesheet" href="/assets/workbench.css"></head>
        <body><main><h1>\(status) \(esc(title))</h1><p>\(esc(message))</p><p><a href="/">Back to the console</a></p></main></body>
        </html>

        """
    }

    static func esc(_ text: String) -> String { HTMLReport.escape(text) }

    /// An amount, red when negative.
    static func amount(_ money: Money) -> String {
        let text = esc(DisplayFormat.amount(money.amount))
        return money.isNegative ? "<span class=\"neg\">\(text)</span>" : text
    }

    /// `1,234.50 USD`.
    static func money(_ money: Money) -> String { amount(money) + " <small>\(esc(money.currency.rawValue))</small>" }

    /// A hidden field carrying the CSRF token, for forms that post.
    static func csrfField(_ frame: Frame) -> String {
        "<input type=\"hidden\" name=\"csrf_token\" value=\"\(esc(frame.csrfToken))\">"
    }

    /// A KPI card.
    static func card(_ label: String, _ value: String, note: String? = nil, tone: String? = nil) -> String {
        "<div class=\"card\(tone.map { " \($0)" } ?? "")\"><div class=\"label\">\(esc(label))</div><div class=\"value\">\(value)</div>"
            + (note.map { "<small>\($0)</small>" } ?? "") + "</div>\n"
    }

    /// A table whose cells are already HTML; `sortKeys` (same shape as rows) give `data-sort` values
    /// the script sorts by, so amounts sort as numbers.
    static func table(id: String, headers: [String], numeric: Set<Int>, rows: [[String]], sortKeys: [[String]]? = nil,
                      headerLinks: [String?]? = nil) -> String {
        var html = "<table id=\"\(esc(id))\" class=\"data\">\n<thead><tr>"
        for (index, header) in headers.enumerated() {
            let label = headerLinks?[index].map { "<a href=\"\(esc($0))\">\(esc(header))</a>" } ?? esc(header)
            html += "<th\(numeric.contains(index) ? " class=\"num\"" : "") data-col=\"\(index)\">\(label)</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for (rowIndex, row) in rows.enumerated() {
            html += "<tr>"
            for (index, cell) in row.enumerated() {
                let key = sortKeys?[rowIndex][index]
                html += "<td\(numeric.contains(index) ? " class=\"num\"" : "")\(key.map { " data-sort=\"\(esc($0))\"" } ?? "")>\(cell)</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// `?a=1&b=2` from the pairs whose value is not nil, escaped.
    static func query(_ pairs: [(String, String?)]) -> String {
        let parts = pairs.compactMap { name, value in value.map { "\(name)=\(FormFields.escape($0))" } }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// A sortable decimal key (amounts as plain numbers).
    static func key(_ money: Money?) -> String { money.map { Money.format($0.amount, minimumFractionDigits: 2) } ?? "" }
}
