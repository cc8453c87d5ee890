import Foundation
import RowCol

/// The integration log, newest first, and one line in full.
enum LogPage {
    static func render(_ summaries: [LogLineSummary], business: BusinessID?, frame: Page.Frame, limit: Int) -> String {
        var body = "<h1>Log\(business.map { " of \(Page.esc($0.rawValue))" } ?? "")</h1>\n"
        body += "<p class=\"meta\">Every exchange with QBO, newest first: INBOUND lines carry what changed, OUTBOUND lines the writes "
            + "(intent, look-up, result). <a href=\"/api/v1/log\(Page.query([("business", business?.rawValue)]))\">JSON</a></p>\n"
        body += lines(summaries, showBusiness: business == nil)
        if summaries.count == limit, let oldest = summaries.last {
            body += "<p><a href=\"/log\(Page.query([("business", business?.rawValue), ("before", String(oldest.seq.rawValue))]))\">Older lines</a></p>\n"
        }
        return Page.layout(frame, title: "Log", active: "/log", body: body)
    }

    static func lines(_ lines: [LogLineSummary], showBusiness: Bool) -> String {
        guard !lines.isEmpty else { return "<p>No log lines yet.</p>\n" }
        var headers = ["Seq", "At", "Direction", "Operation", "Phase", "Status", "Changes"]
        if showBusiness { headers.insert("Business", at: 2) }
        return Page.table(
            id: "log", headers: headers, numeric: [0],
            rows: lines.map { line in
                var row = ["<a href=\"/log/\(line.seq)\" id=\"seq-\(line.seq)\">\(line.seq)</a>", Page.esc(DisplayFormat.instant(line.at)),
                           Page.esc(line.direction.rawValue), Page.esc(line.operation), Page.esc(line.phase.rawValue),
                           Page.esc([line.status, line.httpCode.map { "http \($0)" }].compactMap { $0 }.joined(separator: " ")),
                           line.changes == 0 ? "" : "\(line.changes): " + Page.esc(line.entities.joined(separator: ", "))
                               + (line.changes > line.entities.count ? " …" : "")]
                if showBusiness {
                    row.insert("<a href=\"/businesses/\(Page.esc(line.business.rawValue))\">\(Page.esc(line.business.rawValue))</a>", at: 2)
                }
                return row
            })
    }

    static func entry(_ entry: LogEntry, pretty: String, frame: Page.Frame) -> String {
        var body = "<p class=\"meta\"><a href=\"/log\">Log</a> › seq \(entry.seq)</p>\n<h1>Log line \(entry.seq)</h1>\n"
        body += Page.table(
            id: "entry", headers: ["Field", "Value"], numeric: [],
            rows: [
                ["at", Page.esc(Timestamp(entry.at).description)],
                ["business", "<a href=\"/businesses/\(Page.esc(entry.business.rawValue))\">\(Page.esc(entry.business.rawValue))</a>"],
                ["direction", Page.esc(entry.direction.rawValue)], ["operation", Page.esc(entry.operation)],
                ["phase", Page.esc(entry.phase.rawValue)], ["status", Page.esc(entry.status ?? "")],
                ["http", Page.esc(entry.httpCode.map(String.init) ?? "")], ["idempotency key", Page.esc(entry.idemKey ?? "")],
            ])
        body += "<h2>The whole line</h2>\n<pre class=\"payload\">\(Page.esc(pretty))</pre>\n"
        return Page.layout(frame, title: "Log \(entry.seq)", active: "/log", body: body)
    }
}
