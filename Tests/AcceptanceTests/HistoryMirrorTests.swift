import Foundation
import QBOSandbox
@testable import RowCol
import Testing

/// The history cash timing needs — customer payments, every bill payment, purchases — mirrored
/// from a sandbox company with a year of past, over loopback HTTP: full sync, CDC with deletions,
/// the history read API, verify, rebuild and backup.
@Suite(.serialized) struct HistoryMirrorTests {
    static let historyFolders = ["customer-payments", "bill-payments", "purchases"]

    /// A company with 12 months of history, connected as `acme` and synced once.
    static func syncedCompany() async throws -> (Sandbox, Books, String, AdvisorSession) {
        let sandbox = try await Sandbox.start()
        let books = try Books()
        let realm = freshRealm()
        try await sandbox.seed(realm, seed: 5, bills: 150, invoices: 120, accounts: 1, historyMonths: 12)
        try await books.connect("acme", realm: realm, sandbox: sandbox)
        let session = try await books.session()
        let reports = try await session.sync(strict: true)
        #expect(reports.map(\.synced) == [true], "\(reports)")
        return (sandbox, books, realm, session)
    }

    static func median(_ values: [Int]) -> Int? { values.isEmpty ? nil : values.sorted()[values.count / 2] }

    @Test func aFullSyncMirrorsEveryPaymentBillPaymentAndPurchaseAndTheHistoryReadsBackTheHabits() async throws {
        let (sandbox, books, realm, session) = try await Self.syncedCompany()
        defer { books.remove() }
        do {
            let acme = books.business("acme")
            let control = sandbox.server.control
            let summary = try #require(try await control.realms().first { $0.realm == realm })
            let reader = books.workspace.mirrorReader(for: books.advisor)
            #expect(try reader.count(.customerPayment, of: acme) == summary.payments)
            #expect(try reader.count(.billPayment, of: acme) == summary.billPayments)
            #expect(try reader.count(.purchase, of: acme) == summary.purchases)
            #expect(summary.payments > 20 && summary.billPayments > 40 && summary.purchases > 100, "\(summary)")

            // Each document holds the domain value and the QBO body as received.
            let document = try #require(try reader.documents(.customerPayment, of: acme).first)
            let payment = try #require(document.data).decode(CustomerPayment.self)
            #expect(document.qbo?["Id"]?.stringValue == payment.id.rawValue)
            #expect(payment.invoices.reduce(Decimal(0)) { $0 + $1.amount.amount } + payment.unapplied.amount
                    == payment.amount.amount)

            let answer = try await session.history(of: acme.business, strict: false)
            #expect(Set(answer.freshness.keys) == Set(QBOGateways.historyKinds))
            #expect(answer.freshness.values.allSatisfy { $0.level == .fresh }, "\(answer.freshness)")
            #expect(answer.flags.isEmpty, "\(answer.flags)")
            let history = answer.history
            #expect(history.paidInvoices.count > 40 && history.paidBills.count > 60, "\(history.paidInvoices.count)")
            #expect(history.purchases.count == summary.purchases)

            // The paid dates are those of the sandbox's payments, read independently of the mirror.
            let paidInvoice = try #require(history.paidInvoices.last)
            let invoice = try await control.entity(.invoice, id: paidInvoice.id.rawValue, realm: realm)
            #expect(invoice["Balance"]?.decimalValue == 0)
            var dates: [String] = []
            for link in invoice["LinkedTxn"]?.arrayValue ?? [] where link["TxnType"]?.stringValue == "Payment" {
                let id = try #require(link["TxnId"]?.stringValue)
                let settling = try await control.entity(.payment, id: id, realm: realm)
                dates.append(try #require(settling["TxnDate"]?.stringValue))
            }
            #expect(dates.max() == paidInvoice.paidOn.description && dates.count == paidInvoice.payments)

            // What the seeder built each customer and vendor to do is what the history shows.
            let truth = try await control.history(realm: realm)
            func habits(_ key: String) -> [String: String] {
                Dictionary(uniqueKeysWithValues: (truth[key]?.arrayValue ?? []).compactMap { party in
                    party["id"]?.stringValue.flatMap { id in party["habit"]?.stringValue.map { (id, $0) } }
                })
            }
            let customers = habits("customers"), vendors = habits("vendors")
            func lateness(_ paid: [PaidDocument], _ habitOf: [String: String], _ habit: String) -> [Int] {
                paid.filter { habitOf[$0.party.id] == habit }.map(\.daysLate)
            }
            // Weekends move a payment up to two days later.
            let onTime = try #require(Self.median(lateness(history.paidInvoices, customers, "on_time")))
            let late = try #require(Self.median(lateness(history.paidInvoices, customers, "late")))
            #expect((-3...4).contains(onTime) && (17...27).contains(late), "on time \(onTime), late \(late)")
            let early = try #require(Self.median(lateness(history.paidBills, vendors, "early")))
            let behind = try #require(Self.median(lateness(history.paidBills, vendors, "behind")))
            #expect((-10...0).contains(early) && (8...32).contains(behind), "early \(early), behind \(behind)")

            let methods = Set(history.purchases.map(\.method))
            #expect(methods == [.check, .cash, .creditCard])
            let rent = history.purchases.filter { $0.expenseAccount?.name == "Rent or Lease" && $0.method == .check }
            #expect(rent.count >= 11, "a check for the rent every month: \(rent.count)")

            let since = try #require(history.paidInvoices.dropFirst(history.paidInvoices.count / 2).first?.paidOn)
            let recent = try await session.history(of: acme.business, since: since, strict: false).history
            #expect(recent.paidInvoices.allSatisfy { $0.paidOn >= since })
            #expect(recent.paidInvoices.count < history.paidInvoices.count && !recent.paidInvoices.isEmpty)
            #expect(recent.purchases.allSatisfy { ($0.date ?? since) >= since })
        } catch {
            await session.close()
            await sandbox.stop()
            throw error
        }
        await session.close()
        await sandbox.stop()
    }

    @Test func deletionsInQBOReachTheMirrorThroughCDC() async throws {
        let (sandbox, books, realm, session) = try await Self.syncedCompany()
        defer { books.remove() }
        do {
            let acme = books.business("acme")
            let control = sandbox.server.control
            let reader = books.workspace.mirrorReader(for: books.advisor)
            let before = try await session.history(of: acme.business, strict: false).history
            // A payment that alone settled an invoice in full: deleting it reopens the invoice.
            let received = try reader.values(.customerPayment, as: CustomerPayment.self, of: acme)
            let sole = try #require(before.paidInvoices.first { paid in
                paid.payments == 1 && received.filter { $0.invoices.contains { $0.id == paid.id.rawValue } }.count == 1
            })
            let payment = try #require(received.first { $0.invoices.contains { $0.id == sole.id.rawValue } })
            let billPayment = try #require(try reader.values(.billPayment, as: VendorPayment.self, of: acme).last)
            let purchase = try #require(before.purchases.last)
            try await control.delete(.payment, id: payment.id.rawValue, realm: realm)
            try await control.delete(.billpayment, id: billPayment.id.rawValue, realm: realm)
            try await control.delete(.purchase, id: purchase.id.rawValue, realm: realm)

            // One kind through its own CDC refresh, the others through the nightly reconciliation's one request.
            let refreshed = try await session.gateways.refresh(.purchase, business: acme.business)
            #expect(refreshed.reachedQBO && refreshed.changed[.purchase] == 1, "\(refreshed)")
            #expect(try reader.document(.purchase, purchase.id, of: acme) == nil)
            let reports = try await session.recon()
            #expect(reports.map(\.synced) == [true], "\(reports)")
            #expect(try reader.document(.customerPayment, payment.id, of: acme) == nil)
            #expect(try reader.document(.billPayment, billPayment.id, of: acme) == nil)
            let reopened = try #require(try reader.invoice(sole.id, of: acme))
            #expect(reopened.balance == reopened.total, "the invoice is open again")

            let after = try await session.history(of: acme.business, strict: false).history
            #expect(!after.paidInvoices.contains { $0.id == sole.id })
            #expect(!after.purchases.contains { $0.id == purchase.id })
            #expect(after.purchases.count == before.purchases.count - 1)
            // The log says why each document went: a CDC deletion, with the id.
            let deletions = try books.logLines().compactMap { line -> String? in
                let changes = (line["payload"] as? [String: Any])?["changes"] as? [[String: Any]] ?? []
                return changes.first { ($0["op"] as? String) == "delete" }.flatMap { $0["entity"] as? String }
            }
            #expect(Set(deletions) == ["customer_payment", "bill_payment", "purchase"], "\(deletions)")
            #expect(try books.workspace.verify().isEmpty)
        } catch {
            await session.close()
            await sandbox.stop()
            throw error
        }
        await session.close()
        await sandbox.stop()
    }

    @Test func verifyRebuildAndBackupCoverTheHistoryFolders() async throws {
        let (sandbox, books, _, session) = try await Self.syncedCompany()
        defer { books.remove() }
        await session.close()
        await sandbox.stop()
        let mirror = books.folder.appendingPathComponent("advisors/ada/businesses/acme/mirror")
        func files(_ root: URL) throws -> [String: Data] {
            var files: [String: Data] = [:]
            for folder in Self.historyFolders {
                let path = root.appendingPathComponent(folder)
                for name in try FileManager.default.contentsOfDirectory(atPath: path.path) {
                    files[folder + "/" + name] = try Data(contentsOf: path.appendingPathComponent(name))
                }
            }
            return files
        }
        let synced = try files(mirror)
        for folder in Self.historyFolders { #expect(synced.keys.contains { $0.hasPrefix(folder + "/") }, "\(folder)") }
        #expect(try books.workspace.verify().isEmpty)

        // A document edited by hand and one removed are both named by verify.
        let edited = try #require(synced.keys.sorted().first { $0.hasPrefix("customer-payments/") })
        let removed = try #require(synced.keys.sorted().last { $0.hasPrefix("purchases/") })
        var text = String(decoding: synced[edited]!, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 7")
        try Data(text.utf8).write(to: mirror.appendingPathComponent(edited))
        try FileManager.default.removeItem(at: mirror.appendingPathComponent(removed))
        let problems = try books.workspace.verify()
        #expect(problems.contains { $0.path.hasSuffix(edited) && $0.message.contains("differs from a replay") },
                "\(problems)")
        #expect(problems.contains { $0.path.hasSuffix(removed) && $0.message.contains("missing") }, "\(problems)")

        // Rebuild re-derives them from the log byte for byte.
        let store = try AdvisorStore.open(books.workspace, advisor: books.advisor)
        try await store.rebuild()
        await store.close()
        #expect(try files(mirror) == synced)
        #expect(try books.workspace.verify().isEmpty)

        // A backup carries them, and verifies clean on its own.
        let temp = try TempFolder("history-backup")
        defer { temp.remove() }
        let copy = temp.url.appendingPathComponent("copy")
        try await books.workspace.backup(to: copy)
        #expect(try files(copy.appendingPathComponent("advisors/ada/businesses/acme/mirror")) == synced)
        #expect(try Workspace.open(at: copy).verify().isEmpty)
    }
}
