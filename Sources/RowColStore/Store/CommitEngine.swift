import Foundation
import RowColDomain
import RowColJSON

/// The single writer thread of an advisor: group commit for the log, then the mirror.
///
/// Callers queue their records and wait. The thread takes everything queued at once, writes it
/// as one `write` and one `fdatasync`, applies the mirror changes with batched syncs, writes the
/// checkpoint, and only then acknowledges every caller of the batch. Appenders that arrive while
/// a batch is syncing form the next batch, which is what makes concurrent appends share a sync.
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
    /// Callers in the writer thread's last batch; above one, commits are arriving together and go
    /// through the thread, where they share syncs. Guarded by `condition`.
    private var lastBatch = 0
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
        guard !busy, queue.isEmpty, lastBatch <= 1, !closing, !stopped, failure == nil else {
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

    /// How long the writer waits for the callers of its last batch to come back before it syncs a
    /// smaller batch (Postgres's `commit_delay`, but only when commits have been arriving together).
    static let gatherDelay: TimeInterval = 0.000_2

    private func run() {
        while true {
            condition.lock()
            while (queue.isEmpty && !closing) || busy { condition.wait() }
            // Callers acknowledged by the last batch usually commit again at once: letting them
            // join this batch saves a sync for each of them. A lone caller never waits.
            if lastBatch > 1 && queue.count < lastBatch && !closing {
                let deadline = Date(timeIntervalSinceNow: Self.gatherDelay)
                while queue.count < lastBatch && !closing && condition.wait(until: deadline) {}
            }
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
            lastBatch = jobs.count
            condition.unlock()
            process(jobs)
            condition.lock()
            busy = false
            condition.unlock()
        }
    }

    private func process(_ jobs: [Job]) {
        if let failure {
            for job in jobs { fail(job, failure) }
            return
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
        do {
            let entries = try perform(records, syncStates)
            for waiter in waiters { waiter.continuation.resume(returning: Array(entries[waiter.range])) }
        } catch {
            for waiter in waiters { waiter.continuation.resume(throwing: error) }
            for rebuild in rebuilds { rebuild.resume(throwing: error) }
            return
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
    }

    /// Appends, syncs, applies and checkpoints one batch. Only the holder of `busy` calls it. A
    /// failure is final: the store refuses further writes until it is reopened (recovery).
    private func perform(_ records: [PreparedRecord], _ syncStates: [BusinessID: JSONValue]) throws -> [LogEntry] {
        if let failure { throw failure }
        var logged = false
        do {
            var entries: [LogEntry] = []
            var bodies: [LogLineBodies] = []
            if !records.isEmpty {
                (entries, bodies) = try log.appendWithBodies(records, at: now())
                durableSeq.withLock { $0 = log.lastSeq }
                logged = true
            }
            if !entries.isEmpty || !syncStates.isEmpty {
                try mirror.apply(entries, bodies: bodies, syncStates: syncStates)
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
