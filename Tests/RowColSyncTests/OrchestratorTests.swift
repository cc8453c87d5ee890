import Foundation
import RowColDomain
import RowColJSON
import RowColStore
import RowColTestSupport
import Testing
@testable import RowColSync

/// The orchestrator's order of operations on its own, over a journal in memory and a clock the
/// test moves: TTL decisions, failure → flag mapping, deduplication, write phases.
@Suite struct OrchestratorTests {
    static let business = try! BusinessID(validating: "acme")
    static let advisor = try! AdvisorID(validating: "ada")

    /// Failures a test's remote throws, mapped by the orchestrator's `classify`.
    enum Remote: Error { case throttled, offline, unavailableAfterSending, refused }

    static func classify(_ error: any Error) -> RemoteFailure {
        switch error as? Remote {
        case .throttled?: RemoteFailure(flag: .railThrottled, message: "throttled")
        case .unavailableAfterSending?: RemoteFailure(flag: .railUnavailable, message: "503", ambiguous: true)
        case .refused?: RemoteFailure(flag: .writeRejected, message: "fault 6000: over the balance", httpCode: 400)
        default: RemoteFailure(flag: .railOffline, message: "offline")
        }
    }

    struct Setup {
        let journal = MemoryJournal(advisor: OrchestratorTests.advisor)
        let clock = Locked(Date(timeIntervalSince1970: 1_800_000_000))
        let orchestrator: SyncOrchestrator

        init(environment: [String: String] = [:]) throws {
            let clock = clock
            orchestrator = SyncOrchestrator(
                journal: journal, configuration: try SyncConfiguration.resolve(environment: environment),
                now: { clock.withLock { $0 } }, classify: OrchestratorTests.classify)
        }

        func advance(_ seconds: TimeInterval) { clock.withLock { $0 = $0.addingTimeInterval(seconds) } }

        /// A read of bills whose fetch records `changes` (or throws `failure`), counting fetches.
        func read(_ hint: FreshnessHint, changes: [MirrorChange] = [], failure: Remote? = nil, fetches: Locked<Int>)
            async throws -> Refreshed<Int>
        {
            try await orchestrator.readRefresh(
                entity: .bill, business: OrchestratorTests.business, hint: hint,
                fetchRemote: { session in
                    fetches.withLock { $0 += 1 }
                    if let failure { throw failure }
                    try await session.record(operation: "bill.refresh", changes: changes)
                },
                readFromMirror: { await self.journal.count(.bill) })
        }
    }

    static func bill(_ id: String, balance: Decimal, version: String = "0") throws -> MirrorChange {
        let entityID = try EntityID(validating: id)
        return try .upsert(
            .bill, id: entityID,
            value: Bill(id: entityID, vendor: PartyRef(id: "7", name: "Vendor"), dueDate: LocalDate("2026-12-20"),
                        total: Money(balance, .usd), balance: Money(balance, .usd)),
            qbo: ["Id": .string(id), "SyncToken": .string(version)], sourceVersion: version,
            updatedAt: "2026-12-01T10:00:00-08:00")
    }

    // MARK: Reads and TTLs

    @Test func withinTheSoftTTLACachedReadNeverFetches() async throws {
        let setup = try Setup()
        let fetches = Locked(0)
        _ = try await setup.read(.strict, changes: [try Self.bill("1", balance: 10)], fetches: fetches)
        setup.advance(899)
        let cached = try await setup.read(.cachedOK, fetches: fetches)
        #expect(fetches.withLock { $0 } == 1)
        #expect(cached.value == 1)
        #expect(cached.freshness.level == .fresh)
        #expect(!cached.freshness.refreshedNow)
    }

    @Test func pastTheSoftTTLACachedReadFetchesFirst() async throws {
        let setup = try Setup(environment: ["SYNC_CACHE_TTL_BILLS": "60"])
        let fetches = Locked(0)
        _ = try await setup.read(.strict, fetches: fetches)
        setup.advance(61)
        let refreshed = try await setup.read(.cachedOK, changes: [try Self.bill("2", balance: 5)], fetches: fetches)
        #expect(fetches.withLock { $0 } == 2)
        #expect(refreshed.freshness.refreshedNow)
        #expect(refreshed.value == 1)
    }

    @Test func aStrictReadAlwaysFetches() async throws {
        let setup = try Setup()
        let fetches = Locked(0)
        for _ in 0..<3 { _ = try await setup.read(.strict, fetches: fetches) }
        #expect(fetches.withLock { $0 } == 3)
    }

    @Test(arguments: [(Remote.throttled, HygieneFlag.Code.railThrottled), (.offline, .railOffline),
                      (.unavailableAfterSending, .railUnavailable)])
    func aFailedFetchAnswersFromTheMirrorWithItsFlag(failure: Remote, flag: HygieneFlag.Code) async throws {
        let setup = try Setup()
        let fetches = Locked(0)
        _ = try await setup.read(.strict, changes: [try Self.bill("1", balance: 10)], fetches: fetches)
        let failed = try await setup.read(.strict, failure: failure, fetches: fetches)
        #expect(failed.value == 1, "the mirror must still answer")
        #expect(!failed.freshness.refreshedNow)
        #expect(failed.flags.contains { $0.code == flag && $0.entity == .bill })
        // The next success proves the rail healthy again.
        let healed = try await setup.read(.strict, fetches: fetches)
        #expect(!healed.flags.contains { $0.code == flag })
    }

    @Test func aFlagKeepsTheTimeItWasFirstRaised() async throws {
        let setup = try Setup()
        let fetches = Locked(0)
        let first = try await setup.read(.strict, failure: .offline, fetches: fetches)
        setup.advance(300)
        let second = try await setup.read(.strict, failure: .offline, fetches: fetches)
        let since = try #require(first.flags.first { $0.code == .railOffline }?.since)
        #expect(second.flags.first { $0.code == .railOffline }?.since == since)
    }

    @Test func pastTheHardTTLTheFlagIsDatedWhenTheTTLRanOut() async throws {
        let setup = try Setup()
        let fetches = Locked(0)
        _ = try await setup.read(.strict, fetches: fetches)
        let refreshedAt = try #require(try await setup.orchestrator.freshness(of: .bill, business: Self.business).refreshedAt)
        setup.advance(86_400 + 10)
        let stale = try await setup.read(.cachedOK, failure: .offline, fetches: fetches)
        let flag = try #require(stale.flags.first { $0.code == .mirrorStaleHard })
        #expect(flag.since == refreshedAt.addingTimeInterval(86_400))
        #expect(stale.freshness.level == .staleHard)
    }

    @Test(arguments: [true, false])
    func deduplicationLogsOnlyWhatTheMirrorDoesNotHave(dedup: Bool) async throws {
        let setup = try Setup(environment: ["SYNC_ENABLE_DEDUP": dedup ? "true" : "false"])
        let fetches = Locked(0)
        let changes = [try Self.bill("1", balance: 10), try Self.bill("2", balance: 20)]
        _ = try await setup.read(.strict, changes: changes, fetches: fetches)
        let linesAfterFirst = await setup.journal.lines.count
        // The same two bills, one of them changed, and a deletion of a bill the mirror never had.
        _ = try await setup.read(
            .strict, changes: [changes[0], try Self.bill("2", balance: 15, version: "1"), .delete(.bill, id: EntityID(validating: "9"))],
            fetches: fetches)
        let logged = await setup.journal.lines.dropFirst(linesAfterFirst).flatMap { $0.payload?.changes ?? [] }
        #expect(logged.map { $0.id.rawValue } == (dedup ? ["2"] : ["1", "2", "9"]))
    }

    // MARK: Pages enqueued

    static func pages(_ count: Int) throws -> [[MirrorChange]] {
        try (0..<count).map { page in try (0..<3).map { try Self.bill(String(page * 10 + $0 + 1), balance: 10) } }
    }

    /// A full refresh prepares page n + 1 while page n is committed; the lines keep the pages' order.
    /// The first commit is held until the second page is read for deduplication: a refresh that
    /// waited for each commit before preparing the next page reads it only after that line.
    @Test func theNextPageIsPreparedWhileThePreviousIsCommittedAndLinesKeepTheirOrder() async throws {
        let setup = try Setup()
        let pages = try Self.pages(4)
        await setup.journal.holdNextCommit(untilRead: pages[1][2].id)
        let report = try await setup.orchestrator.refresh(entity: .bill, business: Self.business) { session in
            for (index, page) in pages.enumerated() {
                try await session.enqueue(
                    operation: "bill.refresh", changes: page, detail: .object(["page": .number(Decimal(index + 1))]))
            }
        }
        #expect(await setup.journal.linesWhenRead == 0, "page 2 was read before page 1's line was committed")
        let lines = await setup.journal.lines
        #expect(lines.map { $0.payload?.detail?["page"] } == [1, 2, 3, 4].map { JSONValue.number(Decimal($0)) })
        let logged: [EntityID] = lines.flatMap { $0.payload?.changes.map(\.id) ?? [] }
        let fetched: [EntityID] = pages.flatMap { $0.map(\.id) }
        #expect(logged == fetched)
        #expect(report.changed[.bill] == 12 && report.lastSeq == lines.last?.seq && report.reachedQBO)
    }

    /// `fetched` comes once the remote has nothing more to say, before the refresh waits for its
    /// lines: the sync starts fetching the next kind then. The page's commit is held until
    /// `fetched`; a refresh that called it only after its lines were written would first wait for
    /// the journal's 20 s fallback, and find nothing held any more.
    @Test func fetchedComesBeforeTheLastLinesAreWritten() async throws {
        let setup = try Setup()
        let page = try Self.pages(1)[0]
        let journal = setup.journal
        await journal.holdCommits()
        let heldWhenFetched = Locked<Bool?>(nil)
        let report = try await setup.orchestrator.refresh(
            entity: .bill, business: Self.business,
            fetchRemote: { session in try await session.enqueue(operation: "bill.refresh", changes: page) },
            fetched: {
                heldWhenFetched.withLock { $0 = journal.holdingCommits.withLock { $0 } }
                Task { await journal.releaseCommits() }
            })
        #expect(heldWhenFetched.withLock { $0 } == true, "fetched came only after the page's line was written")
        #expect(await journal.lines.count == 1 && report.changed[.bill] == 3 && report.reachedQBO)
    }

    /// A commit that fails stops every page enqueued after it, and the refresh throws the store's error.
    @Test func aFailedCommitStopsThePagesAfterItAndIsThrown() async throws {
        let setup = try Setup()
        let pages = try Self.pages(5)
        await setup.journal.failCommits(after: 2)
        await #expect(throws: StoreError.self) {
            try await setup.orchestrator.refresh(entity: .bill, business: Self.business) { session in
                for page in pages { try await session.enqueue(operation: "bill.refresh", changes: page) }
            }
        }
        let lines = await setup.journal.lines
        #expect(lines.count == 2)
        let logged: [EntityID] = lines.flatMap { $0.payload?.changes.map(\.id) ?? [] }
        let firstTwo: [EntityID] = pages.prefix(2).flatMap { $0.map(\.id) }
        #expect(logged == firstTwo)
        #expect(try await setup.orchestrator.state(of: Self.business).refreshedAt(.bill) == nil, "the refresh did not complete")
    }

    // MARK: Writes

    /// The steps of a write to a remote that counts its calls and may fail; found after an
    /// ambiguous failure when `committed` says the remote kept it.
    struct RemoteWrite: Sendable {
        let calls = Locked<[String]>([])
        let committed = Locked(false)
        let resolved = Locked<String?>(nil)
        let openIntent = Locked(false)
        var failure: Remote?
        var lookup: @Sendable (Bool) throws -> RemoteLookup<String> = { $0 ? .found("QBO-1") : .notFound }

        func steps() -> WriteSteps<String> {
            let calls = calls, committed = committed, resolved = resolved, openIntent = openIntent
            let failure = failure, lookup = lookup
            return WriteSteps(
                resolvedInMirror: { resolved.withLock { $0 } },
                hasOpenIntent: { openIntent.withLock { $0 } },
                intent: { LogPayload(changes: []) },
                lookUp: { try lookup(committed.withLock { $0 }) },
                callRemote: { requestID in
                    calls.withLock { $0.append(requestID) }
                    // An ambiguous failure is one the remote committed before it failed.
                    if let failure {
                        if failure == .unavailableAfterSending { committed.withLock { $0 = true } }
                        throw failure
                    }
                    committed.withLock { $0 = true }
                    return "QBO-1"
                },
                applied: { _ in LogPayload(changes: []) },
                rejected: { _ in LogPayload(changes: []) })
        }
    }

    func write(_ setup: Setup, _ remote: RemoteWrite) async throws -> WriteOutcome<String> {
        try await setup.orchestrator.writeIdempotent(
            operation: "billpayment.create", business: Self.business, entity: .payment,
            idemKey: IdempotencyKey(rawValue: "rc1-test"), subject: "the payment of bill 42", steps: remote.steps())
    }

    func phases(_ setup: Setup) async -> [String] {
        await setup.journal.lines.map { "\($0.phase.rawValue):\($0.status ?? "")" }
    }

    @Test func aWriteResolvedInTheMirrorIsNeverSent() async throws {
        let setup = try Setup()
        let remote = RemoteWrite()
        remote.resolved.withLock { $0 = "QBO-7" }
        guard case .done(let result, let replayed) = try await write(setup, remote) else { Issue.record("not done"); return }
        #expect(result == "QBO-7" && replayed)
        #expect(remote.calls.withLock { $0 }.isEmpty)
        #expect(await setup.journal.lines.isEmpty)
    }

    @Test func anIntentIsDurableBeforeTheCallWhichCarriesTheKeyAsRequestID() async throws {
        let setup = try Setup()
        let remote = RemoteWrite()
        guard case .done(let result, false) = try await write(setup, remote) else { Issue.record("not done"); return }
        #expect(result == "QBO-1")
        #expect(remote.calls.withLock { $0 } == ["rc1-test"])
        #expect(await phases(setup) == ["intent:intent", "result:ok"])
    }

    @Test func anAmbiguousFailureIsLookedUpAtOnceAndFoundNotResent() async throws {
        let setup = try Setup()
        var remote = RemoteWrite()
        remote.failure = .unavailableAfterSending
        guard case .done(let result, false) = try await write(setup, remote) else { Issue.record("not done"); return }
        #expect(result == "QBO-1")
        #expect(remote.calls.withLock { $0 }.count == 1)
        #expect(await phases(setup) == ["intent:intent", "lookup:found", "result:found"])
    }

    @Test func aFinalRejectionIsLoggedAndFlaggedNamingTheSubject() async throws {
        let setup = try Setup()
        var remote = RemoteWrite()
        remote.failure = .refused
        guard case .rejected(let failure) = try await write(setup, remote) else { Issue.record("not rejected"); return }
        #expect(failure.flag == .writeRejected)
        #expect(await phases(setup) == ["intent:intent", "result:rejected"])
        let flag = try #require(try await setup.orchestrator.flags(for: .payment, business: Self.business)
            .first { $0.code == .writeRejected })
        #expect(flag.message.contains("the payment of bill 42") && flag.message.contains("fault 6000"))
    }

    @Test func anOpenIntentIsLookedUpBeforeAnythingIsSent() async throws {
        let setup = try Setup()
        let remote = RemoteWrite()
        remote.openIntent.withLock { $0 = true }
        remote.committed.withLock { $0 = true }
        guard case .done = try await write(setup, remote) else { Issue.record("not done"); return }
        #expect(remote.calls.withLock { $0 }.isEmpty, "a payment QBO already has was sent again")
        #expect(await phases(setup) == ["lookup:found", "result:found"])

        let again = try Setup()
        let fresh = RemoteWrite()
        fresh.openIntent.withLock { $0 = true }
        guard case .done = try await write(again, fresh) else { Issue.record("not done"); return }
        #expect(fresh.calls.withLock { $0 }.count == 1, "not found: it is sent, once")
        #expect(await phases(again) == ["lookup:not_found", "result:ok"])
    }

    @Test func anUnsendableIntentEndsRejectedWithoutACall() async throws {
        let setup = try Setup()
        var remote = RemoteWrite()
        remote.openIntent.withLock { $0 = true }
        remote.lookup = { _ in .unsendable("bill 42 no longer exists in QBO (deleted)") }
        guard case .rejected(let failure) = try await write(setup, remote) else { Issue.record("not rejected"); return }
        #expect(failure.message.contains("deleted"))
        #expect(remote.calls.withLock { $0 }.isEmpty)
        #expect(await phases(setup) == ["lookup:unsendable", "result:rejected"])
    }

    @Test func aFailedLookUpSendsNothingAndKeepsTheIntentPending() async throws {
        let setup = try Setup()
        var remote = RemoteWrite()
        remote.openIntent.withLock { $0 = true }
        remote.lookup = { _ in throw Remote.offline }
        guard case .pending(let failure) = try await write(setup, remote) else { Issue.record("not pending"); return }
        #expect(failure.flag == .railOffline)
        #expect(remote.calls.withLock { $0 }.isEmpty)
        #expect(await phases(setup) == ["lookup:failed"])
        let flags = try await setup.orchestrator.flags(for: .payment, business: Self.business)
        #expect(flags.contains { $0.code == .writePending })
    }

    @Test func aJournalFailureAfterTheIntentSaysTheWriteIsQueued() async throws {
        let setup = try Setup()
        let remote = RemoteWrite()
        await setup.journal.failCommits(after: 1)
        await #expect {
            _ = try await write(setup, remote)
        } throws: { error in
            guard let error = error as? SyncError, error.code == .writeUnresolved else { return false }
            return error.subject == "the payment of bill 42" && error.message.contains("Do not pay it again")
        }
        #expect(remote.calls.withLock { $0 }.count == 1)
        #expect(await phases(setup) == ["intent:intent"])
    }

    // MARK: Sync state

    @Test func aDamagedSyncSectionIsAnErrorNamingTheBusiness() async throws {
        let setup = try Setup()
        await setup.journal.setStoredState(["flags": "not a list"], for: Self.business)
        await #expect {
            _ = try await setup.orchestrator.state(of: Self.business)
        } throws: { error in
            guard case SyncError.Code.corruptState = error else { return false }
            return (error as? SyncError)?.business == Self.business
        }
    }

    @Test func everyEntityKindHasARowInTheTable() {
        for kind in EntityKind.allCases {
            #expect(MirroredEntities.all.filter { $0.kind == kind }.count == 1, "\(kind)")
        }
        #expect(MirroredEntities.named("billpayment")?.kind == .payment)
        #expect(MirroredEntities.named("Vendor") == nil)
    }
}

/// The orchestrator's journal, in memory: lines appended in order, documents by kind and id.
actor MemoryJournal: SyncJournal {
    nonisolated let advisor: AdvisorID
    private(set) var lines: [LogEntry] = []
    private var documents: [EntityKind: [EntityID: MirrorVersion]] = [:]
    private var states: [BusinessID: JSONValue] = [:]
    private var commitsLeft: Int?

    init(advisor: AdvisorID) { self.advisor = advisor }

    func failCommits(after count: Int) { commitsLeft = count }

    /// The next commit waits until this id has been read (`mirrorVersion`): a refresh that
    /// prepares its next page while the previous one is committed gets through; one that waits
    /// for each commit before preparing the next page never does.
    private var holdUntilRead: EntityID?
    private var held: CheckedContinuation<Void, Never>?
    /// How many lines were committed when the awaited id was read.
    private(set) var linesWhenRead: Int?
    func holdNextCommit(untilRead id: EntityID) { holdUntilRead = id }
    private func releaseHeld() {
        held?.resume()
        held = nil
    }

    /// While set, every commit waits until ``releaseCommits()`` (or, failing that, 20 s).
    nonisolated let holdingCommits = Locked(false)
    private var heldCommits: [CheckedContinuation<Void, Never>] = []
    func holdCommits() { holdingCommits.withLock { $0 = true } }
    func releaseCommits() {
        holdingCommits.withLock { $0 = false }
        for commit in heldCommits { commit.resume() }
        heldCommits = []
    }

    func setStoredState(_ state: JSONValue, for business: BusinessID) { states[business] = state }

    func count(_ kind: EntityKind) -> Int { documents[kind]?.count ?? 0 }

    func commit(_ records: [LogRecord]) async throws -> [LogEntry] {
        if holdingCommits.withLock({ $0 }) {
            let fallback = Task { [weak self] in
                try? await Task.sleep(for: .seconds(20))
                await self?.releaseCommits()
            }
            await withCheckedContinuation { heldCommits.append($0) }
            fallback.cancel()
        }
        if holdUntilRead != nil {
            if linesWhenRead == nil {
                // Released by the read; after 20 s without it (a refresh that prepares nothing
                // while it commits), released anyway, and the test's expectation says why.
                let fallback = Task { [weak self] in
                    try? await Task.sleep(for: .seconds(20))
                    await self?.releaseHeld()
                }
                await withCheckedContinuation { held = $0 }
                fallback.cancel()
            }
            holdUntilRead = nil
        }
        if let left = commitsLeft {
            guard left > 0 else { throw StoreError(code: .io, message: "No space left on device") }
            commitsLeft = left - 1
        }
        var entries: [LogEntry] = []
        for record in records {
            let entry = LogEntry(
                seq: LogSeq(UInt64(lines.count + 1)), at: Date(), advisor: advisor, record: record, prev: "")
            lines.append(entry)
            entries.append(entry)
            for change in record.payload?.changes ?? [] {
                switch change.operation {
                case .upsert:
                    documents[change.entity, default: [:]][change.id] = MirrorVersion(
                        sourceVersion: change.sourceVersion, updatedAt: change.updatedAt, data: change.data, qbo: change.qbo)
                case .delete:
                    documents[change.entity]?[change.id] = nil
                }
            }
        }
        return entries
    }

    func syncState(for business: BusinessID) async throws -> JSONValue { states[business] ?? .null }

    func setSyncState(_ state: JSONValue, for business: BusinessID) async throws { states[business] = state }

    func mirrorVersion(_ kind: EntityKind, id: EntityID, of business: BusinessID) async throws -> MirrorVersion? {
        if id == holdUntilRead, linesWhenRead == nil {
            linesWhenRead = lines.count
            releaseHeld()
        }
        return documents[kind]?[id]
    }

    func mirrorIDs(_ kind: EntityKind, of business: BusinessID) async throws -> Set<EntityID> {
        Set(documents[kind].map { Array($0.keys) } ?? [])
    }
}
