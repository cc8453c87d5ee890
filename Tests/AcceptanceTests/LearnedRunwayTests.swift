import Foundation
import QBOSandbox
@testable import RowCol
import Testing

/// The runway learns from the history the mirror holds: a company with a paid past gets expected
/// dates from its customers' and vendors' habits, and its recurring purchases are projected.
@Suite struct LearnedRunwayTests {
    @Test func aCompanyWithAPaidPastIsProjectedFromItsHabits() async throws {
        let sandbox = try await Sandbox.start()
        let books = try Books()
        defer { Task { await sandbox.stop() }; books.remove() }
        let realm = freshRealm()
        try await sandbox.seed(realm, seed: 5, bills: 30, invoices: 30, historyMonths: 12)
        try await books.connect("acme", realm: realm, sandbox: sandbox)
        let session = try await books.session()
        _ = try await session.sync(strict: true)

        let history = try await session.history(of: books.business("acme").business).history
        #expect(!history.paidInvoices.isEmpty && !history.paidBills.isEmpty && !history.purchases.isEmpty)

        let snapshot = try await session.snapshot(books.business("acme").business)
        let items = snapshot.receivables.items + snapshot.payables.items
        #expect(!items.isEmpty)
        let learned = items.filter { [.partyHistory, .businessHistory].contains($0.basis?.code) }
        #expect(!learned.isEmpty, "no item was projected from history: \(items.compactMap(\.basis))")
        // Monthly rent, biweekly payroll and the like are in the sandbox's past: some must recur.
        #expect(!snapshot.recurring.isEmpty, "no recurring flow was detected")
        await session.close()
    }
}
