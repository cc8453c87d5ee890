import ArgumentParser
import Foundation
import RowCol

extension WorkspaceRepository.PushMode: ExpressibleByArgument {}

struct GitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git",
        abstract: "Keep the workspace's history in git and share it through a remote.",
        discussion: """
            After `rowcol git enable`, every sync, recon, payment and plan edit that changes files is \
            committed once the log and the mirror are durable, with a message saying what changed per \
            business and the runway before → after. Secrets, locks, temp files and derived indexes are \
            never committed. A clone on another machine is read-only until `rowcol git take-over`.
            """,
        subcommands: [GitEnableCommand.self, GitPushCommand.self, GitTakeOverCommand.self])
}

struct GitEnableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable",
        abstract: "Make the workspace a git repository (or adopt the one it is in) and commit its current state.")

    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: ArgumentHelp("A remote to push to (becomes `origin`).", valueName: "url")) var remote: String?
    @Option(help: "auto: push after every commit; manual: only on `rowcol git push`.")
    var push: WorkspaceRepository.PushMode = .manual
    @Option(help: ArgumentHelp("The remote branch to push to (default: the local branch).", valueName: "name"))
    var branch: String?

    func run() async throws {
        let workspace = try self.workspace.open()
        let enabled = try await WorkspaceGit.enable(workspace, remote: remote, push: push, branch: branch)
        print("git history enabled in \(workspace.root.path); "
            + "writer: \(enabled.writer.host) (machine \(enabled.writer.machineID))")
        print(enabled.commit.map { "first commit \($0.prefix(12))" } ?? "nothing new to commit")
        if let problem = enabled.pushProblem { printError("push: \(problem)") }
    }
}

struct GitPushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push the workspace's commits to its remote (never forced: a remote with newer commits refuses).")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption

    func run() async throws {
        let problem = try await withSession(workspace, advisor) { await $0.pushHistory() }
        if let problem {
            printError(problem.message)
            throw ExitCode.failure
        }
        print("pushed")
    }
}

struct GitTakeOverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "take-over",
        abstract: "Make this machine the workspace's writer (an advisor moving to a new laptop).",
        discussion: """
            Fetches the remote first, records this machine in writer.json, commits and pushes. Tokens are \
            not in git: copy secrets/ from the old machine or run `rowcol connect` for each business.
            """)

    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        let workspace = try self.workspace.open()
        let previous = try await WorkspaceGit.takeOver(workspace)
        let here = try WriterMachine.current()
        if previous.machineID == here.machineID {
            print("this machine (\(here.host)) already writes \(workspace.root.path)")
        } else {
            print("\(here.host) now writes \(workspace.root.path) (was \(previous.host))")
        }
    }
}

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Each commit that touched a bill, an invoice or a bank balance, with the fields that moved.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var business: BusinessOption
    @Option(help: ArgumentHelp("A bill's QBO id.", valueName: "id")) var bill: String?
    @Option(help: ArgumentHelp("An invoice's QBO id.", valueName: "id")) var invoice: String?
    @Option(help: ArgumentHelp("A bank account's QBO id.", valueName: "id")) var balance: String?
    @OptionGroup var output: JSONFlag

    func run() async throws {
        let chosen = [(EntityKind.bill, bill), (.invoice, invoice), (.balance, balance)].compactMap { kind, id in
            id.map { (kind, $0) }
        }
        guard chosen.count == 1 else { throw ValidationError("give exactly one of --bill, --invoice, --balance") }
        let (kind, text) = chosen[0]
        let id = try parseID(EntityID.self, text)
        let workspace = try self.workspace.open()
        let ref = BusinessRef(advisor: try advisor.resolve(in: workspace), business: try business.id)
        let revisions = try await WorkspaceHistory(workspace: workspace).revisions(of: kind, id, in: ref)
        if output.json { return try printJSON(revisions) }
        if revisions.isEmpty {
            print("no commit touched \(kind) \(id) of \(ref.business) (is the workspace's history enabled?)")
            return
        }
        for revision in revisions {
            let when = DisplayFormat.instant(revision.at)
            print("\(revision.commit.prefix(12))  \(when)  \(revision.status)  \(revision.subject)")
            for field in revision.fields {
                print("    \(field.name): \(field.before ?? "—") → \(field.after ?? "—")")
            }
        }
    }
}

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed in every business since a commit, in the digest's words.")

    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: ArgumentHelp("A commit, tag or branch (HEAD~5, a hash).", valueName: "ref")) var since: String
    @OptionGroup var output: JSONFlag

    func run() async throws {
        let workspace = try self.workspace.open()
        let diff = try await WorkspaceHistory(workspace: workspace).diff(since: since)
        if output.json { return try printJSON(diff) }
        print(diff.text, terminator: "")
    }
}
