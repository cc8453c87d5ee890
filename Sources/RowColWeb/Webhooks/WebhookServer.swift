import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RowCol
import ServiceLifecycle
import UnixSignals

/// `rowcol webhook serve`: QBO webhook notifications on loopback for a whole workspace, on the same
/// HTTP stack as the workbench. Each POST to `/webhooks/qbo` must carry a valid `intuit-signature`
/// (HMAC-SHA256 of the raw body with the app's verifier token); the entity kinds it names are
/// refreshed for every business connected to that QBO company, across advisors, each advisor opened
/// as the writer only while its refreshes run.
public struct WebhookServer: Sendable {
    public let workspace: Workspace
    let intake: WebhookIntake
    let refresher: WebhookRefresher
    let logger: Logger
    let host: String
    let port: Int

    public init(workspace: Workspace, verifierToken: String, host: String = "127.0.0.1", port: Int = 0,
                environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) {
        self.workspace = workspace
        intake = WebhookIntake(verifierToken: verifierToken)
        refresher = WebhookRefresher(workspace: workspace, environment: environment)
        self.logger = logger
        self.host = host
        self.port = port
    }

    /// Serves until SIGINT or SIGTERM (or, with `signals` false, until the task is cancelled).
    /// - Parameters:
    ///   - onListening: called with the bound port.
    ///   - onRefresh: called after each refresh, with what it did.
    public func run(
        signals: Bool = true, onListening: @escaping @Sendable (Int) -> Void,
        onRefresh: @escaping @Sendable (WebhookRefresher.Target, RefreshReport) -> Void = { _, _ in }
    ) async throws {
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let router = Router()
        let intake = intake
        let refresher = refresher
        let logger = logger
        router.post("/webhooks/qbo") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1024 * 1024)
            do {
                let hints = try await intake.receive(signature: request.headers[HTTPField.Name("intuit-signature")!], body: Data(body.readableBytesView))
                let matched = try await refresher.enqueue(hints)
                if !matched.isEmpty { wake.yield() }
                return Response(status: .ok)
            } catch let error as WebhookError {
                return Response(status: error.reason == .malformedBody ? .badRequest : .unauthorized,
                                body: ResponseBody(byteBuffer: ByteBuffer(string: error.description + "\n")))
            }
        }
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { onListening($0.localAddress?.port ?? 0) }, logger: logger)
        let drain = Job("webhook-refresh") {
            for await _ in wakeups.cancelOnGracefulShutdown() {
                do {
                    for (target, report) in try await refresher.drain() { onRefresh(target, report) }
                } catch {
                    logger.warning("webhook refresh failed", metadata: ["error": "\(error)"])
                }
            }
        }
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: drain, successTerminationBehavior: .ignore), .init(service: app)], logger: logger)
        if signals { configuration.gracefulShutdownSignals = [.sigterm, .sigint] }
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        try await ServiceGroup(configuration: configuration).run()
    }
}
