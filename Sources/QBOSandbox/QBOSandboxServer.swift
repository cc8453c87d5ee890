import FlyingFox
import Foundation

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
    private let server: HTTPServer
    private let engine: SandboxEngine
    private let runTask: Task<Void, any Error>
    private let options: QBOSandboxOptions

    private init(baseURL: URL, server: HTTPServer, engine: SandboxEngine, runTask: Task<Void, any Error>, options: QBOSandboxOptions) {
        self.baseURL = baseURL
        self.server = server
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
        let address: sockaddr_in
        do {
            address = try .inet(ip4: options.host, port: options.port)
        } catch {
            throw QBOSandboxError("\(options.host) is not an IPv4 address to bind the sandbox to")
        }
        let server = HTTPServer(address: address, timeout: max(120, options.timeoutHoldSeconds + 60), logger: .disabled,
                                handler: SandboxHTTPHandler(engine: engine))
        let runTask = Task { try await server.run() }
        do {
            try await server.waitUntilListening(timeout: 60)
        } catch {
            runTask.cancel()
            let reason = (try? await runTask.value).map { "\($0)" } ?? "\(error)"
            throw QBOSandboxError("the sandbox could not listen on \(options.host):\(options.port): \(reason)")
        }
        guard case .ip4(let host, let port)? = await server.listeningAddress else {
            runTask.cancel()
            throw QBOSandboxError("the sandbox started but reports no IPv4 listening address")
        }
        let base = "http://\(host):\(port)"
        await engine.setBaseURL(base)
        return QBOSandboxServer(baseURL: URL(string: base)!, server: server, engine: engine, runTask: runTask, options: options)
    }

    /// Stops listening, lets open connections finish and, with a data directory, saves the state.
    /// - Throws: ``QBOSandboxError`` when the state cannot be written.
    public func stop() async throws {
        await server.stop(timeout: 1)
        runTask.cancel()
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

/// Bridges FlyingFox requests to the engine, and applies holds and dropped connections.
struct SandboxHTTPHandler: HTTPHandler {
    let engine: SandboxEngine

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
        var query: [String: String] = [:]
        for item in request.query where query[item.name] == nil { query[item.name] = item.value }
        let sandboxRequest = SandboxRequest(method: request.method.rawValue, path: request.path, query: query,
                                            headers: headers, body: try await request.bodyData)
        let (outcome, realm) = await engine.handle(sandboxRequest)
        let reply: Reply
        switch outcome {
        case .reply(let answer):
            reply = answer
        case .hold(let answer, let seconds):
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            reply = answer
        case .drop:
            if let realm { await engine.finish(realm: realm) }
            return HTTPResponse(webSocket: DroppingHandler())
        }
        if let realm { await engine.finish(realm: realm) }
        var responseHeaders = HTTPHeaders()
        for (name, value) in reply.headers { responseHeaders[HTTPHeader(name)] = value }
        return HTTPResponse(statusCode: HTTPStatusCode(reply.status, phrase: Self.phrase(reply.status)),
                            headers: responseHeaders, body: reply.body)
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// FlyingFox asks a WebSocket handler for its frames before it writes a single byte, so failing
/// there closes the connection with no answer at all: the `drop` fault.
struct DroppingHandler: WSHandler {
    struct Dropped: Error {}
    func makeFrames(for client: AsyncThrowingStream<WSFrame, any Error>) async throws -> AsyncStream<WSFrame> {
        throw Dropped()
    }
}
