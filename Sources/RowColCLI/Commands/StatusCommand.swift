import ArgumentParser
import Foundation
import RowCol

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show freshness, hygiene flags and pending writes per business.",
        discussion: "Reads the workspace without taking a lock, so it is safe while a sync runs.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var output: JSONFlag

    func run() throws {
        let workspace = try self.workspace.open()
        let advisor = try self.advisor.resolve(in: workspace)
        let statuses = try WorkspaceStatus.read(workspace: workspace, advisor: advisor)
        if output.json { return try printJSON(statuses) }
        if statuses.isEmpty { print("advisor \(advisor) has no businesses yet: run `rowcol connect`") }
        for status in statuses {
            let name = status.displayName.map { " (\($0))" } ?? ""
            print("\(status.business)\(name)  realm \(status.realmID)  connection \(status.connection)  log seq \(status.checkpoint)")
            for kind in MirroredEntities.fetched.map(\.kind.rawValue) {
                let fresh = status.freshness[kind]
                let when = fresh?.refreshedAt.map { Timestamp($0).description } ?? "never"
                let name = kind.padding(toLength: 16, withPad: " ", startingAt: 0)
                print("    \(name) \(status.documents[kind] ?? 0) documents, \(fresh?.level.rawValue ?? "never") (synced \(when))")
            }
            if status.pendingWrites > 0 { print("    \(status.pendingWrites) payment(s) waiting in the outbox") }
            for flag in status.flags { print("    ! \(describe(flag))") }
            for alert in status.alerts { print("    alert \(alert.code) since \(DisplayFormat.instant(alert.since)): \(alert.message)") }
        }
    }
}
