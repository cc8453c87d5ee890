import Hummingbird
import NIOCore
import QBOSandbox
import RowColTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import RowCol
@testable import RowColWeb
import Testing

extension WebTests {
    /// The pages and the JSON API, in process through the router.
    @Suite struct RouterTests {
        @Test func theConsoleRanksTheAdvisorsBusinessesOnlyAndMatchesTheReader() async throws {
            let fixture = try await WebFixture.shared()
            let workbench = try fixture.workbench()
            let expected = try AdvisorReader(workspace: fixture.workspace, advisor: fixture.ada, environment: [:]).console()
            try await withRouter(workbench) { web in
                let answer = try await web.get("/api/v1/console")
                #expect(answer.status == .ok)
                #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
                let console = try JSONValue.parse(Array(buffer: answer.body)).decode(AdvisorConsole.self)
                #expect(console.rows.map(\.business.business.rawValue).sorted() == ["acme", "bolt"])
                #expect(console.rows.map(\.business.business) == expected.rows.map(\.business.business))
                #expect(console.rows.map(\.cashOnHand) == expected.rows.map(\.cashOnHand))

                let page = try await web.get("/", .cookie)
                #expect(page.status == .ok)
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                for row in expected.rows {
                    #expect(page.text.contains("href=\"/businesses/\(row.business.business)\""))
                }
                #expect(!page.text.contains("carl"))
                #expect(page.text.contains("<svg class=\"spark\""))
                #expect(page.text.contains("action=\"/sync\""))
            }
        }

        @Test(arguments: [
            ("sort=name", ["acme", "bolt"]), ("sort=name&dir=desc", ["bolt", "acme"]), ("q=bolt", ["bolt"]), ("q=zzz", []),
        ])
        func theConsoleSortsAndFiltersWithoutScript(query: String, order: [String]) async throws {
            let fixture = try await WebFixture.shared()
            try await withRouter(try fixture.workbench()) { web in
                let page = try await web.get("/?\(query)", .cookie).text
                let shown = ["acme", "bolt"].filter { page.contains("href=\"/businesses/\($0)\"") }
                    .sorted { page.range(of: "href=\"/businesses/\($0)\"")!.lowerBound < page.range(of: "href=\"/businesses/\($1)\"")!.lowerBound }
                #expect(shown == order)
            }
        }

        @Test func badViewParametersAreRefusedNamingTheParameter() async throws {
            let fixture = try await WebFixture.shared()
            try await withRouter(try fixture.workbench()) { web in
                for (uri, word) in [
                    ("/?sort=evil", "sort"), ("/businesses/acme?week=14", "week"), ("/businesses/acme?bills_sort=x", "bills_sort"),
                    ("/api/v1/tray?days=-1", "days"), ("/api/v1/digest?since=yesterday", "since"), ("/api/v1/log?limit=0", "limit"),
                    ("/api/v1/businesses/acme/bills?sort=x", "sort"), ("/tray?days=%zz", "malformed"),
                ] {
                    let answer = try await web.get(uri, .cookie)
                    #expect(answer.status == .badRequest, "\(uri)")
                    #expect(answer.text.contains(word), "\(uri): \(answer.text.prefix(200))")
                }
            }
        }

        @Test func aWeekOfTheChartShowsTheItemsBehindIt() async throws {
            let fixture = try await WebFixture.shared()
            let snapshot = try AdvisorReader(workspace: fixture.workspace, advisor: fixture.ada, environment: [:]).snapshot(of: fixture.ref("acme").business)
            let week = try #require(snapshot.weeks.first { week in snapshot.payables.items.contains { $0.week == week.index } })
            let bills = snapshot.payables.items.filter { $0.week == week.index }
            try await withRouter(try fixture.workbench()) { web in
                let page = try await web.get("/businesses/acme", .cookie).text
                #expect(page.contains("href=\"?week=\(week.index)#week\""))
                let detail = try await web.get("/businesses/acme?week=\(week.index)", .cookie).text
                #expect(detail.contains("id=\"week\""))
                #expect(!bills.isEmpty)
                for bill in bills {
                    #expect(detail.contains("<td>\(bill.id)</td>"), "bill \(bill.id) in week \(week.index)")
                    // Each item says why it lands there: the runway's own basis, not a guess of the page.
                    let basis = try #require(bill.basis, "bill \(bill.id) has no basis")
                    #expect(detail.contains(Page.esc(basis.text)), "basis of bill \(bill.id): \(basis.text)")
                }

                let answer = try await web.get("/api/v1/businesses/acme/weeks/\(week.index)")
                let object = try answer.object()
                #expect((object["bills"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.sorted() == bills.map(\.id.rawValue).sorted())
                #expect(try await web.get("/api/v1/businesses/acme/weeks/14").status == .notFound)
            }
        }

        @Test func openBillsAreSearchedAndSorted() async throws {
            let fixture = try await WebFixture.shared()
            let bills = try fixture.openBills("acme")
            let vendor = try #require(bills.first?.vendor.displayName)
            try await withRouter(try fixture.workbench()) { web in
                let searched = try await web.get("/api/v1/businesses/acme/bills?q=\(FormFields.escape(vendor))").json() as? [[String: Any]] ?? []
                #expect(!searched.isEmpty)
                for item in searched { #expect((item["party"] as? [String: Any])?["name"] as? String == vendor) }
                let byOpen = try await web.get("/api/v1/businesses/acme/bills?sort=open").json() as? [[String: Any]] ?? []
                let amounts = byOpen.compactMap { (($0["balance"] as? [String: Any])?["amount"] as? NSNumber)?.decimalValue }
                #expect(amounts.count == bills.count)
                #expect(amounts == amounts.sorted(by: >))
            }
        }

        @Test func theTrayListsBillsDueSoonAndOverdueInvoicesWithAReminder() async throws {
            let fixture = try await WebFixture.shared()
            let reader = try AdvisorReader(workspace: fixture.workspace, advisor: fixture.ada, environment: [:])
            let snapshots = try reader.businesses().map { try reader.snapshot(of: $0) }
            let horizon = try #require(snapshots.first).asOfDate.adding(days: 30)
            let expected = snapshots.flatMap { snapshot in
                snapshot.payables.items.filter { $0.balance.isPositive && ($0.daysOverdue > 0 || ($0.dueDate.map { $0 <= horizon } ?? true)) }
                    .map(\.id.rawValue)
            }
            let overdue = snapshots.flatMap { $0.receivables.items.filter { $0.balance.isPositive && $0.daysOverdue > 0 } }
            try await withRouter(try fixture.workbench()) { web in
                let tray = try await web.get("/api/v1/tray?days=30").object()
                let bills = try #require(tray["bills"] as? [[String: Any]])
                #expect(bills.compactMap { $0["bill_id"] as? String }.sorted() == expected.sorted())
                let days = bills.compactMap { $0["days_overdue"] as? Int }
                #expect(days == days.sorted(by: >) || days.first == days.max(), "most overdue first")
                let invoices = try #require(tray["invoices"] as? [[String: Any]])
                #expect(invoices.count == overdue.count)
                #expect(!overdue.isEmpty)
                for invoice in invoices { #expect((invoice["reminder"] as? String)?.contains("friendly reminder") == true) }

                let page = try await web.get("/tray?days=30", .cookie).text
                #expect(page.contains("<form method=\"post\" action=\"/tray/pay\""))
                #expect(page.contains("textarea class=\"reminder\""))
                #expect(page.contains("name=\"idempotency_key\""))
            }
        }

        @Test func theLogAndOneLineAreShownAndAnUnknownLineIs404() async throws {
            let fixture = try await WebFixture.shared()
            try await withRouter(try fixture.workbench()) { web in
                let lines = try await web.get("/api/v1/log").json() as? [[String: Any]] ?? []
                #expect(!lines.isEmpty)
                let seqs = lines.compactMap { $0["seq"] as? Int }
                #expect(seqs == seqs.sorted(by: >))
                #expect(lines.allSatisfy { ($0["business_id"] as? String) != "carl" })
                let acmeOnly = try await web.get("/api/v1/log?business=acme").json() as? [[String: Any]] ?? []
                #expect(!acmeOnly.isEmpty && acmeOnly.allSatisfy { $0["business_id"] as? String == "acme" })
                #expect(try await web.get("/api/v1/log?business=carl").status == .notFound)
                let first = try await web.get("/api/v1/log/\(seqs.last!)").object()
                #expect(first["seq"] as? Int == seqs.last!)
                #expect(try await web.get("/api/v1/log/999999").status == .notFound)
                #expect(try await web.get("/api/v1/log/0").status == .notFound)
                #expect(try await web.get("/log", .cookie).text.contains("href=\"/log/\(seqs[0])\""))
            }
        }

        @Test func statusNamesTheSchedulerAndTheBusinesses() async throws {
            let fixture = try await WebFixture.shared()
            for (environment, enabled) in [([:], false), (["SYNC_SCHEDULER_ENABLED": "true", "SYNC_NIGHTLY_RECON_HOUR": "05"], true)] {
                let workbench = try fixture.workbench(environment: environment)
                #expect(workbench.schedulerEnabled == enabled)
                try await withRouter(workbench) { web in
                    let status = try await web.get("/api/v1/status").object()
                    let scheduler = try #require(status["scheduler"] as? [String: Any])
                    #expect(scheduler["enabled"] as? Bool == enabled)
                    #expect(scheduler["nightly_recon_hour"] as? Int == (enabled ? 5 : 3))
                    #expect((status["businesses"] as? [[String: Any]])?.compactMap { $0["business"] as? String } == ["acme", "bolt"])
                }
            }
            #expect(throws: ConfigurationError.self) { try fixture.workbench(environment: ["SYNC_NIGHTLY_RECON_HOUR": "25"]) }
        }

        @Test func everyAnswerCarriesTheSecurityHeaders() async throws {
            let fixture = try await WebFixture.shared()
            try await withRouter(try fixture.workbench()) { web in
                for (uri, auth) in [("/", WebClient.Auth.cookie), ("/api/v1/console", .bearer), ("/nowhere", .cookie), ("/", .none),
                                    ("/assets/workbench.js", .cookie)] {
                    let answer = try await web.get(uri, auth)
                    let policy = try #require(answer.headers[.contentSecurityPolicy], "\(uri)")
                    #expect(policy.contains("default-src 'none'"))
                    #expect(policy.contains("script-src 'self'"))
                    #expect(!policy.contains("http"), "no outside origin: \(policy)")
                    #expect(answer.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                    #expect(answer.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                }
                let page = try await web.get("/businesses/acme", .cookie).text
                #expect(!page.contains("<script>") && !page.contains(" style=\"") && !page.contains("onclick"))
                #expect(!page.contains("https://") && !page.contains("http://"), "no outside link or asset")
            }
        }
    }
}
