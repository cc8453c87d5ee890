import Foundation
import Logging
import RowCol
import ServiceLifecycle

/// QBO webhooks as refresh hints for the served advisor: each verified notification names a QBO
/// company and entity kinds; the kinds are refreshed (CDC) for the advisor's businesses connected to
/// that company, a burst of hints costing one refresh per kind. Notifications about companies or
/// kinds RowCol does not mirror are ignored.
actor WebhookQueue {
    let intake: WebhookIntake
    let reader: AdvisorReader
    let writer: WriterGate
    let logger: Logger
    let onChange: @Sendable ([BusinessID]) async -> Void
    private var pending: Set<Target> = []
    private let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    struct Target: Hashable, Sendable {
        var business: BusinessID
        var kind: EntityKind
    }

    init(verifierToken: String, reader: AdvisorReader, writer: WriterGate, logger: Logger,
         onChange: @escaping @Sendable ([BusinessID]) async -> Void) {
        intake = WebhookIntake(verifierToken: verifierToken)
        self.reader = reader
        self.writer = writer
        self.logger = logger
        self.onChange = onChange
        (signals, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Verifies a delivery and queues what it asks; returns the targets it matched.
    /// - Throws: ``WebhookError`` for a missing or wrong signature or a malformed body.
    func receive(signature: String?, body: Data) async throws -> [Target] {
        let hints = try await intake.receive(signature: signature, body: body)
        var realms: [String: [BusinessID]] = [:]
        for business in try reader.businesses() {
            realms[try reader.business(business).realmID, default: []].append(business)
        }
        var matched: [Target] = []
        for hint in hints {
            guard let kind = hint.entityKind else { continue }
            for business in realms[hint.realmID] ?? [] where pending.insert(Target(business: business, kind: kind)).inserted {
                matched.append(Target(business: business, kind: kind))
            }
        }
        if !matched.isEmpty { signal.yield() }
        return matched
    }

    /// Runs the queued refreshes now, in one writer session.
    @discardableResult
    func drain() async -> [(Target, RefreshReport)] {
        let batch = pending.sorted { ($0.business, $0.kind.rawValue) < ($1.business, $1.kind.rawValue) }
        pending.removeAll()
        guard !batch.isEmpty else { return [] }
        do {
            let results = try await writer.withSession("webhook.refresh") { session in
                var results: [(Target, RefreshReport)] = []
                for target in batch {
                    results.append((target, try await session.gateways.refresh(target.kind, business: target.business)))
                }
                return results
            }
            for (target, report) in results {
                logger.info("webhook.refresh \(target.business) \(target.kind)", metadata: [
                    "advisor": .string(reader.advisor.rawValue), "business": .string(target.business.rawValue),
                    "operation": "webhook.refresh", "kind": .string(target.kind.rawValue),
                    "reached_qbo": .stringConvertible(report.reachedQBO),
                    "changed": .stringConvertible(report.changed.values.reduce(0, +)),
                ])
            }
            await onChange(Array(Set(batch.map(\.business))))
            return results
        } catch {
            logger.warning("webhook refresh failed; the hints are kept for the next delivery", metadata: ["error": "\(error)"])
            for target in batch { pending.insert(target) }
            return []
        }
    }

    /// Drains whenever hints arrive, until the server shuts down.
    func run() async {
        let signals = signals
        for await _ in signals.cancelOnGracefulShutdown() {
            await drain()
        }
    }

    var isEmpty: Bool { pending.isEmpty }
}
