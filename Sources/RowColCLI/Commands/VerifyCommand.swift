import ArgumentParser
import RowCol

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the log chain, every mirror document and plan, and that the mirror equals a replay of the log.",
        discussion: "Exits 0 when clean; otherwise prints one problem per line (file, and line for the log) and exits 1.")

    @OptionGroup var options: WorkspaceOptions

    func run() async throws {
        let problems = try options.open().verify(checkPlan: RunwayPlanFile.check)
        if problems.isEmpty {
            print("workspace is clean")
            return
        }
        for problem in problems { printError(problem.description) }
        throw ExitCode(1)
    }
}
