import ArgumentParser
import RowCol

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a workspace in a new or empty folder.")

    @OptionGroup var options: WorkspaceOptions

    func run() async throws {
        let workspace = try Workspace.create(at: options.folder())
        print("created workspace \(workspace.root.path)")
    }
}
