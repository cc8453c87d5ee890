import Foundation
import QBOSandbox
import RowCol
@_exported import RowColTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The package root (where `scripts/` lives).
func packageRoot() -> URL { RowcolBinary.packageRoot() }

func rowcolBinary() throws -> URL { try RowcolBinary.url() }

typealias RunResult = ProcessResult
typealias HarnessError = TestSupportError

/// Runs an executable to its end without blocking the cooperative pool.
func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> RunResult {
    try await ChildProcess.run(executable, arguments, environment: environment)
}

/// `rowcol ARGS --workspace W`.
func rowcol(_ workspace: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> RunResult {
    try await run(rowcolBinary(), arguments + ["--workspace", workspace.path], environment: environment)
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

    /// A seeded company without history (every bill open), as these tests count on.
    func seed(_ realm: String, seed: Int, bills: Int, invoices: Int = 5) async throws {
        try await call("POST", "/__sandbox/realms", ["realm": realm, "seed": seed, "bills": bills, "invoices": invoices,
                                                      "accounts": 1, "history_months": 0])
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
