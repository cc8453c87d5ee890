import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QBOSandbox
import Testing

/// A plain HTTP answer, as a client of the sandbox sees it.
struct Answer {
    var status: Int
    var headers: [String: String]
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 30
    return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
}()

/// Talks to one sandbox over loopback HTTP with plain JSON, as any client would.
struct Client {
    let sandbox: QBOSandboxServer
    var base: String { sandbox.baseURL.absoluteString }

    func send(_ method: String, _ path: String, json: Any? = nil, text: String? = nil, form: String? = nil,
              headers: [String: String] = [:], timeout: TimeInterval = 30) async throws -> Answer {
        var request = URLRequest(url: URL(string: path.hasPrefix("http") ? path : base + path)!)
        request.httpMethod = method
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let text {
            request.httpBody = Data(text.utf8)
            request.setValue("application/text", forHTTPHeaderField: "Content-Type")
        } else if let form {
            request.httpBody = Data(form.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var all: [String: String] = [:]
        for (name, value) in http.allHeaderFields { all["\(name)"] = "\(value)" }
        return Answer(status: http.statusCode, headers: all, body: data)
    }

    @discardableResult
    func seed(_ realm: String, seed: Int = 7, bills: Int = 20, invoices: Int = 10, accounts: Int = 2) async throws -> Answer {
        let answer = try await send("POST", "/__sandbox/realms",
                                    json: ["realm": realm, "seed": seed, "bills": bills, "invoices": invoices, "accounts": accounts])
        #expect(answer.status == 201, "seeding failed: \(answer.text)")
        return answer
    }

    /// Tokens from the playground-like control endpoint.
    func tokens(_ realm: String) async throws -> (access: String, refresh: String) {
        let answer = try await send("POST", "/__sandbox/realms/\(realm)/tokens")
        let access = try #require(answer.json["access_token"] as? String)
        let refresh = try #require(answer.json["refresh_token"] as? String)
        return (access, refresh)
    }

    func api(_ method: String, _ realm: String, _ path: String, token: String, json: Any? = nil) async throws -> Answer {
        try await send(method, "/v3/company/\(realm)/\(path)", json: json, headers: ["Authorization": "Bearer \(token)"])
    }

    func query(_ realm: String, _ statement: String, token: String) async throws -> Answer {
        let encoded = statement.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return try await api("GET", realm, "query?query=\(encoded)&minorversion=75", token: token)
    }

    var basic: String { "Basic " + Data("sandbox-client:sandbox-secret".utf8).base64EncodedString() }
}

/// Starts a sandbox for one test and always stops it.
func withSandbox(_ options: QBOSandboxOptions = QBOSandboxOptions(), _ body: (Client) async throws -> Void) async throws {
    let sandbox = try await QBOSandboxServer.start(options)
    do {
        try await body(Client(sandbox: sandbox))
    } catch {
        try? await sandbox.stop()
        throw error
    }
    try await sandbox.stop()
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    /// Amounts are read from the JSON text as Decimal, never Double.
    func decimal(_ key: String) -> Decimal? {
        if let number = self[key] as? NSNumber { return Decimal(string: number.stringValue) }
        return nil
    }
}
