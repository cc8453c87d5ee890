import Foundation
import RowColStore

/// What a finished child process left behind.
public struct ProcessResult: Sendable {
    /// The exit status, or the signal number when ``killed`` is true.
    public var status: Int32
    /// Whether a signal ended the process (a kill at a failpoint, a crash).
    public var killed: Bool
    public var stdout: String
    public var stderr: String

    /// Both streams, for failure messages.
    public var output: String { stdout + stderr }
}

/// A child process started from a test: the library's ``Subprocess`` (which never blocks a
/// thread of Swift's cooperative pool while it waits), with the test runner's environment
/// scrubbed of what must never leak into a child, and its output as text.
public final class ChildProcess: Sendable {
    /// One of the child's output streams.
    public enum Stream: Sendable {
        case stdout, stderr

        var underlying: Subprocess.Stream { self == .stdout ? .stdout : .stderr }
    }

    private let child: Subprocess

    /// Environment variables removed from the child's inherited environment unless given again:
    /// a failpoint or workspace set for the test runner must never leak into a child.
    public static let scrubbed = ["ROWCOL_FAILPOINT", "ROWCOL_WORKSPACE", "ROWCOL_STORAGE_FAULT", "STRICT_ON_SNAPSHOT"]

    /// Starts `executable`.
    /// - Parameters:
    ///   - environment: added to (and overriding) the test runner's environment, after
    ///     ``scrubbed`` variables are removed.
    ///   - currentDirectory: where the child starts (the runner's current folder by default).
    public init(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil
    ) throws {
        var env = ProcessInfo.processInfo.environment
        for key in Self.scrubbed { env.removeValue(forKey: key) }
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        child = try Subprocess(
            executable: executable, arguments: arguments, environment: env, currentDirectory: currentDirectory)
    }

    /// The child's process id.
    public var pid: Int32 { child.pid }

    /// Sends `signal` (SIGKILL by default) to the child.
    public func kill(_ signal: Int32 = SIGKILL) { child.kill(signal) }

    /// What the child printed on `stream` so far.
    public func printed(_ stream: Stream = .stdout) -> String {
        String(decoding: child.printed(stream.underlying), as: UTF8.self)
    }

    /// Waits until what the child printed on `stream` satisfies `condition` (true), or the
    /// stream closes first (false).
    public func waitFor(_ stream: Stream, _ condition: @escaping @Sendable (String) -> Bool) async -> Bool {
        await child.waitFor(stream.underlying, condition)
    }

    /// The first line the child prints on stdout (a server announcing its address), or "".
    public func firstLine() async -> String {
        _ = await waitFor(.stdout) { $0.contains("\n") }
        return printed(.stdout).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }

    /// Waits for the child to end and both streams to close, and collects its output.
    public func wait() async -> ProcessResult {
        let result = await child.wait()
        return ProcessResult(status: result.status, killed: result.killed, stdout: result.stdoutText,
            stderr: result.stderrText)
    }

    /// Runs `executable` to its end.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil
    ) async throws -> ProcessResult {
        await (try ChildProcess(executable, arguments, environment: environment,
            currentDirectory: currentDirectory)).wait()
    }
}
