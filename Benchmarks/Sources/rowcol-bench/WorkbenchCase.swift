import Foundation
import Hummingbird
import Logging
import QBOSandbox
import RowCol
import RowColWeb
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Case 9: `rowcol serve` under load (`wrk`, Debian's, in another process) on 10 businesses ×
/// (2,000 bills + 1,000 invoices + 5 accounts), and its first answer after start.
///
/// - Requests per second and p50/p99 of `/api/v1/console` and of a business page, each against the
///   same server answering a static file of exactly the same bytes (Hummingbird's `FileMiddleware`,
///   behind the same access checks), in the same run. Target ≥ 0.5× the static file's rate: an
///   unchanged business is answered from memory keyed by its files' stamps.
/// - The first `/api/v1/console` answer of a cold `serve` process (spawn to last byte) against a
///   cold `rowcol console --json` on the same workspace (`console-child`: the same code as the
///   command). Target ≤ 1.0×.
struct WorkbenchCase {
    let folder: URL
    let runs: Int
    let executable: String
    static let token = "bench-token-0123456789abcdef0123456789"
    static let businesses = 10

    func run() async throws -> [ResultRow] {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            throw ChildFailure(description: "case 9 needs wrk: apt-get install -y wrk")
        }
        var options = QBOSandboxOptions()
        options.throttleEnabled = false
        let sandbox = try await QBOSandboxServer.start(options)
        let root = folder.appendingPathComponent("ws-workbench")
        let workspace = try emptyWorkspace(root)
        let control = Control(baseURL: sandbox.baseURL)
        var realms: [(BusinessID, String)] = []
        for index in 0..<Self.businesses {
            let realm = String(9_400_000 + index)
            try await control.seed(realm, bills: 2000, invoices: 1000, accounts: 5, seed: 90 + index)
            realms.append((BusinessID(unchecked: String(format: "b%02d", index)), realm))
        }
        try await connectAll(workspace, sandbox: sandbox.baseURL, realms: realms)
        _ = try runChild(executable, ["sync-child", root.path], environment: childEnvironment())
        try await sandbox.stop()
        // The server answers from the mirror; a long hard TTL keeps every business "fresh enough"
        // for the whole run, so what is measured is the cache, not a clock crossing a TTL.
        var environment = childEnvironment()
        environment["SYNC_CACHE_TTL_BILLS"] = "86400"
        environment["SYNC_CACHE_TTL_INVOICES"] = "86400"
        environment["SYNC_CACHE_TTL_BALANCES"] = "86400"

        // First console answer after start vs `rowcol console --json`, both cold processes.
        var first: [Double] = []
        var console: [Double] = []
        var consoleBytes = 0
        for _ in 0..<runs {
            let (_, seconds, _) = try runChild(executable, ["console-child", root.path], environment: environment)
            console.append(seconds)
            let started = now()
            let server = try ServeChild.spawn(executable, root: root, statics: nil, environment: environment)
            let body = try await get(server.base.appendingPathComponent("api/v1/console"))
            first.append(now() - started)
            consoleBytes = body.count
            server.stop()
        }

        // Throughput: the console and a business page, each against a static file of its own bytes.
        let statics = folder.appendingPathComponent("workbench-static")
        try? FileManager.default.removeItem(at: statics)
        try FileManager.default.createDirectory(at: statics, withIntermediateDirectories: true)
        let server = try ServeChild.spawn(executable, root: root, statics: statics, environment: environment)
        defer { server.stop() }
        let consoleJSON = try await get(server.base.appendingPathComponent("api/v1/console"))
        let page = try await get(server.base.appendingPathComponent("businesses/b03"))
        try consoleJSON.write(to: statics.appendingPathComponent("console.json"))
        try page.write(to: statics.appendingPathComponent("business.html"))
        var rows: [ResultRow] = []
        for (name, dynamic, file, size) in [
            ("console", "/api/v1/console", "/console.json", consoleJSON.count),
            ("business page", "/businesses/b03", "/business.html", page.count),
        ] {
            var served: [Wrk] = []
            var baseline: [Wrk] = []
            for _ in 0..<runs {
                // Alternated, so a slow moment of the machine falls on both sides.
                served.append(try Wrk.run(server.base, path: dynamic, token: Self.token))
                baseline.append(try Wrk.run(server.base, path: file, token: Self.token))
            }
            let ratio = Sample(values: zip(served, baseline).map { $0.requestsPerSecond / $1.requestsPerSecond })
            let rps = Sample(values: served.map(\.requestsPerSecond))
            let staticRPS = Sample(values: baseline.map(\.requestsPerSecond))
            rows.append(ResultRow(
                name: "9 \(name) (\(size / 1024) KiB), wrk -t2 -c16 -d\(Wrk.seconds)s",
                measured: "\(rps.describe("req/s", digits: 0)); p50 \(fmt(Sample(values: served.map(\.p50)).median * 1000, 2)) ms, "
                    + "p99 \(fmt(Sample(values: served.map(\.p99)).median * 1000, 2)) ms",
                baseline: "static file: \(staticRPS.describe("req/s", digits: 0)); p50 "
                    + "\(fmt(Sample(values: baseline.map(\.p50)).median * 1000, 2)) ms, "
                    + "p99 \(fmt(Sample(values: baseline.map(\.p99)).median * 1000, 2)) ms",
                ratio: "\(fmt(ratio.median))× [\(fmt(ratio.min))–\(fmt(ratio.max))]", target: "≥ 0.5×",
                verdict: ratio.median >= 0.5 ? "met" : "missed"))
        }
        let firstSample = Sample(values: first)
        let consoleSample = Sample(values: console)
        let startRatio = Sample(values: zip(first, console).map { $0 / $1 })
        rows.insert(ResultRow(
            name: "9 first /api/v1/console after start (\(consoleBytes / 1024) KiB), cold process",
            measured: firstSample.describe("ms", scale: 1000, digits: 0),
            baseline: "`rowcol console --json`: \(consoleSample.describe("ms", scale: 1000, digits: 0))",
            ratio: "\(fmt(startRatio.median))× [\(fmt(startRatio.min))–\(fmt(startRatio.max))]", target: "≤ 1.0×",
            verdict: startRatio.median <= 1.0 ? "met" : "missed"), at: 0)
        return rows
    }

    func get(_ url: URL) async throws -> Data {
        var request = URLRequest(url: url)
        request.setValue("Bearer \(Self.token)", forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 300
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ChildFailure(description: "\(url.path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        return data
    }
}

/// One `wrk` run: requests per second and latency percentiles, from its `--latency` report.
struct Wrk {
    static let seconds = 8
    var requestsPerSecond: Double
    var p50: Double
    var p99: Double

    static func run(_ base: URL, path: String, token: String) throws -> Wrk {
        let (output, _, _) = try runChild("/usr/bin/wrk", [
            "-t2", "-c16", "-d\(seconds)s", "--latency", "-H", "Authorization: Bearer \(token)", base.absoluteString + path,
        ])
        guard !output.contains("Non-2xx") else { throw ChildFailure(description: "wrk saw errors on \(path): \(output)") }
        func latency(_ label: String) -> Double {
            for line in output.split(separator: "\n") {
                let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                if parts.count == 2, parts[0] == label { return duration(String(parts[1])) }
            }
            return .nan
        }
        let rps = output.split(separator: "\n").first { $0.hasPrefix("Requests/sec:") }
            .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        return Wrk(requestsPerSecond: rps, p50: latency("50%"), p99: latency("99%"))
    }

    /// `812.00us`, `1.20ms`, `2.01s` in seconds.
    static func duration(_ text: String) -> Double {
        for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0)] where text.hasSuffix(suffix) {
            return (Double(text.dropLast(suffix.count)) ?? .nan) * scale
        }
        return .nan
    }
}

/// `serve-child <workspace> [<static folder>]`: the workbench for the bench advisor on a free
/// port, printing `port=N` once it listens; with a folder, its files are served too, behind the
/// same access checks. `console-child <workspace>`: what `rowcol console --json` does.
enum ServeChild {
    struct Running {
        let process: Process
        let base: URL
        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    static func spawn(_ executable: String, root: URL, statics: URL?, environment: [String: String]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve-child", root.path] + (statics.map { [$0.path] } ?? [])
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        try process.run()
        // The child's first line is its port; reading it blocks this thread only (the harness is sequential).
        var line = Data()
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("port="), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw ChildFailure(description: "serve-child said \"\(text)\"")
        }
        return Running(process: process, base: URL(string: "http://127.0.0.1:\(port)")!)
    }

    static func serve(_ arguments: [String]) async throws {
        let workspace = try Workspace.open(at: URL(fileURLWithPath: arguments[0]))
        var options = WorkbenchOptions(token: WorkbenchCase.token)
        options.port = 0
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let workbench = try Workbench(workspace: workspace, advisor: Fixtures.advisor, options: options, logger: logger)
        let statics = arguments.count > 1 ? arguments[1] : nil
        let running = try await workbench.start { router in
            if let statics { router.add(middleware: FileMiddleware(statics, searchForIndexHtml: false)) }
        }
        FileHandle.standardOutput.write(Data("port=\(running.port)\n".utf8))
        // Until the harness sends SIGTERM.
        signal(SIGTERM, SIG_DFL)
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    static func console(_ arguments: [String]) async throws {
        let workspace = try Workspace.open(at: URL(fileURLWithPath: arguments[0]))
        let session = try await AdvisorSession.open(workspace: workspace, advisor: Fixtures.advisor)
        let console = try await session.console(strict: nil)
        await session.close()
        var data = try JSONEncoder(layout: .pretty).encode(console)
        data.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(data)
    }
}
