import Foundation
import RowColDomain
import RowColJSON
import RowColStore

/// Handed to a gateway's fetch closure during one refresh: records what QBO returned (log, then
/// mirror) and stages the cursors and flags that take effect only if the whole refresh succeeds.
public actor RefreshSession {
    public nonisolated let business: BusinessID
    public nonisolated let entity: EntityKind
    /// The sync state when the refresh began (cursors, last refresh times).
    public nonisolated let state: BusinessSyncState
    private let orchestrator: SyncOrchestrator
    private var cursors: [EntityKind: String] = [:]
    private var refreshed: Set<EntityKind> = []
    private var raised: [HygieneFlag] = []
    /// How many documents this refresh changed, per kind.
    public private(set) var changed: [EntityKind: Int] = [:]
    /// The last log line this refresh committed.
    public private(set) var lastSeq: LogSeq?

    init(business: BusinessID, entity: EntityKind, orchestrator: SyncOrchestrator, state: BusinessSyncState) {
        self.business = business
        self.entity = entity
        self.orchestrator = orchestrator
        self.state = state
    }

    /// The orchestrator's clock.
    public nonisolated var now: Date { orchestrator.now() }

    public nonisolated var configuration: SyncConfiguration { orchestrator.configuration }

    /// The commits enqueued and not yet awaited, oldest first; each awaits the one before it, so
    /// the last one settles after all of them, with the first failure.
    private var commits: [Task<Void, any Error>] = []
    /// How many enqueued commits may be in flight: one being written and one queued behind it, so
    /// the writer starts the next batch as soon as it finishes one instead of waiting for this
    /// refresh to come back on a busy pool; a third waits, which bounds the pages held in memory.
    static let commitsInFlight = 2

    /// Logs (INBOUND) and applies the changes the mirror does not have yet, after everything
    /// enqueued before; returns how many once they are durable and applied.
    @discardableResult
    public func record(operation: String, changes: [MirrorChange], detail: JSONValue? = nil) async throws -> Int {
        let count = try await enqueue(operation: operation, changes: changes, detail: detail)
        try await settle()
        return count
    }

    /// ``record(operation:changes:detail:)`` without waiting for its own commit: deduplicates the
    /// changes against the mirror and encodes their line while the lines enqueued before are being
    /// made durable, queues its own commit behind them (waiting first for all but the last one,
    /// see ``commitsInFlight``) and returns. A full refresh thus prepares page n + 2 while page
    /// n + 1 waits behind page n in the writer, and lines keep the order of the calls. A failed
    /// commit is thrown by a later call or by ``settle()``, and nothing enqueued after it is
    /// committed (a failed commit stops the store). Returns how many changes are new.
    ///
    /// A change deduplicated while an earlier line touching the same entity is still in flight is
    /// logged again (the same version twice, which the mirror applies as no change): full pages
    /// list each id once, so this costs nothing in practice.
    @discardableResult
    public func enqueue(operation: String, changes: [MirrorChange], detail: JSONValue? = nil) async throws -> Int {
        let prepared = try await orchestrator.prepareRecord(
            business: business, operation: operation, changes: changes, detail: detail)
        while commits.count >= Self.commitsInFlight { try await commits.removeFirst().value }
        guard let prepared else { return 0 }
        let ticket: CommitTicket
        do {
            ticket = try await orchestrator.journal.submit(prepared: prepared.lines)
        } catch {
            throw JournalFailure(underlying: error)
        }
        let previous = commits.last
        // Only the counts wait with the ticket, not the changes.
        var counts: [EntityKind: Int] = [:]
        for change in prepared.changes { counts[change.entity, default: 0] += 1 }
        commits.append(Task { [counts] in
            try await previous?.value
            let seqs: [LogSeq]
            do {
                seqs = try await ticket.value()
            } catch {
                throw JournalFailure(underlying: error)
            }
            self.committed(counts, seq: seqs.last)
        })
        return prepared.changes.count
    }

    /// Waits until every enqueued line is durable and applied; throws the first failure.
    public func settle() async throws {
        try await commits.last?.value
    }

    private func committed(_ counts: [EntityKind: Int], seq: LogSeq?) {
        changed.merge(counts, uniquingKeysWith: +)
        if let seq { lastSeq = seq }
    }

    /// The ids of every document of `kind` in the mirror (for full refreshes that turn missing ids
    /// into deletions), once every enqueued line is applied.
    public func mirrorIDs(_ kind: EntityKind) async throws -> Set<EntityID> {
        try await settle()
        do {
            return try await orchestrator.journal.mirrorIDs(kind, of: business)
        } catch {
            throw JournalFailure(underlying: error)
        }
    }

    /// The payment RowCol scheduled under `id`, as the mirror has it.
    public func mirrorPayment(_ id: PaymentID) async throws -> BillPayment? {
        try await settle()
        let version: MirrorVersion?
        do {
            version = try await orchestrator.journal.mirrorVersion(.payment, id: id, of: business)
        } catch {
            throw JournalFailure(underlying: error)
        }
        guard let data = version?.data else { return nil }
        return try data.decode(BillPayment.self)
    }

    /// Sets the cursor of `kind`, saved only when the refresh completes.
    public func advanceCursor(_ kind: EntityKind, to cursor: String) {
        cursors[kind] = cursor
    }

    /// Marks another kind as refreshed by this call (a CDC request covers several).
    public func markRefreshed(_ kind: EntityKind) {
        refreshed.insert(kind)
    }

    /// Raises a flag if the refresh completes (e.g. `recon.full_resync`).
    public func raise(_ code: HygieneFlag.Code, entity: EntityKind?, message: String) {
        raised.append(HygieneFlag(code: code, business: business, entity: entity, since: now, message: message))
    }

    struct Outcome {
        var cursors: [EntityKind: String]
        var refreshed: Set<EntityKind>
        var raised: [HygieneFlag]
    }

    func outcome() -> Outcome { Outcome(cursors: cursors, refreshed: refreshed, raised: raised) }
}
