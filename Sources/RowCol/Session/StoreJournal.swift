import Foundation
import RowColDomain
import RowColJSON
import RowColStore
import RowColSync

/// The advisor's store, as the sync orchestrator sees it.
struct StoreJournal: SyncJournal {
    let store: AdvisorStore

    var advisor: AdvisorID { store.advisor }

    func commit(_ records: [LogRecord]) async throws -> [LogEntry] {
        try await store.commit(records)
    }

    func syncState(for business: BusinessID) async throws -> JSONValue {
        try store.syncState(for: business)
    }

    func setSyncState(_ state: JSONValue, for business: BusinessID) async throws {
        try await store.setSyncState(state, for: business)
    }

    func mirrorVersion(_ kind: EntityKind, id: EntityID, of business: BusinessID) async throws -> MirrorVersion? {
        let ref = BusinessRef(advisor: store.advisor, business: business)
        guard let document = try store.reader.document(kind, id, of: ref) else { return nil }
        return MirrorVersion(
            sourceVersion: document.sourceVersion, updatedAt: document.updatedAt, data: document.data, qbo: document.qbo)
    }

    func mirrorIDs(_ kind: EntityKind, of business: BusinessID) async throws -> Set<EntityID> {
        Set(try store.reader.ids(kind, of: BusinessRef(advisor: store.advisor, business: business)))
    }
}
