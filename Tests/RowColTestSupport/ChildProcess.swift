import Foundation

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

/// A child process started from a test.
///
/// Waiting never blocks a thread of Swift's cooperative pool — on two cores that pool has two
/// threads, and a blocked one starves every in-process server the test talks to: the end of the
/// process is reported by `terminationHandler`, and stdout and stderr are drained by threads of
/// their own (so no pipe ever fills), which also wake ``waitFor(_:_:)``.
public final class ChildProcess: Sendable {
    /// One of the child's output streams.
    public enum Stream: Sendable { case stdout, stderr }

    private let process: Process
    private let state = Locked(ChildState())

    /// Environment variables removed from the child's inherited environment unless given again:
    /// a failpoint or workspace set for the test runner must never leak into a child.
    public static let scrubbed = ["ROWCOL_FAILPOINT", "ROWCOL_WORKSPACE", "ROWCOL_STORAGE_FAULT", "STRICT_ON_SNAPSHOT"]

    /// Starts `executable`.
    /// - Parameter environment: added to (and overriding) the test runner's environment, after
    ///   ``scrubbed`` variables are removed.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in Self.scrubbed { env.removeValue(forKey: key) }
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let state = state
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            let killed = finished.terminationReason == .uncaughtSignal
            state.withLock { $0.exited(status, killed) }.forEach { $0() }
        }
        self.process = process
        try process.run()
        for (stream, pipe) in [(Stream.stdout, out), (.stderr, err)] {
            let reader = pipe.fileHandleForReading
            Thread.detachNewThread {
                while true {
                    let chunk = reader.availableData
                    state.withLock { $0.append(chunk, to: stream) }.forEach { $0() }
                    if chunk.isEmpty { break }
                }
            }
        }
    }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGKILL by default) to the child.
    public func kill(_ signal: Int32 = SIGKILL) {
        _ = Foundation.kill(process.processIdentifier, signal)
    }

    /// What the child printed on `stream` so far.
    public func printed(_ stream: Stream = .stdout) -> String {
        state.withLock { String(decoding: $0.bytes(stream), as: UTF8.self) }
    }

    /// Waits until what the child printed on `stream` satisfies `condition` (true), or the
    /// stream closes first (false).
    public func waitFor(_ stream: Stream, _ condition: @escaping @Sendable (String) -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            state.withLock { $0.waitFor(stream, condition, continuation) }.forEach { $0() }
        }
    }

    /// The first line the child prints on stdout (a server announcing its address), or "".
    public func firstLine() async -> String {
        _ = await waitFor(.stdout) { $0.contains("\n") }
        return printed(.stdout).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }

    /// Waits for the child to end and both streams to close, and collects its output.
    public func wait() async -> ProcessResult {
        let (status, killed) = await withCheckedContinuation { continuation in
            state.withLock { $0.waitForEnd(continuation) }.forEach { $0() }
        }
        return ProcessResult(status: status, killed: killed, stdout: printed(.stdout), stderr: printed(.stderr))
    }

    /// Runs `executable` to its end.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:])
        async throws -> ProcessResult
    {
        await (try ChildProcess(executable, arguments, environment: environment)).wait()
    }
}

/// The child's output and end, and who waits for them. Every method runs under the lock and
/// returns the wake-ups to run once it is released.
private struct ChildState {
    typealias Wakeup = () -> Void
    typealias Waiter = (stream: ChildProcess.Stream, condition: @Sendable (String) -> Bool,
                        continuation: CheckedContinuation<Bool, Never>)
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []
    private var closed: Set<ChildProcess.Stream> = []
    private var exit: (Int32, Bool)?
    private var outputWaiters: [Waiter] = []
    private var endWaiters: [CheckedContinuation<(Int32, Bool), Never>] = []

    func bytes(_ stream: ChildProcess.Stream) -> [UInt8] { stream == .stdout ? stdout : stderr }

    mutating func exited(_ status: Int32, _ killed: Bool) -> [Wakeup] {
        exit = (status, killed)
        return wakeups()
    }

    mutating func append(_ chunk: Data, to stream: ChildProcess.Stream) -> [Wakeup] {
        if chunk.isEmpty {
            closed.insert(stream)
        } else if stream == .stdout {
            stdout.append(contentsOf: chunk)
        } else {
            stderr.append(contentsOf: chunk)
        }
        return wakeups()
    }

    mutating func waitFor(
        _ stream: ChildProcess.Stream, _ condition: @escaping @Sendable (String) -> Bool,
        _ continuation: CheckedContinuation<Bool, Never>
    ) -> [Wakeup] {
        outputWaiters.append((stream, condition, continuation))
        return wakeups()
    }

    mutating func waitForEnd(_ continuation: CheckedContinuation<(Int32, Bool), Never>) -> [Wakeup] {
        endWaiters.append(continuation)
        return wakeups()
    }

    private mutating func wakeups() -> [Wakeup] {
        var ready: [Wakeup] = []
        let texts: [ChildProcess.Stream: String] = [
            .stdout: String(decoding: stdout, as: UTF8.self), .stderr: String(decoding: stderr, as: UTF8.self),
        ]
        outputWaiters.removeAll { waiter in
            if waiter.condition(texts[waiter.stream]!) {
                ready.append { waiter.continuation.resume(returning: true) }
                return true
            }
            if closed.contains(waiter.stream) {
                ready.append { waiter.continuation.resume(returning: false) }
                return true
            }
            return false
        }
        if let exit, closed.count == 2 {
            for waiter in endWaiters { ready.append { waiter.resume(returning: exit) } }
            endWaiters.removeAll()
        }
        return ready
    }
}
