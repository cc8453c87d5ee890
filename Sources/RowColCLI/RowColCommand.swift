import ArgumentParser
import Foundation
import RowCol

/// The `rowcol` command-line tool.
@main
struct RowColCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rowcol",
        abstract: "Mirror QuickBooks Online bills, invoices and balances into plain files, and compute cash runway.",
        discussion: """
            A workspace is a folder of plain JSON files: per advisor, an append-only integration log of \
            every exchange with QuickBooks Online, and a mirror of each client business. Copy it as a \
            backup, diff it with git, carry it to another machine.

            Every command takes --workspace DIR, or the ROWCOL_WORKSPACE environment variable.
            """,
        subcommands: [
            DemoCommand.self, InitCommand.self, AdvisorCommand.self, BusinessCommand.self, ConnectCommand.self,
            SyncCommand.self, ReconCommand.self, PayCommand.self, PaymentsCommand.self, OutboxCommand.self,
            StatusCommand.self,
            BillsCommand.self, InvoicesCommand.self, BalancesCommand.self, SnapshotCommand.self, PlanCommand.self,
            ConsoleCommand.self, ServeCommand.self, DigestCommand.self, LogCommand.self, VerifyCommand.self,
            GitCommand.self, HistoryCommand.self, DiffCommand.self,
            RecoverCommand.self, RebuildCommand.self,
            BackupCommand.self, SandboxCommand.self, WebhookCommand.self,
            DebugCommand.self,
        ])

    static func main() async {
        ProcessMemory.configure()
        await main(nil)
    }
}

/// `--workspace DIR`, defaulting to `ROWCOL_WORKSPACE`.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: "The workspace folder (default: $ROWCOL_WORKSPACE).")
    var workspace: String?

    func folder() throws -> URL {
        if let workspace, !workspace.isEmpty { return URL(fileURLWithPath: workspace) }
        if let value = ProcessInfo.processInfo.environment["ROWCOL_WORKSPACE"], !value.isEmpty {
            return URL(fileURLWithPath: value)
        }
        throw CommandError("no workspace given: pass --workspace DIR or set ROWCOL_WORKSPACE")
    }

    func open() throws -> Workspace { try Workspace.open(at: folder()) }
}

/// Makes a command-line id argument into a validated id, with the domain's message on failure.
func parseID<ID: ValidatedIdentifier>(_ type: ID.Type, _ text: String) throws -> ID {
    do {
        return try ID(validating: text)
    } catch {
        throw CommandError(error.message)
    }
}

/// An error printed as one line, without the usage text `ValidationError` adds.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Prints to stderr.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
