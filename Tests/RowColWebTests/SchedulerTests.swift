import Hummingbird
import NIOCore
import RowColTestSupport
import Foundation
import HTTPTypes
import Logging
import HummingbirdTesting
import QBOSandbox
import RowCol
@testable import RowColWeb
import Testing

extension WebTests {
    /// The scheduler inside `rowcol serve` (`SYNC_SCHEDULER_ENABLED=true`), on an injected clock: no
    /// test waits for a TTL to run out.
    @Suite struct SchedulerTests {
        static func utc(_ text: String) -> Date { Timestamp(text)!.date }

        @Test(arguments: [
            ("2026-12-01T02:00:00Z", 3, "2026-12-01T03:00:00Z"), ("2026-12-01T03:00:00Z", 3, "2026-12-02T03:00:00Z"),
            ("2026-12-01T10:30:00Z", 3, "2026-12-02T03:00:00Z"), ("2026-12-31T23:59:59Z", 0, "2027-01-01T00:00:00Z"),
            ("2026-12-01T22:00:00Z", 23, "2026-12-01T23:00:00Z"),
        ])
        func theNightlyReconIsAtTheHourInUTC(after: String, hour: Int, expected: String) {
            #expect(SyncScheduler.nextRecon(after: Self.utc(after), hour: hour) == Self.utc(expected))
        }

        @Test func aBusinessIsDueWhenAKindPassesItsTTLPlusItsJitterOrPaymentsWait() {
            let configuration = SyncConfiguration()
            var policy = SchedulerPolicy()
            policy.jitter = 0.1
            let business = try! BusinessID(validating: "acme")
            let synced = Self.utc("2026-12-01T10:00:00Z")
            var sync = BusinessSyncState()
            #expect(SyncScheduler.dueReason(business, sync: sync, pendingPayments: 0, configuration: configuration, policy: policy,
                                            now: synced)?.contains("never synced") == true)
            for kind in [EntityKind.bill, .invoice, .balance] { sync.refreshedAt[kind.rawValue] = synced }
            let stretch = 1 + 0.1 * SyncScheduler.jitterFraction(business)
            let balancesDue = synced.addingTimeInterval(120 * stretch)
            #expect(SyncScheduler.dueReason(business, sync: sync, pendingPayments: 0, configuration: configuration, policy: policy,
                                            now: balancesDue.addingTimeInterval(-1)) == nil)
            #expect(SyncScheduler.dueReason(business, sync: sync, pendingPayments: 0, configuration: configuration, policy: policy,
                                            now: balancesDue)?.contains("balance") == true)
            #expect(SyncScheduler.dueReason(business, sync: sync, pendingPayments: 2, configuration: configuration, policy: policy,
                                            now: synced)?.contains("outbox") == true)
            var fractions: Set<Double> = []
            for id in ["acme", "bolt", "carl", "dune", "echo", "fern"] {
                let fraction = SyncScheduler.jitterFraction(try! BusinessID(validating: id))
                #expect((0..<1).contains(fraction))
                #expect(fraction == SyncScheduler.jitterFraction(try! BusinessID(validating: id)), "the same every run")
                fractions.insert(fraction)
            }
            #expect(fractions.count >= 5, "businesses come due at different times")
        }

        @Test func aTickSyncsWhatIsDueWithinOneWriterSessionAndTheReconComesAtItsHour() async throws {
            let fixture = try await WebFixture.make(bills: 4, invoices: 3)
            defer { Task { await fixture.remove() } }
            let start = Date()
            let clock = Locked(start)
            let workbench = try fixture.workbench(
                environment: ["SYNC_SCHEDULER_ENABLED": "true", "SYNC_NIGHTLY_RECON_HOUR": "3"], now: { clock.withLock { $0 } })
            let scheduler = try #require(workbench.scheduler)
            let queries = { () async throws -> Int in
                try await fixture.control.stats().requests.values.reduce(0) { $0 + $1.values.reduce(0, +) }
            }
            let before = try await queries()
            let fresh = await scheduler.tick()
            #expect(fresh.synced.isEmpty, "everything was just synced")
            #expect(try await queries() == before)

            clock.withLock { $0 = start.addingTimeInterval(1000) }
            let due = await scheduler.tick()
            #expect(due.synced.map(\.business.rawValue) == ["acme", "bolt"])
            #expect(due.synced.allSatisfy { $0.synced })
            #expect(!due.reconciled)
            #expect(try await queries() > before)
            // The terminal can write again at once: the tick's session is closed.
            let terminal = try await AdvisorSession.open(workspace: fixture.workspace, advisor: fixture.ada, environment: [:])
            await terminal.close()

            let recon = SyncScheduler.nextRecon(after: start, hour: 3)
            clock.withLock { $0 = recon.addingTimeInterval(5) }
            let nightly = await scheduler.tick()
            #expect(nightly.reconciled)
            #expect(nightly.synced.count == 2)
            #expect(await scheduler.state.lastRecon == recon.addingTimeInterval(5))
            let after = await scheduler.tick()
            #expect(!after.reconciled, "once a night")
        }

        @Test func aBusinessThatCannotBeReachedWaitsBeforeTheNextTry() async throws {
            let fixture = try await WebFixture.make(bills: 3, invoices: 2)
            defer { Task { await fixture.remove() } }
            let start = Date()
            let clock = Locked(start.addingTimeInterval(1000))
            let workbench = try fixture.workbench(
                environment: ["SYNC_SCHEDULER_ENABLED": "true", "SYNC_ENABLE_RETRY": "false"], now: { clock.withLock { $0 } })
            let scheduler = try #require(workbench.scheduler)
            // Three failures, under the five in a row that open the client's circuit breaker (which
            // keeps real time, not this test's clock).
            try await fixture.control.injectFault(.init(.unavailable, realm: fixture.realms["acme"], frequency: .count(3)))
            let failed = await scheduler.tick()
            #expect(failed.synced.first { $0.business.rawValue == "acme" }?.synced == false)
            #expect(failed.synced.first { $0.business.rawValue == "bolt" }?.synced == true)
            clock.withLock { $0 = $0.addingTimeInterval(30) }
            let waiting = await scheduler.tick()
            #expect(waiting.skipped[try BusinessID(validating: "acme")] == "waiting after a failed sync")
            try await fixture.control.clearFaults()
            clock.withLock { $0 = $0.addingTimeInterval(60) }
            let retried = await scheduler.tick()
            let again = retried.synced.first { $0.business.rawValue == "acme" }
            #expect(again?.synced == true, "\(again.map { "\($0.flags.map(\.message))" } ?? "not synced")")
        }

        @Test func aQueuedPaymentIsSentByTheNextTickOnce() async throws {
            let fixture = try await WebFixture.make(bills: 3, invoices: 2)
            defer { Task { await fixture.remove() } }
            let workbench = try fixture.workbench(environment: ["SYNC_SCHEDULER_ENABLED": "true", "SYNC_ENABLE_RETRY": "false"])
            let scheduler = try #require(workbench.scheduler)
            let bill = try #require(try fixture.openBills("acme").first)
            try await fixture.control.injectFault(.init(.unavailable, realm: fixture.realms["acme"], frequency: .rate(1)))
            let request = PaymentRequest(
                business: try BusinessID(validating: "acme"), billID: bill.id, amount: 12, payOn: LocalDate(Date()), fromAccountID: nil)
            let queued = try await workbench.pay(request, key: "tick")
            #expect(queued.outcome == .queued)
            try await fixture.control.clearFaults()
            // Nothing is past its TTL: the outbox alone makes the business due.
            let tick = await scheduler.tick()
            #expect(tick.synced.map(\.business.rawValue) == ["acme"])
            let payments = try AdvisorReader(workspace: fixture.workspace, advisor: fixture.ada, environment: [:])
                .payments(of: try BusinessID(validating: "acme"))
            #expect(payments.map(\.state) == [.sent])
            #expect(try await fixture.paymentsCreated() == 1)
            #expect(await scheduler.tick().synced.isEmpty, "an empty outbox and fresh data: nothing to do")
        }

        @Test func theSchedulerIsOffUnlessTheVariableSaysTrue() async throws {
            let fixture = try await WebFixture.make(bills: 1, invoices: 1, sync: false)
            defer { Task { await fixture.remove() } }
            for (value, enabled) in [(nil, false), ("false", false), ("true", true), ("1", true)] {
                let workbench = try fixture.workbench(environment: value.map { ["SYNC_SCHEDULER_ENABLED": $0] } ?? [:])
                #expect(workbench.schedulerEnabled == enabled, "\(value ?? "unset")")
                #expect(workbench.backgroundServices().count == (enabled ? 2 : 1))
            }
        }
    }
}

extension WebTests {
    /// Open pages hear of changes; QBO webhooks are refresh hints.
    @Suite struct EventTests {
        @Test func aSyncFromATerminalReachesAnOpenPageAsAnEvent() async throws {
            let fixture = try await WebFixture.make(bills: 3, invoices: 2)
            defer { Task { await fixture.remove() } }
            var options = WorkbenchOptions(token: WebFixture.token, environment: [:])
            options.port = 0
            options.watchInterval = .milliseconds(50)
            let workbench = try Workbench(workspace: fixture.workspace, advisor: fixture.ada, options: options,
                                          logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            let running = try await workbench.start()
            let port = running.port
            let stream = try await RawHTTP.open(
                port: port, "GET /events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(WebFixture.token)\r\n\r\n",
                until: ": connected")
            // A terminal syncs: the server notices state.json move and tells the page.
            let bill = try #require(try fixture.openBills("bolt").first)
            try await fixture.control.patch(.bill, id: bill.id.rawValue, realm: fixture.realms["bolt"]!, fields: ["DocNumber": "FROM-QBO"])
            let session = try await AdvisorSession.open(workspace: fixture.workspace, advisor: fixture.ada, environment: [:])
            _ = try await session.sync(businesses: [try BusinessID(validating: "bolt")], strict: true)
            await session.close()
            let event = try await stream.read(until: "\"business\":\"bolt\"")
            #expect(event.contains("event: business.changed"))
            await running.stop()
            _ = try await stream.readToEnd()
        }

        @Test func aSignedWebhookRefreshesWhatItNamesAndABadSignatureIsRefused() async throws {
            let fixture = try await WebFixture.make(bills: 4, invoices: 2)
            defer { Task { await fixture.remove() } }
            let workbench = try fixture.workbench(webhookToken: "hush")
            let bill = try #require(try fixture.openBills("acme").first)
            let realm = try #require(fixture.realms["acme"])
            try await fixture.control.patch(.bill, id: bill.id.rawValue, realm: realm, fields: ["DocNumber": "FROM-WEBHOOK"])
            let body = """
                {"eventNotifications":[{"realmId":"\(realm)","dataChangeEvent":{"entities":[
                {"name":"Bill","id":"\(bill.id)","operation":"Update","lastUpdated":"2026-11-28T10:00:00.000Z"}]}}]}
                """
            let signature = WebhookSigning.sign(Data(body.utf8), key: "hush")
            try await withRouter(workbench) { web in
                let name = HTTPField.Name("intuit-signature")!
                // No token and a foreign Host do not matter here: Intuit proves itself by the signature.
                #expect(try await web.post("/webhooks/qbo", .none, json: body, headers: [name: "bad"]).status == .unauthorized)
                #expect(try await web.post("/webhooks/qbo", .none, json: body).status == .unauthorized)
                let accepted = try await web.post("/webhooks/qbo", .none, json: body, headers: [name: signature])
                #expect(accepted.status == .ok, "\(accepted.text)")
                #expect(try accepted.object()["accepted"] as? Int == 1)
                let replay = try await web.post("/webhooks/qbo", .none, json: body, headers: [name: signature])
                #expect(try replay.object()["accepted"] as? Int == 0, "a replay is harmless")
            }
            let refreshed = await workbench.webhooks!.drain()
            #expect(refreshed.count == 1)
            #expect(try fixture.workspace.mirrorReader(for: fixture.ada).bill(bill.id, of: fixture.ref("acme"))?.docNumber == "FROM-WEBHOOK")
            let plain = try fixture.workbench()
            try await withRouter(plain) { web in
                let refused = try await web.post("/webhooks/qbo", .none, json: body)
                #expect(refused.status == .unauthorized, "no verifier token: no webhook route")
            }
        }
    }
}

extension RawHTTP.Connection {
    /// Reads from the open connection until `text` arrives.
    func read(until text: String) async throws -> String {
        let fd = fd
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !String(decoding: received, as: UTF8.self).contains(text) {
                    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    guard count > 0 else {
                        continuation.resume(throwing: TestSupportError("the stream ended before \"\(text)\": \(String(decoding: received, as: UTF8.self))"))
                        return
                    }
                    received.append(contentsOf: buffer[0..<count])
                }
                continuation.resume(returning: String(decoding: received, as: UTF8.self))
            }
        }
    }
}
