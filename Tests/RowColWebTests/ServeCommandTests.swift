import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import QBOSandbox
import RowColTestSupport
import Foundation
import RowCol
@testable import RowColWeb
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension WebTests {
    /// `rowcol serve` as a person runs it: the URL it prints, the lock it does not hold, its log, and a
    /// clean stop on SIGTERM even with a page's event stream open.
    @Suite struct ServeCommandTests {
        func get(_ url: URL, bearer: String) async throws -> (Int, Data) {
            var request = URLRequest(url: url)
            request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization")
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        }

        @Test func servePrintsTheURLLeavesTheLockFreeLogsEachRequestAndStopsOnSIGTERM() async throws {
            let fixture = try await WebFixture.shared()
            let books = fixture.workspace.root.path
            let server = try ChildProcess(
                RowcolBinary.url(), ["serve", "--workspace", books, "--advisor", "ada", "--port", "0"],
                environment: ["ROWCOL_SERVE_TOKEN": WebFixture.token])
            defer { server.kill() }
            let line = await server.firstLine()
            let url = try #require(URL(string: line), "first line: \(line)")
            #expect(line.hasPrefix("http://127.0.0.1:") && line.hasSuffix("/?token=\(WebFixture.token)"), "\(line)")
            let port = try #require(url.port)
            let base = URL(string: "http://127.0.0.1:\(port)")!

            let (status, body) = try await get(base.appendingPathComponent("api/v1/console"), bearer: WebFixture.token)
            #expect(status == 200)
            #expect(String(decoding: body, as: UTF8.self).contains("\"acme\""))

            // A terminal's sync runs beside the server: the server holds no lock between operations.
            let sync = try await runRowcol(["sync", "--workspace", books, "--advisor", "ada", "--strict"])
            #expect(sync.status == 0, "\(sync.output)")

            // A page listening for changes stays open until the server stops.
            let stream = try await RawHTTP.open(
                port: port, "GET /events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(WebFixture.token)\r\n\r\n",
                until: ": connected")
            #expect(stream.received.contains("text/event-stream"))

            server.kill(SIGTERM)
            let result = await server.wait()
            let rest = try await stream.readToEnd()
            #expect(!result.killed && result.status == 0, "\(result.output)")
            #expect(result.stdout.contains("workbench stopped"))
            _ = rest
            // One log line per request, naming the operation, never the token.
            #expect(result.stderr.contains("operation=getConsole"))
            #expect(result.stderr.contains("advisor=ada"))
            #expect(result.stderr.contains("operation=events"))
            #expect(!result.stderr.contains(WebFixture.token))
            #expect(!result.stdout.dropFirst(line.count).contains(WebFixture.token))
        }

        /// A newcomer's path: `rowcol demo` ends by telling how to open the workbench, and that command
        /// serves the demo's workspace.
        @Test func theDemoEndsWithTheWorkbenchCommandAndThatCommandServesIt() async throws {
            let folder = try TempFolder("demo")
            defer { folder.remove() }
            let books = folder.url.appendingPathComponent("rowcol-demo").path
            let demo = try await runRowcol(["demo", "--workspace", books])
            #expect(demo.status == 0, "\(demo.output.suffix(800))")
            let advice = "swift run rowcol serve --workspace \(books) --open"
            #expect(demo.stdout.contains(advice), "\(demo.stdout.suffix(800))")
            let server = try ChildProcess(
                RowcolBinary.url(), ["serve", "--workspace", books, "--port", "0", "--read-only"],
                environment: ["ROWCOL_SERVE_TOKEN": WebFixture.token])
            defer { server.kill() }
            let url = try #require(URL(string: await server.firstLine()))
            let base = URL(string: "http://127.0.0.1:\(try #require(url.port))")!
            let (status, body) = try await get(base.appendingPathComponent("api/v1/console"), bearer: WebFixture.token)
            #expect(status == 200)
            let rows = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["rows"] as? [Any]
            #expect(rows?.count == 3, "the demo's three businesses")
            server.kill(SIGTERM)
            #expect(await server.wait().status == 0)
        }

        @Test(arguments: [
            (["ROWCOL_SERVE_TOKEN": "short"], [String](), "ROWCOL_SERVE_TOKEN"),
            (["ROWCOL_SERVE_TOKEN": "has spaces in it, many of them"], [String](), "ROWCOL_SERVE_TOKEN"),
            ([:], ["--log-level", "loud"], "--log-level"), ([:], ["--port", "70000"], "--port"),
            (["SYNC_NIGHTLY_RECON_HOUR": "24"], [String](), "SYNC_NIGHTLY_RECON_HOUR"),
            (["SYNC_SCHEDULER_ENABLED": "maybe"], [String](), "SYNC_SCHEDULER_ENABLED"),
        ])
        func badSettingsAreRefusedNamingTheSetting(environment: [String: String], arguments: [String], name: String) async throws {
            let fixture = try await WebFixture.shared()
            let run = try await runRowcol(["serve", "--workspace", fixture.workspace.root.path, "--advisor", "ada", "--port", "0"] + arguments,
                                          environment: environment)
            #expect(run.status != 0)
            #expect(run.stderr.contains(name), "\(run.output)")
        }

        @Test func theSchedulerLineSaysWhichClockTheNightlyReconUsesAndCtrlCStopsIt() async throws {
            let fixture = try await WebFixture.shared()
            let server = try ChildProcess(
                RowcolBinary.url(), ["serve", "--workspace", fixture.workspace.root.path, "--advisor", "ada", "--port", "0"],
                environment: ["SYNC_SCHEDULER_ENABLED": "true", "SYNC_NIGHTLY_RECON_HOUR": "4"])
            defer { server.kill() }
            #expect(await server.waitFor(.stdout) { $0.contains("Scheduler on") })
            #expect(server.printed().contains("nightly recon at 04:00 UTC"))
            // Ctrl-C stops it as cleanly as SIGTERM, with the scheduler running.
            server.kill(SIGINT)
            let result = await server.wait()
            #expect(!result.killed && result.status == 0, "\(result.output)")
            #expect(result.stdout.contains("workbench stopped"))
        }
    }
}

extension RawHTTP {
    /// A connection left open after its first bytes (an event stream).
    final class Connection: Sendable {
        let fd: Int32
        let received: String
        init(fd: Int32, received: String) {
            self.fd = fd
            self.received = received
        }

        /// Reads until the server closes the connection.
        func readToEnd() async throws -> String {
            let fd = fd
            return await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    var received: [UInt8] = []
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                        if count <= 0 { break }
                        received.append(contentsOf: buffer[0..<count])
                    }
                    close(fd)
                    continuation.resume(returning: String(decoding: received, as: UTF8.self))
                }
            }
        }
    }

    /// Sends `request` and reads until `until` arrives, leaving the connection open.
    static func open(port: Int, _ request: String, until: String) async throws -> Connection {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let fd = try connected(port: port)
                    let bytes = Array(request.utf8)
                    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
                    var received: [UInt8] = []
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while !String(decoding: received, as: UTF8.self).contains(until) {
                        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                        guard count > 0 else { throw TestSupportError("the connection closed before \"\(until)\"") }
                        received.append(contentsOf: buffer[0..<count])
                    }
                    continuation.resume(returning: Connection(fd: fd, received: String(decoding: received, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
