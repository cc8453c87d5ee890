import Foundation
import RowColDomain
import RowColJSON

/// The writer of an advisor: group commit for the log, then the mirror, on two threads.
///
/// Callers queue their records and wait. The writer thread takes everything queued at once and
/// writes it; while callers acknowledged by the last batch are still coming back, it waits for
/// them (at most about one sync's time) and writes their lines too; then one `fdatasync` for all,
/// and the mirror changes written under temp names and flushed. The publisher thread then renames
/// them into place, flushes the folders, moves the checkpoint, and only then acknowledges the
/// batch's callers; meanwhile the writer logs and prepares the next batch, which is published
/// after this one. Appenders that arrive while a batch is syncing form the next batch, which is
/// what makes concurrent appends share a sync.
final class CommitEngine: @unchecked Sendable {
    /// Who waits for a commit's outcome.
    enum Waiter: Sendable {
        /// A caller awaiting the stored lines.
        case lines(CheckedContinuation<[LogEntry], any Error>)
        /// A ticket, settled with the lines' seqs only: a batch waiting to be published then keeps
        /// no payload alive for it.
        case ticket(CommitTicket)

        func fail(_ error: any Error) {
            switch self {
            case .lines(let continuation): continuation.resume(throwing: error)
            case .ticket(let ticket): ticket.settle(.failure(error))
            }
        }

        /// What to hand this waiter once its lines (`entries[range]`) are published.
        func acknowledgement(of entries: ArraySlice<LogEntry>) -> Acknowledgement {
            switch self {
            case .lines(let continuation): .lines(continuation, Array(entries))
            case .ticket(let ticket): .seqs(ticket, entries.map(\.seq))
            }
        }
    }

    /// A waiter with what it gets on success.
    enum Acknowledgement: Sendable {
        case lines(CheckedContinuation<[LogEntry], any Error>, [LogEntry])
        case seqs(CommitTicket, [LogSeq])

        func succeed() {
            switch self {
            case .lines(let continuation, let entries): continuation.resume(returning: entries)
            case .seqs(let ticket, let seqs): ticket.settle(.success(seqs))
            }
        }

        func fail(_ error: any Error) {
            switch self {
            case .lines(let continuation, _): continuation.resume(throwing: error)
            case .seqs(let ticket, _): ticket.settle(.failure(error))
            }
        }
    }

    enum Job {
        case commit([PreparedRecord], [BusinessID: JSONValue], Waiter)
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
    /// Guarded by `condition`: the writer and the publisher both set and read it.
    private var failure: StoreError?
    /// The batch the publisher has (set by the writer, cleared once it is published and its callers
    /// acknowledged); at most one, so the writer is at most one batch ahead. Guarded by `condition`.
    private var publication: Publication?
    /// Tests only: runs on the publisher thread before each batch is published, to hold a batch
    /// back while the writer prepares the next one.
    let beforePublishing = Locked<(@Sendable () -> Void)?>(nil)
    /// Large batches published so far (publisher thread only).
    private var largeBatches = 0
    /// Every this many large batches, the publisher hands freed heap pages back to the system:
    /// three threads free a sync's pages, and glibc keeps their free pages resident (a full sync
    /// of 25,000 entities peaked 10 to 15 MB higher without it). Trimming is not free (the pages
    /// are faulted in again), so not after every batch.
    static let largeBatchesPerTrim = 4
    /// Tells the publisher to stop once nothing is left to publish. Guarded by `condition`.
    private var publisherStops = false

    /// A batch handed to the publisher, and the callers to acknowledge once it is published.
    private struct Publication {
        var batch: MirrorWriter.PendingBatch
        var acknowledgements: [Acknowledgement]
    }

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
        let publisher = Thread { [self] in publish() }
        publisher.name = "rowcol.publish.\(log.advisor)"
        publisher.start()
    }

    /// Runs a commit on the caller's thread when nothing is queued or being written, else returns
    /// nil and the caller submits it. Callers that arrive meanwhile queue up and form the next batch.
    func commitIfIdle(_ records: [PreparedRecord], _ syncStates: [BusinessID: JSONValue]) -> Result<[LogEntry], any Error>? {
        condition.lock()
        guard !busy, queue.isEmpty, publication == nil, expectedCallers <= 1, !closing, !stopped, failure == nil else {
            condition.unlock()
            return nil
        }
        busy = true
        condition.unlock()
        // Alone, the caller publishes its own batch: nothing else is being written.
        let result = Result { try perform(records, syncStates) { batch, _ in try mirror.publish(batch) } }
        condition.lock()
        busy = false
        condition.broadcast()
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
        condition.broadcast()
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
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Asks the thread to finish the queue and stop, without waiting.
    func requestShutdown() {
        condition.lock()
        closing = true
        condition.broadcast()
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
                while publication != nil { condition.wait() }
                publisherStops = true
                condition.broadcast()
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

    /// The publisher thread: publishes each batch the writer hands over, then acknowledges its callers.
    private func publish() {
        while true {
            condition.lock()
            while publication == nil && !publisherStops { condition.wait() }
            guard let job = publication else {
                condition.unlock()
                return
            }
            condition.unlock()
            var outcome: StoreError?
            beforePublishing.withLock { $0 }?()
            do {
                try mirror.publish(job.batch)
            } catch {
                outcome = stopped(by: error, logged: true)
            }
            for acknowledgement in job.acknowledgements {
                if let outcome { acknowledgement.fail(outcome) } else { acknowledgement.succeed() }
            }
            condition.lock()
            publication = nil
            condition.broadcast()
            condition.unlock()
            if job.batch.renames.count >= MirrorWriter.secondLaneThreshold {
                largeBatches += 1
                if largeBatches % Self.largeBatchesPerTrim == 0 { FileSystem.releaseFreedMemory() }
            }
        }
    }

    /// Waits until the publisher has nothing left; throws the store's failure if it has one.
    private func waitForPublisher() throws {
        condition.lock()
        defer { condition.unlock() }
        while publication != nil { condition.wait() }
        if let failure { throw failure }
    }

    /// Hands `batch` to the publisher once it is done with the last one.
    private func handOver(
        _ batch: MirrorWriter.PendingBatch, entries: [LogEntry], waiters: [(range: Range<Int>, waiter: Waiter)]
    ) throws {
        let acknowledgements = waiters.map { $0.waiter.acknowledgement(of: entries[$0.range]) }
        condition.lock()
        defer { condition.unlock() }
        while publication != nil { condition.wait() }
        if let failure { throw failure }
        mirror.handOver(batch)
        publication = Publication(batch: batch, acknowledgements: acknowledgements)
        condition.broadcast()
    }

    /// The store's failure, when it has one.
    private var currentFailure: StoreError? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }

    /// Records `error` as the failure that stops the store and returns it. The first failure
    /// stays: an error after it (a batch refused because the one before failed) is its consequence.
    private func stopped(by error: any Error, logged: Bool) -> StoreError {
        condition.lock()
        defer { condition.unlock() }
        if let failure { return failure }
        let stored = StoreError(
            code: (error as? StoreError)?.code ?? .io,
            message: "\((error as? StoreError)?.message ?? "\(error)"); the store of advisor \(advisor) "
                + "stopped: reopen it to recover"
                + (logged ? " (the log already holds these lines: reopening applies them to the mirror)" : ""),
            path: (error as? StoreError)?.path)
        failure = stored
        return stored
    }

    /// Commits the jobs' records as one batch (gathering the callers still expected), then runs
    /// the rebuilds; returns how many callers the batch acknowledged.
    private func process(_ jobs: [Job]) -> Int {
        if let failure = currentFailure {
            for job in jobs { fail(job, failure) }
            return 0
        }
        var records: [PreparedRecord] = []
        var syncStates: [BusinessID: JSONValue] = [:]
        var waiters: [(range: Range<Int>, waiter: Waiter)] = []
        var rebuilds: [CheckedContinuation<Void, any Error>] = []
        for job in jobs {
            switch job {
            case .commit(let batch, let states, let waiter):
                waiters.append((records.count..<records.count + batch.count, waiter))
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
            for (batch, batchStates, waiter) in more {
                waiters.append((written..<written + batch.count, waiter))
                written += batch.count
                records.append(contentsOf: batch)
                states.merge(batchStates) { _, new in new }
            }
            return (records, states)
        }
        do {
            // The publisher acknowledges the batch's callers once it is published.
            _ = try perform(records, syncStates, gathering: gather) { batch, entries in
                try handOver(batch, entries: entries, waiters: waiters)
            }
        } catch {
            for waiter in waiters { waiter.waiter.fail(error) }
            for rebuild in rebuilds { rebuild.resume(throwing: error) }
            return waiters.count
        }
        for rebuild in rebuilds {
            do {
                try waitForPublisher()
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
        -> [([PreparedRecord], [BusinessID: JSONValue], Waiter)]
    {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closing && condition.wait(until: deadline) {}
        var taken: [([PreparedRecord], [BusinessID: JSONValue], Waiter)] = []
        while let first = queue.first, case .commit(let records, let states, let waiter) = first {
            taken.append((records, states, waiter))
            queue.removeFirst()
        }
        return taken
    }

    /// Writes and syncs one batch's lines, prepares its mirror changes, and passes them to
    /// `publishing` (the publisher's queue, or the caller's own ``MirrorWriter/publish(_:)``).
    /// Only the holder of `busy` calls it. The lines of callers `gathering` returns are written
    /// after the first ones, before the single flush. A failure is final: the store refuses
    /// further writes until it is reopened (recovery).
    private func perform(
        _ records: [PreparedRecord], _ syncStates: [BusinessID: JSONValue],
        gathering: () -> (records: [PreparedRecord], syncStates: [BusinessID: JSONValue])? = { nil },
        publishing: (MirrorWriter.PendingBatch, [LogEntry]) throws -> Void
    ) throws -> [LogEntry] {
        if let failure = currentFailure { throw failure }
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
            let batch = try mirror.prepare(entries, bodies: bodies, syncStates: states, beforeReusing: waitForPublisher)
            try publishing(batch, entries)
            return entries
        } catch {
            throw stopped(by: error, logged: logged)
        }
    }

    private func fail(_ job: Job, _ error: StoreError) {
        switch job {
        case .commit(_, _, let waiter): waiter.fail(error)
        case .rebuild(let continuation): continuation.resume(throwing: error)
        }
    }
}
