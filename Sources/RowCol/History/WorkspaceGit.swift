import Foundation
import RowColDomain
import RowColJSON
import RowColStore

/// Git-native workspaces (DESIGN §10): history, sharing through a remote, and the move of the
/// writer to another machine. Every change that lands afterwards is committed by the sessions
/// themselves (see ``AdvisorSession``).
///
/// ```swift
/// try await WorkspaceGit.enable(workspace, remote: "git@firm.example:books/ada.git", push: .auto)
/// ```
public enum WorkspaceGit {
    /// What ``enable(_:remote:push:branch:environment:)`` did.
    public struct Enabled: Sendable {
        /// The first commit, nil when the repository already held exactly these files.
        public var commit: String?
        /// The machine recorded as the writer.
        public var writer: WriterMachine
        /// Why the first push did not go through, when it was tried and failed.
        public var pushProblem: String?
    }

    /// Makes the workspace a git repository (or adopts the one it is in), with secrets, locks,
    /// temp files and derived indexes ignored, records this machine as its writer and commits the
    /// current state, holding every advisor's lock meanwhile.
    /// - Throws: ``GitError`` (no git, a git command failing), ``StoreError`` (`.busy` while an
    ///   advisor is being written, `.readOnly` in a clone another machine writes).
    @discardableResult
    public static func enable(
        _ workspace: Workspace, remote: String? = nil, push: WorkspaceRepository.PushMode = .manual,
        branch: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Enabled {
        try workspace.requireWriter(environment: environment)
        let repository = WorkspaceRepository(workspace: workspace, git: try Git.locate(environment: environment))
        try await repository.enable(remote: remote, push: push, branch: branch)
        try workspace.restoreFolders()
        var stores: [AdvisorStore] = []
        var lastSeqs: [(AdvisorID, LogSeq)] = []
        do {
            for advisor in try workspace.advisors() {
                let store = try AdvisorStore.open(workspace, advisor: advisor)
                stores.append(store)
                lastSeqs.append((advisor, await store.lastSeq()))
            }
            let writer = try workspace.writerMachine() ?? WriterMachine.current(environment: environment)
            try workspace.recordWriter(writer)
            try await repository.stageEverything()
            var message = "rowcol git enable: the history of this workspace starts here\n\n"
            for (advisor, _) in lastSeqs {
                for business in try workspace.businesses(of: advisor) {
                    let ref = BusinessRef(advisor: advisor, business: business)
                    let counts = try workspace.documentCounts(ref)
                    let name = try workspace.business(ref).displayName ?? business.rawValue
                    message += "\(name) (\(advisor)/\(business)): "
                        + (counts.isEmpty ? "no documents yet" : counts.sorted { $0.key < $1.key }
                            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")) + "\n"
                }
            }
            message += "writer: \(writer.host) (machine \(writer.machineID))\n\n"
            for (advisor, seq) in lastSeqs {
                message += "\(CommitTrailers.advisor): \(advisor)\n"
                if seq > .zero { message += "\(CommitTrailers.logSeq): 1..\(seq)\n" }
            }
            let settings = try await repository.settings()
            let commit = try await repository.commitStaged(message: message, identity: repository.identity(settings,
                for: "git enable"))
            for store in stores { await store.close() }
            stores = []
            var problem: String?
            if settings.push == .auto, settings.remote != nil {
                do { try await repository.push(settings) } catch { problem = error.message }
            }
            return Enabled(commit: commit, writer: writer, pushProblem: problem)
        } catch {
            for store in stores { await store.close() }
            throw error
        }
    }

    /// Makes this machine the workspace's writer, explicitly — the way an advisor moves to a new
    /// laptop: fetches the remote first (when one is set) so the move starts from the last pushed
    /// commit, records the machine in `writer.json`, commits, and pushes. Tokens are not in git:
    /// copy `secrets/` from the old machine or connect each business again.
    /// - Returns: the previous writer (the same machine when it already was the writer).
    /// - Throws: ``GitError`` `.notEnabled` when the workspace is not shared through git,
    ///   `.pushRejected` when the remote moved meanwhile (nothing is lost: run it again).
    @discardableResult
    public static func takeOver(_ workspace: Workspace,
        environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws -> WriterMachine
    {
        let repository = WorkspaceRepository(workspace: workspace, git: try Git.locate(environment: environment))
        var settings = try await repository.settings()
        if settings.remote == nil, try await repository.git.run(["remote"],
            in: workspace.root).stdoutText.contains("origin") {
            // A fresh clone: its origin is the remote the workspace is shared through.
            try await repository.git.run(["config", "rowcol.remote", "origin"], in: workspace.root)
            settings = try await repository.settings()
        }
        if settings.remote != nil { try await repository.fastForward(settings) }
        guard let previous = try workspace.writerMachine() else {
            throw GitError(code: .notEnabled, message: "\(workspace.root.path) is not shared through git (it has no "
                + "writer.json): run `rowcol git enable` instead")
        }
        let here = try WriterMachine.current(environment: environment)
        try await repository.git.run(["config", "rowcol.enabled", "true"], in: workspace.root)
        try workspace.restoreFolders()
        guard previous.machineID != here.machineID else { return previous }
        try workspace.recordWriter(here)
        try await repository.stage(["writer.json"])
        let message = "rowcol git take-over: \(here.host) writes this workspace from now on\n\n"
            + "The writer was \(previous.host) (machine \(previous.machineID)) since \(Timestamp(previous.since)); "
            + "it is now \(here.host) (machine \(here.machineID)).\n"
        _ = try await repository.commitStaged(message: message, identity: repository.identity(settings,
            for: "take-over"))
        if settings.remote != nil { try await repository.push(settings) }
        return previous
    }
}

extension AdvisorSession {
    /// The last commit this session made to the workspace's git history, if any.
    public var lastCommit: RecordedCommit? {
        get async { await recorder.lastCommit }
    }

    /// Pushes the workspace's history to its remote (`rowcol git push`): a rejection raises
    /// `git.push_rejected` on the advisor's businesses, a success clears it.
    /// - Returns: why the push did not go through, or nil.
    public func pushHistory() async -> GitError? {
        guard recorder.isShared else {
            return GitError(code: .notEnabled,
                message: "the workspace is not shared through git: run `rowcol git enable`")
        }
        return await recorder.push(session: self)
    }
}
