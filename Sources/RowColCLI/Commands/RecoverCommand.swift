import ArgumentParser
import RowCol

struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Finish what a crashed rowcol left: cut a torn log line, replay the log into the mirror.",
        discussion: """
            Every command that writes does this when it opens an advisor; `recover` does only that, \
            for each advisor (or the one given), and says what it repaired. Run `rowcol verify` after.
            """)

    @OptionGroup var options: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption

    func run() async throws {
        let workspace = try options.open()
        let advisors = try advisor.advisor == nil ? workspace.advisors() : [advisor.resolve(in: workspace)]
        for id in advisors {
            let store = try AdvisorStore.open(workspace, advisor: id)
            print(store.recovery.description)
            await store.close()
        }
    }
}
