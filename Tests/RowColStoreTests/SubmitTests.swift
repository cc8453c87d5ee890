import Foundation
import RowColDomain
import Testing
@testable import RowColStore

/// Commits queued with `submit` before the last one is done: what a full refresh does to keep the
/// writer busy.
@Suite struct SubmitTests {
    /// Batches submitted without waiting keep their order, and each ticket returns its own lines' seqs
    /// once they are durable and in the mirror.
    @Test func submittedCommitsKeepTheirOrderAndEachTicketReturnsItsLines() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let pages = try (0..<6).map { page in try (0..<100).map { try bill("p\(page)-\($0)", cents: page * 100 + $0) } }
        var tickets: [CommitTicket] = []
        for page in pages {
            tickets.append(try store.submit(prepared: store.prepare([record(fixture.business, page)])))
        }
        var seqs: [LogSeq] = []
        for ticket in tickets {
            let lines = try await ticket.value()
            #expect(lines.count == 1)
            seqs += lines
        }
        #expect(seqs == (1...6).map { LogSeq(UInt64($0)) })
        let logged = try store.entries(after: .zero).map { $0.payload?.changes.map(\.id.rawValue) ?? [] }
        #expect(logged == pages.map { $0.map(\.id.rawValue) })
        #expect(try store.reader.bills(of: fixture.ref).count == 600)
        #expect(try store.state(of: fixture.business).checkpoint == LogSeq(6))
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
    }

    /// A batch that changes documents the batch before it changes too (queued right behind it, so
    /// usually prepared while that one is still being published) sees them as that batch leaves
    /// them: versions count on, a deleted document is gone, and the index and verify agree.
    @Test func aBatchBehindAnotherSeesTheDocumentsItLeaves() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        for round in 0..<4 {
            let first = try (0..<100).map { try bill("r\(round)-\($0)", cents: $0 + 1) }
            var second = try (0..<100).map { try bill("r\(round)-\($0)", cents: $0 + 1_000, version: "1") }
            second.append(.delete(.bill, id: try EntityID(validating: "r\(round)-0")))
            let tickets = [
                try store.submit(prepared: store.prepare([record(fixture.business, first)])),
                try store.submit(prepared: store.prepare([record(fixture.business, second)])),
            ]
            for ticket in tickets { _ = try await ticket.value() }
            let documents = try store.reader.documents(.bill, ids: try (0..<100).map { try EntityID(validating: "r\(round)-\($0)") }, of: fixture.ref)
            #expect(documents.count == 99, "round \(round)")
            for (id, document) in documents {
                #expect(document.version == 2, "\(id) in round \(round)")
                #expect(document.sourceVersion == "1")
            }
        }
        let open = try store.reader.bills(of: fixture.ref)
        #expect(open.count == 4 * 99)
        #expect(open.allSatisfy { $0.balance.amount >= 10 })
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
    }

    /// The batch behind is prepared while the one before it is held back from publishing: it
    /// waits for that one before it reads a document both change, and counts versions on from it.
    @Test func aBatchPreparedBeforeTheLastIsPublishedWaitsForTheDocumentsItShares() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let gate = DispatchSemaphore(value: 0)
        let held = RowColStore.Locked(false)
        store.engine.beforePublishing.withLock {
            $0 = {
                let first = held.withLock { wasHeld -> Bool in
                    defer { wasHeld = true }
                    return !wasHeld
                }
                if first { gate.wait() }
            }
        }
        let first = try store.submit(prepared: store.prepare([record(fixture.business, try (0..<100).map { try bill("b\($0)", cents: $0 + 1) })]))
        // The first batch is logged (and, held, not yet published) before the second is queued.
        while await store.lastSeq() < LogSeq(1) { await Task.yield() }
        let second = try store.submit(prepared: store.prepare([record(fixture.business,
            try (0..<100).map { try bill("b\($0)", cents: $0 + 1_000, version: "1") })]))
        while await store.lastSeq() < LogSeq(2) { await Task.yield() }
        gate.signal()
        _ = try await first.value()
        _ = try await second.value()
        let documents = try store.reader.documents(.bill, of: fixture.ref)
        #expect(documents.count == 100)
        for document in documents { #expect(document.version == 2 && document.sourceVersion == "1", "\(document.id)") }
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
    }

    /// When the mirror cannot take a batch, its ticket and every ticket queued behind it fail with
    /// the store's error: none of them is acknowledged, and the store refuses later commits.
    @Test func aFailedCommitFailsEveryTicketQueuedBehindIt() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        _ = try await store.commit([record(fixture.business, [try bill("first", cents: 1)])])
        // The bills folder turns into a file: the next batch's documents cannot be renamed into it.
        try FileManager.default.removeItem(atPath: fixture.billsFolder)
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: fixture.billsFolder))
        let tickets = try (0..<3).map { page in
            try store.submit(prepared: store.prepare([record(fixture.business, try (0..<80).map { try bill("b\(page)-\($0)", cents: $0) })]))
        }
        var failures = 0
        for ticket in tickets {
            await #expect(throws: StoreError.self) { _ = try await ticket.value() }
            failures += 1
        }
        #expect(failures == 3)
        await #expect(throws: StoreError.self) { _ = try await store.commit([record(fixture.business, [try bill("later", cents: 2)])]) }
        await store.close()
    }

    /// A ticket of a journal without a queue commits only when it is first awaited, once.
    @Test func aDeferredTicketCommitsWhenAwaitedAndOnlyOnce() async throws {
        let runs = RowColStore.Locked(0)
        let ticket = CommitTicket(deferred: {
            runs.withLock { $0 += 1 }
            return []
        })
        #expect(runs.withLock { $0 } == 0)
        _ = try await ticket.value()
        _ = try await ticket.value()
        #expect(runs.withLock { $0 } == 1)
    }
}
