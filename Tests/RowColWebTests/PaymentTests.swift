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
    /// Paying from the workbench goes through the gateways' exactly-once path; the Idempotency-Key
    /// never pays twice, even from requests at once.
    @Suite struct PaymentTests {
        static let key = HTTPField.Name("Idempotency-Key")!

        func body(_ bill: Bill, amount: String = "\"10.00\"", on date: String = "2026-12-01") -> String {
            "{\"bill_id\":\"\(bill.id)\",\"amount\":\(amount),\"pay_on\":\"\(date)\"}"
        }

        @Test func aPaymentIsSentOnceAndTheSameKeyAnswersTheSame() async throws {
            let fixture = try await WebFixture.make(bills: 5, invoices: 2)
            defer { Task { await fixture.remove() } }
            let bill = try #require(try fixture.openBills("acme").first)
            try await withRouter(try fixture.workbench()) { web in
                let first = try await web.post("/api/v1/businesses/acme/payments", json: body(bill), headers: [Self.key: "pay-1"])
                #expect(first.status == .created, "\(first.text)")
                let answer = try first.object()
                #expect(answer["outcome"] as? String == "sent")
                #expect(answer["replayed"] as? Bool == false)
                let payment = try #require(answer["payment"] as? [String: Any])
                #expect((payment["amount"] as? [String: Any])?["amount"] as? NSNumber == 10)

                let again = try await web.post("/api/v1/businesses/acme/payments", json: body(bill), headers: [Self.key: "pay-1"])
                #expect(again.status == .ok)
                #expect(try again.object()["replayed"] as? Bool == true)
                #expect((try again.object()["payment"] as? [String: Any])?["id"] as? String == payment["id"] as? String)

                let otherBody = try await web.post("/api/v1/businesses/acme/payments", json: body(bill, amount: "11"), headers: [Self.key: "pay-1"])
                #expect(otherBody.status == .unprocessableContent)
                #expect(otherBody.text.contains("idempotency_key_reused"))

                // Another key for the same bill, amount and date is still the same payment: a second tab.
                let otherTab = try await web.post("/api/v1/businesses/acme/payments", json: body(bill, amount: "10"), headers: [Self.key: "pay-2"])
                #expect(otherTab.status == .ok)
                #expect((try otherTab.object()["payment"] as? [String: Any])?["id"] as? String == payment["id"] as? String)
            }
            #expect(try await fixture.paymentsCreated() == 1)
            let created = try await fixture.control.stats().billPaymentsByBill[try #require(fixture.realms["acme"])]?[bill.id.rawValue]
            #expect(created == 1)
        }

        @Test(arguments: [true, false])
        func requestsAtOnceNeverPayTwice(sameKey: Bool) async throws {
            let fixture = try await WebFixture.make(bills: 4, invoices: 2)
            defer { Task { await fixture.remove() } }
            let bill = try #require(try fixture.openBills("bolt").first)
            let statuses = try await withRouter(try fixture.workbench()) { web in
                try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                    for index in 0..<8 {
                        group.addTask {
                            let answer = try await web.post("/api/v1/businesses/bolt/payments", json: body(bill, amount: "25.50"),
                                                            headers: [Self.key: sameKey ? "same" : "key-\(index)"])
                            return (answer.status, (try? answer.object()["payment"] as? [String: Any])?["id"] as? String)
                        }
                    }
                    var all: [(HTTPResponse.Status, String?)] = []
                    for try await result in group { all.append(result) }
                    return all
                }
            }
            #expect(statuses.count == 8)
            #expect(statuses.filter { $0.0 == .created }.count == 1, "\(statuses.map(\.0))")
            #expect(statuses.allSatisfy { $0.0 == .created || $0.0 == .ok })
            #expect(Set(statuses.compactMap(\.1)).count == 1)
            #expect(try await fixture.paymentsCreated() == 1)
        }

        @Test func amountsAreExactAndValidatedAgainstTheBill() async throws {
            let fixture = try await WebFixture.make(bills: 5, invoices: 2)
            defer { Task { await fixture.remove() } }
            let bills = try fixture.openBills("acme")
            let bill = try #require(bills.first)
            try await withRouter(try fixture.workbench()) { web in
                // 0.1 + 0.2 is 0.30000000000000004 through a Double; the payment must say 0.3 exactly.
                let exact = try await web.post("/api/v1/businesses/acme/payments", json: body(bill, amount: "0.30"), headers: [Self.key: "exact"])
                #expect(exact.status == .created)
                #expect(exact.text.contains("\"amount\" : 0.3,"))
                let number = try await web.post("/api/v1/businesses/acme/payments", json: body(bills[1], amount: "1234.56"), headers: [Self.key: "num"])
                #expect(number.status == .created)
                #expect(number.text.contains("1234.56"))
                let tooMuch = Money.format(bills[2].balance.amount + 1, minimumFractionDigits: 2)
                let over = try await web.post("/api/v1/businesses/acme/payments", json: body(bills[2], amount: "\"\(tooMuch)\""), headers: [Self.key: "over"])
                #expect(over.status == .unprocessableContent)
                #expect(over.text.contains("open balance"))
                let unknown = try await web.post("/api/v1/businesses/acme/payments",
                                                 json: "{\"bill_id\":\"999999\",\"amount\":1,\"pay_on\":\"2026-12-01\"}", headers: [Self.key: "unknown"])
                #expect(unknown.status == .notFound)
                // A refused request records nothing, so its key can be used again.
                let retry = try await web.post("/api/v1/businesses/acme/payments", json: body(bills[2], amount: "\"1.00\""), headers: [Self.key: "over"])
                #expect(retry.status == .created)
            }
            #expect(try await fixture.paymentsCreated() == 3)
        }

        @Test func whenQBOIsDownThePaymentIsQueuedAndTheNextSyncSendsItOnce() async throws {
            let fixture = try await WebFixture.make(bills: 3, invoices: 2)
            defer { Task { await fixture.remove() } }
            let bill = try #require(try fixture.openBills("acme").first)
            try await fixture.control.injectFault(.init(.unavailable, realm: fixture.realms["acme"], frequency: .rate(1)))
            try await withRouter(try fixture.workbench(environment: ["SYNC_ENABLE_RETRY": "false"])) { web in
                let queued = try await web.post("/api/v1/businesses/acme/payments", json: body(bill), headers: [Self.key: "down"])
                #expect(queued.status == .accepted, "\(queued.text)")
                #expect(try queued.object()["outcome"] as? String == "queued")
                #expect(try queued.object()["message"] as? String ?? "" ~= "Do not pay it again")
                let tray = try await web.get("/api/v1/tray").object()
                #expect((tray["pending_payments"] as? [Any])?.count == 1)
                #expect((tray["flags"] as? [[String: Any]])?.contains { ($0["flag"] as? [String: Any])?["code"] as? String == "write.pending" } == true)
                try await fixture.control.clearFaults()
                let sync = try await web.post("/api/v1/businesses/acme/sync")
                #expect(sync.status == .ok)
                let again = try await web.post("/api/v1/businesses/acme/payments", json: body(bill), headers: [Self.key: "down"])
                #expect(try again.object()["outcome"] as? String == "sent")
            }
            #expect(try await fixture.paymentsCreated() == 1)
        }

        /// The tray's form, with the script off: posted twice (a double click), one payment.
        @Test func theTrayFormPaysOnceAndComesBackWithTheAnswer() async throws {
            let fixture = try await WebFixture.make(bills: 5, invoices: 2)
            defer { Task { await fixture.remove() } }
            let workbench = try fixture.workbench()
            let bill = try #require(try fixture.openBills("acme").first)
            try await withRouter(workbench) { web in
                let page = try await web.get("/tray?days=365", .cookie).text
                let key = try #require(page.components(separatedBy: "name=\"idempotency_key\" value=\"").dropFirst().first?.prefix(32))
                let form = "csrf_token=\(workbench.policy.csrfToken)&idempotency_key=\(key)&business=acme&bill_id=\(bill.id)"
                    + "&amount=\(Money.format(bill.balance.amount, minimumFractionDigits: 2))&pay_on=2026-12-01"
                for _ in 0..<2 {
                    let posted = try await web.post("/tray/pay", .cookie, form: form)
                    #expect(posted.status == .seeOther)
                    let location = try #require(posted.headers[.location])
                    let shown = try await web.get(location, .cookie).text
                    #expect(shown.contains("<strong>sent</strong>"), "\(shown.prefix(400))")
                }
                let after = try await web.get("/api/v1/businesses/acme/payments").json() as? [[String: Any]] ?? []
                #expect(after.count == 1)
                let tray = try await web.get("/api/v1/tray?days=365").object()
                let listed = ((tray["bills"] as? [[String: Any]]) ?? []).filter {
                    ($0["business"] as? [String: Any])?["business_id"] as? String == "acme" && $0["bill_id"] as? String == bill.id.rawValue
                }
                #expect(listed.isEmpty, "a bill paid in full leaves the tray")
            }
            #expect(try await fixture.paymentsCreated() == 1)
        }
    }
}

private func ~= (text: String, fragment: String) -> Bool { text.contains(fragment) }
