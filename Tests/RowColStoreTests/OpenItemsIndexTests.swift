import Foundation
import RowColDomain
import Testing
@testable import RowColStore

/// The open-items index (issue 6): a derived file that spares readers from parsing every document,
/// trusted only when current, regenerated when not, checked by `verify`, rewritten by `rebuild`.
@Suite struct OpenItemsIndexTests {
    func paid(_ id: String) throws -> MirrorChange {
        let entityID = try EntityID(validating: id)
        let value = Bill(
            id: entityID, vendor: PartyRef(id: "56"), dueDate: LocalDate("2026-12-01"), total: Money(10, .usd),
            balance: Money(0, .usd), linkedPaymentIDs: ["p-\(id)"])
        return try .upsert(.bill, id: entityID, value: value, qbo: nil, sourceVersion: "9", updatedAt: nil)
    }

    func indexPath(_ fixture: Fixture) -> String { fixture.workspace.paths.openItemsIndex(fixture.ref, .bill) }

    @Test func openBillsComeFromTheIndexAndMatchTheDocuments() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        _ = try await store.commit([record(fixture.business, try (1...30).map { try bill("b\($0)", cents: $0 * 100) })])
        _ = try await store.commit([record(fixture.business, [try paid("b3"), .delete(.bill, id: EntityID(unchecked: "b4"))])])
        _ = try await store.commit([record(fixture.business, [try bill("b3", cents: 700, version: "10")])])
        let reader = store.reader
        let fromIndex = try #require(try reader.openItemsFromIndex(.bill, of: fixture.ref, OpenItemDecoding.bill))
        let fromDocuments = try reader.bills(of: fixture.ref).filter(\.isOpen)
        #expect(fromIndex == fromDocuments)
        #expect(fromIndex.count == 29)
        #expect(try reader.openBills(of: fixture.ref) == fromDocuments)
        // Paid and deleted bills leave the index; a bill reopened comes back with its new balance.
        #expect(!fromIndex.contains { $0.id.rawValue == "b4" })
        #expect(fromIndex.first { $0.id.rawValue == "b3" }?.balance == Money(7, .usd))
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
    }

    @Test func aStaleIndexIsIgnoredByReadersAndRegeneratedByTheNextWriter() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        _ = try await store.commit([record(fixture.business, try (1...5).map { try bill("b\($0)", cents: 100) })])
        await store.close()
        // A crash after the index was appended but before state.json moved leaves a marker ahead.
        var bytes = try readBytes(indexPath(fixture))
        bytes += Array(#"{"id":"b1"}"#.utf8) + [10] + Array(#"{"checkpoint":99,"lines":8,"open":4}"#.utf8) + [10]
        try writeBytes(bytes, indexPath(fixture))
        #expect(try openItemsIndex(fixture) == nil)
        #expect(try store.reader.openBills(of: fixture.ref).count == 5)
        #expect(try fixture.workspace.verify().isEmpty)
        store = try fixture.open()
        #expect(try openItemsIndex(fixture)?.count == 5)
        await store.close()
    }

    @Test func verifyNamesAnIndexThatDisagreesWithTheDocumentsAndRebuildRewritesIt() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        _ = try await store.commit([record(fixture.business, try (1...5).map { try bill("b\($0)", cents: 100) })])
        await store.close()
        // Same line count and open count, one amount changed: only a comparison with the documents sees it.
        let text = String(decoding: try readBytes(indexPath(fixture)), as: UTF8.self)
        let edited = text.replacingOccurrences(of: #""amount":1,"#, with: #""amount":1000,"#, options: [], range: text.range(of: #""amount":1,"#))
        #expect(edited != text)
        try writeBytes(Array(edited.utf8), indexPath(fixture))
        let problems = try fixture.workspace.verify()
        #expect(problems.contains { $0.path == indexPath(fixture) && $0.message.contains("differs from the documents") }, "\(problems)")
        // Lines that do not add up to the marker are damage.
        let original = Array(text.utf8)
        try writeBytes(Array(original[(original.firstIndex(of: 10)! + 1)...]), indexPath(fixture))
        #expect(try fixture.workspace.verify().contains { $0.path == indexPath(fixture) && $0.message.contains("damaged") })
        store = try fixture.open()
        try await store.rebuild()
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
        #expect(try openItemsIndex(fixture)?.count == 5)
    }

    @Test func appendsAreCompactedSoTheIndexStaysSmall() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        for round in 0..<300 {
            _ = try await store.commit([record(fixture.business, try (1...5).map { try bill("b\($0)", cents: 100 + round, version: "\(round)") })])
        }
        await store.close()
        let lines = try readBytes(indexPath(fixture)).filter { $0 == 10 }.count
        #expect(lines <= 2 * 5 + 1_024 + 6)
        #expect(try openItemsIndex(fixture)?.count == 5)
        #expect(try fixture.workspace.verify().isEmpty)
    }

    @Test func aBrokenDocumentDoesNotStopTheStoreFromOpening() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        _ = try await store.commit([record(fixture.business, try (1...3).map { try bill("b\($0)", cents: 100) })])
        await store.close()
        try FileManager.default.removeItem(atPath: indexPath(fixture))
        try writeBytes(Array("<<<<<<< HEAD\n".utf8), fixture.billsFolder + "/b2.json")
        store = try fixture.open()
        #expect(try openItemsIndex(fixture) == nil)
        #expect(try fixture.workspace.verify().contains { $0.path.hasSuffix("b2.json") })
        try await store.rebuild()
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
        #expect(try store.reader.openBills(of: fixture.ref).count == 3)
    }
}
