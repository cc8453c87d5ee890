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
/// process is reported by `terminationHandler`, and stdout is drained by a thread of its own (so
/// the pipe never fills), which also wakes ``waitForOutput(_:)``. stderr goes to a file.
public final class ChildProcess: Sendable {
    private let process: Process
    private let scratch: URL
    private let state = Locked(ChildState())

    /// Environment variables removed from the child's inherited environment unless given again:
    /// a failpoint or workspace set for the test runner must never leak into a child.
    public static let scrubbed = ["ROWCOL_FAILPOINT", "ROWCOL_WORKSPACE", "ROWCOL_STORAGE_FAULT", "STRICT_ON_SNAPSHOT"]

    /// Starts `executable`.
    /// - Parameter environment: added to (and overriding) the test runner's environment, after
    ///   ``scrubbed`` variables are removed.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rowcol-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in Self.scrubbed { env.removeValue(forKey: key) }
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        let state = state
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            let killed = finished.terminationReason == .uncaughtSignal
            state.withLock { $0.exited(status, killed) }.forEach { $0() }
        }
        self.process = process
        try process.run()
        let reader = out.fileHandleForReading
        Thread.detachNewThread {
            while true {
                let chunk = reader.availableData
                let wakeups = state.withLock { $0.append(chunk) }
                wakeups.forEach { $0() }
                if chunk.isEmpty { break }
            }
        }
    }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGKILL by default) to the child.
    public func kill(_ signal: Int32 = SIGKILL) {
        _ = Foundation.kill(process.processIdentifier, signal)
    }

    /// What the child printed on stdout so far.
    public var stdoutSoFar: String { state.withLock { String(decoding: $0.stdout, as: UTF8.self) } }

    /// Waits until stdout satisfies `condition` (true) or the child closes it (false).
    public func waitForOutput(_ condition: @escaping @Sendable (String) -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            state.withLock { $0.waitForOutput(condition, continuation) }?()
        }
    }

    /// The first line the child prints (a server announcing its address), or "" when it prints none.
    public func firstLine() async -> String {
        _ = await waitForOutput { $0.contains("\n") }
        return stdoutSoFar.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }

    /// Waits for the child to end and its stdout to close, and collects its output.
    public func wait() async -> ProcessResult {
        let (status, killed) = await withCheckedContinuation { continuation in
            state.withLock { $0.waitForEnd(continuation) }?()
        }
        let stdout = stdoutSoFar
        let stderr = (try? String(contentsOf: scratch.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: scratch)
        return ProcessResult(status: status, killed: killed, stdout: stdout, stderr: stderr)
    }

    /// Runs `executable` to its end.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:])
        async throws -> ProcessResult
    {
        await (try ChildProcess(executable, arguments, environment: environment)).wait()
    }
}

/// The child's output and end, and who waits for them. Every method runs under the lock and
/// returns the wake-ups to run after it is released.
private struct ChildState {
    typealias Wakeup = () -> Void
    var stdout: [UInt8] = []
    var stdoutClosed = false
    var exit: (Int32, Bool)?
    private var outputWaiters: [(condition: @Sendable (String) -> Bool, continuation: CheckedContinuation<Bool, Never>)] = []
    private var endWaiters: [CheckedContinuation<(Int32, Bool), Never>] = []

    mutating func exited(_ status: Int32, _ killed: Bool) -> [Wakeup] {
        exit = (status, killed)
        return wakeups()
    }

    mutating func append(_ chunk: Data) -> [Wakeup] {
        if chunk.isEmpty { stdoutClosed = true } else { stdout.append(contentsOf: chunk) }
        return wakeups()
    }

    mutating func waitForOutput(
        _ condition: @escaping @Sendable (String) -> Bool, _ continuation: CheckedContinuation<Bool, Never>
    ) -> Wakeup? {
        outputWaiters.append((condition, continuation))
        let ready = wakeups()
        return ready.isEmpty ? nil : { ready.forEach { $0() } }
    }

    mutating func waitForEnd(_ continuation: CheckedContinuation<(Int32, Bool), Never>) -> Wakeup? {
        endWaiters.append(continuation)
        let ready = wakeups()
        return ready.isEmpty ? nil : { ready.forEach { $0() } }
    }

    private mutating func wakeups() -> [Wakeup] {
        var ready: [Wakeup] = []
        let text = String(decoding: stdout, as: UTF8.self)
        outputWaiters.removeAll { waiter in
            if waiter.condition(text) {
                ready.append { waiter.continuation.resume(returning: true) }
                return true
            }
            if stdoutClosed {
                ready.append { waiter.continuation.resume(returning: false) }
                return true
            }
            return false
        }
        if let exit, stdoutClosed {
            for waiter in endWaiters { ready.append { waiter.resume(returning: exit) } }
            endWaiters.removeAll()
        }
        return ready
    }
}

