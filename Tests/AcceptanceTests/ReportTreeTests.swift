import Foundation
@testable import RowCol
import RowColTestSupport
import Testing

/// Reports build the trees of their open items by hand (`JSONTreeEncodable`), not through their
/// `Encoder` calls: the bytes must stay those `JSONEncoder` writes through `Encodable`, which never
/// takes that path, for every optional present or absent and for a whole snapshot of a company
/// with a paid past (learned bases, usual lateness, projections).
@Suite struct ReportTreeTests {
    static let usd = CurrencyCode(rawValue: "USD")!
    static let cad = CurrencyCode(rawValue: "CAD")!

    static func codableTree(_ value: some Encodable) throws -> JSONValue {
        try JSONValue.parse(Array(try JSONEncoder(layout: .compact).encode(value)))
    }

    @Test func openItemsAreWrittenAsTheirEncodableWritesThem() throws {
        var random = SeededGenerator(seed: 42)
        func maybe<T>(_ value: T) -> T? { random.chance(2) ? nil : value }
        var checked = 0
        for round in 0..<400 {
            let amount = Decimal(string: "\(random.int(2_000_000) - 1_000_000).\(random.int(100))")!
            let item = AgingSummary.Item(
                id: EntityID(rawValue: "\(round + 1)")!,
                party: PartyRef(id: "p\(random.int(9))", name: maybe(["Zoë \"Z\"", "Acme\nLtd", "", "東京"][random.int(4)])),
                docNumber: maybe("D-\(round)"), dueDate: maybe(LocalDate("2026-11-30")!.adding(days: random.int(200) - 100)),
                daysOverdue: random.int(120), balance: Money(amount, random.chance(3) ? Self.cad : Self.usd),
                homeBalance: maybe(Money(amount, Self.usd)), scheduled: maybe(Money(Decimal(random.int(500)), Self.usd)),
                projected: maybe(Money(Decimal(string: "0.\(random.int(1000))")!, Self.usd)), week: maybe(1 + random.int(13)),
                expectedOn: maybe(LocalDate("2026-12-01")!.adding(days: random.int(90))),
                basis: maybe(ProjectionBasis(ProjectionBasis.Code.all[random.int(6)], "paid \(random.int(30)) days late")),
                usualDaysLate: maybe(random.int(60) - 10))
            let expected = try Self.codableTree(item)
            #expect(item.jsonTree == expected, "item \(round)")
            #expect(try JSONValue(encoding: item).serialized(.pretty) == Array(try JSONEncoder(layout: .pretty).encode(item)))
            checked += 1
        }
        #expect(checked == 400)
        for basis in ProjectionBasis.Code.all.map({ ProjectionBasis($0, "why") }) {
            #expect(basis.jsonTree == (try Self.codableTree(basis)))
        }
        let money = Money(Decimal(string: "-0.015")!, Self.cad)
        #expect(money.jsonTree == (try Self.codableTree(money)))
        #expect(PartyRef(id: "1").jsonTree == (try Self.codableTree(PartyRef(id: "1"))))
    }

    @Test func aSnapshotIsWrittenAsItsEncodableWritesIt() async throws {
        let sandbox = try await Sandbox.start()
        let books = try Books()
        defer { Task { await sandbox.stop() }; books.remove() }
        let realm = freshRealm()
        try await sandbox.seed(realm, seed: 3, bills: 40, invoices: 30, historyMonths: 6)
        try await books.connect("acme", realm: realm, sandbox: sandbox)
        let session = try await books.session()
        defer { Task { await session.close() } }
        _ = try await session.sync(strict: true)
        let snapshot = try AdvisorReader(workspace: books.workspace, advisor: books.advisor)
            .snapshot(of: books.business("acme").business)
        let items = snapshot.payables.items + snapshot.receivables.items
        #expect(items.count > 20)
        #expect(items.contains { $0.basis?.code == .partyHistory || $0.basis?.code == .businessHistory }, "a learned basis")
        #expect(try JSONValue.encode(snapshot, layout: .pretty) == Array(try JSONEncoder(layout: .pretty).encode(snapshot)))
    }
}
