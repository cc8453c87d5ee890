import Foundation
import RowColDomain
import RowColJSON

/// The single writer of one advisor's part of a workspace: its integration log and the mirror of
/// its businesses (DESIGN §3, §4).
///
/// Opening takes the advisor's exclusive lock (a second writer, in this process or another, gets
/// a ``StoreError/Code/busy`` error naming the holder's pid), cuts a torn last log line, and
/// replays log lines the mirror had not applied before a crash; ``recovery`` says what was done.
///
/// ``commit(_:syncStates:)`` appends records durably and then applies their
/// ``LogPayload/changes`` to the mirror: log before mirror. Concurrent commits share one
/// `fdatasync` (group commit); none returns before its lines are on disk.
/// ```swift
/// let store = try AdvisorStore.open(workspace, advisor: ada)
/// let entries = try await store.commit([record])
/// await store.close()
/// ```
public actor AdvisorStore {
    /// How a store is opened.
    public struct Options: Sendable {
        /// A segment is sealed and the next one started past this size (bytes).
        public var segmentLimit: Int
        /// The clock that stamps log lines.
        public var now: @Sendable () -> Date

        public init(segmentLimit: Int = 64 << 20, now: @escaping @Sendable () -> Date = { Date() }) {
            self.segmentLimit = segmentLimit
            self.now = now
        }
    }

    public nonisolated let workspace: Workspace
    public nonisolated let advisor: AdvisorID
    /// What opening repaired.
    public nonisolated let recovery: RecoveryReport
    nonisolated let engine: CommitEngine
    /// Businesses already checked, so a commit costs no extra system call per line.
    private nonisolated let knownBusinesses = Locked<Set<BusinessID>>([])
    /// Commits up to this many mirror changes run on the caller's thread when the writer is idle.
    static let inlineChangeLimit = 64

    private init(workspace: Workspace, advisor: AdvisorID, recovery: RecoveryReport, engine: CommitEngine) {
        self.workspace = workspace
        self.advisor = advisor
        self.recovery = recovery
        self.engine = engine
    }

    /// Opens the advisor's store for writing. A workspace of an older format is moved to the
    /// current one first (see ``Workspace/formatVersion``).
    /// - Throws: ``StoreError`` `.busy` when another writer holds the advisor, `.readOnly` in a
    ///   clone another machine writes (see ``WriterMachine``), `.notFound` for an unknown advisor, `.corruptLog` naming segment and line when the log is damaged before its last line.
    public static func open(_ workspace: Workspace, advisor: AdvisorID, options: Options = Options()) throws
        -> AdvisorStore
    {
        let paths = workspace.paths
        try workspace.requireAdvisor(advisor)
        // A clone whose writer is another machine is read here, never written (DESIGN §10).
        try workspace.requireWriter()
        try workspace.requireRealFolder(paths.advisor(advisor))
        try FileSystem.makeDirectory(paths.log(advisor))
        try workspace.requireRealFolder(paths.log(advisor))
        try workspace.requireRealFolder(paths.businesses(advisor))
        let lockFD = try acquireLock(paths.lock(advisor), advisor: advisor)
        do {
            try workspace.upgradeFormat()
            let log = try IntegrationLog(
                folder: paths.log(advisor), advisor: advisor, segmentLimit: options.segmentLimit)
            let mirror = MirrorWriter(workspace: workspace, advisor: advisor)
            var oldest = log.lastSeq
            var newest = LogSeq.zero
            for business in try workspace.businesses(of: advisor) {
                try mirror.requireBusiness(business)
                try mirror.repairAfterCrash(business)
                try mirror.prepareIndexes(business)
                let checkpoint = try mirror.state(of: business).checkpoint
                oldest = min(oldest, checkpoint)
                newest = max(newest, checkpoint)
            }
            var replayed = 0
            let rebuilt = newest > log.lastSeq
            if rebuilt {
                // The mirror is ahead of the log (the log lost its tail): the log is the truth.
                let all = try LogReader(workspace: workspace, advisor: advisor).entries(after: .zero, through: log.lastSeq)
                try mirror.rebuild(from: all, lastSeq: log.lastSeq)
            } else if oldest < log.lastSeq {
                let pending = try LogReader(workspace: workspace, advisor: advisor)
                    .entries(after: oldest, through: log.lastSeq)
                replayed = try mirror.apply(pending)
                try mirror.advanceCheckpoints(to: log.lastSeq)
            }
            let report = RecoveryReport(
                advisor: advisor, cutLine: log.cutLine, replayedLines: replayed, rebuiltMirror: rebuilt)
            let lockPath = paths.lock(advisor)
            let engine = CommitEngine(
                log: log, mirror: mirror, releaseLock: { releaseLock(lockFD, path: lockPath) }, now: options.now)
            return AdvisorStore(workspace: workspace, advisor: advisor, recovery: report, engine: engine)
        } catch {
            releaseLock(lockFD, path: paths.lock(advisor))
            throw error
        }
    }

    /// Opens the advisor for writing, waiting up to `patience` while another writer holds it.
    ///
    /// - Parameter whileWaiting: called once, with the busy error, when the first attempt finds
    ///   the advisor held (a command tells its user what it waits for).
    /// - Throws: ``StoreError`` `.busy` when the advisor is still held after `patience`, and every
    ///   error of ``open(_:advisor:options:)``.
    public static func open(
        _ workspace: Workspace, advisor: AdvisorID, options: Options = Options(), waitingUpTo patience: Duration,
        whileWaiting: (@Sendable (StoreError) -> Void)? = nil
    ) async throws -> AdvisorStore {
        var busy: StoreError?
        let store = try await Patience.retry(
            upTo: patience, every: .milliseconds(50), onFirstMiss: { busy.map { whileWaiting?($0) } }
        ) { () throws -> AdvisorStore? in
            do {
                return try open(workspace, advisor: advisor, options: options)
            } catch let error as StoreError where error.code == .busy {
                busy = error
                return nil
            }
        }
        if let store { return store }
        throw busy ?? StoreError(code: .busy, message: "advisor \(advisor) is busy", path: nil)
    }

    /// Lock files this process holds, so that a refusal naming our own pid can be told apart from
    /// a child's inherited copy of a closed lock (below).
    private static let heldLocks = Locked(Set<String>())

    private static func acquireLock(_ path: String, advisor: AdvisorID) throws -> Int32 {
        let fd = try FileSystem.openLockFile(path)
        // A process spawned by another thread holds a copy of every descriptor between its fork
        // and its exec (O_CLOEXEC acts only at the exec), and with it our flock: a lock this
        // process has just closed can stay taken for that instant. When the file names our pid
        // and we hold no such lock, wait out the exec, briefly.
        let deadline = Date(timeIntervalSinceNow: 1)
        while try !FileSystem.tryLock(fd, path: path) {
            let text = (try? FileSystem.readFile(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let pid = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let ours = pid == String(FileSystem.processID) && !heldLocks.withLock { $0.contains(path) }
            if ours && Date() < deadline {
                usleep(1_000)
                continue
            }
            FileSystem.closeFile(fd)
            throw StoreError(
                code: .busy,
                message: "workspace busy: advisor \(advisor) is held by pid \(pid.isEmpty ? "unknown" : pid); "
                    + "wait for it to finish or stop it", path: path)
        }
        try FileSystem.truncate(fd, to: 0, path: path)
        try FileSystem.writeAll(fd, Array("\(FileSystem.processID)\n".utf8), path: path)
        heldLocks.withLock { _ = $0.insert(path) }
        return fd
    }

    /// Releases a lock taken by ``acquireLock(_:advisor:)``.
    static func releaseLock(_ fd: Int32, path: String) {
        heldLocks.withLock { _ = $0.remove(path) }
        FileSystem.closeFile(fd)
    }

    // MARK: Writing

    /// Appends `records` durably as consecutive lines, applies their mirror changes, checkpoints,
    /// and returns the stored lines.
    ///
    /// - Parameter syncStates: new sync sections for `state.json`, written with the same checkpoint.
    /// - Throws: ``StoreError`` `.notFound` (before writing anything) when a record names a business
    ///   the advisor does not have; an I/O error, after which the store refuses further writes
    ///   until it is reopened.
    ///
    /// Not isolated to the actor: concurrent callers meet in the commit engine, where they share a
    /// sync. A small commit that finds the writer idle runs on the caller's own thread (one write,
    /// one `fdatasync`), which saves two thread hand-offs per line; any other is queued for the
    /// writer thread and awaited.
    public nonisolated func commit(_ records: [LogRecord], syncStates: [BusinessID: JSONValue] = [:]) async throws
        -> [LogEntry]
    {
        try await commit(prepared: PreparedLines(records), syncStates: syncStates)
    }

    /// Encodes `records` for ``commit(prepared:syncStates:)``, on the caller's task: the costly
    /// part of a commit, which a caller can do for its next batch while the previous one is synced.
    public nonisolated func prepare(_ records: [LogRecord]) -> PreparedLines { PreparedLines(records) }

    /// ``commit(_:syncStates:)`` of records prepared by ``prepare(_:)``.
    public nonisolated func commit(prepared: PreparedLines, syncStates: [BusinessID: JSONValue] = [:]) async throws
        -> [LogEntry]
    {
        let lines = try checkedLines(prepared, syncStates)
        guard !lines.isEmpty || !syncStates.isEmpty else { return [] }
        let changes = prepared.records.reduce(0) { $0 + ($1.payload?.changes.count ?? 0) }
        if changes <= Self.inlineChangeLimit, let result = engine.commitIfIdle(lines, syncStates) {
            return try result.get()
        }
        return try await withCheckedThrowingContinuation { continuation in
            engine.submit(.commit(lines, syncStates, .lines(continuation)))
        }
    }

    /// Queues a commit of prepared records behind every commit queued before, and returns at once:
    /// the ticket settles as ``commit(prepared:syncStates:)`` would return. A caller that submits
    /// its next batch before awaiting the last one keeps the writer busy instead of idle while the
    /// caller comes back. A failed commit stops the store (see ``commit(_:syncStates:)``), so
    /// nothing queued behind it is committed either.
    /// - Throws: ``StoreError`` `.notFound`, before queueing anything, for a business the advisor does not have.
    public nonisolated func submit(prepared: PreparedLines, syncStates: [BusinessID: JSONValue] = [:]) throws -> CommitTicket {
        let lines = try checkedLines(prepared, syncStates)
        guard !lines.isEmpty || !syncStates.isEmpty else { return CommitTicket(deferred: { [] }) }
        let ticket = CommitTicket()
        engine.submit(.commit(lines, syncStates, .ticket(ticket)))
        return ticket
    }

    /// The lines to write for `prepared`, once every business it names is known to be the advisor's.
    private nonisolated func checkedLines(_ prepared: PreparedLines, _ syncStates: [BusinessID: JSONValue]) throws
        -> [PreparedRecord]
    {
        let records = prepared.records
        for business in Set(records.map(\.business)).union(syncStates.keys)
        where !knownBusinesses.withLock({ $0.contains(business) }) {
            try workspace.requireBusiness(BusinessRef(advisor: advisor, business: business))
            _ = knownBusinesses.withLock { $0.insert(business) }
        }
        // Lines prepared for a journal that encodes nothing ahead are encoded now.
        return prepared.lines.count == records.count ? prepared.lines : records.map(PreparedRecord.init)
    }

    /// Commits one record; see ``commit(_:syncStates:)``.
    public nonisolated func append(_ record: LogRecord) async throws -> LogEntry {
        try await commit([record])[0]
    }

    /// Durable lines after `seq` (a line being written is not returned).
    public nonisolated func entries(after seq: LogSeq) throws -> [LogEntry] {
        try LogReader(workspace: workspace, advisor: advisor).entries(after: seq, through: engine.durableSeq.withLock { $0 })
    }

    /// The seq of the last durable line (``LogSeq/zero`` for an empty log).
    public func lastSeq() async -> LogSeq { engine.durableSeq.withLock { $0 } }

    // MARK: Sync state

    /// The sync layer's section of the business's `state.json` (an empty object until set).
    public nonisolated func syncState(for business: BusinessID) throws -> JSONValue {
        try state(of: business).sync
    }

    /// The business's `state.json`: checkpoint and sync section.
    public nonisolated func state(of business: BusinessID) throws -> BusinessState {
        let ref = BusinessRef(advisor: advisor, business: business)
        try workspace.requireBusiness(ref)
        let path = workspace.paths.state(ref)
        guard FileSystem.kind(of: path) != .missing else { return BusinessState() }
        return try workspace.decodeFile(BusinessState.self, at: path)
    }

    /// Replaces the business's sync section, atomically with its checkpoint.
    public nonisolated func setSyncState(_ state: JSONValue, for business: BusinessID) async throws {
        _ = try await commit([], syncStates: [business: state])
    }

    // MARK: Maintenance

    /// Re-derives every business's mirror from the log alone and swaps it in.
    public func rebuild() async throws {
        try await withCheckedThrowingContinuation { continuation in
            engine.submit(.rebuild(continuation))
        }
    }

    /// A lock-free reader of this advisor's mirror.
    public nonisolated var reader: MirrorReader { MirrorReader(workspace: workspace, advisor: advisor) }

    /// Waits for queued commits, then releases the log and the lock. Later calls fail with `.closed`.
    public func close() async {
        await engine.shutdown()
    }

    deinit {
        // A store dropped without close() still finishes its queue and frees the lock.
        engine.requestShutdown()
    }
}
