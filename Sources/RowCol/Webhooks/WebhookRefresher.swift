import Foundation
import RowColDomain
import RowColStore
import RowColSync

/// Turns webhook refresh hints into targeted refreshes of the businesses they concern.
///
/// Hints are routed by realm to every business connected to that QBO company (across advisors),
/// collected in a set — so a burst of notifications about one entity kind costs one refresh — and
/// applied by ``drain()``, which opens each concerned advisor as the writer (waiting politely if
/// another rowcol holds it), refreshes the hinted kinds and closes it again.
public actor WebhookRefresher {
    public struct Target: Hashable, Sendable {
        public var business: BusinessRef
        public var kind: EntityKind
    }

    public let workspace: Workspace
    let environment: [String: String]
    private var pending: Set<Target> = []

    public init(workspace: Workspace, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.workspace = workspace
        self.environment = environment
    }

    /// Queues the refreshes `hints` ask for; returns the targets they matched (unknown realms and
    /// entities RowCol does not mirror are ignored).
    @discardableResult
    public func enqueue(_ hints: [RefreshHint]) throws -> [Target] {
        var routes: [String: [BusinessRef]] = [:]
        for advisor in try workspace.advisors() {
            for business in try workspace.businesses(of: advisor) {
                let ref = BusinessRef(advisor: advisor, business: business)
                routes[try workspace.business(ref).realmID, default: []].append(ref)
            }
        }
        var matched: [Target] = []
        for hint in hints {
            guard let kind = hint.entityKind else { continue }
            for business in routes[hint.realmID] ?? [] {
                let target = Target(business: business, kind: kind)
                if pending.insert(target).inserted { matched.append(target) }
            }
        }
        return matched
    }

    /// Whether refreshes are waiting.
    public var isEmpty: Bool { pending.isEmpty }

    /// Runs the queued refreshes, advisor by advisor; returns what each refresh did.
    public func drain(lockWait: Duration = .seconds(30)) async throws -> [(Target, RefreshReport)] {
        let batch = pending
        pending.removeAll()
        var results: [(Target, RefreshReport)] = []
        for (advisor, targets) in Dictionary(grouping: batch, by: \.business.advisor) {
            let session = try await openWaiting(advisor, lockWait: lockWait)
            do {
                for target in targets.sorted(by: { ($0.business.business, $0.kind.rawValue) < ($1.business.business, $1.kind.rawValue) }) {
                    results.append((target, try await session.gateways.refresh(target.kind, business: target.business.business)))
                }
                await session.close()
            } catch {
                await session.close()
                throw error
            }
        }
        return results
    }

    private func openWaiting(_ advisor: AdvisorID, lockWait: Duration) async throws -> AdvisorSession {
        try await AdvisorSession.open(
            workspace: workspace, advisor: advisor, environment: environment, waitingUpTo: lockWait)
    }
}
