import Foundation
import QBOSandbox
@testable import RowCol
import Testing

/// Every hygiene flag code, raised end to end through the sandbox and cleared again (issue 11).
/// `rail.throttled` is in AcceptanceTests (J3), `write.rejected` and `sync.failed` in OutboxTests.
@Suite struct HygieneFlagTests {
    /// A sandbox company connected as `acme` and synced once.
    struct Setup {
        let sandbox: Sandbox
        let books: Books
        let realm: String
        var acme: BusinessRef { books.business("acme") }

        static func make(bills: Int = 8) async throws -> Setup {
            let sandbox = try await Sandbox.start()
            let books = try Books()
            let realm = freshRealm()
            try await sandbox.seed(realm, bills: bills, invoices: 3)
            try await books.connect("acme", realm: realm, sandbox: sandbox)
            let first = try await books.session()
            _ = try await first.sync(strict: true)
            await first.close()
            return Setup(sandbox: sandbox, books: books, realm: realm)
        }

        func inject(_ body: [String: Any]) async throws {
            try await sandbox.call("POST", "__sandbox/faults", body.merging(["realm": realm]) { $1 })
        }

        func clearFaults() async throws { try await sandbox.call("DELETE", "__sandbox/faults") }

        func tearDown() async {
            await sandbox.stop()
            books.remove()
        }
    }

    func codes(_ flags: [HygieneFlag]) -> Set<String> { Set(flags.map(\.code.rawValue)) }

    @Test(arguments: [("503", "rail.unavailable"), ("403", "auth.forbidden"), ("drop", "rail.offline")])
    func aFailingRailRaisesItsFlagAndASuccessfulExchangeClearsIt(fault: String, flag: String) async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.tearDown() } }
        let session = try await setup.books.session(attempts: 1)
        defer { Task { await session.close() } }
        try await setup.inject(["kind": fault, "rate": 1])
        let failing = try await session.gateways.list(ListBillsQuery(business: setup.acme, hint: .strict))
        #expect(!failing.items.isEmpty, "the mirror must still answer")
        #expect(codes(failing.flags).contains(flag), "\(fault) raised \(codes(failing.flags))")
        #expect(failing.flags.first { $0.code.rawValue == flag }?.entity == .bill)

        try await setup.clearFaults()
        let healed = try await session.gateways.list(ListBillsQuery(business: setup.acme, hint: .strict))
        #expect(healed.freshness.refreshedNow)
        #expect(!codes(healed.flags).contains(flag), "\(flag) stayed after QBO answered: \(codes(healed.flags))")
    }

    @Test func aRevokedConnectionAsksForAReconnectAndReconnectingClearsIt() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.tearDown() } }
        try await setup.sandbox.call("POST", "__sandbox/realms/\(setup.realm)/connections/revoke")
        let session = try await setup.books.session(attempts: 1)
        let refused = try await session.gateways.list(ListBillsQuery(business: setup.acme, hint: .strict))
        #expect(codes(refused.flags).contains("auth.reconnect_required"), "\(codes(refused.flags))")
        await session.close()

        try await setup.books.connect("acme", realm: setup.realm, sandbox: setup.sandbox)
        let reconnected = try await setup.books.session(attempts: 1)
        defer { Task { await reconnected.close() } }
        let answer = try await reconnected.gateways.list(ListBillsQuery(business: setup.acme, hint: .strict))
        #expect(answer.freshness.refreshedNow)
        #expect(!codes(answer.flags).contains("auth.reconnect_required"), "\(codes(answer.flags))")
    }

    @Test func aStaleObjectFaultOnAPaymentIsAWriteConflictThatALaterPaymentClears() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.tearDown() } }
        let session = try await setup.books.session(attempts: 1)
        defer { Task { await session.close() } }
        let open = try session.store.reader.bills(of: setup.acme).filter(\.isOpen)
        try #require(open.count >= 2)
        let day = try #require(LocalDate("2026-12-04"))
        try await setup.inject(["kind": "5010", "path": "billpayment", "count": 1])
        let refused = try await session.gateways.schedulePayment(
            business: setup.acme, billID: open[0].id, amount: Money(1, open[0].balance.currency), payOn: day, fromAccountID: nil)
        #expect(refused.state == .rejected)
        #expect((refused.failure ?? "").contains("newer version"), "\(refused.failure ?? "")")
        let raised = try await session.orchestrator.flags(for: .payment, business: setup.acme.business)
        #expect(codes(raised).contains("write.conflict"))
        #expect(try await setup.sandbox.paymentsCreated() == 0)

        let paid = try await session.gateways.schedulePayment(
            business: setup.acme, billID: open[1].id, amount: Money(1, open[1].balance.currency), payOn: day, fromAccountID: nil)
        #expect(paid.state == .sent)
        let cleared = try await session.orchestrator.flags(for: .payment, business: setup.acme.business)
        #expect(!codes(cleared).contains("write.conflict"), "\(codes(cleared))")
    }

    @Test func aQueuedPaymentIsWritePendingUntilTheOutboxIsSent() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.tearDown() } }
        let session = try await setup.books.session(attempts: 1)
        defer { Task { await session.close() } }
        let bill = try #require(try session.store.reader.bills(of: setup.acme).first(where: \.isOpen))
        try await setup.inject(["kind": "503", "rate": 1])
        let queued = try await session.gateways.schedulePayment(
            business: setup.acme, billID: bill.id, amount: Money(1, bill.balance.currency),
            payOn: try #require(LocalDate("2026-12-04")), fromAccountID: nil)
        #expect(queued.state == .pending)
        let raised = try await session.gateways.scheduledPayments(of: setup.acme)
        #expect(codes(raised.flags).contains("write.pending"), "\(codes(raised.flags))")

        try await setup.clearFaults()
        let reports = try await session.sync(strict: false)
        #expect(reports.first?.paymentsSent == 1)
        let after = codes(reports.first?.flags ?? [])
        #expect(!after.contains("write.pending"))
        #expect(try session.store.reader.payment(queued.id, of: setup.acme)?.state == .sent)
    }

    @Test func pastTheTTLsTheMirrorIsFlaggedStaleAndARefreshClearsIt() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.tearDown() } }
        try await setup.inject(["kind": "503", "rate": 1])
        for (ahead, flag) in [(16.0 * 60, "mirror.stale"), (25.0 * 3600, "mirror.stale_hard")] {
            let later = Date().addingTimeInterval(ahead)
            let session = try await setup.books.session(now: { later }, attempts: 1)
            let stale = try await session.gateways.list(ListBillsQuery(business: setup.acme, hint: .cachedOK))
            #expect(codes(stale.flags).contains(flag), "\(ahead) s ahead: \(codes(stale.flags))")
            await session.close()
        }
        try await setup.clearFaults()
        let later = Date().addingTimeInterval(25 * 3600)
        let session = try await setup.books.session(now: { later }, attempts: 1)
        defer { Task { await session.close() } }
        let fresh = try await session.gateways.list(ListBillsQuery(business: setup.acme, hint: .cachedOK))
        #expect(fresh.freshness.level == .fresh)
        #expect(codes(fresh.flags).isDisjoint(with: ["mirror.stale", "mirror.stale_hard"]), "\(codes(fresh.flags))")
    }

    /// A cursor older than 30 days: the recon runs full queries, deletes by absence what QBO no
    /// longer has, and says so with `recon.full_resync`; the next recon is incremental and clears it.
    @Test func anOldCursorMeansAFullResyncThatDeletesByAbsence() async throws {
        let setup = try await Setup.make(bills: 10)
        defer { Task { await setup.tearDown() } }
        let reader = setup.books.workspace.mirrorReader(for: setup.books.advisor)
        let victim = try #require(try reader.bills(of: setup.acme).sorted { $0.id < $1.id }.last)
        try await setup.sandbox.call("DELETE", "__sandbox/realms/\(setup.realm)/bill/\(victim.id)")
        // 31 days pass, in QBO and on the laptop.
        try await setup.sandbox.call("POST", "__sandbox/clock", ["advance_seconds": 31 * 86_400])
        let later = Date().addingTimeInterval(31 * 86_400)
        let session = try await setup.books.session(now: { later }, attempts: 1)
        defer { Task { await session.close() } }
        let linesBefore = try setup.books.logLines().count

        let first = try await session.recon()
        #expect(first.first?.synced == true, "\(first)")
        let raised = codes(first.first?.flags ?? [])
        #expect(raised.contains("recon.full_resync"))
        #expect(try reader.bill(victim.id, of: setup.acme) == nil, "the bill QBO no longer lists is still mirrored")
        let full = try setup.books.logLines().dropFirst(linesBefore)
        let deletion = full.first { ($0["payload"] as? [String: Any])?["detail"].map { "\($0)".contains("missing") } == true }
        #expect(deletion != nil, "no log line records the deletion by absence")

        let second = try await session.recon()
        #expect(second.first?.synced == true)
        let cleared = codes(second.first?.flags ?? [])
        #expect(!cleared.contains("recon.full_resync"), "\(cleared)")
    }

    /// With `SYNC_ENABLE_DEDUP=false` every fetched entity is logged again; with it on (the
    /// default) an unchanged mirror logs nothing.
    @Test(arguments: [("true", false), ("false", true)])
    func deduplicationDropsWhatTheMirrorAlreadyHas(dedup: String, logsAgain: Bool) async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.tearDown() } }
        let session = try await setup.books.session(environment: ["SYNC_ENABLE_DEDUP": dedup])
        defer { Task { await session.close() } }
        let before = try setup.books.logLines().count
        _ = try await session.sync(strict: true)
        let added = try setup.books.logLines().dropFirst(before)
        let upserts = added.flatMap { (($0["payload"] as? [String: Any])?["changes"] as? [[String: Any]]) ?? [] }
        #expect(upserts.isEmpty == !logsAgain, "SYNC_ENABLE_DEDUP=\(dedup): \(upserts.count) changes logged again")
        #expect(try setup.books.workspace.verify().isEmpty)
    }
}
