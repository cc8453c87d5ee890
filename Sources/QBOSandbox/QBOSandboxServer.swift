import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A local QuickBooks Online emulator on loopback HTTP: OAuth 2.0, the Accounting API subset
/// RowCol uses, and a control API under `/__sandbox/` (see the module's README).
///
/// ```swift
/// let sandbox = try await QBOSandboxServer.start()
/// // point a client at sandbox.baseURL …
/// try await sandbox.stop()
/// ```
public final class QBOSandboxServer: Sendable {
    /// Where the sandbox answers, for example `http://127.0.0.1:53412`; OAuth, the API under
    /// `/v3/company/{realm}/` and the control API all share it.
    public let baseURL: URL
    private let engine: SandboxEngine
    private let runTask: Task<Void, any Error>
    private let options: QBOSandboxOptions

    private init(baseURL: URL, engine: SandboxEngine, runTask: Task<Void, any Error>, options: QBOSandboxOptions) {
        self.baseURL = baseURL
        self.engine = engine
        self.runTask = runTask
        self.options = options
    }

    /// Starts a sandbox, reading back the data directory's state if there is one. Prints nothing.
    /// - Throws: ``QBOSandboxError`` when the address cannot be bound or the saved state cannot be read.
    public static func start(_ options: QBOSandboxOptions = QBOSandboxOptions()) async throws -> QBOSandboxServer {
        let engine = SandboxEngine(options: options)
        if let directory = options.dataDirectory {
            do {
                try await engine.load(from: directory)
            } catch {
                throw QBOSandboxError("cannot read the sandbox state in \(directory.path): \(error). Move the file \(SandboxEngine.stateFileName) away to start empty.")
            }
        }
        var logger = Logger(label: "QBOSandbox")
        logger.logLevel = .critical
        // The first of: the server reports its bound port, or running it fails (address in use, …).
        let (started, report) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            responder: SandboxResponder(engine: engine),
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: Int(options.port))),
            onServerRunning: { channel in
                report.yield(channel.localAddress?.port.map { .success($0) }
                             ?? .failure(QBOSandboxError("the server reports no local address")))
            },
            logger: logger)
        let runTask = Task {
            do {
                try await app.run()
            } catch {
                report.yield(.failure(error))
                throw error
            }
            report.yield(.failure(QBOSandboxError("the server stopped as it started")))
        }
        var first: Result<Int, any Error>?
        for await result in started { first = result; break }
        guard case .success(let port)? = first else {
            runTask.cancel()
            let reason: String
            if case .failure(let error)? = first { reason = "\(error)" } else { reason = "it stopped" }
            throw QBOSandboxError("the sandbox could not listen on \(options.host):\(options.port): \(reason)")
        }
        let base = "http://\(options.host):\(port)"
        await engine.setBaseURL(base)
        return QBOSandboxServer(baseURL: URL(string: base)!, engine: engine, runTask: runTask, options: options)
    }

    /// Stops listening, closes open connections and, with a data directory, saves the state.
    /// - Throws: ``QBOSandboxError`` when the state cannot be written.
    public func stop() async throws {
        // Cancelling the service group closes the listener and every connection, held answers included.
        runTask.cancel()
        _ = await runTask.result
        try await save()
    }

    /// Writes the state to the data directory now (a no-op without one).
    public func save() async throws {
        guard let directory = options.dataDirectory else { return }
        do {
            try await engine.save(to: directory)
        } catch {
            throw QBOSandboxError("cannot save the sandbox state in \(directory.path): \(error)")
        }
    }

    /// Waits until the task is cancelled (the CLI cancels it on SIGINT/SIGTERM), then stops
    /// cleanly and saves.
    public func runUntilCancelled() async throws {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
        try await stop()
    }

    /// Starts a sandbox, reports its base URL, serves until the task is cancelled, then stops
    /// and saves: the body of `rowcol sandbox serve`.
    public static func run(_ options: QBOSandboxOptions, onListening: @Sendable (URL) -> Void) async throws {
        let sandbox = try await start(options)
        onListening(sandbox.baseURL)
        try await sandbox.runUntilCancelled()
    }
}

/// Why the sandbox could not start, stop or persist.
public struct QBOSandboxError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and what to do about it.
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The per-request context: Hummingbird's core storage plus the connection, which a `drop` fault closes.
struct SandboxContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}

/// Bridges Hummingbird requests to the engine, and applies holds and dropped connections.
struct SandboxResponder: HTTPResponder {
    /// Larger than any body QBO takes (its batch and attachments limits are well under this).
    static let maxBody = 64 * 1024 * 1024
    let engine: SandboxEngine

    func respond(to request: Request, context: SandboxContext) async throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers where headers[field.name.canonicalName] == nil {
            headers[field.name.canonicalName] = field.value
        }
        let body = try await request.body.collect(upTo: Self.maxBody)
        let sandboxRequest = SandboxRequest(method: request.method.rawValue, path: request.uri.path,
                                            query: FormEncoding.fields(Substring(request.uri.query ?? "")),
                                            headers: headers, body: Data(body.readableBytesView))
        let (outcome, realm) = await engine.handle(sandboxRequest)
        let reply: Reply
        switch outcome {
        case .reply(let answer):
            reply = answer
        case .hold(let answer, let seconds):
            // Held for `seconds`, or until the faults are cleared, whichever comes first.
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            let generation = await engine.releases
            while ContinuousClock.now < deadline, await engine.releases == generation {
                try? await Task.sleep(for: .milliseconds(20))
            }
            reply = answer
        case .drop:
            if let realm { await engine.finish(realm: realm) }
            // Closed before any byte of an answer: the client sees the connection end, nothing else.
            try? await context.channel.close()
            throw DroppedConnection()
        }
        if let realm { await engine.finish(realm: realm) }
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        return Response(status: HTTPResponse.Status(code: reply.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}

/// Thrown after a `drop` closed the connection, so that nothing is written to it.
struct DroppedConnection: Error {}
