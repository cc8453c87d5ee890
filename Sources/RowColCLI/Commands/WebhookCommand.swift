import ArgumentParser
import FlyingFox
import FlyingSocks
import Foundation
import RowCol

struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Receive QBO webhooks.", subcommands: [WebhookServeCommand.self])
}

struct WebhookServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Accept QBO webhook notifications on loopback and refresh what they name.",
        discussion: """
            Listens on 127.0.0.1 (put a tunnel or reverse proxy in front for Intuit to reach it). \
            Each POST must carry a valid intuit-signature (HMAC-SHA256 of the raw body with the \
            app's verifier token); legacy and CloudEvents bodies are accepted. Notifications are \
            refresh hints: the entity kinds they name are refreshed (CDC) for every business \
            connected to that realm, deduplicated; replays are harmless.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "The port (0 picks a free one).") var port: UInt16 = 0
    @Option(help: ArgumentHelp("The app's webhook verifier token (or $ROWCOL_WEBHOOK_VERIFIER_TOKEN).", valueName: "token"))
    var verifierToken: String?

    func run() async throws {
        let workspace = try self.workspace.open()
        guard let token = verifierToken ?? ProcessInfo.processInfo.environment["ROWCOL_WEBHOOK_VERIFIER_TOKEN"],
            !token.isEmpty
        else { throw ValidationError("a verifier token is needed: --verifier-token or ROWCOL_WEBHOOK_VERIFIER_TOKEN") }
        let intake = WebhookIntake(verifierToken: token)
        let refresher = WebhookRefresher(workspace: workspace)
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), logger: .disabled,
                                handler: WebhookHandler(intake: intake, refresher: refresher))
        let serving = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 60)
        guard case .ip4(let host, let boundPort)? = await server.listeningAddress else {
            throw CommandError("the webhook server reports no IPv4 address")
        }
        FileHandle.standardOutput.write(Data("webhook intake listening on http://\(host):\(boundPort)/webhooks/qbo\n".utf8))
        let draining = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                guard await !refresher.isEmpty else { continue }
                do {
                    for (target, report) in try await refresher.drain() {
                        print("refreshed \(target.business) \(target.kind): "
                            + (report.reachedQBO ? "\(report.changed.values.reduce(0, +)) changed" : "\(report.failure?.description ?? "QBO not reached")"))
                    }
                } catch {
                    printError("refresh failed: \(error)")
                }
            }
        }
        await waitForTermination()
        draining.cancel()
        await server.stop(timeout: 2)
        serving.cancel()
    }
}

struct WebhookHandler: HTTPHandler {
    let intake: WebhookIntake
    let refresher: WebhookRefresher

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .POST else { return HTTPResponse(statusCode: .methodNotAllowed) }
        let body = try await request.bodyData
        do {
            let hints = try await intake.receive(signature: request.headers[HTTPHeader("intuit-signature")], body: body)
            try await refresher.enqueue(hints)
            return HTTPResponse(statusCode: .ok)
        } catch let error as WebhookError {
            let status: HTTPStatusCode = error.reason == .malformedBody ? .badRequest : .unauthorized
            return HTTPResponse(statusCode: status, body: Data((error.description + "\n").utf8))
        }
    }
}
