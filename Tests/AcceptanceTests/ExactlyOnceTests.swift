import Foundation
import QBO
import QBOSandbox
@testable import RowCol
@testable import RowColSync
import Testing

/// Issue 11, item 2: exactly one BillPayment per approved (business, bill, amount, date) whatever
/// QBO does to the write — its answer lost after it committed, held past the client's timeout,
/// replaced by a 5xx — with QBO's `requestid` replay failing too, across second approvals and the
/// outbox. Each case is also run with the look-up broken on purpose: then QBO must end with a
/// duplicate, or the case does not exercise the look-up at all.
@Suite struct ExactlyOnceTests {
    struct Script: Sendable, CustomTestStringConvertible {
        var name: String
        /// The `POST /__sandbox/faults` bodies for the payment's writes (path billpayment).
        var faults: [[String: any Sendable]]
        var testDescription: String { name }
    }

    static let scripts: [Script] = [
        Script(name: "drop after commit", faults: [["kind": "drop_after_commit", "count": 1]]),
        Script(name: "stall after commit", faults: [["kind": "stall_after_commit", "count": 1, "hold_seconds": 20]]),
        Script(name: "503 after commit", faults: [["kind": "status_after_commit", "status": 503, "count": 1]]),
        Script(name: "500 after commit", faults: [["kind": "status_after_commit", "status": 500, "count": 1]]),
        Script(name: "drop, then 503 on the look-up's first read, then ok", faults: [
            ["kind": "drop_after_commit", "count": 1],
            ["path": "bill", "sequence": ["503", "ok"]],
        ]),
    ]

    /// One approval under `script`, then a second approval, an outbox replay and a recon.
    /// - Returns: how many BillPayments QBO holds for the bill, and the log's look-up outcomes.
    func approve(under script: Script, lookup: BillPaymentLookup) async throws -> (payments: Int, lookups: [String]) {
        let sandbox = try await Sandbox.start()
        defer { Task { await sandbox.stop() } }
        let books = try Books()
        defer { books.remove() }
        let realm = freshRealm()
        try await sandbox.seed(realm, bills: 8, invoices: 2)
        try await books.connect("acme", realm: realm, sandbox: sandbox)
        let acme = books.business("acme")
        let first = try await books.session()
        let synced = try await first.sync(strict: true)
        await first.close()
        try #require(synced.allSatisfy { $0.synced }, "\(synced)")
        // A five-second timeout against answers held twenty (long enough for a loaded machine's
        // ordinary answers); retries fast.
        let session = try await books.session(environment: ["SYNC_REQUEST_TIMEOUT": "5"])
        defer { Task { await session.close() } }
        let gateways = QBOGateways(
            orchestrator: session.orchestrator, mirror: session.store.reader,
            clients: { [connections = session.connections] in try connections.client(for: $0) }, paymentLookup: lookup)
        let bill = try #require(try session.store.reader.bills(of: acme).first { $0.isOpen && $0.balance.amount > 3 })
        let amount = Money(2, bill.balance.currency)
        let day = try #require(LocalDate("2026-12-03"))

        // QBO's requestid replay fails for every payment write, all along.
        try await sandbox.call("POST", "__sandbox/faults", ["path": "billpayment", "kind": "requestid_miss", "rate": 1])
        for fault in script.faults {
            var body = fault
            body["realm"] = realm
            if body["path"] == nil { body["path"] = "billpayment" }
            try await sandbox.call("POST", "__sandbox/faults", body)
        }
        let approved = try await gateways.schedulePayment(business: acme, billID: bill.id, amount: amount, payOn: day, fromAccountID: nil)
        let again = try await gateways.schedulePayment(business: acme, billID: bill.id, amount: amount, payOn: day, fromAccountID: nil)
        #expect(again.id == approved.id)
        _ = try await gateways.replayOutbox(of: acme)
        _ = try await gateways.refresh(.payment, business: acme.business)
        let settled = try #require(try session.store.reader.payment(approved.id, of: acme))
        #expect(settled.state != .pending, "\(script.name): still pending after the outbox replay")

        let stats = try await sandbox.stats()
        let byBill = (stats["billpayments_by_bill"] as? [String: Any])?[realm] as? [String: Any]
        let lookups = try books.logLines().filter { $0["phase"] as? String == "lookup" }.compactMap { $0["status"] as? String }
        return (byBill?[bill.id.rawValue] as? Int ?? 0, lookups)
    }

    @Test(arguments: scripts)
    func oneApprovalIsOnePaymentWhateverQBODoesToTheAnswer(_ script: Script) async throws {
        let outcome = try await approve(under: script, lookup: BillPaymentLookup())
        #expect(outcome.payments == 1, "\(script.name): \(outcome.payments) BillPayments in QBO")
        #expect(outcome.lookups.contains("found"), "\(script.name): the look-up never found the committed payment: \(outcome.lookups)")
    }

    @Test(arguments: scripts)
    func withTheLookUpBrokenTheSameCasePaysTwice(_ script: Script) async throws {
        let outcome = try await approve(under: script, lookup: BillPaymentLookup(pretendsNothingIsFound: true))
        #expect(outcome.payments == 2, "\(script.name): a broken look-up did not lead to a duplicate, so the case proves nothing")
    }
}
