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

    /// Logs (INBOUND) and applies the changes the mirror does not have yet; returns how many.
    @discardableResult
    public func record(operation: String, changes: [MirrorChange], detail: JSONValue? = nil) async throws -> Int {
        let (fresh, seq) = try await orchestrator.record(
            business: business, operation: operation, changes: changes, detail: detail)
        for change in fresh { changed[change.entity, default: 0] += 1 }
        if let seq { lastSeq = seq }
        return fresh.count
    }

    /// The ids of every document of `kind` in the mirror (for full refreshes that turn missing ids into deletions).
    public func mirrorIDs(_ kind: EntityKind) async throws -> Set<EntityID> {
        do {
            return try await orchestrator.journal.mirrorIDs(kind, of: business)
        } catch {
            throw JournalFailure(underlying: error)
        }
    }

    /// The payment RowCol scheduled under `id`, as the mirror has it.
    public func mirrorPayment(_ id: PaymentID) async throws -> BillPayment? {
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
