import Foundation

/// The real `git` program, found on `PATH`, run without blocking the cooperative pool.
///
/// It is the one place RowCol starts git: every command runs with `GIT_TERMINAL_PROMPT=0` (a
/// push never waits for a password nobody will type) and `LC_ALL=C` (messages RowCol reads are
/// git's own English), and a failure names the command, the folder and what git printed.
public struct Git: Sendable {
    /// The program that runs.
    public let executable: URL
    /// The environment every command gets (the caller's, plus the two variables above).
    public let environment: [String: String]

    /// Finds `git` on the `PATH` of `environment`.
    /// - Throws: ``GitError`` `.gitNotFound` naming the `PATH` searched.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(GitError)
        -> Git
    {
        let path = environment["PATH"] ?? ""
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = String(folder) + "/git"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                var environment = environment
                environment["GIT_TERMINAL_PROMPT"] = "0"
                environment["LC_ALL"] = "C"
                return Git(executable: URL(fileURLWithPath: candidate), environment: environment)
            }
        }
        throw GitError(
            code: .gitNotFound,
            message: "git was not found on PATH (\(path.isEmpty ? "PATH is empty" : path)); "
                + "install git or add it to PATH")
    }

    /// Runs `git arguments` in `folder`.
    /// - Parameters:
    ///   - input: bytes for git's stdin.
    ///   - extra: variables added to the environment (an author identity).
    ///   - allowedStatuses: exit statuses that are answers, not failures (`git diff --quiet` exits 1).
    /// - Throws: ``GitError`` `.commandFailed` with git's own words when it exits otherwise.
    @discardableResult
    public func run(
        _ arguments: [String], in folder: URL, input: [UInt8]? = nil, extra: [String: String] = [:],
        allowedStatuses: Set<Int32> = [0]
    ) async throws(GitError) -> Subprocess.Result {
        var environment = environment
        for (key, value) in extra { environment[key] = value }
        let result: Subprocess.Result
        do {
            result = try await Subprocess.run(
                executable, arguments, environment: environment, currentDirectory: folder, input: input)
        } catch {
            throw GitError(
                code: .commandFailed, message: "could not start \(executable.path) in \(folder.path): \(error)")
        }
        guard !result.killed, allowedStatuses.contains(result.status) else {
            throw GitError(code: .commandFailed, message: Self.describe(arguments, folder, result))
        }
        return result
    }

    static func describe(_ arguments: [String], _ folder: URL, _ result: Subprocess.Result) -> String {
        let said = (result.stderrText + result.stdoutText).split(separator: "\n").prefix(3).joined(separator: " / ")
        let command = (["git"] + arguments.prefix(3)).joined(separator: " ") + (arguments.count > 3 ? " …" : "")
        let how = result.killed ? "was killed by signal \(result.status)" : "exited with status \(result.status)"
        return "`\(command)` \(how) in \(folder.path)" + (said.isEmpty ? "" : ": \(said)")
    }
}
