import Foundation
import RowColDomain
import RowColJSON
import RowColStore

/// The policy-driven facade between gateways and QBO (DESIGN §5).
///
/// It knows no entity type: gateways hand it closures, and it owns the order of operations
/// (freshness check → fetch → log → mirror → answer), the sync state, and the mapping of failures
/// to hygiene flags. Answers always come from the mirror; a failure that the mirror can still
/// answer for becomes a flag, never an exception. One orchestrator serves one advisor; its
/// businesses refresh concurrently.
public actor SyncOrchestrator {
    /// The durable workspace of the advisor.
    public nonisolated let journal: any SyncJournal
    public nonisolated let configuration: SyncConfiguration
    let now: @Sendable () -> Date
    let classify: @Sendable (any Error) -> RemoteFailure
    private var states: [BusinessID: BusinessSyncState] = [:]

    /// - Parameters:
    ///   - journal: the advisor's store.
    ///   - configuration: TTLs and switches.
    ///   - now: the clock (injected so TTL tests need no sleeping).
    ///   - classify: maps a remote error to the flag it raises (``QBOFailureMapping`` for QBO).
    public init(
        journal: any SyncJournal, configuration: SyncConfiguration,
        now: @escaping @Sendable () -> Date = { Date() },
        classify: @escaping @Sendable (any Error) -> RemoteFailure
    ) {
        self.journal = journal
        self.configuration = configuration
        self.now = now
        self.classify = classify
    }

    public nonisolated var advisor: AdvisorID { journal.advisor }

    // MARK: State

    /// The business's sync state as last saved.
    public func state(of business: BusinessID) async throws -> BusinessSyncState {
        if let cached = states[business] { return cached }
        let state = try BusinessSyncState(stored: try await journal.syncState(for: business), business: business)
        states[business] = state
        return state
    }

    func update(_ business: BusinessID, _ change: (inout BusinessSyncState) -> Void) async throws {
        var state = try await state(of: business)
        change(&state)
        states[business] = state
        try await journal.setSyncState(JSONValue(encoding: state), for: business)
    }

    /// Raises or clears flags from outside a refresh (the payments gateway's `write.pending`).
    public func raise(_ code: HygieneFlag.Code, business: BusinessID, entity: EntityKind?, message: String) async throws {
        let at = now()
        try await update(business) { $0.raise(code, business: business, entity: entity, at: at, message: message) }
    }

    public func clear(_ codes: Set<HygieneFlag.Code>, business: BusinessID, entity: EntityKind?) async throws {
        let state = try await state(of: business)
        guard state.flags.contains(where: { codes.contains($0.code) }) else { return }
        try await update(business) { $0.clear(codes, entity: entity) }
    }

    /// Remembers the business alert `code` with `message`, or forgets it when `message` is nil;
    /// `state.json` is written only when that changes something.
    public func remember(_ code: String, message: String?, business: BusinessID) async throws {
        var state = try await state(of: business)
        // Whole milliseconds, as state.json holds it: the session and a reader of the file agree.
        guard state.remember(code, message: message, at: Timestamp(now()).date) else { return }
        try await update(business) { $0 = state }
    }

    /// The alerts remembered for the business.
    public func alerts(of business: BusinessID) async throws -> [BusinessAlert] {
        try await state(of: business).alerts
    }

    /// How fresh the mirror's copy of `entity` is now.
    public func freshness(of entity: EntityKind, business: BusinessID, refreshedNow: Bool = false) async throws -> Freshness {
        try await state(of: business).freshness(of: entity, configuration: configuration, now: now(), refreshedNow: refreshedNow)
    }

    /// The flags in force for `entity`, plus the staleness flags its age implies.
    public func flags(for entity: EntityKind?, business: BusinessID) async throws -> [HygieneFlag] {
        try await state(of: business).flagsInForce(
            for: entity, business: business, configuration: configuration, now: now())
    }

    // MARK: Reads

    /// Answers a read for `entity`, refreshing the mirror from QBO first when the hint or the
    /// TTL asks for it (DESIGN §5).
    ///
    /// - Parameters:
    ///   - fetchRemote: fetches from QBO and records what changed through the ``RefreshSession``
    ///     (each call logs INBOUND and applies to the mirror before returning).
    ///   - readFromMirror: builds the answer from the mirror, always, refreshed or not.
    /// - Throws: only what the mirror itself cannot survive (a store error, a corrupt document);
    ///   QBO's failures become flags on the answer.
    public func readRefresh<Answer: Sendable>(
        entity: EntityKind, business: BusinessID, hint: FreshnessHint,
        fetchRemote: @Sendable (RefreshSession) async throws -> Void,
        readFromMirror: @Sendable () async throws -> Answer
    ) async throws -> Refreshed<Answer> {
        let before = try await freshness(of: entity, business: business)
        var refreshedNow = false
        if hint == .strict || before.level != .fresh {
            refreshedNow = try await refresh(entity: entity, business: business, fetchRemote: fetchRemote).reachedQBO
        }
        let value = try await readFromMirror()
        return Refreshed(
            value: value, freshness: try await freshness(of: entity, business: business, refreshedNow: refreshedNow),
            flags: try await flags(for: entity, business: business))
    }

    /// Runs one refresh: on success the kinds it refreshed become fresh and their rail flags clear;
    /// on a remote failure the failure's flag is raised.
    ///
    /// - Parameter fetched: called once QBO has nothing more to say, before the refresh waits for
    ///   its last lines to be written: a caller can start fetching the next kind meanwhile.
    @discardableResult
    public func refresh(
        entity: EntityKind, business: BusinessID, fetchRemote: @Sendable (RefreshSession) async throws -> Void,
        fetched: @Sendable () -> Void = {}
    ) async throws -> RefreshReport {
        let session = RefreshSession(
            business: business, entity: entity, orchestrator: self, state: try await state(of: business))
        var remoteError: (any Error)?
        do {
            try await fetchRemote(session)
        } catch {
            remoteError = error
        }
        fetched()
        do {
            // Pages recorded before a failure are kept: their lines are waited for either way.
            try await session.settle()
        } catch let error as JournalFailure {
            throw error.underlying
        }
        do {
            if let remoteError { throw remoteError }
        } catch let error as JournalFailure {
            throw error.underlying
        } catch let error as SyncError {
            throw error
        } catch {
            let failure = classify(error)
            let at = now()
            try await update(business) { state in
                state.raise(failure.flag, business: business, entity: entity, at: at, message: failure.message)
            }
            return RefreshReport(
                reachedQBO: false, changed: await session.changed, lastSeq: await session.lastSeq, failure: failure)
        }
        let outcome = await session.outcome()
        let at = now()
        try await update(business) { state in
            for kind in outcome.refreshed.union([entity]) {
                state.refreshedAt[kind.rawValue] = at
                state.clear(BusinessSyncState.railFlags, entity: kind)
                state.clear(BusinessSyncState.railFlags, entity: nil)
                // A refresh that did not fall back to a full query again is incremental once more.
                if !outcome.raised.contains(where: { $0.code == .reconFullResync && $0.entity == kind }) {
                    state.clear([.reconFullResync], entity: kind)
                }
            }
            for (kind, cursor) in outcome.cursors { state.cursors[kind.rawValue] = cursor }
            for flag in outcome.raised {
                state.raise(flag.code, business: business, entity: flag.entity, at: at, message: flag.message)
            }
        }
        return RefreshReport(reachedQBO: true, changed: await session.changed, lastSeq: await session.lastSeq, failure: nil)
    }

    /// The INBOUND line for changes a refresh found, without those the mirror already has,
    /// encoded and ready for ``SyncJournal/commit(prepared:)``; nil when nothing is new.
    /// Nonisolated: the comparison and the encoding run on the refresh's task, so businesses
    /// syncing at once do them in parallel rather than in turn on this actor.
    nonisolated func prepareRecord(
        business: BusinessID, operation: String, changes: [MirrorChange], detail: JSONValue?
    ) async throws -> (changes: [MirrorChange], lines: PreparedLines)? {
        var fresh: [MirrorChange] = []
        fresh.reserveCapacity(changes.count)
        do {
            if configuration.enableDedup {
                // What the mirror holds of these entities, read once per kind for the whole page.
                var versions: [EntityKind: [EntityID: MirrorVersion]] = [:]
                for (kind, ids) in Dictionary(grouping: changes.map { ($0.entity, $0.id) }, by: \.0) {
                    versions[kind] = try await journal.mirrorVersions(kind, ids: ids.map(\.1), of: business)
                }
                for change in changes {
                    let current = versions[change.entity]?[change.id]
                    switch change.operation {
                    case .upsert: if current?.isUnchanged(by: change) != true { fresh.append(change) }
                    case .delete: if current != nil { fresh.append(change) }
                    }
                }
            } else {
                fresh = changes
            }
            guard !fresh.isEmpty else { return nil }
            let record = LogRecord(
                business: business, direction: .inbound, operation: operation, phase: .fetched, httpCode: 200,
                status: "ok", payload: LogPayload(changes: fresh, detail: detail))
            return (fresh, journal.prepare([record]))
        } catch {
            throw JournalFailure(underlying: error)
        }
    }
}

/// What one refresh did.
public struct RefreshReport: Sendable {
    /// Whether QBO answered (the mirror is now fresh for the kinds refreshed).
    public var reachedQBO: Bool
    /// Documents changed, per kind.
    public var changed: [EntityKind: Int]
    /// The last log line the refresh committed (durable, and applied to the mirror), if any.
    public var lastSeq: LogSeq?
    /// Why QBO could not be used, when it could not.
    public var failure: RemoteFailure?
}

/// A mirror answer with its freshness and the flags in force.
public struct Refreshed<Value: Sendable>: Sendable {
    public var value: Value
    public var freshness: Freshness
    public var flags: [HygieneFlag]
}

/// An error of the workspace met during a refresh: not QBO's fault, so it is not turned into a flag.
struct JournalFailure: Error {
    let underlying: any Error
}

/// An error of the sync layer itself: what went wrong and what to do about it.
///
/// Catch by code: `catch SyncError.Code.writeUnresolved { … }`.
public struct SyncError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case corruptState, notConnected, unknownBill, invalidPayment, writeUnresolved
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The sync section of a business's `state.json` cannot be read.
        public static let corruptState = Code(.corruptState)
        /// The business has no usable QBO connection.
        public static let notConnected = Code(.notConnected)
        /// A bill to pay is not in the mirror.
        public static let unknownBill = Code(.unknownBill)
        /// A payment's amount, currency or account cannot be used.
        public static let invalidPayment = Code(.invalidPayment)
        /// A write's intent is durable, but what followed could not be recorded: it waits in the
        /// outbox, and the next sync looks for it in QBO before sending it again.
        public static let writeUnresolved = Code(.writeUnresolved)

        public var description: String { kind.rawValue }

        /// Lets `catch SyncError.Code.writeUnresolved` match a thrown ``SyncError``.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? SyncError)?.code == code
        }
    }

    public var code: Code
    /// One line a person can act on.
    public var message: String
    /// The business concerned, when there is one.
    public var business: BusinessID?
    /// What the write or record was about (for example "the payment of bill 42").
    public var subject: String?
    /// The lower-level error that caused this one, as text.
    public var cause: String?

    public init(
        code: Code, message: String, business: BusinessID? = nil, subject: String? = nil, cause: String? = nil
    ) {
        self.code = code
        self.message = message
        self.business = business
        self.subject = subject
        self.cause = cause
    }

    public var description: String { message }

    static func corruptState(business: BusinessID, detail: String) -> SyncError {
        SyncError(
            code: .corruptState,
            message: "the sync section of \(business)'s state.json is unreadable (\(detail)); "
                + "fix or delete it, then run `rowcol sync`",
            business: business, cause: detail)
    }

    static func notConnected(business: BusinessRef, detail: String) -> SyncError {
        SyncError(
            code: .notConnected, message: "business \(business) is not connected to QBO (\(detail)); run `rowcol connect`",
            business: business.business, cause: detail)
    }

    /// A bill that is not in the business's mirror.
    public static func unknownBill(business: BusinessRef, bill: EntityID) -> SyncError {
        SyncError(
            code: .unknownBill, message: "bill \(bill) is not in the mirror of \(business); run `rowcol sync` or check the id",
            business: business.business, subject: "bill \(bill)")
    }

    static func invalidPayment(_ detail: String) -> SyncError {
        SyncError(code: .invalidPayment, message: "invalid payment: \(detail)")
    }

    static func writeUnresolved(subject: String, cause: String) -> SyncError {
        SyncError(
            code: .writeUnresolved,
            message: "\(subject) is queued: its intent is recorded, but the workspace could not record what followed "
                + "(\(cause)); the next `rowcol sync` confirms it in QBO or sends it. Do not pay it again.",
            subject: subject, cause: cause)
    }
}
