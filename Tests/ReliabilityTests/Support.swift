import Foundation
import QBOSandbox
import RowCol
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `rowcol` binary, beside the test bundle.
func rowcolBinary() throws -> URL {
    var folder = Bundle.main.bundleURL
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("rowcol")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    let fallback = URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/.build/debug/rowcol")
    guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
        throw HarnessError("the rowcol binary was not built next to the tests; run `swift build --product rowcol`")
    }
    return fallback
}

/// The package root (where `scripts/` lives), found from this file's path.
func packageRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct RunResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    var output: String { stdout + stderr }
}

/// Runs an executable to completion on a thread of its own (so that several can run at once),
/// with stdout and stderr going to files rather than pipes that could fill up.
func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> RunResult {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do {
                continuation.resume(returning: try runBlocking(executable, arguments, environment: environment))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

private func runBlocking(_ executable: URL, _ arguments: [String], environment: [String: String]) throws -> RunResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rowcol-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("out")
    let errURL = scratch.appendingPathComponent("err")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "ROWCOL_FAILPOINT")
    env.removeValue(forKey: "ROWCOL_WORKSPACE")
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return RunResult(
        status: process.terminationStatus,
        stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
        stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

/// `rowcol ARGS --workspace W`.
func rowcol(_ workspace: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> RunResult {
    try await run(rowcolBinary(), arguments + ["--workspace", workspace.path], environment: environment)
}

/// A fresh temporary folder, removed by `remove()`.
struct TempFolder {
    let url: URL
    init(_ label: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rowcol-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The sandbox's control API over loopback HTTP.
struct Control: Sendable {
    let baseURL: URL

    @discardableResult
    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil, bearer: String? = nil) async throws -> Any? {
        var request = URLRequest(url: URL(string: baseURL.absoluteString + path)!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw HarnessError("sandbox \(method) \(path) answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return data.isEmpty ? nil : try JSONSerialization.jsonObject(with: data)
    }

    func seed(_ realm: String, seed: Int, bills: Int, invoices: Int = 5) async throws {
        try await call("POST", "/__sandbox/realms", ["realm": realm, "seed": seed, "bills": bills, "invoices": invoices, "accounts": 1])
    }

    func tokens(_ realm: String) async throws -> (access: String, refresh: String) {
        let answer = try await call("POST", "/__sandbox/realms/\(realm)/tokens") as? [String: Any]
        guard let access = answer?["access_token"] as? String, let refresh = answer?["refresh_token"] as? String else {
            throw HarnessError("the sandbox minted no tokens for \(realm)")
        }
        return (access, refresh)
    }

    /// Rows of a QBO query, through the API with a freshly minted token.
    func query(_ realm: String, _ entity: String) async throws -> [[String: Any]] {
        let token = try await tokens(realm).access
        let statement = "SELECT * FROM \(entity) MAXRESULTS 1000"
        let encoded = statement.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
        let answer = try await call("GET", "/v3/company/\(realm)/query?query=\(encoded)", bearer: token) as? [String: Any]
        return (answer?["QueryResponse"] as? [String: Any])?[entity] as? [[String: Any]] ?? []
    }

    func stats() async throws -> [String: Any] {
        try await call("GET", "/__sandbox/stats") as? [String: Any] ?? [:]
    }
}

/// Decodes a JSON value from a command's stdout.
func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}

/// A decimal from a JSON number or string, exactly (through its text, never through Double's arithmetic).
func decimal(_ value: Any?) -> Decimal? {
    switch value {
    case let number as NSNumber: return Decimal(string: number.stringValue)
    case let text as String: return Decimal(string: text)
    default: return nil
    }
}

/// A workspace with one advisor and businesses connected to sandbox realms through the CLI.
struct ConnectedWorkspace {
    let folder: URL
    let advisor: String
    let businesses: [(business: String, realm: String)]

    static func make(
        in parent: URL, control: Control, advisor: String = "ada", businesses: [(String, String)], bills: Int = 8,
        existing: Bool = false
    ) async throws -> ConnectedWorkspace {
        let folder = parent.appendingPathComponent("workspace")
        if !existing {
            let created = try await run(rowcolBinary(), ["init", "--workspace", folder.path])
            guard created.status == 0 else { throw HarnessError("rowcol init failed: \(created.output)") }
        }
        let added = try await rowcol(folder, ["advisor", "add", advisor])
        guard added.status == 0 else { throw HarnessError("rowcol advisor add failed: \(added.output)") }
        for (index, (business, realm)) in businesses.enumerated() {
            try await control.seed(realm, seed: index + 3, bills: bills)
            let refresh = try await control.tokens(realm).refresh
            let connected = try await rowcol(folder, [
                "connect", "--advisor", advisor, "--business", business, "--realm", realm,
                "--base-url", control.baseURL.absoluteString, "--refresh-token", refresh,
            ])
            guard connected.status == 0 else { throw HarnessError("rowcol connect failed: \(connected.output)") }
        }
        return ConnectedWorkspace(folder: folder, advisor: advisor, businesses: businesses)
    }
}
