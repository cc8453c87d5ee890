import Foundation
import RowCol

/// What changed since a date, per business, each line linked to the log line behind it.
enum DigestPage {
    static func render(_ digest: Digest, frame: Page.Frame, sinceField: String) -> String {
        var body = "<h1>Digest</h1>\n<form method=\"get\" action=\"/digest\" class=\"toolbar\"><label>Since "
            + "<input type=\"date\" name=\"since\" value=\"\(Page.esc(sinceField))\" aria-label=\"since\"></label>"
            + "<button class=\"secondary\">Show</button> <a href=\"/api/v1/digest\(Page.query([("since", digest.since)]))\">JSON</a></form>\n"
        body += "<p class=\"meta\">What changed in \(Page.esc(digest.advisor.rawValue))'s businesses since \(Page.esc(digest.since)) "
            + "(\(Page.esc(DisplayFormat.instant(digest.sinceInstant)))), computed from the integration log. "
            + "Each line links to the log line that recorded it; flags live in the businesses' state, not the log.</p>\n"
        for section in digest.businesses {
            let id = section.business.business.rawValue
            body += "<section id=\"digest-\(Page.esc(id))\"><h2><a href=\"/businesses/\(Page.esc(id))\">\(Page.esc(section.business.name))</a></h2>\n"
            body += "<p>\(Page.esc(DigestReport.runway(section)))</p>\n"
            let counts = Digest.Kind.all.compactMap { kind in
                section.counts[kind.rawValue].map { "<code class=\"flag\">\(Page.esc(kind.rawValue))</code> \($0)" }
            }
            body += counts.isEmpty ? "<p>Nothing changed.</p>\n" : "<p>\(counts.joined(separator: " · "))</p>\n"
            if !section.lines.isEmpty {
                body += "<ul class=\"lines digest\">\n"
                for line in section.lines {
                    let seq = line.seq.map { "<a href=\"/log/\($0)\" class=\"seq\">#\($0)</a>" } ?? "<a href=\"/status\" class=\"seq\">state</a>"
                    body += "<li>\(seq) <code class=\"flag\">\(Page.esc(line.kind.rawValue))</code> \(Page.esc(line.text)) "
                        + "<small class=\"muted\">\(Page.esc(DisplayFormat.instant(line.at)))</small></li>\n"
                }
                body += "</ul>\n"
            }
            if section.omitted > 0 {
                body += "<p class=\"note\">… and \(section.omitted) more lines; the counts above are complete. "
                    + "<a href=\"/api/v1/digest\(Page.query([("since", digest.since), ("limit", "100000")]))\">All of them as JSON</a></p>\n"
            }
            body += "</section>\n"
        }
        return Page.layout(frame, title: "Digest", active: "/digest", body: body)
    }
}
