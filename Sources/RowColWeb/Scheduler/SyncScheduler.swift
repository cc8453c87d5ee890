import Foundation
import Logging
import RowCol
import ServiceLifecycle

/// How the scheduler inside `rowcol serve` keeps the mirror fresh (`SYNC_SCHEDULER_ENABLED=true`).
public struct SchedulerPolicy: Sendable, Hashable {
    /// How often it looks for work.
    public var tick: Duration = .seconds(15)
    /// How many businesses sync at once (each a few requests; QBO allows 10 at once per company).
    public var maxConcurrent = 2
    /// Up to this fraction of a TTL is added before a business is due, a different fraction per
    /// business (fixed by its id), so businesses synced together do not all come due together.
    public var jitter = 0.1
    /// The hour, in UTC, of the nightly reconciliation (`SYNC_NIGHTLY_RECON_HOUR`).
    public var nightlyReconHour = 3
    /// After a sync that did not reach QBO, the business waits this long, doubling per failure up
    /// to ``maximumBackoff``, so an offline laptop or a throttled company is not hammered.
    public var failureBackoff: Duration = .seconds(60)
    public var maximumBackoff: Duration = .seconds(900)

    public init(nightlyReconHour: Int = 3) { self.nightlyReconHour = nightlyReconHour }
}

/// What one scheduler tick did.
struct SchedulerTick: Sendable {
    var synced: [BusinessSyncReport] = []
    var reconciled = false
    var skipped: [BusinessID: String] = [:]
}

/// Refreshes each business as its soft TTLs run out, replays outboxes, and runs the nightly
/// reconciliation — each tick one writer session, so the advisor's lock is held only while it works.
actor SyncScheduler {
    let reader: AdvisorReader
    let writer: WriterGate
    let policy: SchedulerPolicy
    let logger: Logger
    let now: @Sendable () -> Date
    let onChange: @Sendable ([BusinessID]) async -> Void
    private(set) var lastRun: Date?
    private(set) var lastRecon: Date
    private var failures: [BusinessID: (count: Int, retryAt: Date)] = [:]

    init(reader: AdvisorReader, writer: WriterGate, policy: SchedulerPolicy, logger: Logger,
         now: @escaping @Sendable () -> Date, onChange: @escaping @Sendable ([BusinessID]) async -> Void) {
        self.reader = reader
        self.writer = writer
        self.policy = policy
        self.logger = logger
        self.now = now
        self.onChange = onChange
        // A server started after today's hour reconciles tomorrow; one that slept through the hour catches up.
        lastRecon = now()
    }

    /// The next nightly reconciliation after `instant`: the first `hour`:00 UTC strictly later.
    static func nextRecon(after instant: Date, hour: Int) -> Date {
        let day = LocalDate(instant)
        let today = Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86_400 + hour * 3600))
        return today > instant ? today : today.addingTimeInterval(86_400)
    }

    /// A business's share of the jitter, in [0, 1): fixed by its id (FNV-1a), the same every run.
    static func jitterFraction(_ business: BusinessID) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in business.rawValue.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Double(hash % 10_000) / 10_000
    }

    /// Whether `business` needs a sync at `now`: a kind never synced, or past its soft TTL (plus its
    /// jitter), or payments waiting in the outbox. The reason, or nil.
    static func dueReason(
        _ business: BusinessID, sync: BusinessSyncState, pendingPayments: Int, configuration: SyncConfiguration,
        policy: SchedulerPolicy, now: Date
    ) -> String? {
        if pendingPayments > 0 { return "\(pendingPayments) payment(s) in the outbox" }
        let stretch = 1 + policy.jitter * jitterFraction(business)
        for kind in [EntityKind.bill, .invoice, .balance] {
            guard let refreshed = sync.refreshedAt(kind) else { return "\(kind) never synced" }
            let ttl = configuration.softTTL(for: kind).seconds * stretch
            if now.timeIntervalSince(refreshed) >= ttl { return "\(kind) past its TTL" }
        }
        return nil
    }

    /// Looks for work and does it: the nightly recon when its hour has come, else a sync of the
    /// businesses that are due (bounded concurrency), skipping those waiting out a failure or
    /// needing a reconnect.
    @discardableResult
    func tick() async -> SchedulerTick {
        let at = now()
        lastRun = at
        var result = SchedulerTick()
        let businesses: [BusinessID]
        do {
            businesses = try reader.businesses()
        } catch {
            logger.error("scheduler cannot list the businesses", metadata: ["error": "\(error)"])
            return result
        }
        let reconDue = at >= Self.nextRecon(after: lastRecon, hour: policy.nightlyReconHour)
        var due: [BusinessID] = []
        for business in businesses {
            if let failure = failures[business], failure.retryAt > at {
                result.skipped[business] = "waiting after a failed sync"
                continue
            }
            do {
                let sync = try reader.syncState(of: business).sync
                if sync.flags.contains(where: { $0.code == .authReconnectRequired }) {
                    result.skipped[business] = "reconnect required"
                    continue
                }
                let pending = try reader.payments(of: business)
                    .filter { $0.state == .pending }.count
                if reconDue {
                    due.append(business)
                } else if let reason = Self.dueReason(
                    business, sync: sync, pendingPayments: pending, configuration: reader.configuration, policy: policy, now: at)
                {
                    logger.debug("business due", metadata: ["business": .string(business.rawValue), "reason": .string(reason)])
                    due.append(business)
                }
            } catch {
                result.skipped[business] = "unreadable state: \(error)"
            }
        }
        guard !due.isEmpty || reconDue else { return result }
        let operation = reconDue ? "scheduler.recon" : "scheduler.sync"
        let started = ContinuousClock.now
        do {
            result.synced = try await writer.withSession(operation) { [policy, due] session in
                var reports: [BusinessSyncReport] = []
                var index = 0
                while index < due.count {
                    let chunk = Array(due[index..<min(index + policy.maxConcurrent, due.count)])
                    reports += reconDue
                        ? try await session.recon(businesses: chunk) : try await session.sync(businesses: chunk, strict: false)
                    index += policy.maxConcurrent
                }
                return reports
            }
            if reconDue {
                lastRecon = at
                result.reconciled = true
            }
        } catch {
            logger.warning("scheduler could not sync", metadata: ["operation": .string(operation), "error": "\(error)"])
            return result
        }
        let elapsed = ContinuousClock.now - started
        for report in result.synced {
            if report.synced {
                failures[report.business] = nil
            } else {
                let count = (failures[report.business]?.count ?? 0) + 1
                let wait = min(policy.failureBackoff.seconds * Double(1 << min(count - 1, 10)), policy.maximumBackoff.seconds)
                failures[report.business] = (count, at.addingTimeInterval(wait))
            }
            logger.info("\(operation) \(report.business) \(report.synced ? "synced" : "not synced")", metadata: [
                "advisor": .string(reader.advisor.rawValue), "business": .string(report.business.rawValue),
                "operation": .string(operation), "changed": .stringConvertible(report.changed.values.reduce(0, +)),
                "flags": .string(Set(report.flags.map(\.code.rawValue)).sorted().joined(separator: ",")),
                "duration_ms": .stringConvertible(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
            ])
        }
        await onChange(result.synced.map(\.business))
        return result
    }

    /// Ticks until the server shuts down; a tick in progress finishes first.
    func run(clock: some Clock<Duration>) async {
        let interval = policy.tick
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await tick()
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    var state: (lastRun: Date?, lastRecon: Date) { (lastRun, lastRecon) }
}
