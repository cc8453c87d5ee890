import Foundation
import RowColDomain
import RowColStore
import RowColSync

/// What happened to one business during a sync or a reconciliation.
public struct BusinessSyncReport: Sendable, Codable {
    public var business: BusinessID
    /// Documents changed, per entity kind (`bill`, `invoice`, `balance`, `payment`).
    public var changed: [String: Int]
    /// The kinds fetched from QBO this time (others were fresh enough).
    public var refreshed: [String]
    /// Payments sent from the outbox.
    public var paymentsSent: Int
    /// Payments still waiting in the outbox.
    public var pendingWrites: Int
    /// The flags in force after the sync.
    public var flags: [HygieneFlag]
    /// Whether every kind asked for reached QBO.
    public var synced: Bool
    /// Why the business could not be synced at all (its workspace files, not QBO), when it could not.
    public var error: String?

    init(business: BusinessID, changed: [String: Int], refreshed: [String], paymentsSent: Int, pendingWrites: Int,
         flags: [HygieneFlag], synced: Bool) {
        self.business = business
        self.changed = changed
        self.refreshed = refreshed
        self.paymentsSent = paymentsSent
        self.pendingWrites = pendingWrites
        self.flags = flags
        self.synced = synced
    }

    /// The report of a business whose sync stopped on an error.
    init(failed business: BusinessID, error: any Error, at now: Date) {
        let text = "\(error)"
        self.init(
            business: business, changed: [:], refreshed: [], paymentsSent: 0, pendingWrites: 0,
            flags: [HygieneFlag(code: .syncFailed, business: business, since: now,
                                message: "the business could not be synced: \(text)")],
            synced: false)
        self.error = text
    }

    enum CodingKeys: String, CodingKey {
        case business, changed, refreshed, flags, synced, error
        case paymentsSent = "payments_sent"
        case pendingWrites = "pending_writes"
    }
}

/// Progress of a sync, for a terminal or a log.
public enum SyncProgress: Sendable {
    case started(BusinessID, EntityKind)
    /// `logSeq` is the last log line the step committed: durable once this is reported.
    case finished(BusinessID, EntityKind, changed: Int, reachedQBO: Bool, logSeq: LogSeq?)
    case skipped(BusinessID, EntityKind, reason: String)
}

extension AdvisorSession {
    /// Syncs businesses concurrently: sends the outbox, then refreshes bills, invoices and
    /// balances (all of them when `strict`, else those past their soft TTL). A failing business
    /// does not stop the others: its failure becomes the `sync.failed` flag of its report.
    /// - Throws: only when a requested business does not exist.
    public func sync(
        businesses requested: [BusinessID]? = nil, strict: Bool,
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> [BusinessSyncReport] {
        let reports = try await eachBusiness(requested) { business in
            try await self.syncOne(business, kinds: MirroredEntities.fetched.map(\.kind), strict: strict, progress: progress)
        }
        await record("sync", checkPlans: false)
        return reports
    }

    /// Nightly reconciliation (DESIGN §5): the outbox, one CDC request for bills, invoices and
    /// payments per business (deletions included, payments confirmed), and balances. A failing
    /// business does not stop the others, as in ``sync(businesses:strict:progress:)``.
    public func recon(
        businesses requested: [BusinessID]? = nil,
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> [BusinessSyncReport] {
        let reports = try await eachBusiness(requested) { business in
            try await self.syncOne(business, kinds: MirroredEntities.reconciled.map(\.kind), strict: true, progress: progress)
        }
        await record("recon", checkPlans: false)
        return reports
    }

    /// Runs `work` for each business concurrently; an error of one business becomes its report.
    func eachBusiness(
        _ requested: [BusinessID]?, _ work: @escaping @Sendable (BusinessID) async throws -> BusinessSyncReport
    ) async throws -> [BusinessSyncReport] {
        let targets = try requested ?? businesses()
        for business in targets { _ = try workspace.business(ref(business)) }
        return await withTaskGroup(of: BusinessSyncReport.self) { group in
            for business in targets {
                group.addTask {
                    do {
                        return try await work(business)
                    } catch {
                        return BusinessSyncReport(failed: business, error: error, at: self.now())
                    }
                }
            }
            var reports: [BusinessSyncReport] = []
            for await report in group { reports.append(report) }
            return reports.sorted { $0.business < $1.business }
        }
    }

    func syncOne(
        _ business: BusinessID, kinds: [EntityKind], strict: Bool, progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws -> BusinessSyncReport {
        let ref = ref(business)
        var changed: [String: Int] = [:]
        var refreshed: [String] = []
        var synced = true
        let pendingBefore = try store.reader.payments(of: ref).filter { $0.state == .pending }
        var sent = 0
        if !pendingBefore.isEmpty {
            progress(.started(business, .payment))
            let after = try await gateways.replayOutbox(of: ref)
            sent = after.filter { $0.state != .pending }.count
            changed[EntityKind.payment.rawValue, default: 0] += sent
            progress(.finished(business, .payment, changed: sent, reachedQBO: sent == pendingBefore.count, logSeq: nil))
        }
        // Each kind starts fetching once the kind before it has fetched its last page, while that
        // one's last lines are still being written: QBO and the disk are busy at once.
        let gateways = gateways
        let reports = try await withThrowingTaskGroup(of: (Int, EntityKind, RefreshReport).self) { group in
            for (position, kind) in kinds.enumerated() {
                if !strict, MirroredEntities[kind].isFetched,
                   try await orchestrator.freshness(of: kind, business: business).level == .fresh {
                    progress(.skipped(business, kind, reason: "fresh"))
                    continue
                }
                progress(.started(business, kind))
                let fetched = OneTimeSignal()
                group.addTask {
                    do {
                        let report = try await gateways.refresh(kind, business: business, fetched: { fetched.fire() })
                        progress(.finished(
                            business, kind, changed: report.changed.values.reduce(0, +), reachedQBO: report.reachedQBO,
                            logSeq: report.lastSeq))
                        return (position, kind, report)
                    } catch {
                        // A refresh that fails before it has fetched must neither leave the loop
                        // waiting nor let the next kind start: its error ends the business's sync.
                        fetched.fire(failed: true)
                        throw error
                    }
                }
                if await fetched.wait() { break }
            }
            var reports: [(Int, EntityKind, RefreshReport)] = []
            for try await report in group { reports.append(report) }
            return reports.sorted { $0.0 < $1.0 }
        }
        for (_, kind, report) in reports {
            for (changedKind, count) in report.changed { changed[changedKind.rawValue, default: 0] += count }
            if report.reachedQBO { refreshed.append(kind.rawValue) } else { synced = false }
        }
        let pending = try store.reader.payments(of: ref).filter { $0.state == .pending }.count
        if pending > 0 {
            try await orchestrator.raise(
                .writePending, business: business, entity: .payment,
                message: "\(pending) payment(s) waiting in the outbox; they are sent by the next `rowcol sync`")
        } else {
            try await orchestrator.clear([.writePending], business: business, entity: .payment)
        }
        // The floor alert follows what just landed; evaluating it never fails the sync (an
        // unreadable document is reported by the reads that need it; the next sync tries again).
        _ = try? await advanceFloorAlert(of: business)
        let flags = try await orchestrator.flags(for: nil, business: business)
        return BusinessSyncReport(
            business: business, changed: changed, refreshed: refreshed, paymentsSent: sent, pendingWrites: pending,
            flags: flags, synced: synced && pending == 0)
    }
}

/// A one-time event that tasks can wait for: waiting after it fired returns at once. It says
/// whether it fired for a failure.
final class OneTimeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: Bool?
    private var waiters: [CheckedContinuation<Bool, Never>] = []

    /// Fires, once: later calls change nothing.
    func fire(failed: Bool = false) {
        lock.lock()
        guard outcome == nil else {
            lock.unlock()
            return
        }
        outcome = failed
        let waiting = waiters
        waiters = []
        lock.unlock()
        for waiter in waiting { waiter.resume(returning: failed) }
    }

    /// Waits for the signal; true when it fired for a failure.
    func wait() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            lock.lock()
            if let outcome {
                lock.unlock()
                continuation.resume(returning: outcome)
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}
