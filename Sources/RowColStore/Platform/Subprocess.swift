import Foundation

/// A child process whose end and output are awaited without blocking a thread of Swift's
/// cooperative pool.
///
/// On two cores that pool has two threads, and one blocked in `waitUntilExit()` starves every
/// task the process serves (an in-process server, the other businesses of a sync). The end of
/// the child is reported by `terminationHandler`; stdout and stderr are drained by threads of
/// their own, so no pipe ever fills; what is given as input is written by a third thread. The
/// workspace's git adapter runs `git` through it, and the test support's `ChildProcess` wraps it.
///
/// ```swift
/// let result = try await Subprocess.run(URL(fileURLWithPath: "/usr/bin/git"), ["--version"])
/// print(result.status, result.stdoutText)
/// ```
public final class Subprocess: Sendable {
    /// One of the child's output streams.
    public enum Stream: Sendable { case stdout, stderr }

    /// What a finished child left behind.
    public struct Result: Sendable {
        /// The exit status, or the signal number when ``killed`` is true.
        public var status: Int32
        /// Whether a signal ended the process.
        public var killed: Bool
        public var stdout: [UInt8]
        public var stderr: [UInt8]

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        /// Whether the child exited with status 0.
        public var succeeded: Bool { !killed && status == 0 }
    }

    private let process: Process
    private let state = Locked(SubprocessState())

    /// Starts `executable`.
    /// - Parameters:
    ///   - environment: the child's whole environment; `nil` inherits this process's.
    ///   - currentDirectory: where the child starts; `nil` is this process's current folder.
    ///   - input: written to the child's stdin, which is then closed (`nil`: stdin is /dev/null).
    /// - Throws: what `Process.run()` throws when the executable cannot be started.
    public init(
        executable: URL, arguments: [String], environment: [String: String]? = nil, currentDirectory: URL? = nil,
        input: [UInt8]? = nil
    ) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inputPipe = input.map { _ in Pipe() }
        process.standardInput = inputPipe ?? FileHandle.nullDevice
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
        if let inputPipe, let input {
            let writer = inputPipe.fileHandleForWriting
            Thread.detachNewThread {
                // A child that stops reading early (it failed) closes its end: the error is its own to report.
                try? writer.write(contentsOf: input)
                try? writer.close()
            }
        }
    }

    /// SIGKILL, the default of ``kill(_:)``.
    public static var killSignal: Int32 { FileSystem.killSignal }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGKILL by default) to the child.
    public func kill(_ signal: Int32 = Subprocess.killSignal) {
        FileSystem.send(signal, to: process.processIdentifier)
    }

    /// What the child printed on `stream` so far.
    public func printed(_ stream: Stream = .stdout) -> [UInt8] {
        state.withLock { $0.bytes(stream) }
    }

    /// Waits until what the child printed on `stream` satisfies `condition` (true), or the
    /// stream closes first (false).
    public func waitFor(_ stream: Stream, _ condition: @escaping @Sendable (String) -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            state.withLock { $0.waitFor(stream, condition, continuation) }.forEach { $0() }
        }
    }

    /// Waits for the child to end and both streams to close, and collects its output.
    public func wait() async -> Result {
        let (status, killed) = await withCheckedContinuation { continuation in
            state.withLock { $0.waitForEnd(continuation) }.forEach { $0() }
        }
        return Result(status: status, killed: killed, stdout: printed(.stdout), stderr: printed(.stderr))
    }

    /// Runs `executable` to its end (see ``init(executable:arguments:environment:currentDirectory:input:)``).
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, currentDirectory: URL? = nil,
        input: [UInt8]? = nil
    ) async throws -> Result {
        let child = try Subprocess(
            executable: executable, arguments: arguments, environment: environment,
            currentDirectory: currentDirectory, input: input)
        return await child.wait()
    }
}

/// The child's output and end, and who waits for them. Every method runs under the lock and
/// returns the wake-ups to run once it is released.
private struct SubprocessState {
    typealias Wakeup = () -> Void
    typealias Waiter = (stream: Subprocess.Stream, condition: @Sendable (String) -> Bool,
                        continuation: CheckedContinuation<Bool, Never>)
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []
    private var closed: Set<Subprocess.Stream> = []
    private var exit: (Int32, Bool)?
    private var outputWaiters: [Waiter] = []
    private var endWaiters: [CheckedContinuation<(Int32, Bool), Never>] = []

    func bytes(_ stream: Subprocess.Stream) -> [UInt8] { stream == .stdout ? stdout : stderr }

    mutating func exited(_ status: Int32, _ killed: Bool) -> [Wakeup] {
        exit = (status, killed)
        return wakeups()
    }

    mutating func append(_ chunk: Data, to stream: Subprocess.Stream) -> [Wakeup] {
        if chunk.isEmpty {
            closed.insert(stream)
        } else if stream == .stdout {
            stdout.append(contentsOf: chunk)
        } else {
            stderr.append(contentsOf: chunk)
        }
        return outputWaiters.isEmpty && endWaiters.isEmpty ? [] : wakeups()
    }

    mutating func waitFor(
        _ stream: Subprocess.Stream, _ condition: @escaping @Sendable (String) -> Bool,
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
        if !outputWaiters.isEmpty {
            let texts: [Subprocess.Stream: String] = [
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
        }
        if let exit, closed.count == 2 {
            for waiter in endWaiters { ready.append { waiter.resume(returning: exit) } }
            endWaiters.removeAll()
        }
        return ready
    }
}
