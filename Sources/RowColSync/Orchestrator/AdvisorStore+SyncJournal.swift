import Foundation
import RowColDomain
import RowColJSON
import RowColStore

/// The advisor's store is the sync orchestrator's journal.
/// Nonisolated like the store's own commit: concurrent callers meet in its commit engine, not on the actor.
extension AdvisorStore: SyncJournal {
    public nonisolated func commit(_ records: [LogRecord]) async throws -> [LogEntry] {
        try await commit(records, syncStates: [:])
    }

    public nonisolated func commit(prepared: PreparedLines) async throws -> [LogEntry] {
        try await commit(prepared: prepared, syncStates: [:])
    }

    public nonisolated func submit(prepared: PreparedLines) async throws -> CommitTicket {
        try submit(prepared: prepared, syncStates: [:])
    }

    // prepare(_:) is the store's own.

    // syncState(for:) and setSyncState(_:for:) are the store's own.

    public nonisolated func mirrorVersion(_ kind: EntityKind, id: EntityID, of business: BusinessID) async throws -> MirrorVersion? {
        let ref = BusinessRef(advisor: advisor, business: business)
        guard let document = try reader.document(kind, id, of: ref) else { return nil }
        return MirrorVersion(
            sourceVersion: document.sourceVersion, updatedAt: document.updatedAt, data: document.data, qbo: document.qbo)
    }

    public nonisolated func mirrorVersions(
        _ kind: EntityKind, ids: [EntityID], of business: BusinessID
    ) async throws -> [EntityID: MirrorVersion] {
        let ref = BusinessRef(advisor: advisor, business: business)
        return try reader.documents(kind, ids: ids, of: ref).mapValues { document in
            MirrorVersion(
                sourceVersion: document.sourceVersion, updatedAt: document.updatedAt, data: document.data, qbo: document.qbo)
        }
    }

    public nonisolated func mirrorIDs(_ kind: EntityKind, of business: BusinessID) async throws -> Set<EntityID> {
        Set(try reader.ids(kind, of: BusinessRef(advisor: advisor, business: business)))
    }
}
