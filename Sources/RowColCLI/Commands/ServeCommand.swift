import ArgumentParser
import Foundation
import RowCol
import RowColWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Open the advisor's workbench in the browser: console, businesses, tray, digest.",
        discussion: """
            Serves one advisor's workspace on loopback and prints the URL to open, with a token that \
            changes every run (or ROWCOL_SERVE_TOKEN). Every request needs the token: the first \
            visit trades it for a cookie, scripts send `Authorization: Bearer TOKEN`. The JSON API is \
            under /api/v1/ (described at /api/v1/openapi.json). The server reads the mirror without a \
            lock and takes the advisor's lock only while a payment or sync runs, so `rowcol sync` in \
            a terminal keeps working beside it.

            With SYNC_SCHEDULER_ENABLED=true it also refreshes each business as its TTLs run out, \
            replays the outbox and reconciles nightly at SYNC_NIGHTLY_RECON_HOUR (UTC). With a \
            webhook verifier token it takes QBO webhooks at /webhooks/qbo. Stop it with Ctrl-C.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @Option(help: "The port (0 picks a free one).") var port: Int = 8040
    @Option(help: "The address to bind. Anything but loopback exposes the workbench to the network (the token still guards it).")
    var host: String = "127.0.0.1"
    @Flag(help: "Show everything, change nothing: no payments, no syncs, no scheduler, no webhooks.") var readOnly = false
    @Flag(help: "Open the URL in the default browser.") var open = false
    @Option(help: ArgumentHelp("The QBO app's webhook verifier token (or $ROWCOL_WEBHOOK_VERIFIER_TOKEN).", valueName: "token"))
    var webhookVerifierToken: String?
    @OptionGroup var logging: LogLevelOption

    func run() async throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, not \(port)") }
        let workspace = try self.workspace.open()
        let advisor = try self.advisor.resolve(in: workspace)
        let environment = ProcessInfo.processInfo.environment
        let token: String
        if let given = environment["ROWCOL_SERVE_TOKEN"], !given.isEmpty {
            do {
                token = try AccessPolicy.validate(token: given, name: "ROWCOL_SERVE_TOKEN")
            } catch let error as WorkbenchError {
                throw ValidationError(error.message)
            }
        } else {
            token = AccessPolicy.makeToken()
        }
        var options = WorkbenchOptions(token: token, environment: environment)
        options.host = host
        options.port = port
        options.readOnly = readOnly
        options.planning = SessionPlanning()
        options.webhookVerifierToken = webhookVerifierToken ?? environment["ROWCOL_WEBHOOK_VERIFIER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let logger = try logging.logger("rowcol.serve")
        let workbench = try Workbench(workspace: workspace, advisor: advisor, options: options, logger: logger)
        let open = open
        let scheduler = workbench.schedulerEnabled
        let hour = workbench.reconHour
        let readOnly = readOnly
        try await workbench.run { port in
            let url = workbench.entryURL(port: port).absoluteString
            // The URL first and alone on its line: scripts and tests read it.
            var text = url + "\n"
            text += "RowCol workbench for advisor \(advisor)\(readOnly ? " (read-only)" : ""); Ctrl-C stops it.\n"
            text += scheduler
                ? "Scheduler on: businesses refresh as their TTLs run out; nightly recon at \(String(format: "%02d", hour)):00 UTC.\n"
                : "Scheduler off\(readOnly ? " (read-only)" : " (SYNC_SCHEDULER_ENABLED=true turns it on)").\n"
            FileHandle.standardOutput.write(Data(text.utf8))
            if open { openInBrowser(url) }
        }
        FileHandle.standardOutput.write(Data("workbench stopped\n".utf8))
    }
}

/// Asks the desktop to open `url`, without waiting for the browser.
func openInBrowser(_ url: String) {
    #if os(macOS)
    let opener = "/usr/bin/open"
    #else
    let opener = "/usr/bin/xdg-open"
    #endif
    guard FileManager.default.isExecutableFile(atPath: opener) else {
        printError("cannot open a browser here (\(opener) is missing): open the URL above yourself")
        return
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: opener)
    process.arguments = [url]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
    } catch {
        printError("cannot open a browser (\(error)): open the URL above yourself")
    }
}
