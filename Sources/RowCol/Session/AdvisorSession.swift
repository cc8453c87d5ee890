import Foundation
import QBO
import RowColDomain
import RowColJSON
import RowColStore
import RowColSync

/// Everything needed to work on one advisor's businesses, holding the advisor's writer lock until
/// ``close()``: the domain gateways (answers with their freshness and flags), the runway
/// (``snapshot(_:strict:rates:)``, ``console(strict:rates:)``), syncs (``sync(businesses:strict:progress:)``,
/// ``recon(businesses:progress:)``), ``payments`` and ``flags(of:)``. The store and the orchestrator
/// behind them stay inside: every read goes through the gateways' freshness and flags.
///
/// ```swift
/// let session = try await AdvisorSession.open(workspace: folder, advisor: ada)
/// let answer = try await session.gateways.list(ListBillsQuery(business: acme, hint: .strict))
/// await session.close()
/// ```
public final class AdvisorSession: Sendable {
    public let workspace: Workspace
    public let advisor: AdvisorID
    /// The advisor's store (the single writer); reached through the gateways, never directly.
    let store: AdvisorStore
    public let configuration: SyncConfiguration
    let orchestrator: SyncOrchestrator
    let connections: Connections
    public let gateways: QBOGateways
    /// The session's clock, shared by the orchestrator and everything that stamps a time.
    let now: @Sendable () -> Date
    /// Commits what lands to the workspace's git history, when it is shared through git.
    let recorder: GitRecorder

    /// Opens the advisor for writing.
    /// - Parameters:
    ///   - environment: where `SYNC_*` and `STRICT_ON_SNAPSHOT` are read (usually the process's).
    ///   - clientConfiguration: QBO client behaviour; retries follow `SYNC_ENABLE_RETRY`.
    ///   - waitingUpTo: how long to wait while another process writes the advisor.
    ///   - whileWaiting: called once when the advisor is found held, before waiting.
    /// - Throws: `StoreError` (busy, not a workspace, unknown advisor), ``ConfigurationError``.
    public static func open(
        workspace: Workspace, advisor: AdvisorID, environment: [String: String] = ProcessInfo.processInfo.environment,
        clientConfiguration: QBOClientConfiguration = QBOClientConfiguration(),
        now: @escaping @Sendable () -> Date = { Date() },
        waitingUpTo patience: Duration = .zero, whileWaiting: (@Sendable (StoreError) -> Void)? = nil
    ) async throws -> AdvisorSession {
        let configuration = try RowColConfiguration.sync(workspace: workspace, environment: environment)
        let recorder = GitRecorder(workspace: workspace, advisor: advisor, environment: environment)
        var options = AdvisorStore.Options()
        if recorder.isShared { options.segmentLimit = GitRecorder.segmentLimit }
        let store = try await AdvisorStore.open(
            workspace, advisor: advisor, options: options, waitingUpTo: patience, whileWaiting: whileWaiting)
        var clientConfiguration = clientConfiguration
        if !configuration.enableRetry { clientConfiguration.retry = .disabled }
        clientConfiguration.requestTimeout = TimeInterval(configuration.requestTimeout.components.seconds)
        let session = AdvisorSession(
            workspace: workspace, advisor: advisor, store: store, configuration: configuration,
            clientConfiguration: clientConfiguration, now: now, recorder: recorder)
        // The previous writer may have been stopped between its checkpoint and its commit.
        await session.record("pending", checkPlans: true)
        return session
    }

    init(
        workspace: Workspace, advisor: AdvisorID, store: AdvisorStore, configuration: SyncConfiguration,
        clientConfiguration: QBOClientConfiguration, now: @escaping @Sendable () -> Date, recorder: GitRecorder
    ) {
        self.recorder = recorder
        self.workspace = workspace
        self.advisor = advisor
        self.store = store
        self.configuration = configuration
        self.now = now
        let connections = Connections(workspace: workspace, advisor: advisor, clientConfiguration: clientConfiguration)
        self.connections = connections
        orchestrator = SyncOrchestrator(
            journal: store, configuration: configuration, now: now,
            classify: { error in
                if let connection = error as? ConnectionError {
                    return RemoteFailure(flag: .authReconnectRequired, message: connection.message)
                }
                return QBOFailureMapping.classify(error)
            })
        gateways = QBOGateways(
            orchestrator: orchestrator, mirror: store.reader, clients: { try connections.client(for: $0) })
    }

    /// The advisor's businesses, sorted.
    public func businesses() throws -> [BusinessID] { try workspace.businesses(of: advisor) }

    public func ref(_ business: BusinessID) -> BusinessRef { BusinessRef(advisor: advisor, business: business) }

    /// Commits what is left to the workspace's git history (when it has one), then releases the
    /// store and its lock.
    public func close() async {
        await record("session", checkPlans: false)
        await store.close()
    }

    /// Records what landed as a git commit, when the workspace is shared through git (see
    /// ``GitRecorder``); never fails the operation.
    func record(_ operation: String, checkPlans: Bool) async {
        await recorder.record(operation, session: self, checkPlans: checkPlans)
    }
}

/// Reads the configuration of a workspace (DESIGN §8).
public enum RowColConfiguration {
    /// The sync policy: environment over `rowcol.json`'s `policy` over defaults.
    public static func sync(workspace: Workspace, environment: [String: String]) throws -> SyncConfiguration {
        let manifest = try workspace.manifest()
        var policy: [String: JSONValue]?
        switch manifest.policy {
        case nil, .null?: policy = nil
        case .object(let object)?: policy = object
        default: throw ConfigurationError(name: "rowcol.json policy", value: "", expected: "an object")
        }
        return try SyncConfiguration.resolve(environment: environment, policy: policy)
    }
}
