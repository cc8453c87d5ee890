import Foundation
import QBOSandbox
@testable import RowCol
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 11: an outbox that never wedges, and a failing business that never stops the others.
@Suite struct OutboxTests {
    /// What happens to the bill in QBO while its payment waits in the outbox.
    enum Change: String, CaseIterable, Sendable {
        case deleted, paidElsewhere, partlyPaidBelowTheAmount
    }

    @Test(arguments: Change.allCases)
    func anIntentItsBillCanNoLongerTakeEndsRejectedAndBlocksNothing(_ change: Change) async throws {
        let sandbox = try await Sandbox.start()
        defer { Task { await sandbox.stop() } }
        let books = try Books()
        defer { books.remove() }
        let (acmeRealm, bobRealm) = (freshRealm(), freshRealm())
        try await sandbox.seed(acmeRealm, seed: 3, bills: 12, invoices: 3)
        try await sandbox.seed(bobRealm, seed: 4, bills: 6, invoices: 3)
        try await books.connect("acme", realm: acmeRealm, sandbox: sandbox)
        try await books.connect("bobco", realm: bobRealm, sandbox: sandbox)
        let session = try await books.session()
        defer { Task { await session.close() } }
        let acme = books.business("acme")
        _ = try await session.sync(strict: true)
        let bill = try #require(try session.store.reader.bills(of: acme).first { $0.isOpen && $0.balance.amount > 5 })
        let day = try #require(LocalDate("2026-12-02"))

        // QBO fails every call of acme's company: the intent is logged, the payment queued.
        try await sandbox.call("POST", "__sandbox/faults", ["realm": acmeRealm, "kind": "503", "rate": 1])
        let queued = try await session.gateways.schedulePayment(
            business: acme, billID: bill.id, amount: bill.balance, payOn: day, fromAccountID: nil)
        #expect(queued.state == .pending)
        try await sandbox.call("DELETE", "__sandbox/faults")
        #expect(try await sandbox.paymentsCreated() == 0)

        let elsewhere: Decimal
        switch change {
        case .deleted:
            try await sandbox.call("DELETE", "__sandbox/realms/\(acmeRealm)/bill/\(bill.id)")
            elsewhere = 0
        case .paidElsewhere:
            elsewhere = bill.balance.amount
            try await sandbox.payElsewhere(acmeRealm, bill: bill.id.rawValue, amount: elsewhere)
        case .partlyPaidBelowTheAmount:
            elsewhere = 1
            try await sandbox.payElsewhere(acmeRealm, bill: bill.id.rawValue, amount: elsewhere)
        }

        let reports = try await session.sync(strict: false)
        #expect(reports.map(\.business.rawValue) == ["acme", "bobco"])
        #expect(reports.allSatisfy { $0.synced }, "\(reports)")
        let payment = try #require(try session.store.reader.payment(queued.id, of: acme))
        #expect(payment.state == .rejected)
        let reason = try #require(payment.failure)
        let expected: String = switch change {
        case .deleted: "no longer exists"
        case .paidElsewhere: "nothing left to pay"
        case .partlyPaidBelowTheAmount: "exceeds"
        }
        #expect(reason.contains(expected), "\(reason)")
        let flag = try #require(reports[0].flags.first { $0.code == .writeRejected })
        #expect(flag.message.contains("bill \(bill.id)") && flag.message.contains(expected), "\(flag.message)")
        #expect(!reports[0].flags.contains { $0.code == .writePending })
        #expect(try await sandbox.paymentsCreated() == (elsewhere > 0 ? 1 : 0), "RowCol's payment was sent")

        // The log shows which path ran: a look-up that found the bill unable to take it.
        let lookups = try books.logLines().filter { $0["phase"] as? String == "lookup" }
        #expect(lookups.map { $0["status"] as? String } == ["failed", "unsendable"])
        #expect(lookups.allSatisfy { $0["idem_key"] as? String == queued.idemKey })

        // Nothing is wedged: the next sync is clean and sends nothing.
        let again = try await session.sync(strict: true)
        #expect(again.allSatisfy { $0.synced })
        #expect(try await sandbox.paymentsCreated() == (elsewhere > 0 ? 1 : 0))

        // The flag clears when a later payment goes through.
        let other = try #require(try session.store.reader.bills(of: acme).first { $0.isOpen && $0.id != bill.id })
        let paid = try await session.gateways.schedulePayment(
            business: acme, billID: other.id, amount: Money(1, other.balance.currency), payOn: day, fromAccountID: nil)
        #expect(paid.state == .sent)
        let flags = try await session.orchestrator.flags(for: .payment, business: acme.business)
        #expect(!flags.contains { $0.code == .writeRejected }, "\(flags)")
    }

    @Test func aBusinessWhoseFilesFailDoesNotStopTheOthersAndTheExitCodeIsThree() async throws {
        let sandbox = try await Sandbox.start()
        defer { Task { await sandbox.stop() } }
        let books = try Books()
        defer { books.remove() }
        for (business, seed) in [("acme", 3), ("bobco", 4), ("cato", 5)] {
            let realm = freshRealm()
            try await sandbox.seed(realm, seed: seed, bills: 5, invoices: 2)
            try await books.connect(business, realm: realm, sandbox: sandbox)
        }
        let base = ["--workspace", books.folder.path, "--advisor", "ada"]
        #expect(try await rowcol(["sync", "--strict"] + base).status == 0)

        // bobco's sync state is damaged by hand: its own sync fails, the other two go on.
        let state = books.folder.appendingPathComponent("advisors/ada/businesses/bobco/state.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: state)) as? [String: Any])
        object["sync"] = ["flags": "not a list"]
        try JSONSerialization.data(withJSONObject: object).write(to: state)

        for command in [["sync", "--strict"], ["recon"]] {
            let run = try await rowcol(command + base + ["--json"])
            #expect(run.status == 3, "\(command): \(run.output)")
            let reports = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
            #expect(reports.map { $0["business"] as? String } == ["acme", "bobco", "cato"])
            for report in reports {
                let synced = report["synced"] as? Bool
                let codes = (report["flags"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                if report["business"] as? String == "bobco" {
                    #expect(synced == false)
                    #expect(codes.contains("sync.failed"), "\(report)")
                    #expect((report["error"] as? String)?.contains("state.json") == true, "\(report)")
                } else {
                    #expect(synced == true, "\(command): \(report)")
                    #expect(!codes.contains("sync.failed"))
                }
            }
        }

        // Mended (the sync section emptied: it is derived), bobco syncs again and the flag is gone.
        object["sync"] = [String: Any]()
        try JSONSerialization.data(withJSONObject: object).write(to: state)
        let mended = try await rowcol(["sync", "--strict"] + base + ["--json"])
        #expect(mended.status == 0, "\(mended.output)")
        #expect(!mended.stdout.contains("sync.failed"))
    }
}

extension Sandbox {
    /// Pays `amount` of a bill through the API, as someone working in QBO would (no RowCol marker).
    func payElsewhere(_ realm: String, bill: String, amount: Decimal) async throws {
        let tokens = try #require(try await call("POST", "__sandbox/realms/\(realm)/tokens") as? [String: Any])
        let access = try #require(tokens["access_token"] as? String)
        let remoteBill = try await entity(realm, "bill", bill)
        let vendor = try #require((remoteBill["VendorRef"] as? [String: Any])?["value"])
        let bank = try await firstBankAccount(realm, token: access)
        let body: [String: Any] = [
            "VendorRef": ["value": vendor], "PayType": "Check", "CheckPayment": ["BankAccountRef": ["value": bank]],
            "TotalAmt": NSDecimalNumber(decimal: amount),
            "Line": [["Amount": NSDecimalNumber(decimal: amount), "LinkedTxn": [["TxnId": bill, "TxnType": "Bill"]]]],
        ]
        var request = URLRequest(url: url.appendingPathComponent("v3/company/\(realm)/billpayment"))
        request.httpMethod = "POST"
        request.setValue("Bearer \(access)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw HarnessError("payElsewhere → \(status): \(String(decoding: data, as: UTF8.self))") }
    }

    func firstBankAccount(_ realm: String, token: String) async throws -> String {
        let statement = "SELECT * FROM Account WHERE AccountType = 'Bank'"
        var components = URLComponents(url: url.appendingPathComponent("v3/company/\(realm)/query"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "query", value: statement)]
        var request = URLRequest(url: components.url!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (data, _) = try await URLSession.shared.data(for: request)
        let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let rows = (answer?["QueryResponse"] as? [String: Any])?["Account"] as? [[String: Any]] ?? []
        return try #require(rows.first?["Id"] as? String)
    }
}
