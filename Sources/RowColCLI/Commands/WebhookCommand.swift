import ArgumentParser
import Foundation
import RowCol
import RowColWeb

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
            connected to that realm, deduplicated; replays are harmless. `rowcol serve` takes \
            webhooks for its advisor too, at the same path.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "The port (0 picks a free one).") var port: UInt16 = 0
    @Option(help: ArgumentHelp("The app's webhook verifier token (or $ROWCOL_WEBHOOK_VERIFIER_TOKEN).", valueName: "token"))
    var verifierToken: String?
    @OptionGroup var logging: LogLevelOption

    func run() async throws {
        let workspace = try self.workspace.open()
        guard let token = verifierToken ?? ProcessInfo.processInfo.environment["ROWCOL_WEBHOOK_VERIFIER_TOKEN"],
            !token.isEmpty
        else { throw ValidationError("a verifier token is needed: --verifier-token or ROWCOL_WEBHOOK_VERIFIER_TOKEN") }
        let server = WebhookServer(workspace: workspace, verifierToken: token, port: Int(port), logger: try logging.logger("rowcol.webhook"))
        try await server.run(
            onListening: { port in
                FileHandle.standardOutput.write(Data("webhook intake listening on http://127.0.0.1:\(port)/webhooks/qbo\n".utf8))
            },
            onRefresh: { target, report in
                print("refreshed \(target.business) \(target.kind): "
                    + (report.reachedQBO ? "\(report.changed.values.reduce(0, +)) changed" : "\(report.failure?.description ?? "QBO not reached")"))
                fflush(nil)
            })
    }
}
