import Foundation
import RowColDomain
import RowColJSON
import Testing
@testable import RowColStore

@Suite struct MirrorTests {
    @Test func documentsRoundTripThroughTheReader() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let payment = BillPayment(
            id: try PaymentID(validating: "idem-1"), billID: try EntityID(validating: "1"),
            amount: Money(Decimal(string: "0.07")!, .usd), payOn: LocalDate("2026-12-02")!, state: .pending,
            idemKey: "idem-1")
        let balance = AccountBalance(
            id: try EntityID(validating: "35"), name: "Checking", accountType: "Bank",
            currentBalance: Money(Decimal(string: "1201.00")!, .usd))
        let invoice = try JSONValue(encoding: ["id": "130"])
        _ = invoice
        _ = try await store.commit([
            record(fixture.business, [
                try bill("1", cents: 123_456_789),
                try .upsert(.payment, id: payment.id, value: payment, qbo: nil, sourceVersion: nil, updatedAt: nil),
                try .upsert(.balance, id: balance.id, value: balance, qbo: .object(["Id": .string("35")]),
                            sourceVersion: "2", updatedAt: "2026-11-20T10:00:00-08:00"),
            ])
        ])
        let reader = store.reader
        let bills = try reader.bills(of: fixture.ref)
        #expect(bills.count == 1)
        #expect(bills[0].balance.amount == Decimal(string: "1234567.89")!)
        #expect(try reader.payment(payment.id, of: fixture.ref) == payment)
        #expect(try reader.payments(of: fixture.ref) == [payment])
        #expect(try reader.balances(of: fixture.ref) == [balance])
        #expect(try reader.invoices(of: fixture.ref).isEmpty)
        #expect(try reader.bill(EntityID(validating: "2"), of: fixture.ref) == nil)
        let text = try String(contentsOfFile: fixture.billsFolder + "/1.json", encoding: .utf8)
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\n  \"advisor_id\" : \"ada\",\n"))
        #expect(text.contains("1234567.89"))
        let document = try #require(try reader.document(.bill, EntityID(validating: "1"), of: fixture.ref))
        #expect(document.version == 1 && document.logSeq == LogSeq(1) && document.sourceVersion == "0")
        await store.close()
    }

    @Test func versionsCountChangesAndDeletionsRemoveFiles() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        _ = try await store.commit([record(fixture.business, [try bill("7", cents: 100)])])
        _ = try await store.commit([record(fixture.business, [try bill("7", cents: 90, version: "1")])])
        let reader = store.reader
        var document = try #require(try reader.document(.bill, EntityID(validating: "7"), of: fixture.ref))
        #expect(document.version == 2 && document.logSeq == LogSeq(2))
        _ = try await store.commit([record(fixture.business, [.delete(.bill, id: try EntityID(validating: "7"))])])
        #expect(FileSystem.kind(of: fixture.billsFolder + "/7.json") == .missing)
        _ = try await store.commit([record(fixture.business, [try bill("7", cents: 80, version: "2")])])
        document = try #require(try reader.document(.bill, EntityID(validating: "7"), of: fixture.ref))
        #expect(document.version == 1 && document.logSeq == LogSeq(4))
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
    }

    /// Batches of more than 64 changes to one folder take the listed-folder path (the writer lists
    /// the folder once and keeps its names; the reader lists it per call): versions, deletions and
    /// recreations must come out as they do document by document, and `verify` stays clean.
    @Test func bigBatchesThroughTheListedFolderKeepVersionsAndDeletions() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let ids = (0..<150).map { "b\($0)" }
        _ = try await store.commit([record(fixture.business, try ids.map { try bill($0, cents: 100) })])
        // Half changed, a third deleted, in one batch over the listed folder.
        var changes: [MirrorChange] = []
        for (index, id) in ids.enumerated() {
            if index % 3 == 0 {
                changes.append(.delete(.bill, id: try EntityID(validating: id)))
            } else if index % 2 == 0 {
                changes.append(try bill(id, cents: 90, version: "1"))
            }
        }
        _ = try await store.commit([record(fixture.business, changes)])
        // Recreate the deleted ones, change some again: the writer's kept names must know both.
        _ = try await store.commit([record(fixture.business, try ids.map { try bill($0, cents: 80, version: "2") })])
        let reader = store.reader
        let asked = try (ids + ["absent1", "absent2"]).map { try EntityID(validating: $0) }
        let batch = try reader.documents(.bill, ids: asked, of: fixture.ref)
        #expect(batch.count == 150)
        for id in asked {
            #expect(batch[id] == (try reader.document(.bill, id, of: fixture.ref)))
        }
        for (index, id) in ids.enumerated() {
            let document = try #require(batch[try EntityID(validating: id)])
            // Deleted then recreated: version 1 again; changed twice: 3; changed once more: 2.
            #expect(document.version == (index % 3 == 0 ? 1 : (index % 2 == 0 ? 3 : 2)))
        }
        let few = try reader.documents(.bill, ids: Array(asked.suffix(5)), of: fixture.ref)
        #expect(few.count == 3)
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
        let reopened = try fixture.open()
        _ = try await reopened.commit([record(fixture.business, try ids.map { try bill($0, cents: 80, version: "2") })])
        #expect(try reopened.reader.documents(.bill, ids: asked, of: fixture.ref) == batch)
        await reopened.close()
    }

    @Test func anUnchangedWriteLeavesTheFileUntouched() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        _ = try await store.commit([record(fixture.business, [try bill("5", cents: 500)])])
        let path = fixture.billsFolder + "/5.json"
        let before = try FileManager.default.attributesOfItem(atPath: path)
        let bytes = try readBytes(path)
        try await Task.sleep(for: .milliseconds(20))
        let entries = try await store.commit([record(fixture.business, [try bill("5", cents: 500)])])
        #expect(entries[0].seq == LogSeq(2))
        let after = try FileManager.default.attributesOfItem(atPath: path)
        #expect(after[.systemFileNumber] as? Int == before[.systemFileNumber] as? Int)
        #expect(after[.modificationDate] as? Date == before[.modificationDate] as? Date)
        #expect(try readBytes(path) == bytes)
        let document = try #require(try store.reader.document(.bill, EntityID(validating: "5"), of: fixture.ref))
        #expect(document.version == 1 && document.logSeq == LogSeq(1))
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
    }

    @Test func rebuildReproducesTheLiveMirrorByteForByte() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        for index in 0..<40 {
            var changes = [try bill("k\(index % 6)", cents: 100 + index % 3, version: "\(index % 3)")]
            if index % 5 == 4 { changes.append(.delete(.bill, id: try EntityID(validating: "k\((index + 1) % 6)"))) }
            _ = try await store.commit([record(fixture.business, changes)])
        }
        try await store.setSyncState(.object(["cursor": .string("2026-11-20T10:00:00Z")]), for: fixture.business)
        let live = try snapshot(fixture.root + "/advisors/ada/businesses")
        let liveIndex = try #require(try openItemsIndex(fixture))
        try await store.rebuild()
        // The mirror and state.json come back byte for byte; the derived index comes back compacted,
        // with the same open items at the same checkpoint.
        #expect(try snapshot(fixture.root + "/advisors/ada/businesses").filter { !$0.key.contains("index/") }
            == live.filter { !$0.key.contains("index/") })
        #expect(try openItemsIndex(fixture) == liveIndex)
        #expect(try store.syncState(for: fixture.business) == .object(["cursor": .string("2026-11-20T10:00:00Z")]))
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
    }

    @Test func syncStateIsKeptWithTheCheckpoint() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        #expect(try store.syncState(for: fixture.business) == .object([:]))
        _ = try await store.commit(
            [record(fixture.business, [try bill("1", cents: 1)])],
            syncStates: [fixture.business: .object(["bills": .object(["cursor": .number(7)])])])
        await store.close()
        store = try fixture.open()
        let state = try store.state(of: fixture.business)
        #expect(state.checkpoint == LogSeq(1))
        #expect(state.sync == .object(["bills": .object(["cursor": .number(7)])]))
        let unknown = try BusinessID(validating: "ghost")
        let error = try await #require(throws: StoreError.self) {
            try await store.commit([record(unknown, [])])
        }
        #expect(error.code == .notFound)
        #expect(await store.lastSeq() == LogSeq(1))
        await store.close()
    }

    @Test func replayAfterALostCheckpointGivesTheSameMirror() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        for index in 0..<10 { _ = try await store.commit([record(fixture.business, [try bill("p\(index % 3)", cents: index)])]) }
        await store.close()
        let live = try snapshot(fixture.billsFolder)
        // As if the process died after the documents were written but before state.json was.
        let statePath = fixture.root + "/advisors/ada/businesses/acme/state.json"
        try writeBytes(Array("{\"checkpoint\": 2, \"sync\": {}}\n".utf8), statePath)
        store = try fixture.open()
        #expect(store.recovery.replayedLines == 8)
        #expect(try store.state(of: fixture.business).checkpoint == LogSeq(10))
        await store.close()
        #expect(try snapshot(fixture.billsFolder) == live)
        #expect(try fixture.workspace.verify().isEmpty)
    }
}
