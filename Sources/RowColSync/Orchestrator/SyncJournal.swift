import Foundation
import RowColDomain
import RowColJSON
import RowColStore

/// What the orchestrator needs from the durable workspace of one advisor: durable commits of log
/// lines (log before mirror), the per-business sync state, and the mirror's current documents.
///
/// `RowColStore.AdvisorStore` is the implementation (`AdvisorStore+SyncJournal.swift`); the protocol keeps the orchestrator's
/// order of operations testable on its own.
public protocol SyncJournal: Sendable {
    /// The advisor whose log and mirror this is.
    var advisor: AdvisorID { get }
    /// Appends the lines durably, then applies their mirror changes; returns once both are done.
    func commit(_ records: [LogRecord]) async throws -> [LogEntry]
    /// Encodes records for ``commit(prepared:)`` on the caller's task, so that a refresh encodes
    /// its next page while the previous one is made durable.
    func prepare(_ records: [LogRecord]) -> PreparedLines
    /// ``commit(_:)`` of records encoded by ``prepare(_:)``.
    func commit(prepared: PreparedLines) async throws -> [LogEntry]
    /// Queues ``commit(prepared:)`` behind the commits submitted before and returns once it is in
    /// its place, without waiting for it: the ticket settles when the lines are durable and applied.
    /// The caller awaits its tickets in the order of its calls, and lines keep that order; after a
    /// failed commit, nothing submitted later is committed. (A journal without a queue hands out
    /// tickets that commit when awaited.)
    func submit(prepared: PreparedLines) async throws -> CommitTicket
    /// The business's sync section of `state.json` (`.null` or an empty object when never written).
    func syncState(for business: BusinessID) async throws -> JSONValue
    /// Replaces the business's sync section, durably.
    func setSyncState(_ state: JSONValue, for business: BusinessID) async throws
    /// The mirror's current document data and QBO version for one entity, if it exists.
    func mirrorVersion(_ kind: EntityKind, id: EntityID, of business: BusinessID) async throws -> MirrorVersion?
    /// The ids of every document of a kind in the business's mirror.
    func mirrorIDs(_ kind: EntityKind, of business: BusinessID) async throws -> Set<EntityID>
    /// ``mirrorVersion(_:id:of:)`` of many entities of one kind at once (those the mirror has none
    /// of are left out): a journal on files reads the folder once for a page of changes.
    func mirrorVersions(_ kind: EntityKind, ids: [EntityID], of business: BusinessID) async throws
        -> [EntityID: MirrorVersion]
}

extension SyncJournal {
    /// Nothing to encode ahead: the records are committed as they are.
    public func prepare(_ records: [LogRecord]) -> PreparedLines { PreparedLines(unencoded: records) }

    public func commit(prepared: PreparedLines) async throws -> [LogEntry] { try await commit(prepared.records) }

    /// A ticket that commits when it is first awaited: a journal without a queue of its own keeps
    /// the order because its caller awaits each ticket after the one before.
    public func submit(prepared: PreparedLines) async throws -> CommitTicket {
        CommitTicket(deferred: { try await commit(prepared: prepared).map(\.seq) })
    }

    /// One ``mirrorVersion(_:id:of:)`` per id.
    public func mirrorVersions(_ kind: EntityKind, ids: [EntityID], of business: BusinessID) async throws
        -> [EntityID: MirrorVersion]
    {
        var versions: [EntityID: MirrorVersion] = [:]
        for id in ids {
            if let version = try await mirrorVersion(kind, id: id, of: business) { versions[id] = version }
        }
        return versions
    }
}

/// Enough of a mirror document to tell whether a change from QBO is new.
public struct MirrorVersion: Hashable, Sendable {
    public var sourceVersion: String?
    public var updatedAt: String?
    public var data: JSONValue?
    public var qbo: JSONValue?

    public init(sourceVersion: String?, updatedAt: String?, data: JSONValue?, qbo: JSONValue?) {
        self.sourceVersion = sourceVersion
        self.updatedAt = updatedAt
        self.data = data
        self.qbo = qbo
    }

    /// Whether applying `change` would leave the document as it is.
    public func isUnchanged(by change: MirrorChange) -> Bool {
        change.operation == .upsert && sourceVersion == change.sourceVersion && updatedAt == change.updatedAt
            && data == change.data && qbo == change.qbo
    }
}
