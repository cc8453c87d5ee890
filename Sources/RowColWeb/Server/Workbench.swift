import Foundation
import Hummingbird
import Logging
import NIOCore
import RowCol
import ServiceLifecycle
import UnixSignals

/// How a ``Workbench`` serves.
public struct WorkbenchOptions: Sendable {
    /// The address to bind: loopback unless you mean otherwise (the token still guards every request).
    public var host = "127.0.0.1"
    /// The TCP port; 0 picks a free one (tests).
    public var port = 8040
    /// The access token of this run (``AccessPolicy/makeToken()``, or `ROWCOL_SERVE_TOKEN`).
    public var token: String
    /// Show everything, change nothing: payments, syncs, the scheduler and webhooks are off.
    public var readOnly = false
    /// Where `SYNC_*` variables are read (usually the process's environment).
    public var environment: [String: String]
    /// The QBO app's webhook verifier token; with it, `POST /webhooks/qbo` is served.
    public var webhookVerifierToken: String?
    /// How long a write waits while another process (`rowcol sync` in a terminal) holds the advisor.
    public var lockWait: Duration = .seconds(30)
    /// How often the files are checked for changes made by others (open pages are told).
    public var watchInterval: Duration = .seconds(1)
    /// The tray's default horizon for bills, in days.
    public var trayDays = 7
    /// The scheduler's policy; it runs when `SYNC_SCHEDULER_ENABLED` is true (and not read-only).
    public var scheduler = SchedulerPolicy()
    /// The advisor's plans and scenarios; nil shows the base projection only (see ``WorkbenchPlanning``).
    public var planning: (any WorkbenchPlanning)?

    public init(token: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.token = token
        self.environment = environment
    }
}

/// The advisor's workbench: `rowcol serve`, a local web app over one advisor's workspace
/// (DESIGN §11) — console, business, tray, digest, status and log pages, the JSON API under
/// `/api/v1/` described by `/api/v1/openapi.json`, Server-Sent Events at `/events`, QBO webhooks at
/// `/webhooks/qbo`, and with `SYNC_SCHEDULER_ENABLED=true` a scheduler.
///
/// It reads the mirror without a lock and writes one operation at a time, each in an
/// ``AdvisorSession`` of its own, so `rowcol sync` keeps working beside it. It logs through the
/// `Logger` it is given — one line per request and per scheduled sync — and never logs a token.
///
/// ```swift
/// let workbench = try Workbench(workspace: workspace, advisor: ada,
///                               options: WorkbenchOptions(token: AccessPolicy.makeToken()), logger: logger)
/// let running = try await workbench.start()
/// print(running.entryURL)        // http://127.0.0.1:8040/?token=…
/// await running.stop()
/// ```
public final class Workbench: Sendable {
    public let workspace: Workspace
    public let advisor: AdvisorID
    public let options: WorkbenchOptions
    /// The access rules (token, CSRF token, allowed hosts).
    public let policy: AccessPolicy
    let logger: Logger
    let reader: AdvisorReader
    let data: WorkbenchData
    let writer: WriterGate
    let payments: PaymentDesk
    let hub: EventHub
    let watcher: ChangeWatcher
    let scheduler: SyncScheduler?
    let webhooks: WebhookQueue?
    let notices = NoticeBoard()
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - logger: where requests, syncs and problems are logged (the library never makes its own).
    ///   - now: the clock of snapshots, freshness and the scheduler.
    /// - Throws: `StoreError` when the advisor does not exist, ``ConfigurationError`` for a bad variable.
    public init(
        workspace: Workspace, advisor: AdvisorID, options: WorkbenchOptions, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.workspace = workspace
        self.advisor = advisor
        self.options = options
        self.logger = logger
        self.now = now
        policy = AccessPolicy(token: options.token, bindHost: options.host)
        let reader = try AdvisorReader(workspace: workspace, advisor: advisor, environment: options.environment, now: now)
        self.reader = reader
        let data = WorkbenchData(reader: reader, planning: options.planning, now: now)
        self.data = data
        let writer = WriterGate(
            workspace: workspace, advisor: advisor, environment: options.environment, lockWait: options.lockWait, logger: logger, now: now)
        self.writer = writer
        payments = PaymentDesk(writer: writer)
        let hub = EventHub()
        self.hub = hub
        let watcher = ChangeWatcher(reader: reader, hub: hub, data: data, logger: logger)
        self.watcher = watcher
        let changed: @Sendable ([BusinessID]) async -> Void = { businesses in
            await data.invalidate(businesses)
            await watcher.check()
        }
        var policy = options.scheduler
        policy.nightlyReconHour = reader.configuration.nightlyReconHour
        scheduler = reader.configuration.schedulerEnabled && !options.readOnly
            ? SyncScheduler(reader: reader, writer: writer, policy: policy, logger: logger, now: now, onChange: changed) : nil
        webhooks = options.webhookVerifierToken.flatMap { token in
            options.readOnly ? nil : WebhookQueue(verifierToken: token, reader: reader, writer: writer, logger: logger, onChange: changed)
        }
    }

    /// Whether the scheduler runs in this server.
    public var schedulerEnabled: Bool { scheduler != nil }

    /// The UTC hour of the nightly reconciliation (`SYNC_NIGHTLY_RECON_HOUR`).
    public var reconHour: Int { reader.configuration.nightlyReconHour }

    /// The URL to open: the server's address with the token, which the first visit trades for a cookie.
    public func entryURL(port: Int) -> URL {
        let host = options.host == "0.0.0.0" || options.host == "::" ? "127.0.0.1" : options.host
        let printed = host.contains(":") ? "[\(host)]" : host
        return URL(string: "http://\(printed):\(port)/?token=\(options.token)")!
    }

    /// The background jobs: the change watcher, the scheduler and the webhook queue.
    func backgroundServices() -> [any Service] {
        var services: [any Service] = [Job("change-watcher") { [watcher, options] in
            await watcher.run(every: options.watchInterval, clock: ContinuousClock())
        }]
        if let scheduler { services.append(Job("scheduler") { await scheduler.run(clock: ContinuousClock()) }) }
        if let webhooks { services.append(Job("webhooks") { await webhooks.run() }) }
        return services
    }

    /// Binds and serves in the background until ``RunningWorkbench/stop()``.
    /// - Parameter extend: adds to the router after the workbench's own routes; a middleware
    ///   added there (Hummingbird's `FileMiddleware`, say) answers behind the same access checks.
    /// - Throws: when the address cannot be bound.
    public func start(extend: (Router<WorkbenchContext>) -> Void = { _ in }) async throws -> RunningWorkbench {
        let (bound, report) = AsyncStream<Result<Int, any Error>>.makeStream()
        let group = makeServiceGroup(signals: false, extend: extend, onListening: { report.yield(.success($0)) })
        let task = Task {
            do {
                try await group.run()
            } catch {
                report.yield(.failure(error))
                throw error
            }
            report.yield(.failure(WorkbenchError(.internalServerError, "stopped", "the server stopped as it started")))
        }
        var first: Result<Int, any Error>?
        for await result in bound { first = result; break }
        guard case .success(let port)? = first else {
            task.cancel()
            if case .failure(let error)? = first { throw error }
            throw WorkbenchError(.internalServerError, "not_started", "the workbench did not start")
        }
        return RunningWorkbench(workbench: self, port: port, group: group, task: task)
    }

    /// Serves until SIGINT or SIGTERM, then stops cleanly: open event streams end, requests in
    /// progress finish, the scheduler finishes its tick (at most 10 seconds, then it is cancelled).
    /// - Parameter onListening: called once with the bound port.
    public func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        try await makeServiceGroup(signals: true, onListening: onListening).run()
    }

    func makeServiceGroup(
        signals: Bool, extend: (Router<WorkbenchContext>) -> Void = { _ in }, onListening: @escaping @Sendable (Int) -> Void
    ) -> ServiceGroup {
        let policy = policy
        let logger = logger
        let router = makeRouter()
        extend(router)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                policy.listening(on: port)
                onListening(port)
            },
            logger: logger)
        let hub = hub
        // Services stop in reverse order: the event streams end first, so the server's wait for
        // requests in progress is not held up by pages that stay open.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = backgroundServices().map {
            .init(service: $0, successTerminationBehavior: .ignore)
        }
        services.append(.init(service: app))
        services.append(.init(service: Job("event-streams") {
            try? await gracefulShutdown()
            await hub.close()
        }, successTerminationBehavior: .ignore))
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        if signals { configuration.gracefulShutdownSignals = [.sigterm, .sigint] }
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        return ServiceGroup(configuration: configuration)
    }
}

/// A workbench serving in the background (see ``Workbench/start()``).
public final class RunningWorkbench: Sendable {
    public let workbench: Workbench
    /// The bound port.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(workbench: Workbench, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.workbench = workbench
        self.port = port
        self.group = group
        self.task = task
    }

    /// `http://127.0.0.1:PORT` (no token).
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }
    /// The URL with the token, as `rowcol serve` prints it.
    public var entryURL: URL { workbench.entryURL(port: port) }

    /// Stops as SIGTERM would, and waits until everything has stopped.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

/// A background job as a service of the server's group.
struct Job: Service, CustomStringConvertible {
    let description: String
    let body: @Sendable () async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        description = name
        self.body = body
    }

    func run() async throws { try await body() }
}
