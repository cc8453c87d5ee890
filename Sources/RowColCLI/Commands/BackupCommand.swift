import ArgumentParser
import Foundation
import RowCol

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the workspace consistently, under the advisor lock.",
        discussion: """
            Takes each advisor's writer lock (waiting up to --wait-lock seconds for a running sync or \
            payment), copies its log, mirror and — unless --without-secrets — its tokens, then releases \
            it. The copy is a workspace of its own: `rowcol verify --workspace DEST` finds it clean. \
            DEST must be a new or empty folder outside the workspace.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: ArgumentHelp("The folder to copy into (new or empty).", valueName: "dest")) var destination: String
    @Option(help: ArgumentHelp("Only this advisor (default: every advisor).", valueName: "id")) var advisor: String?
    @Flag(help: "Leave out secrets/ (OAuth tokens and app credentials); reconnect after restoring.")
    var withoutSecrets = false
    @Option(help: ArgumentHelp("Seconds to wait when another rowcol holds an advisor.", valueName: "seconds"))
    var waitLock: Int = 30

    func run() async throws {
        let workspace = try self.workspace.open()
        let advisors = try advisor.map { [try parseID(AdvisorID.self, $0)] }
        let report = try await workspace.backup(
            to: URL(fileURLWithPath: destination), advisors: advisors, includeSecrets: !withoutSecrets,
            waitingUpTo: .seconds(max(0, waitLock)), whileWaiting: { printWaiting($0, seconds: waitLock) })
        print("backed up \(report.advisors.map(\.rawValue).joined(separator: ", ")) to \(report.destination.path): "
            + "\(report.files) files, \(report.bytes) bytes\(report.includedSecrets ? "" : ", without secrets")")
    }
}
