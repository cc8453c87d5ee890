import ArgumentParser
import RowCol

struct AdvisorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advisor", abstract: "Manage the advisors of a workspace.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an advisor (its log, businesses and secrets folders).")

        @Argument(help: "The advisor id: A-Z, a-z, 0-9, '.', '_', '-', at most 64, not starting with a dot.")
        var advisor: String
        @Option(help: "A name to show for the advisor.") var name: String?
        @OptionGroup var options: WorkspaceOptions

        func run() async throws {
            let id = try parseID(AdvisorID.self, advisor)
            let workspace = try options.open()
            try workspace.addAdvisor(id, displayName: name)
            print("added advisor \(id)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the advisors.")
        @OptionGroup var options: WorkspaceOptions

        func run() async throws {
            for advisor in try options.open().advisors() { print(advisor) }
        }
    }
}
