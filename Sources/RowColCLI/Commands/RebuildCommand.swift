import ArgumentParser
import RowCol

struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Re-derive every mirror from the integration log alone.")

    @OptionGroup var options: WorkspaceOptions
    @Option(help: "Only this advisor (default: all).") var advisor: String?

    func run() async throws {
        let workspace = try options.open()
        let advisors = try advisor.map { [try parseID(AdvisorID.self, $0)] } ?? workspace.advisors()
        for advisor in advisors {
            let store = try AdvisorStore.open(workspace, advisor: advisor)
            if !store.recovery.isClean { print(store.recovery.description) }
            do {
                try await store.rebuild()
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            print("rebuilt the mirror of advisor \(advisor) from \(await store.lastSeq()) log line(s)")
        }
    }
}
