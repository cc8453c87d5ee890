import Foundation
import RowCol

/// Freshness, documents, pending writes and flags per business, and how this server runs.
enum StatusPage {
    static func render(_ status: StatusAnswer, frame: Page.Frame) -> String {
        var body = "<h1>Status</h1>\n<section class=\"cards\">"
        body += Page.card("Advisor", Page.esc(status.advisor.rawValue))
        body += Page.card("Mode", status.readOnly ? "read-only" : "read-write")
        body += Page.card("Scheduler", status.scheduler.enabled ? "on" : "off",
                          note: status.scheduler.enabled ? "nightly recon at \(String(format: "%02d", status.scheduler.nightlyReconHour)):00 UTC" : "SYNC_SCHEDULER_ENABLED=true turns it on")
        body += Page.card("Webhooks", status.webhooks ? "on" : "off", note: status.webhooks ? "POST /webhooks/qbo" : "no verifier token")
        body += "</section>\n"
        if let last = status.scheduler.lastRun {
            body += "<p class=\"meta\">Scheduler: last run \(Page.esc(DisplayFormat.instant(last)))"
                + (status.scheduler.lastRecon.map { "; last nightly recon \(Page.esc(DisplayFormat.instant($0)))" } ?? "") + ".</p>\n"
        }
        for business in status.businesses {
            let id = business.business.rawValue
            body += "<section><h2><a href=\"/businesses/\(Page.esc(id))\">\(Page.esc(business.displayName ?? id))</a> <small class=\"muted\">\(Page.esc(id))</small></h2>\n"
            body += "<p>QBO realm \(Page.esc(business.realmID)), connection \(Page.esc(business.connection)), log seq \(business.checkpoint)"
                + (business.pendingWrites > 0 ? ", <strong>\(business.pendingWrites) payment(s) waiting in the outbox</strong>" : "") + ".</p>\n"
            body += Page.table(
                id: "status-\(id)", headers: ["Kind", "Documents", "Freshness", "Synced"], numeric: [1],
                rows: ["bill", "invoice", "balance", "payment"].map { kind in
                    let freshness = business.freshness[kind]
                    return [Page.esc(kind), "\(business.documents[kind] ?? 0)", Page.esc(freshness?.level.rawValue ?? "—"),
                            Page.esc(freshness?.refreshedAt.map(DisplayFormat.instant) ?? (freshness == nil ? "" : "never"))]
                })
            if !business.flags.isEmpty {
                body += "<ul class=\"lines\">" + business.flags.map {
                    "<li><code class=\"flag\">\(Page.esc($0.code.rawValue))</code> \(Page.esc($0.message))</li>"
                }.joined() + "</ul>\n"
            }
            body += "</section>\n"
        }
        return Page.layout(frame, title: "Status", active: "/status", body: body)
    }
}
