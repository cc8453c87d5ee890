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
    /// The first error of a QBO fault: its `code` and the `element` it names.
    var fault: (code: String?, element: String?) {
        let error = json.object("Fault").objects("Error").first
        return (error?["code"] as? String, error?["element"] as? String)
    }
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
    configuration.timeoutIntervalForRequest = 120
    return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
}()

/// Talks to one sandbox over loopback HTTP with plain JSON, as any client would.
struct Client {
    let sandbox: QBOSandboxServer
    var base: String { sandbox.baseURL.absoluteString }

    func send(_ method: String, _ path: String, json: Any? = nil, text: String? = nil, form: String? = nil,
              headers: [String: String] = [:], timeout: TimeInterval = 120) async throws -> Answer {
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

    /// The typed control client the sandbox ships.
    var control: QBOSandboxControl { sandbox.control }

    /// A seeded company. Most tests here are about the wire, written for the open-items layout, so
    /// they ask for no history; `historyMonths: nil` takes the sandbox's default (12 months), as
    /// HistoryTests and ParityTests do.
    func seed(_ realm: String, seed: Int = 7, bills: Int = 20, invoices: Int = 10, accounts: Int = 2,
              historyMonths: Int? = 0) async throws {
        let summary = try await control.createRealm(realm, seed: seed, bills: bills, invoices: invoices, accounts: accounts,
                                                    historyMonths: historyMonths)
        #expect(summary.bills == bills && summary.invoices == invoices, "seeding gave \(summary)")
    }

    /// Tokens from the playground-like control endpoint.
    func tokens(_ realm: String) async throws -> (access: String, refresh: String) {
        let tokens = try await control.tokens(realm: realm)
        return (tokens.accessToken, tokens.refreshToken)
    }

    func api(_ method: String, _ realm: String, _ path: String, token: String, json: Any? = nil) async throws -> Answer {
        try await send(method, "/v3/company/\(realm)/\(path)", json: json, headers: ["Authorization": "Bearer \(token)"])
    }

    func query(_ realm: String, _ statement: String, token: String) async throws -> Answer {
        let encoded = statement.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return try await api("GET", realm, "query?query=\(encoded)&minorversion=75", token: token)
    }

    /// The rows of a query's answer (whatever the entity), `[]` when there are none.
    func rows(_ realm: String, _ statement: String, token: String) async throws -> [[String: Any]] {
        let answer = try await query(realm, statement, token: token)
        #expect(answer.status == 200, "\(statement): \(answer.text.prefix(300))")
        return answer.json.object("QueryResponse").values.compactMap { $0 as? [[String: Any]] }.first ?? []
    }

    /// One entity read by id through the API, unwrapped (`{"Invoice": {...}}` → `{...}`).
    func read(_ realm: String, _ entity: String, _ id: Any, token: String) async throws -> [String: Any] {
        let answer = try await api("GET", realm, "\(entity.lowercased())/\(id)", token: token)
        #expect(answer.status == 200, "GET \(entity) \(id): \(answer.text.prefix(300))")
        return answer.json.object(entity)
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

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What came back on a raw TCP connection: the bytes, and whether the peer closed it.
struct RawExchange {
    var received: Data
    var closedByPeer: Bool
}

/// Sends bytes on a fresh TCP connection and reads until the sandbox closes it or `timeout`
/// passes. URLSession cannot tell "closed with no answer" from "no answer yet" on Linux (it waits
/// out its timeout on a POST), so the drop faults are checked on the socket itself.
func rawExchange(port: Int, _ request: String, timeout: Int = 60) async throws -> RawExchange {
    try await withCheckedThrowingContinuation { continuation in
        // Blocking socket calls stay off the cooperative pool.
        DispatchQueue.global().async {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return continuation.resume(throwing: POSIXError(.EBADF)) }
            defer { close(fd) }
            var wait = timeval(tv_sec: timeout, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { return continuation.resume(throwing: POSIXError(.ECONNREFUSED)) }
            let bytes = Array(request.utf8)
            guard send(fd, bytes, bytes.count, 0) == bytes.count else { return continuation.resume(throwing: POSIXError(.EIO)) }
            var received = Data()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count > 0 { received.append(contentsOf: buffer[0..<count]); continue }
                // 0: the peer closed; -1: the receive timed out (or failed) with the connection open.
                return continuation.resume(returning: RawExchange(received: received, closedByPeer: count == 0))
            }
        }
    }
}

extension Client {
    /// A POST on a raw connection (see ``rawExchange(port:_:timeout:)``).
    func rawPOST(_ path: String, body: String, contentType: String = "application/json", headers: [String: String] = [:],
                 timeout: Int = 60) async throws -> RawExchange {
        let port = try #require(sandbox.baseURL.port)
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return try await rawExchange(port: port, head + "\r\n" + body, timeout: timeout)
    }
}
