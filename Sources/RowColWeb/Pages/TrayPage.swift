import Foundation
import RowCol

/// The tray: bills to pay (now or on a date), invoices to chase (with a reminder to copy), flags to
/// fix, payments in flight — across the advisor's businesses.
enum TrayPage {
    static func render(_ tray: Tray, frame: Page.Frame, today: LocalDate, notice: String?) -> String {
        var body = "<h1>Tray</h1>\n<p class=\"meta\">What needs a decision, across \(Page.esc(tray.advisor.rawValue))'s businesses, "
            + "as of \(Page.esc(DisplayFormat.instant(tray.asOf))).</p>\n"
        body += "<form method=\"get\" action=\"/tray\" class=\"toolbar\"><label>Bills due within "
            + "<input type=\"number\" name=\"days\" min=\"0\" max=\"365\" value=\"\(tray.rules.dueWithinDays)\" aria-label=\"days\"> days</label>"
            + "<button class=\"secondary\">Show</button></form>\n"

        body += "<section id=\"bills\"><h2>Bills to pay <small class=\"muted\">\(tray.bills.count)</small></h2>\n"
        if tray.bills.isEmpty {
            body += "<p>No bill due within \(tray.rules.dueWithinDays) days, and none overdue.</p>\n"
        } else {
            body += "<input type=\"search\" placeholder=\"Filter bills\" data-filter=\"tray-bills\" aria-label=\"Filter bills\">\n"
            body += Page.table(
                id: "tray-bills", headers: ["Business", "Vendor", "Bill", "Due", "Overdue", "Open", "Left to pay", frame.readOnly ? "" : "Pay"],
                numeric: [4, 5, 6],
                rows: tray.bills.map { bill in
                    [businessLink(bill.business), Page.esc(bill.vendor.displayName),
                     Page.esc(bill.docNumber.map { "\($0) (\(bill.billID))" } ?? bill.billID.rawValue),
                     Page.esc(bill.dueDate?.description ?? "no date"),
                     bill.daysOverdue > 0 ? "<span class=\"neg\">\(bill.daysOverdue) d</span>" : Page.esc(bill.reason.rawValue.replacingOccurrences(of: "_", with: " ")),
                     Page.money(bill.balance), bill.remaining.map(Page.money) ?? "<small>partly scheduled</small>",
                     frame.readOnly ? "" : payForm(bill, frame: frame, today: today) + (frame.plans ? delayForm(bill, frame: frame, today: today) : "")]
                },
                sortKeys: tray.bills.map { bill in
                    [bill.business.name.lowercased(), bill.vendor.displayName.lowercased(), bill.billID.rawValue,
                     bill.dueDate.map { String($0.daysSinceEpoch) } ?? "", String(bill.daysOverdue), Page.key(bill.balance),
                     Page.key(bill.remaining), ""]
                })
            body += "<p class=\"note\">Paying goes through RowCol's exactly-once path: the same bill, amount and date is one payment "
                + "in QBO however often it is approved, from however many tabs. The answer says sent, queued (recorded; the next sync "
                + "sends or confirms it — do not pay again) or rejected.</p>\n"
        }
        body += "</section>\n"

        body += "<section id=\"invoices\"><h2>Invoices to chase <small class=\"muted\">\(tray.invoices.count)</small></h2>\n"
        if tray.invoices.isEmpty { body += "<p>No invoice is overdue.</p>\n" }
        for (index, invoice) in tray.invoices.enumerated() {
            let textID = "reminder-\(index)"
            body += "<details class=\"chase\"><summary>\(businessLink(invoice.business)) · \(Page.esc(invoice.customer.displayName)) · "
                + "invoice \(Page.esc(invoice.docNumber ?? invoice.invoiceID.rawValue)) · \(Page.money(invoice.balance)) · "
                + "<span class=\"neg\">\(invoice.daysOverdue) days overdue</span></summary>\n"
                + "<textarea class=\"reminder\" id=\"\(textID)\" readonly>\(Page.esc(invoice.reminder))</textarea>\n"
                + "<button type=\"button\" class=\"secondary\" data-copy=\"\(textID)\" hidden>Copy reminder</button></details>\n"
        }
        body += "</section>\n"

        body += "<section id=\"flags\"><h2>Flags to fix <small class=\"muted\">\(tray.flags.count)</small></h2>\n"
        if tray.flags.isEmpty { body += "<p>No flags.</p>\n" }
        body += "<ul class=\"lines\">\n"
        for flag in tray.flags {
            body += "<li>\(businessLink(flag.business)) <code class=\"flag\">\(Page.esc(flag.flag.code.rawValue))</code> \(Page.esc(flag.hint)) "
                + "<small class=\"muted\">\(Page.esc(flag.flag.message))</small>"
            if flag.action == .sync, !frame.readOnly {
                let id = flag.business.business.rawValue
                body += " <form method=\"post\" action=\"/sync\" class=\"inline\" data-api=\"/api/v1/businesses/\(Page.esc(id))/sync\" data-busy=\"syncing…\">"
                    + "\(Page.csrfField(frame))<input type=\"hidden\" name=\"business\" value=\"\(Page.esc(id))\"><button class=\"secondary\">Sync</button></form>"
            }
            body += "</li>\n"
        }
        body += "</ul></section>\n"

        body += "<section id=\"pending\"><h2>Payments in flight <small class=\"muted\">\(tray.pendingPayments.count + tray.rejectedPayments.count)</small></h2>\n"
        let inFlight = tray.pendingPayments.map { ($0, "queued: the next sync sends or confirms it") }
            + tray.rejectedPayments.map { ($0, "rejected") }
        if inFlight.isEmpty { body += "<p>None: every payment made through RowCol is in QBO.</p>\n" }
        if !inFlight.isEmpty {
            body += Page.table(
                id: "tray-payments", headers: ["Business", "Vendor", "Bill", "Pay on", "Amount", "State"], numeric: [4],
                rows: inFlight.map { item, state in
                    [businessLink(item.business), Page.esc(item.payment.vendor?.displayName ?? ""), Page.esc(item.payment.billID.rawValue),
                     Page.esc(item.payment.payOn.description), Page.money(item.payment.amount), Page.esc(state)]
                })
        }
        body += "</section>\n"
        return Page.layout(frame, title: "Tray", active: "/tray", body: body, notice: notice)
    }

    /// Delay: expect the bill on a later date (a plan override), without paying it.
    static func delayForm(_ bill: Tray.BillToPay, frame: Page.Frame, today: LocalDate) -> String {
        let business = bill.business.business.rawValue
        return " <form method=\"post\" action=\"/businesses/\(Page.esc(business))/plan\" class=\"inline plan delay\">" + Page.csrfField(frame)
            + "<input type=\"hidden\" name=\"op\" value=\"expect\"><input type=\"hidden\" name=\"kind\" value=\"bill\">"
            + "<input type=\"hidden\" name=\"id\" value=\"\(Page.esc(bill.billID.rawValue))\">"
            + "<input type=\"hidden\" name=\"return_to\" value=\"/tray\">"
            + "<input type=\"date\" name=\"on\" value=\"\(today.adding(days: 14))\" aria-label=\"delay to\" required>"
            + "<button class=\"secondary\">Delay</button></form>"
    }

    static func businessLink(_ business: RunwayBusiness) -> String {
        "<a href=\"/businesses/\(Page.esc(business.business.rawValue))\">\(Page.esc(business.name))</a>"
    }

    /// Pay now or on a date. The form works without the script (it posts and the page comes back
    /// with the answer); with it, it posts to the API and shows the answer in place. Its
    /// Idempotency-Key is drawn when the page is rendered, so a double submit is one payment.
    static func payForm(_ bill: Tray.BillToPay, frame: Page.Frame, today: LocalDate) -> String {
        let business = bill.business.business.rawValue
        let amount = bill.remaining.map { Money.format($0.amount, minimumFractionDigits: 2) } ?? ""
        return "<form method=\"post\" action=\"/tray/pay\" class=\"inline pay\" data-api=\"/api/v1/businesses/\(Page.esc(business))/payments\" "
            + "data-busy=\"paying…\">" + Page.csrfField(frame)
            + "<input type=\"hidden\" name=\"idempotency_key\" value=\"\(AccessPolicy.makeToken().prefix(32))\">"
            + "<input type=\"hidden\" name=\"business\" value=\"\(Page.esc(business))\">"
            + "<input type=\"hidden\" name=\"bill_id\" value=\"\(Page.esc(bill.billID.rawValue))\">"
            + "<input name=\"amount\" inputmode=\"decimal\" value=\"\(Page.esc(amount))\" aria-label=\"amount\" required>"
            + "<input type=\"date\" name=\"pay_on\" value=\"\(today)\" aria-label=\"pay on\" required>"
            + "<button class=\"pay\">Pay</button></form>"
    }
}
