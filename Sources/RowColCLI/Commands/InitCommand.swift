import Foundation
import ArgumentParser
import RowCol

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a workspace in a new or empty folder.")

    @OptionGroup var options: WorkspaceOptions
    @Flag(help: ArgumentHelp("Mark the workspace as made for tests (the hidden `rowcol debug` commands need it).",
                             visibility: .hidden))
    var forTests = false
    @Flag(help: "Keep the workspace's history in git from the start (as `rowcol git enable`).") var git = false

    func run() async throws {
        let workspace = try Workspace.create(at: options.folder(), forTests: forTests)
        print("created workspace \(workspace.root.path)")
        if git {
            let enabled = try await WorkspaceGit.enable(workspace)
            print("git history enabled; writer: \(enabled.writer.host)"
                + (enabled.commit.map { ", first commit \($0.prefix(12))" } ?? ""))
        }
    }
}
