import Foundation
import QBO
import QBOSandbox
import RowCol
@_exported import RowColTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A sandbox in this process, spoken to over loopback HTTP, with its control API.
final class Sandbox: Sendable {
    let server: QBOSandboxServer
    var url: URL { server.baseURL }

    init(_ server: QBOSandboxServer) { self.server = server }

    /// - Parameter refreshGrace: how long a replaced refresh token still works; 0 (the default here,
    ///   stricter than Intuit's 24 hours) makes any refresh that spends a token twice lose the connection.
    static func start(
        throttle: Bool = true, port: UInt16 = 0, data: URL? = nil, accessTokenLifetime: Int = 3600, refreshGrace: Int = 0
    ) async throws -> Sandbox {
        var options = QBOSandboxOptions()
        options.throttleEnabled = throttle
        options.port = port
        options.dataDirectory = data
        options.accessTokenLifetime = accessTokenLifetime
        options.previousRefreshTokenGrace = refreshGrace
        options.timeoutHoldSeconds = 2
        return Sandbox(try await QBOSandboxServer.start(options))
    }

    func stop() async { try? await server.stop() }

    @discardableResult
    func call(_ method: String, _ path: String, _ body: Any? = nil) async throws -> Any? {
        var request = URLRequest(url: url.appendingPathComponent(path))
        request.httpMethod = method
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw HarnessError("sandbox \(method) \(path) → \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return data.isEmpty ? nil : try JSONSerialization.jsonObject(with: data)
    }

    /// A seeded company. The acceptance tests are about today's open items, so by default it has
    /// no past (`history_months` 0: every bill and invoice open); pass months for a company whose
    /// bills and invoices are spread over them and mostly paid.
    func seed(_ realm: String, seed: Int = 1, bills: Int = 20, invoices: Int = 15, accounts: Int = 1,
              historyMonths: Int = 0) async throws {
        try await call("POST", "__sandbox/realms",
                       ["realm": realm, "seed": seed, "bills": bills, "invoices": invoices, "accounts": accounts,
                        "history_months": historyMonths])
    }

    func refreshToken(_ realm: String) async throws -> String {
        let answer = try await call("POST", "__sandbox/realms/\(realm)/tokens") as? [String: Any]
        return try #require(answer?["refresh_token"] as? String)
    }

    func entity(_ realm: String, _ entity: String, _ id: String) async throws -> [String: Any] {
        let answer = try await call("GET", "__sandbox/realms/\(realm)/\(entity)/\(id)") as? [String: Any]
        let object = answer?.values.first as? [String: Any] ?? answer
        return try #require(object)
    }

    func stats() async throws -> [String: Any] {
        try #require(try await call("GET", "__sandbox/stats") as? [String: Any])
    }

    func paymentsCreated() async throws -> Int { try await stats()["billpayments_created"] as? Int ?? -1 }
}

typealias HarnessError = TestSupportError

/// A workspace in a temporary folder with one advisor, `ada`.
struct Books {
    let folder: URL
    let workspace: Workspace
    let advisor = try! AdvisorID(validating: "ada")

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rowcol-acceptance-\(UUID().uuidString)")
        workspace = try Workspace.create(at: folder, forTests: true)
        _ = try workspace.addAdvisor(advisor)
    }

    func business(_ id: String) -> BusinessRef { BusinessRef(advisor: advisor, business: try! BusinessID(validating: id)) }

    /// Connects `business` to `realm` of the sandbox through the OAuth token endpoint.
    func connect(_ business: String, realm: String, sandbox: Sandbox) async throws {
        try await Connections(workspace: workspace, advisor: advisor).connect(
            business: BusinessID(validating: business), realmID: realm, environment: .local,
            baseURL: sandbox.url.absoluteString, displayName: business, credentials: .sandbox,
            grant: .refreshToken(try await sandbox.refreshToken(realm)))
    }

    /// Opens the advisor with quick retries and a private realm registry (tests run in parallel).
    func session(
        now: @escaping @Sendable () -> Date = { Date() }, environment: [String: String] = [:], attempts: Int = 3,
        clock: any QBOClock = QBOSystemClock(), maxDelay: Double = 0.05
    ) async throws -> AdvisorSession {
        let configuration = QBOClientConfiguration(
            retry: QBORetryPolicy(maxAttempts: attempts, baseDelay: 0.01, maxDelay: maxDelay, maxTotalTime: 60),
            registry: QBORealmRegistry(), clock: clock)
        return try await AdvisorSession.open(
            workspace: workspace, advisor: advisor, environment: environment, clientConfiguration: configuration,
            now: now)
    }

    func document(_ business: String, _ folderName: String, _ id: String) -> [String: Any]? {
        let path = folder.appendingPathComponent("advisors/ada/businesses/\(business)/mirror/\(folderName)/\(id).json")
        guard let data = FileManager.default.contents(atPath: path.path) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    func logLines() throws -> [[String: Any]] {
        let logFolder = folder.appendingPathComponent("advisors/ada/log")
        var lines: [[String: Any]] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: logFolder.path).sorted() where name.hasSuffix(".jsonl") {
            let text = try String(contentsOf: logFolder.appendingPathComponent(name), encoding: .utf8)
            for line in text.split(separator: "\n") {
                lines.append(try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])
            }
        }
        return lines
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// A sandbox with one seeded company, and a new workspace whose business `acme` is connected to it.
func connectedAcme(bills: Int, invoices: Int) async throws -> (Sandbox, Books, String) {
    let sandbox = try await Sandbox.start()
    let books = try Books()
    let realm = freshRealm()
    try await sandbox.seed(realm, bills: bills, invoices: invoices)
    try await books.connect("acme", realm: realm, sandbox: sandbox)
    return (sandbox, books, realm)
}

/// A unique realm id per test, so parallel tests never share QBO state.
func freshRealm() -> String { String(100_000 + Int.random(in: 0..<899_999_999)) }

func rowcolBinary() throws -> URL { try RowcolBinary.url() }

/// The wall clock, except that the client's back-off sleeps are recorded and skipped.
final class SleepRecordingClock: QBOClock, @unchecked Sendable {
    private let recorded = Locked<[Double]>([])
    func now() -> Date { Date() }
    func sleep(seconds: Double) async throws { recorded.withLock { $0.append(seconds) } }
    var sleeps: [Double] { recorded.withLock { $0 } }
}

typealias Run = ProcessResult

/// Starts `rowcol` with `arguments`; `wait()` collects its output (see ``ChildProcess``).
typealias RowcolProcess = ChildProcess

extension ChildProcess {
    convenience init(_ arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(RowcolBinary.url(), arguments, environment: environment)
    }
}

func rowcol(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
    try await RowcolProcess(arguments, environment: environment).wait()
}
