import Foundation
import RowCol

/// A business: KPI cards, the 13-week chart (click a week for the items behind it), aging, the open
/// bills and invoices (sort, search), bank accounts, payments, flags and this business's log.
enum BusinessPage {
    /// The orders of the open-item tables (`?bills_sort=`, `?invoices_sort=`).
    static let itemSorts: [(key: String, label: String)] = [
        ("due", "Due"), ("party", "Party"), ("open", "Open"), ("overdue", "Days overdue"), ("week", "Week"),
    ]

    /// Rows shown per table before "show all".
    static let pageRows = 200

    struct View {
        var week: Int?
        var billsSort = "due"
        var billsQuery = ""
        var billsAll = false
        var invoicesSort = "due"
        var invoicesQuery = ""
        var invoicesAll = false
        /// The plan's scenario shown (nil: the base), and one to compare it with.
        var scenario: String?
        var compare: String?

        init(_ fields: FormFields) throws {
            if let text = fields["week"] {
                guard let week = Int(text), (1...RunwayCalendar.weekCount).contains(week) else {
                    throw WorkbenchError.badRequest("week must be a number from 1 to \(RunwayCalendar.weekCount), not \"\(text.prefix(20))\"")
                }
                self.week = week
            }
            billsSort = try Self.sort(fields["bills_sort"], name: "bills_sort")
            invoicesSort = try Self.sort(fields["invoices_sort"], name: "invoices_sort")
            billsQuery = fields["bills_q"] ?? ""
            invoicesQuery = fields["invoices_q"] ?? ""
            billsAll = fields["bills_all"] == "1"
            invoicesAll = fields["invoices_all"] == "1"
            scenario = fields["scenario"].flatMap { $0.isEmpty || $0 == "base" ? nil : $0 }
            compare = fields["compare"].flatMap { $0.isEmpty ? nil : $0 }
        }

        static func sort(_ value: String?, name: String) throws -> String {
            guard let value else { return "due" }
            guard BusinessPage.itemSorts.contains(where: { $0.key == value }) else {
                throw WorkbenchError.badRequest("unknown \(name) \"\(value.prefix(40))\": use one of \(BusinessPage.itemSorts.map(\.key).joined(separator: ", "))")
            }
            return value
        }

        var cacheKey: String {
            "\(week ?? 0)|\(billsSort)|\(billsQuery)|\(billsAll)|\(invoicesSort)|\(invoicesQuery)|\(invoicesAll)|"
                + "\(scenario ?? "")|\(compare ?? "")"
        }

        /// The query string of this view with some fields changed (nil removes one).
        func link(_ changes: [String: String?] = [:]) -> String {
            var fields: [(String, String?)] = [
                ("week", week.map(String.init)), ("bills_sort", billsSort == "due" ? nil : billsSort),
                ("bills_q", billsQuery.isEmpty ? nil : billsQuery), ("bills_all", billsAll ? "1" : nil),
                ("invoices_sort", invoicesSort == "due" ? nil : invoicesSort),
                ("invoices_q", invoicesQuery.isEmpty ? nil : invoicesQuery), ("invoices_all", invoicesAll ? "1" : nil),
                ("scenario", scenario), ("compare", compare),
            ]
            for (index, field) in fields.enumerated() where changes.keys.contains(field.0) { fields[index].1 = changes[field.0]! }
            return Page.query(fields)
        }
    }

    static func render(_ entry: BusinessEntry, log: [LogLineSummary], view: View, frame: Page.Frame, notice: String?) throws
        -> String
    {
        let snapshot = try entry.snapshot(scenario: view.scenario)
        let compared = try view.compare.map { try entry.snapshot(scenario: $0) }
        let id = snapshot.business.business.rawValue
        let currency = snapshot.homeCurrency.rawValue
        var body = "<p class=\"meta\"><a href=\"/\">Console</a> › \(Page.esc(snapshot.business.name))</p>\n"
        body += "<h1>\(Page.esc(snapshot.business.name)) <small class=\"muted\">\(Page.esc(id))</small></h1>\n"
        body += "<p class=\"meta\">As of \(Page.esc(DisplayFormat.instant(snapshot.asOf))); week 1 starts \(Page.esc(snapshot.asOfDate.description)). "
            + "Amounts in \(Page.esc(currency)). Bills \(Page.esc(DisplayFormat.freshness(snapshot.freshness.bills))), "
            + "invoices \(Page.esc(DisplayFormat.freshness(snapshot.freshness.invoices))), "
            + "balances \(Page.esc(DisplayFormat.freshness(snapshot.freshness.balances))). Log seq \(entry.checkpoint).</p>\n"
        if !frame.readOnly {
            body += "<div class=\"toolbar\"><form method=\"post\" action=\"/sync\" class=\"inline\" data-api=\"/api/v1/businesses/\(Page.esc(id))/sync\" "
                + "data-busy=\"syncing \(Page.esc(id))…\">\(Page.csrfField(frame))<input type=\"hidden\" name=\"business\" value=\"\(Page.esc(id))\">"
                + "<button id=\"sync-business\">Sync now</button></form> <a href=\"/tray\">Tray</a></div>\n"
        }
        let runs = snapshot.weeksOfRunway.firstNegativeWeek != nil
        body += "<section class=\"cards\">\n"
        body += Page.card("Cash on hand", Page.amount(snapshot.cash.total), note: "\(snapshot.cash.accounts.count) bank account(s)")
        body += Page.card("Weeks of runway", Page.esc(snapshot.weeksOfRunway.label), tone: runs ? "bad" : "good")
        body += Page.card("Lowest closing", Page.amount(snapshot.lowestWeek.closing), note: "week \(snapshot.lowestWeek.index), from \(snapshot.lowestWeek.start)")
        body += Page.card("Bills open (AP)", Page.amount(snapshot.payables.openTotal), note: "\(Page.esc(DisplayFormat.amount(snapshot.payables.overdueTotal.amount))) overdue")
        body += Page.card("Invoices open (AR)", Page.amount(snapshot.receivables.openTotal), note: "\(Page.esc(DisplayFormat.amount(snapshot.receivables.overdueTotal.amount))) overdue")
        body += Page.card("Burn per week", Page.amount(snapshot.burn.weekly), note: "negative: more comes in than goes out")
        body += Page.card("Flags", "\(snapshot.flags.count + snapshot.warnings.count)", tone: snapshot.flags.isEmpty && snapshot.warnings.isEmpty ? "good" : "bad")
        body += "</section>\n"

        body += "<section><h2>13-week projection\(view.scenario.map { " — scenario \(Page.esc($0))" } ?? "")</h2>\n"
        body += scenarioSwitcher(entry, view: view)
        if let compared, let name = view.compare { body += comparison(snapshot, compared, view: view, name: name) }
        body += Charts.weeks(snapshot, selected: view.week) { view.link(["week": String($0)]) + "#week" }
        body += Page.table(
            id: "weeks", headers: ["Week", "Starts", "Opening", "Receipts", "Disbursements", "Net", "Closing"],
            numeric: [0, 2, 3, 4, 5, 6],
            rows: snapshot.weeks.map { week in
                ["<a href=\"\(Page.esc(view.link(["week": String(week.index)])))#week\">\(week.index)</a>", Page.esc(week.start.description),
                 Page.amount(week.opening), Page.amount(week.receipts), Page.amount(week.disbursements), Page.amount(week.net),
                 Page.amount(week.closing)]
            })
        body += "<p class=\"note\">Weeks are 7-day windows from the as-of date. Overdue bills and invoices land in week 1; "
            + "scheduled payments in the week of their date. Runway is the first week closing below zero.</p></section>\n"
        if let number = view.week { body += weekItems(snapshot, week: number, view: view, frame: frame) }
        if frame.plans { body += planSection(entry, view: view, frame: frame) }

        body += "<section><h2>Aging on \(Page.esc(snapshot.asOfDate.description))</h2>\n"
        var aging = zip(snapshot.payables.buckets.labelled, snapshot.receivables.buckets.labelled).map { ap, ar in
            [Page.esc(ap.label), Page.amount(ap.amount), Page.amount(ar.amount)]
        }
        aging.append(["Total open", Page.amount(snapshot.payables.openTotal), Page.amount(snapshot.receivables.openTotal)])
        aging.append(["Due after week 13", Page.amount(snapshot.payables.beyondHorizon), Page.amount(snapshot.receivables.beyondHorizon)])
        aging.append(["Credits (not projected)", Page.amount(snapshot.payables.credits), Page.amount(snapshot.receivables.credits)])
        body += Page.table(id: "aging", headers: ["", "Bills (AP)", "Invoices (AR)"], numeric: [1, 2], rows: aging) + "</section>\n"

        body += items(snapshot.payables.items, kind: "bills", title: "Open bills", party: "Vendor", view: view, business: id,
                      sort: view.billsSort, query: view.billsQuery, all: view.billsAll)
        body += items(snapshot.receivables.items, kind: "invoices", title: "Open invoices", party: "Customer", view: view, business: id,
                      sort: view.invoicesSort, query: view.invoicesQuery, all: view.invoicesAll)

        body += "<section><h2>Bank accounts</h2>\n"
        body += snapshot.cash.accounts.isEmpty ? "<p>No active bank account.</p>\n" : Page.table(
            id: "accounts", headers: ["Account", "Balance", "Currency", "In \(currency)"], numeric: [1, 3],
            rows: snapshot.cash.accounts.map {
                [Page.esc($0.name), Page.amount($0.balance), Page.esc($0.balance.currency.rawValue), $0.homeBalance.map(Page.amount) ?? "not converted"]
            })
        body += "</section>\n<section><h2>Payments scheduled through RowCol</h2>\n"
        body += snapshot.scheduledPayments.isEmpty ? "<p>None.</p>\n" : payments(snapshot.scheduledPayments)
        body += "</section>\n<section><h2>Flags and warnings</h2>\n" + flags(snapshot) + "</section>\n"
        body += "<section><h2>This business's log</h2>\n" + LogPage.lines(log, showBusiness: false)
        body += "<p><a href=\"/log\(Page.query([("business", id)]))\">The whole log of \(Page.esc(id))</a></p></section>\n"
        return Page.layout(frame, title: snapshot.business.name, active: "/businesses/\(id)", body: body, notice: notice)
    }

    /// The items behind one week, each with why it lands there.
    static func weekItems(_ snapshot: RunwaySnapshot, week number: Int, view: View, frame: Page.Frame) -> String {
        guard let week = snapshot.weeks.first(where: { $0.index == number }) else { return "" }
        var html = "<section id=\"week\"><h2>Week \(number): \(Page.esc(week.start.description)) to \(Page.esc(week.end.description))</h2>\n"
        html += "<p>Receipts \(Page.amount(week.receipts)), disbursements \(Page.amount(week.disbursements)), closing \(Page.amount(week.closing)). "
            + "<a href=\"\(Page.esc(view.link(["week": nil])))\">Close</a></p>\n"
        let bills = snapshot.payables.items.filter { $0.week == number }
        let invoices = snapshot.receivables.items.filter { $0.week == number }
        let payments = snapshot.scheduledPayments.filter { $0.week == number && $0.treatment == .projected }
        var rows: [[String]] = []
        let editable = frame.plans && !frame.readOnly
        let business = snapshot.business.business.rawValue
        let back = "/businesses/\(business)" + view.link() + "#week"
        for (kind, list) in [(PlanItemRef.Kind.bill, bills), (.invoice, invoices)] {
            for item in list {
                var row = [kind == .bill ? "Bill" : "Invoice", Page.esc(item.id.rawValue), Page.esc(item.party.displayName),
                           Page.esc(item.docNumber ?? ""), Page.esc(basis(item)), item.projected.map(Page.amount) ?? ""]
                if editable {
                    row.append(planForms(business: business, kind: kind, id: item.id, date: item.dueDate ?? snapshot.asOfDate,
                                         frame: frame, back: back))
                }
                rows.append(row)
            }
        }
        for payment in payments {
            var row = ["Payment", Page.esc(payment.billID.rawValue), Page.esc(payment.vendor?.displayName ?? ""), "",
                       Page.esc("scheduled payment on \(payment.payOn) (\(payment.state.rawValue))"), payment.homeAmount.map(Page.amount) ?? ""]
            if editable { row.append("") }
            rows.append(row)
        }
        // Recurring flows and one-offs move the week too: every amount the week counts is listed.
        for flow in snapshot.recurring {
            for occurrence in flow.occurrences where occurrence.week == number {
                let counted = occurrence.coveredBy == nil ? Page.amount(occurrence.amount) : ""
                let why = occurrence.coveredBy.map { "\(flow.cadence.rawValue) on \(occurrence.on), covered by open bill \($0)" }
                    ?? "\(flow.cadence.rawValue) on \(occurrence.on): \(flow.basis.text)"
                var row = ["Recurring", Page.esc(flow.key), Page.esc(flow.party.displayName), "", Page.esc(why), counted]
                if editable { row.append("") }
                rows.append(row)
            }
        }
        for flow in snapshot.oneOffs where flow.week == number {
            var row = ["One-off", Page.esc(flow.id), Page.esc(flow.name), "", Page.esc("on \(flow.on): \(flow.basis.text)"),
                       Page.amount(flow.amount)]
            if editable { row.append("") }
            rows.append(row)
        }
        let headers = ["Kind", "Id", "Party", "No.", "Why this week", "Counted"] + (editable ? ["Plan"] : [])
        html += rows.isEmpty ? "<p>No item lands in this week.</p>\n"
            : Page.table(id: "week-items", headers: headers, numeric: [5], rows: rows)
        return html + "</section>\n"
    }

    /// The plan forms of one bill or invoice: expect it on a date, or leave it out. They post to the
    /// page route (a redirect brings the person back here) and work without the script.
    static func planForms(business: String, kind: PlanItemRef.Kind, id: EntityID, date: LocalDate, frame: Page.Frame, back: String)
        -> String
    {
        let common = Page.csrfField(frame) + "<input type=\"hidden\" name=\"kind\" value=\"\(kind.rawValue)\">"
            + "<input type=\"hidden\" name=\"id\" value=\"\(Page.esc(id.rawValue))\">"
            + "<input type=\"hidden\" name=\"return_to\" value=\"\(Page.esc(back))\">"
        let action = "/businesses/\(Page.esc(business))/plan"
        return "<form method=\"post\" action=\"\(action)\" class=\"inline plan expect\">" + common
            + "<input type=\"hidden\" name=\"op\" value=\"expect\">"
            + "<input type=\"date\" name=\"on\" value=\"\(date)\" aria-label=\"expected on\" required>"
            + "<button class=\"secondary\">Expect</button></form> "
            + "<form method=\"post\" action=\"\(action)\" class=\"inline plan exclude\">" + common
            + "<input type=\"hidden\" name=\"op\" value=\"exclude\"><button class=\"secondary\">Leave out</button></form>"
    }

    /// The scenario switcher: the base and each scenario of the plan, and a comparison with the base.
    static func scenarioSwitcher(_ entry: BusinessEntry, view: View) -> String {
        if let problem = entry.planProblem {
            return "<p class=\"note neg\">The plan could not be read, so the base is shown: \(Page.esc(problem))</p>\n"
        }
        guard !entry.scenarioNames.isEmpty else { return "" }
        var html = "<nav class=\"scenarios toolbar\" aria-label=\"Scenarios\">Scenario:"
        for name in ["base"] + entry.scenarioNames {
            let current = (view.scenario ?? "base") == name
            var target = view
            target.scenario = name == "base" ? nil : name
            target.compare = nil
            html += current ? " <strong aria-current=\"true\">\(Page.esc(name))</strong>"
                : " <a href=\"\(Page.esc(target.link()))\" class=\"scenario\">\(Page.esc(name))</a>"
        }
        html += " · compare with:"
        for name in entry.scenarioNames where name != view.scenario {
            var target = view
            target.compare = name
            html += " <a href=\"\(Page.esc(target.link()))\" class=\"compare\">\(Page.esc(name))</a>"
        }
        return html + "</nav>\n"
    }

    /// Two projections side by side, week by week.
    static func comparison(_ shown: RunwaySnapshot, _ other: RunwaySnapshot, view: View, name: String) -> String {
        let left = view.scenario ?? "base"
        var html = "<section id=\"compare\"><h3>\(Page.esc(left)) and \(Page.esc(name))</h3>\n"
        html += "<p>Runway \(Page.esc(shown.weeksOfRunway.label)) and \(Page.esc(other.weeksOfRunway.label)); lowest closing "
            + "\(Page.amount(shown.lowestWeek.closing)) (week \(shown.lowestWeek.index)) and \(Page.amount(other.lowestWeek.closing)) "
            + "(week \(other.lowestWeek.index)).</p>\n"
        html += Page.table(
            id: "compare-weeks", headers: ["Week", "Closing, \(left)", "Closing, \(name)", "Difference"], numeric: [0, 1, 2, 3],
            rows: zip(shown.weeks, other.weeks).map { a, b in
                ["\(a.index)", Page.amount(a.closing), Page.amount(b.closing),
                 Page.amount(Money(b.closing.amount - a.closing.amount, b.closing.currency))]
            })
        return html + "</section>\n"
    }

    /// The plan's floor and one-off items, and a link to the whole plan.
    static func planSection(_ entry: BusinessEntry, view: View, frame: Page.Frame) -> String {
        let business = entry.business.rawValue
        var html = "<section id=\"plan\"><h2>Plan</h2>\n<p class=\"note\">The advisor's own assumptions, kept in this "
            + "business's plan.json (never sent to QBO). <a href=\"/api/v1/businesses/\(Page.esc(business))/plan\">The whole plan</a>.</p>\n"
        guard !frame.readOnly else { return html + "</section>\n" }
        let action = "/businesses/\(Page.esc(business))/plan"
        let back = "<input type=\"hidden\" name=\"return_to\" value=\"\(Page.esc("/businesses/\(business)" + view.link() + "#plan"))\">"
        html += "<form method=\"post\" action=\"\(action)\" class=\"toolbar plan floor\">\(Page.csrfField(frame))\(back)"
            + "<input type=\"hidden\" name=\"op\" value=\"floor\"><label>Cash floor "
            + "<input name=\"amount\" inputmode=\"decimal\" placeholder=\"0.00\" aria-label=\"cash floor\"></label>"
            + "<button class=\"secondary\">Set floor</button></form>\n"
        html += "<form method=\"post\" action=\"\(action)\" class=\"toolbar plan one-off\">\(Page.csrfField(frame))\(back)"
            + "<input type=\"hidden\" name=\"op\" value=\"one_off\">"
            + "<input name=\"one_off_id\" placeholder=\"id, e.g. loan-2027\" aria-label=\"one-off id\" required>"
            + "<input name=\"name\" placeholder=\"what it is\" aria-label=\"one-off name\" required>"
            + "<select name=\"direction\" aria-label=\"direction\"><option value=\"outflow\">money out</option>"
            + "<option value=\"inflow\">money in</option></select>"
            + "<input name=\"amount\" inputmode=\"decimal\" placeholder=\"amount\" aria-label=\"one-off amount\" required>"
            + "<input type=\"date\" name=\"on\" aria-label=\"one-off date\" required>"
            + "<button class=\"secondary\">Add one-off</button></form>\n"
        return html + "</section>\n"
    }

    /// Why an item lands where it does: the runway's basis (learned habit, plan, scenario, haircut,
    /// due date), with the expected date.
    static func basis(_ item: AgingSummary.Item) -> String {
        let due = item.dueDate.map { "due \($0)" } ?? "no date"
        guard let basis = item.basis else { return due }
        let expected = item.expectedOn.map { ", expected \($0)" } ?? ""
        return "\(due)\(expected) — \(basis.text)"
    }

    static func items(_ all: [AgingSummary.Item], kind: String, title: String, party: String, view: View, business: String,
                      sort: String, query: String, all showAll: Bool) -> String {
        var list = all
        if !query.isEmpty {
            let needle = query.lowercased()
            list = list.filter {
                "\($0.id) \($0.party.displayName) \($0.docNumber ?? "") \($0.dueDate?.description ?? "")".lowercased().contains(needle)
            }
        }
        list = sorted(list, by: sort)
        let shown = showAll ? list : Array(list.prefix(pageRows))
        var html = "<section id=\"\(kind)\"><h2>\(Page.esc(title)) <small class=\"muted\">\(all.count)</small></h2>\n"
        html += "<form method=\"get\" action=\"/businesses/\(Page.esc(business))#\(kind)\" class=\"toolbar\">"
        if let week = view.week { html += "<input type=\"hidden\" name=\"week\" value=\"\(week)\">" }
        html += "<input type=\"search\" name=\"\(kind)_q\" value=\"\(Page.esc(query))\" placeholder=\"Search \(Page.esc(title.lowercased()))\" "
            + "data-filter=\"\(kind)-table\" aria-label=\"Search \(Page.esc(title.lowercased()))\">"
            + "<input type=\"hidden\" name=\"\(kind)_sort\" value=\"\(Page.esc(sort))\"><button class=\"secondary\">Search</button></form>\n"
        let headers = ["Due", party, "No.", "Id", "Open", "Currency", "Days overdue", "Scheduled", "Week"]
        let sortFor = ["due", "party", nil, nil, "open", nil, "overdue", nil, "week"]
        let links = sortFor.map { key in key.map { view.link(["\(kind)_sort": $0]) + "#\(kind)" } }
        html += Page.table(
            id: "\(kind)-table", headers: headers, numeric: [4, 6, 7, 8],
            rows: shown.map { item in
                [Page.esc(item.dueDate?.description ?? "no date"), Page.esc(item.party.displayName), Page.esc(item.docNumber ?? ""),
                 Page.esc(item.id.rawValue), Page.amount(item.balance), Page.esc(item.balance.currency.rawValue),
                 item.daysOverdue > 0 ? "<span class=\"neg\">\(item.daysOverdue)</span>" : "",
                 item.scheduled.map(Page.amount) ?? "",
                 item.week.map { "<a href=\"\(Page.esc(view.link(["week": String($0)])))#week\">\($0)</a>" }
                    ?? (item.homeBalance == nil ? "not converted" : "after 13")]
            },
            sortKeys: shown.map { item in
                [item.dueDate.map { String($0.daysSinceEpoch) } ?? "", item.party.displayName.lowercased(), item.docNumber ?? "", item.id.rawValue,
                 Page.key(item.balance), "", String(item.daysOverdue), Page.key(item.scheduled), String(item.week ?? 99)]
            },
            headerLinks: links)
        if shown.count < list.count {
            html += "<p>Showing \(shown.count) of \(list.count). <a href=\"\(Page.esc(view.link(["\(kind)_all": "1"])))#\(kind)\">Show all</a></p>\n"
        } else if list.isEmpty {
            html += "<p>None\(query.isEmpty ? "" : " matches “\(Page.esc(query))”").</p>\n"
        }
        return html + "</section>\n"
    }

    /// Open items in the order `sort` names; ties by id, so every order is total.
    static func sorted(_ items: [AgingSummary.Item], by sort: String) -> [AgingSummary.Item] {
        items.sorted { lhs, rhs in
            func by<T: Comparable>(_ value: (AgingSummary.Item) -> T) -> Bool {
                value(lhs) == value(rhs) ? lhs.id < rhs.id : value(lhs) < value(rhs)
            }
            switch sort {
            case "party": return by { $0.party.displayName.lowercased() }
            case "open": return by { -$0.balance.amount }
            case "overdue": return by { -$0.daysOverdue }
            case "week": return by { $0.week ?? Int.max }
            default: return by { $0.dueDate?.daysSinceEpoch ?? Int.min }
            }
        }
    }

    static func payments(_ payments: [ScheduledPayment]) -> String {
        Page.table(
            id: "payments", headers: ["Pay on", "Vendor", "Bill", "Amount", "Currency", "State", "Projection"], numeric: [3],
            rows: payments.map { payment in
                [Page.esc(payment.payOn.description), Page.esc(payment.vendor?.displayName ?? ""), Page.esc(payment.billID.rawValue),
                 Page.amount(payment.amount), Page.esc(payment.amount.currency.rawValue), Page.esc(payment.state.rawValue),
                 Page.esc(payment.week.map { "week \($0)" } ?? payment.treatment.rawValue)]
            })
    }

    static func flags(_ snapshot: RunwaySnapshot) -> String {
        if snapshot.flags.isEmpty && snapshot.warnings.isEmpty { return "<p>No flags.</p>\n" }
        var html = "<ul class=\"lines\">\n"
        for flag in snapshot.flags {
            html += "<li><code class=\"flag\">\(Page.esc(flag.code.rawValue))</code> \(Page.esc(flag.message)) "
                + "<small class=\"muted\">\(Page.esc(flag.entity?.rawValue ?? "business")), since \(Page.esc(DisplayFormat.instant(flag.since)))</small></li>\n"
        }
        for warning in snapshot.warnings {
            html += "<li><code class=\"flag\">\(Page.esc(warning.code.rawValue))</code> \(Page.esc(warning.message))"
                + (warning.ids.isEmpty ? "" : " <small class=\"muted\">\(Page.esc(warning.ids.joined(separator: ", ")))</small>") + "</li>\n"
        }
        return html + "</ul>\n"
    }
}
