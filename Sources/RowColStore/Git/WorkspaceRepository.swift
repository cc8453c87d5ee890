import Foundation
import RowColDomain

/// The git repository a workspace is kept in: the small adapter over the real `git` program
/// through which RowCol enables history, stages exactly the files a change touched, commits,
/// reads what a file was at a commit, and pushes.
///
/// Commands run in the workspace root, so every path here is relative to it (a workspace inside a
/// larger repository is adopted as it is). RowCol's settings live in the repository's own config
/// (`rowcol.enabled`, `rowcol.push`, `rowcol.remote`, `rowcol.branch`): they belong to this clone,
/// not to the files it shares.
public struct WorkspaceRepository: Sendable {
    /// When each commit is pushed.
    public enum PushMode: String, Sendable, CaseIterable {
        /// After every commit, when a remote is set.
        case auto
        /// Only on `rowcol git push`.
        case manual
    }

    /// This clone's RowCol settings and whether git knows who commits.
    public struct Settings: Sendable, Hashable {
        public var enabled = false
        public var push: PushMode = .manual
        public var remote: String?
        /// The remote branch commits are pushed to (default: the local branch's name).
        public var branch: String?
        /// Whether `user.name` and `user.email` are configured (else RowCol names itself the author).
        public var hasIdentity = false

        public init() {}
    }

    public let workspace: Workspace
    public let git: Git

    public init(workspace: Workspace, git: Git) {
        self.workspace = workspace
        self.git = git
    }

    var folder: URL { workspace.root }

    /// The lines RowCol keeps in `.gitignore`: tokens, locks, temp files, derived indexes, and the
    /// torn log tails a recovery kept beside their segment.
    public static let ignoredPatterns = ["secrets/", "*.lock", "*.tmp", ".lock", "index/", "*.broken", "*.broken.*"]

    /// Whether the workspace root or a folder above it holds a `.git` (no process is started):
    /// the cheap test every writer makes before it asks git anything.
    public static func mayBeRepository(_ workspace: Workspace) -> Bool {
        var path = workspace.paths.root
        while true {
            if FileSystem.kind(of: path + "/.git") != .missing { return true }
            if path == "/" || path.isEmpty { return false }
            path = FileSystem.parent(of: path)
        }
    }

    // MARK: Settings

    /// The clone's settings.
    public func settings() async throws(GitError) -> Settings {
        let result = try await git.run(
            ["config", "--get-regexp", "^(rowcol|user)\\."], in: folder, allowedStatuses: [0, 1])
        var settings = Settings()
        var name = false
        var email = false
        for line in result.stdoutText.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            let key = parts[0].lowercased()
            let value = parts.count > 1 ? parts[1] : ""
            switch key {
            case "rowcol.enabled": settings.enabled = value == "true"
            case "rowcol.push": settings.push = PushMode(rawValue: value) ?? .manual
            case "rowcol.remote": settings.remote = value.isEmpty ? nil : value
            case "rowcol.branch": settings.branch = value.isEmpty ? nil : value
            case "user.name": name = !value.isEmpty
            case "user.email": email = !value.isEmpty
            default: break
            }
        }
        settings.hasIdentity = name && email
        return settings
    }

    /// Makes the workspace a repository (or adopts the one it is in), keeps RowCol's lines in
    /// `.gitignore`, and records the settings. Committing is the caller's next step.
    /// - Parameters:
    ///   - remote: a URL to push to (added as `origin`, or replacing its URL).
    ///   - branch: the remote branch to push to; default the local branch's name.
    /// - Throws: ``GitError`` (a `.gitignore` that cannot be written is `.commandFailed` too).
    public func enable(remote: String?, push: PushMode, branch: String?) async throws(GitError) {
        let inside = try await git.run(["rev-parse", "--is-inside-work-tree"], in: folder, allowedStatuses: [0, 128])
        var adopt = inside.status == 0 && inside.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "true"
        if adopt {
            // A repository that ignores the workspace cannot keep its history: the workspace gets its own.
            let ignored = try await git.run(["check-ignore", "-q", "--", "."], in: folder, allowedStatuses: [0, 1, 128])
            adopt = ignored.status != 0
        }
        if !adopt {
            try await git.run(["init", "-q", "--initial-branch=main"], in: folder)
        }
        do {
            try ensureIgnored()
        } catch {
            throw GitError(code: .commandFailed, message: "cannot update \(workspace.paths.gitignore): \(error)")
        }
        try await git.run(["config", "rowcol.enabled", "true"], in: folder)
        try await git.run(["config", "rowcol.push", push.rawValue], in: folder)
        if let remote {
            let existing = try await git.run(["remote", "get-url", "origin"], in: folder, allowedStatuses: [0, 2])
            try await git.run(existing.status == 0 ? ["remote", "set-url", "origin", remote] : ["remote", "add",
                "origin", remote],
                              in: folder)
            try await git.run(["config", "rowcol.remote", "origin"], in: folder)
        }
        if let branch { try await git.run(["config", "rowcol.branch", branch], in: folder) }
    }

    /// Adds RowCol's patterns missing from `.gitignore`, keeping the user's own lines.
    func ensureIgnored() throws {
        let path = workspace.paths.gitignore
        let current = FileSystem.kind(of: path) == .file ? String(decoding: try FileSystem.readFile(path),
            as: UTF8.self) : ""
        let lines = Set(current.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        let missing = Self.ignoredPatterns.filter { !lines.contains($0) }
        guard !missing.isEmpty else { return }
        let separator = current.isEmpty || current.hasSuffix("\n") ? "" : "\n"
        let text = current + separator + missing.joined(separator: "\n") + "\n"
        try FileSystem.writeAtomically(Array(text.utf8), to: path, temp: path + ".tmp", durable: true)
    }

    // MARK: Staging and committing

    /// Stages exactly `paths` (relative to the workspace): a path that exists is added, one that
    /// is gone is removed. Git compares each with the index's stat data, so an unchanged file
    /// costs a `stat`, and the rest of the workspace is never walked.
    public func stage(_ paths: [String]) async throws(GitError) {
        guard !paths.isEmpty else { return }
        var input: [UInt8] = []
        for path in paths {
            input.append(contentsOf: path.utf8)
            input.append(0)
        }
        try await git.run(["update-index", "--add", "--remove", "-z", "--stdin"], in: folder, input: input)
    }

    /// Stages the whole workspace as `.gitignore` leaves it (the first commit, `enable`).
    public func stageEverything() async throws(GitError) {
        try await git.run(["add", "-A", "--", "."], in: folder)
    }

    /// The current commit and its tree, and what each of `paths` holds there (absent: not in it).
    public func head(reading paths: [String] = []) async throws(GitError)
        -> (commit: String?, tree: String?, files: [String: [UInt8]])
    {
        var input = "HEAD\n"
        for path in paths { input += "HEAD:./\(path)\n" }
        let result = try await git.run(["cat-file", "--batch"], in: folder, input: Array(input.utf8))
        var objects = BatchReader(result.stdout)
        var files: [String: [UInt8]] = [:]
        guard let commit = objects.next() else { return (nil, nil, [:]) }
        let tree = commit.body.flatMap { body -> String? in
            let text = String(decoding: body.prefix(64), as: UTF8.self)
            return text.hasPrefix("tree ") ? String(text.dropFirst(5).prefix(while: { $0 != "\n" })) : nil
        }
        for path in paths {
            guard let object = objects.next() else { break }
            if let body = object.body { files[path] = body }
        }
        return (commit.body == nil ? nil : commit.sha, tree, files)
    }

    /// What each object name holds (`HEAD~2:./advisors/…/plan.json`, `<commit>:./path`), in order;
    /// nil for a name git does not know. One `git cat-file --batch` for all of them.
    public func read(_ names: [String]) async throws(GitError) -> [[UInt8]?] {
        guard !names.isEmpty else { return [] }
        let input = names.map { $0 + "\n" }.joined()
        let result = try await git.run(["cat-file", "--batch"], in: folder, input: Array(input.utf8))
        var reader = BatchReader(result.stdout)
        return names.map { _ in reader.next()?.body }
    }

    /// Commits what is staged, on the current branch, with `message`; nil when the staged tree is
    /// the current commit's (nothing to commit).
    /// - Parameter identity: author and committer variables, when git has none configured.
    public func commitStaged(message: String, identity: [String: String]) async throws(GitError) -> String? {
        let tree = try await git.run(["write-tree"],
            in: folder).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        let current = try await head()
        if let currentTree = current.tree, currentTree == tree { return nil }
        var arguments = ["commit-tree", tree]
        if let parent = current.commit { arguments += ["-p", parent] }
        arguments += ["-F", "-"]
        let commit = try await git.run(arguments, in: folder, input: Array(message.utf8), extra: identity)
            .stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        let subject = message.split(separator: "\n").first.map(String.init) ?? "rowcol"
        try await git.run(["update-ref", "-m", "rowcol: \(subject)", "HEAD", commit, current.commit ?? ""], in: folder)
        return commit
    }

    /// Lets git pack loose objects when it judges there are enough (`git gc --auto`, which detaches).
    public func collectGarbageIfDue() async throws(GitError) {
        try await git.run(["gc", "--auto", "--quiet"], in: folder)
    }

    /// The last log seq of `advisor` a RowCol commit recorded (its `RowCol-Log-Seq` trailer),
    /// nil when no commit did.
    public func lastRecordedSeq(of advisor: AdvisorID) async throws(GitError) -> LogSeq? {
        let pattern = "^RowCol-Advisor: " + NSRegularExpression.escapedPattern(for: advisor.rawValue) + "$"
        let result = try await git.run(
            ["log", "-n", "50", "-E", "--grep", pattern, "--format=%B%x00"], in: folder, allowedStatuses: [0, 128])
        guard result.status == 0 else { return nil }
        for message in result.stdoutText.split(separator: "\0") {
            if let seq = CommitTrailers.logSeqs(in: String(message))[advisor] { return seq.upperBound }
        }
        return nil
    }

    /// Author and committer variables when git has no identity configured: RowCol itself, for
    /// `who` (an advisor), at this host.
    public func identity(_ settings: Settings, for who: String) -> [String: String] {
        guard !settings.hasIdentity else { return [:] }
        let name = "RowCol (\(who))"
        let host = FileSystem.hostName
        let email = "rowcol@" + (host.isEmpty ? "localhost" : host)
        return ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email]
    }

    // MARK: Sharing

    /// Pushes the current branch to the configured remote, never forcing: a remote that has
    /// commits this clone does not refuses the push, and nothing is overwritten on either side.
    /// - Throws: ``GitError`` `.noRemote`, `.pushRejected` (with git's reason), `.commandFailed`.
    public func push(_ settings: Settings) async throws(GitError) {
        guard let remote = settings.remote else {
            throw GitError(code: .noRemote, message: "no remote is set: run `rowcol git enable --remote URL` first")
        }
        let branch = try await targetBranch(settings)
        let result = try await git.run(
            ["push", "--porcelain", remote, "HEAD:refs/heads/\(branch)"], in: folder, allowedStatuses: [0, 1, 128])
        if result.status == 0 { return }
        let rejected = result.stdoutText.split(separator: "\n").first { $0.hasPrefix("!") }
        if let rejected {
            let reason = rejected.split(separator: "\t").last.map(String.init) ?? String(rejected)
            throw GitError(
                code: .pushRejected,
                message: "the push to \(remote) \(branch) was rejected \(reason): the remote has commits this "
                    + "workspace does not; nothing was overwritten and every commit is kept here")
        }
        throw GitError(code: .commandFailed, message: Git.describe(["push", remote, branch], folder, result))
    }

    /// The remote branch pushes go to.
    public func targetBranch(_ settings: Settings) async throws(GitError) -> String {
        if let branch = settings.branch { return branch }
        let name = try await git.run(["symbolic-ref", "--short", "-q", "HEAD"], in: folder, allowedStatuses: [0, 1])
        let text = name.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "main" : text
    }

    /// Fetches the remote branch and moves this clone to it when that is a fast-forward.
    public func fastForward(_ settings: Settings) async throws(GitError) {
        guard let remote = settings.remote else { return }
        let branch = try await targetBranch(settings)
        try await git.run(["fetch", "-q", remote, branch], in: folder)
        try await git.run(["merge", "-q", "--ff-only", "FETCH_HEAD"], in: folder)
    }
}

/// Reads `git cat-file --batch` output: `<sha> <type> <size>\n<bytes>\n`, or `<name> missing\n`.
struct BatchReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> (sha: String, body: [UInt8]?)? {
        guard offset < bytes.count, let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else {
            return nil
        }
        let header = String(decoding: bytes[offset..<newline], as: UTF8.self).split(separator: " ")
        offset = newline + 1
        guard header.count == 3, let size = Int(header[2]), offset + size <= bytes.count else {
            return (String(header.first ?? ""), nil)
        }
        let body = Array(bytes[offset..<offset + size])
        offset += size + 1
        return (String(header[0]), body)
    }
}

/// The trailers RowCol writes at the end of its commit messages.
public enum CommitTrailers {
    /// `RowCol-Advisor: ada`
    public static let advisor = "RowCol-Advisor"
    /// `RowCol-Log-Seq: 12..57`, the advisor's log lines the commit holds (after its `RowCol-Advisor`).
    public static let logSeq = "RowCol-Log-Seq"

    /// The log seq ranges a message records, per advisor.
    public static func logSeqs(in message: String) -> [AdvisorID: ClosedRange<LogSeq>] {
        var ranges: [AdvisorID: ClosedRange<LogSeq>] = [:]
        var current: AdvisorID?
        for line in message.split(separator: "\n") {
            if line.hasPrefix(advisor + ": ") {
                current = AdvisorID(rawValue: String(line.dropFirst(advisor.count + 2)))
            } else if line.hasPrefix(logSeq + ": "), let current {
                let bounds = line.dropFirst(logSeq.count + 2).split(separator: ".", omittingEmptySubsequences: true)
                if bounds.count == 2, let first = UInt64(bounds[0]), let last = UInt64(bounds[1]), first <= last {
                    ranges[current] = LogSeq(first)...LogSeq(last)
                }
            }
        }
        return ranges
    }
}
