import Foundation
import RowColDomain
import RowColJSON
import RowColStore
import RowColSync

/// A commit a session made (``AdvisorSession/lastCommit``).
public struct RecordedCommit: Sendable, Hashable {
    public var commit: String
    public var subject: String
    /// The advisor's log lines it holds.
    public var logSeqs: ClosedRange<LogSeq>?
    /// From the end of the operation to the commit in place (reading the new log lines, the
    /// message, staging, committing; a push is not counted).
    public var duration: Duration
}

/// Records every change that lands in an advisor's part of a git-shared workspace (one with a
/// `writer.json`, made by `rowcol git enable`) as a commit a person can read.
///
/// A session calls ``record(_:session:checkPlans:)`` after a sync, a recon, a payment or a plan
/// edit has returned — so after the log and the mirror checkpoint are durable — and when it
/// opens, which heals a run that was killed between its checkpoint and its commit: the commit
/// holds the advisor's log lines after the last one a commit recorded (its `RowCol-Log-Seq`
/// trailer), so what is pending is committed once. A span whose lines change no document and
/// no plan makes no commit. Git failing never fails the operation: it becomes the flag
/// `git.commit_failed` on each of the advisor's businesses, and the next commit that succeeds
/// clears it. With `rowcol.push=auto` and a remote, each commit is pushed; a rejected push is
/// the flag `git.push_rejected`, and nothing is lost locally.
actor GitRecorder {
    /// The log's segment size while git keeps the history: a sealed segment never changes again,
    /// so git stores it once, and each commit re-reads only the last, small one.
    static let segmentLimit = 4 << 20

    let workspace: Workspace
    let advisor: AdvisorID
    let environment: [String: String]
    /// Whether the workspace is shared through git (it has a `writer.json`).
    nonisolated let isShared: Bool
    private var repository: WorkspaceRepository?
    private var settings = WorkspaceRepository.Settings()
    private var lastRecorded: LogSeq?
    /// The last commit this session made.
    private(set) var lastCommit: RecordedCommit?

    init(workspace: Workspace, advisor: AdvisorID, environment: [String: String]) {
        self.workspace = workspace
        self.advisor = advisor
        self.environment = environment
        isShared = ((try? workspace.writerMachine()) ?? nil) != nil
    }

    private func prepare() async throws -> WorkspaceRepository {
        if let repository { return repository }
        let repository = WorkspaceRepository(workspace: workspace, git: try Git.locate(environment: environment))
        settings = try await repository.settings()
        self.repository = repository
        return repository
    }

    /// Commits what landed since the last commit (see the type). Never throws.
    /// - Parameters:
    ///   - operation: the subject's first word (`sync`, `recon`, `payment`, `plan`, `pending`).
    ///   - checkPlans: also compare every `plan.json` with the last commit (plans are not logged).
    func record(_ operation: String, session: AdvisorSession, checkPlans: Bool) async {
        guard isShared else { return }
        let started = ContinuousClock.now
        let durable = await session.store.lastSeq()
        if !checkPlans, let lastRecorded, lastRecorded >= durable { return }
        do {
            let repository = try await prepare()
            let since: LogSeq
            if let lastRecorded {
                since = lastRecorded
            } else {
                since = try await repository.lastRecordedSeq(of: advisor) ?? .zero
                lastRecorded = since
            }
            let entries = try session.store.entries(after: since)
            let changed = entries.contains { !($0.payload?.changes.isEmpty ?? true) }
            let businesses = try workspace.businesses(of: advisor).map(session.ref)
            let planFiles = checkPlans ? businesses.map { (workspace.planFileName($0), $0) } : []
            guard changed || !planFiles.isEmpty else { return }
            var documentFiles: [String] = []
            var seen = Set<String>()
            for entry in entries {
                for change in entry.payload?.changes ?? [] {
                    let file = workspace.documentFile(session.ref(entry.business), change.entity, change.id)
                    if seen.insert(file).inserted { documentFiles.append(file) }
                }
            }
            let head = try await repository.head(reading: documentFiles + planFiles.map(\.0))
            var changes = ChangeSet()
            for (file, ref) in planFiles {
                let current = try workspace.planFile(ref)
                if current != head.files[file] { changes.plans[ref] = (head.files[file], current) }
            }
            guard changed || !changes.plans.isEmpty else { return }
            Failpoints.hit(.gitBeforeCommit)
            var latest: [String: JSONValue?] = [:]
            for entry in entries {
                let ref = session.ref(entry.business)
                for change in entry.payload?.changes ?? [] {
                    let file = workspace.documentFile(ref, change.entity, change.id)
                    let before = latest[file] ?? head.files[file].flatMap(Self.documentData)
                    let after = change.operation == .delete ? nil : change.data
                    latest[file] = .some(after)
                    changes.changes.append(DocumentChange(
                        ref: ref, kind: change.entity, id: change.id, before: before, after: after,
                        seq: entry.seq.rawValue, at: entry.at))
                }
            }
            let sections = try changes.sections(workspace: workspace, now: session.now(),
                lineLimit: CommitMessage.lineLimit)
            let seqs = entries.isEmpty ? nil : entries[0].seq...entries[entries.count - 1].seq
            let message = CommitMessage.render(operation: operation, advisor: advisor, sections: sections, seqs: seqs)
            // Cleared before staging, so the state.json committed does not carry a flag this commit ends.
            try await clear(.gitCommitFailed, session: session, businesses: businesses)
            try await repository.stage(try workspace.gitFiles(of: advisor, touchedBy: entries))
            let commit = try await repository.commitStaged(
                message: message, identity: repository.identity(settings, for: advisor.rawValue))
            lastRecorded = entries.last?.seq ?? since
            try? await repository.collectGarbageIfDue()
            if let commit {
                lastCommit = RecordedCommit(
                    commit: commit, subject: String(message.prefix { $0 != "\n" }), logSeqs: seqs,
                    duration: ContinuousClock.now - started)
            }
            if settings.push == .auto, settings.remote != nil {
                await push(session: session)
            }
        } catch {
            let reason = (error as? GitError)?.message ?? (error as? StoreError)?.message ?? "\(error)"
            for ref in (try? workspace.businesses(of: advisor).map(session.ref)) ?? [] {
                try? await session.orchestrator.raise(
                    .gitCommitFailed, business: ref.business, entity: nil,
                    message: "the change is in the workspace but not in its git history: \(reason); "
                        + "the next commit that succeeds records it")
            }
        }
    }

    /// Pushes to the remote: a rejection raises `git.push_rejected`, a success clears it.
    /// - Returns: the error, when the push did not go through.
    @discardableResult
    func push(session: AdvisorSession) async -> GitError? {
        let businesses = ((try? workspace.businesses(of: advisor)) ?? []).map(session.ref)
        do {
            let repository = try await prepare()
            try await repository.push(settings)
            try? await clear(.gitPushRejected, session: session, businesses: businesses)
            return nil
        } catch let error as GitError {
            if error.code == .pushRejected {
                for ref in businesses {
                    try? await session.orchestrator.raise(
                        .gitPushRejected, business: ref.business, entity: nil,
                        message: error.message + " (fetch and look at the remote; "
                            + "`rowcol git take-over` makes this machine the writer)")
                }
            }
            return error
        } catch {
            return GitError(code: .commandFailed, message: "\(error)")
        }
    }

    private func clear(_ code: HygieneFlag.Code, session: AdvisorSession, businesses: [BusinessRef]) async throws {
        for ref in businesses { try await session.orchestrator.clear([code], business: ref.business, entity: nil) }
    }

    /// A mirror document's `data`, from its stored bytes.
    static func documentData(_ bytes: [UInt8]) -> JSONValue? {
        (try? JSONValue.parse(bytes))?["data"]
    }
}
