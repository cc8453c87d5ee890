import Foundation
import RowColDomain
import RowColJSON

/// The single writer thread of an advisor: group commit for the log, then the mirror.
///
/// Callers queue their records and wait. The thread takes everything queued at once and writes
/// it; while callers acknowledged by the last batch are still coming back, it waits for them
/// (at most about one sync's time) and writes their lines too; then one `fdatasync` for all,
/// the mirror changes with batched syncs, the checkpoint, and only then are the batch's callers
/// acknowledged. Appenders that arrive while a batch is syncing form the next batch, which is
/// what makes concurrent appends share a sync.
final class CommitEngine: @unchecked Sendable {
    enum Job {
        case commit([PreparedRecord], [BusinessID: JSONValue], CheckedContinuation<[LogEntry], any Error>)
        case rebuild(CheckedContinuation<Void, any Error>)
    }

    private let condition = NSCondition()
    private var queue: [Job] = []
    private var closing = false
    private var stopped = false
    /// A batch is being written (by the writer thread or by a caller inline); guarded by `condition`.
    private var busy = false
    /// Callers the writer expects in its next batch: those its last batch acknowledged (they
    /// usually commit again at once) and those that queued while it was written. Above one,
    /// commits are arriving together and go through the thread, where they share syncs. Guarded
    /// by `condition`.
    private var expectedCallers = 0
    /// How long the last batch's `fdatasync` took: the longest the writer waits to gather callers,
    /// since waiting longer would cost more than the sync it saves them.
    private var lastLogSync: TimeInterval = 0
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set after a failed write: the state on disk is then only known after a reopen (recovery).
    private var failure: StoreError?

    private let log: IntegrationLog
    private let mirror: MirrorWriter
    /// Frees the advisor's lock once the log is closed.
    private let releaseLock: @Sendable () -> Void
    private let now: @Sendable () -> Date
    let advisor: AdvisorID
    let durableSeq: Locked<LogSeq>

    init(log: IntegrationLog, mirror: MirrorWriter, releaseLock: @escaping @Sendable () -> Void,
         now: @escaping @Sendable () -> Date) {
        self.log = log
        self.mirror = mirror
        self.releaseLock = releaseLock
        self.now = now
        advisor = log.advisor
        durableSeq = Locked(log.lastSeq)
        let thread = Thread { [self] in run() }
        thread.name = "rowcol.commit.\(log.advisor)"
        thread.start()
    }

    /// Runs a commit on the caller's thread when nothing is queued or being written, else returns
    /// nil and the caller submits it. Callers that arrive meanwhile queue up and form the next batch.
    func commitIfIdle(_ records: [PreparedRecord], _ syncStates: [BusinessID: JSONValue]) -> Result<[LogEntry], any Error>? {
        condition.lock()
        guard !busy, queue.isEmpty, expectedCallers <= 1, !closing, !stopped, failure == nil else {
            condition.unlock()
            return nil
        }
        busy = true
        condition.unlock()
        let result = Result { try perform(records, syncStates) }
        condition.lock()
        busy = false
        condition.signal()
        condition.unlock()
        return result
    }

    func submit(_ job: Job) {
        condition.lock()
        if closing || stopped {
            condition.unlock()
            fail(job, StoreError(code: .closed, message: "the store of advisor \(advisor) is closed"))
            return
        }
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Finishes the queued work, then releases the log and the lock.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if stopped {
                condition.unlock()
                continuation.resume()
                return
            }
            closing = true
            exitWaiters.append(continuation)
            condition.signal()
            condition.unlock()
        }
    }

    /// Asks the thread to finish the queue and stop, without waiting.
    func requestShutdown() {
        condition.lock()
        closing = true
        condition.signal()
        condition.unlock()
    }

    /// Bounds on how long the writer waits for the callers it expects before it syncs a smaller
    /// batch (Postgres's `commit_delay`, but only when commits have been arriving together): the
    /// last log sync's duration, at least the floor (callers resumed on a busy pool take that long
    /// to come back) and at most the cap (one slow sync must not hold every later batch).
    static let gatherFloor: TimeInterval = 0.000_2
    static let gatherCap: TimeInterval = 0.002

    /// How long to wait for callers after a log sync that took `lastLogSync`.
    static func gatherDelay(after lastLogSync: TimeInterval) -> TimeInterval {
        min(max(lastLogSync, gatherFloor), gatherCap)
    }

    private func run() {
        while true {
            condition.lock()
            while (queue.isEmpty && !closing) || busy { condition.wait() }
            if queue.isEmpty && closing {
                stopped = true
                let waiters = exitWaiters
                exitWaiters = []
                condition.unlock()
                log.close()
                releaseLock()
                for waiter in waiters { waiter.resume() }
                return
            }
            let jobs = queue
            queue = []
            busy = true
            condition.unlock()
            let callers = process(jobs)
            condition.lock()
            busy = false
            expectedCallers = callers + queue.count
            condition.unlock()
        }
    }

    /// Commits the jobs' records as one batch (gathering the callers still expected), then runs
    /// the rebuilds; returns how many callers the batch acknowledged.
    private func process(_ jobs: [Job]) -> Int {
        if let failure {
            for job in jobs { fail(job, failure) }
            return 0
        }
        var records: [PreparedRecord] = []
        var syncStates: [BusinessID: JSONValue] = [:]
        var waiters: [(range: Range<Int>, continuation: CheckedContinuation<[LogEntry], any Error>)] = []
        var rebuilds: [CheckedContinuation<Void, any Error>] = []
        for job in jobs {
            switch job {
            case .commit(let batch, let states, let continuation):
                waiters.append((records.count..<records.count + batch.count, continuation))
                records.append(contentsOf: batch)
                syncStates.merge(states) { _, new in new }
            case .rebuild(let continuation):
                rebuilds.append(continuation)
            }
        }
        // Callers acknowledged by the last batch usually commit again at once: while some are
        // still expected (and nothing but commits is queued), wait for them, writing each one's
        // lines as it comes, and flush once for all. A lone caller never waits; waiting for every
        // expected caller, not only as many as the last batch held, keeps batches from splitting
        // for good (3 + 5 callers would otherwise alternate, two syncs for 8).
        var written = records.count
        let deadline = Date(timeIntervalSinceNow: Self.gatherDelay(after: lastLogSync))
        let gather = { [self] () -> (records: [PreparedRecord], syncStates: [BusinessID: JSONValue])? in
            guard rebuilds.isEmpty, waiters.count < expectedCallers else { return nil }
            let more = takeQueuedCommits(until: deadline)
            guard !more.isEmpty else { return nil }
            var records: [PreparedRecord] = []
            var states: [BusinessID: JSONValue] = [:]
            for (batch, batchStates, continuation) in more {
                waiters.append((written..<written + batch.count, continuation))
                written += batch.count
                records.append(contentsOf: batch)
                states.merge(batchStates) { _, new in new }
            }
            return (records, states)
        }
        do {
            let entries = try perform(records, syncStates, gathering: gather)
            for waiter in waiters { waiter.continuation.resume(returning: Array(entries[waiter.range])) }
        } catch {
            for waiter in waiters { waiter.continuation.resume(throwing: error) }
            for rebuild in rebuilds { rebuild.resume(throwing: error) }
            return waiters.count
        }
        for rebuild in rebuilds {
            do {
                let entries = try LogReader(workspace: mirror.workspace, advisor: advisor)
                    .entries(after: .zero, through: log.lastSeq)
                try mirror.rebuild(from: entries, lastSeq: log.lastSeq)
                rebuild.resume()
            } catch {
                rebuild.resume(throwing: error)
            }
        }
        return waiters.count
    }

    /// The commits at the head of the queue, waiting until `deadline` for one to arrive; empty
    /// when none came, when the store is closing, or when a rebuild is next.
    private func takeQueuedCommits(until deadline: Date)
        -> [([PreparedRecord], [BusinessID: JSONValue], CheckedContinuation<[LogEntry], any Error>)]
    {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closing && condition.wait(until: deadline) {}
        var taken: [([PreparedRecord], [BusinessID: JSONValue], CheckedContinuation<[LogEntry], any Error>)] = []
        while let first = queue.first, case .commit(let records, let states, let continuation) = first {
            taken.append((records, states, continuation))
            queue.removeFirst()
        }
        return taken
    }

    /// Writes, syncs, applies and checkpoints one batch. Only the holder of `busy` calls it. The
    /// lines of callers `gathering` returns are written after the first ones, before the single
    /// flush. A failure is final: the store refuses further writes until it is reopened (recovery).
    private func perform(
        _ records: [PreparedRecord], _ syncStates: [BusinessID: JSONValue],
        gathering: () -> (records: [PreparedRecord], syncStates: [BusinessID: JSONValue])? = { nil }
    ) throws -> [LogEntry] {
        if let failure { throw failure }
        var logged = false
        do {
            var entries: [LogEntry] = []
            var bodies: [LogLineBodies] = []
            var states = syncStates
            let start = log.batchStart()
            do {
                if !records.isEmpty { (entries, bodies) = try log.write(records, at: now()) }
                while let more = gathering() {
                    if !more.records.isEmpty {
                        let written = try log.write(more.records, at: now())
                        entries += written.entries
                        bodies += written.bodies
                    }
                    states.merge(more.syncStates) { _, new in new }
                }
                if !entries.isEmpty {
                    let flushStart = DispatchTime.now().uptimeNanoseconds
                    try log.sync()
                    lastLogSync = Double(DispatchTime.now().uptimeNanoseconds - flushStart) / 1e9
                    durableSeq.withLock { $0 = log.lastSeq }
                    logged = true
                }
            } catch {
                log.rollBack(to: start)
                throw error
            }
            if !entries.isEmpty || !states.isEmpty {
                try mirror.apply(entries, bodies: bodies, syncStates: states)
            }
            return entries
        } catch {
            let stored = StoreError(
                code: (error as? StoreError)?.code ?? .io,
                message: "\((error as? StoreError)?.message ?? "\(error)"); the store of advisor \(advisor) "
                    + "stopped: reopen it to recover"
                    + (logged ? " (the log already holds these lines: reopening applies them to the mirror)" : ""),
                path: (error as? StoreError)?.path)
            failure = stored
            throw stored
        }
    }

    private func fail(_ job: Job, _ error: StoreError) {
        switch job {
        case .commit(_, _, let continuation): continuation.resume(throwing: error)
        case .rebuild(let continuation): continuation.resume(throwing: error)
        }
    }
}
