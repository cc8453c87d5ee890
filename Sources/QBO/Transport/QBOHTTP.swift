import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request as the client sends it.
public struct QBOHTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?

    public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP answer.
public struct QBOHTTPResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }

    /// The `intuit_tid` header (also accepted as `intuit-tid`).
    public var intuitTID: String? { headers["intuit_tid"] ?? headers["intuit-tid"] }

    /// `Retry-After` in seconds, when sent as a number of seconds.
    public var retryAfter: Double? {
        headers["retry-after"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }
}

/// What moves bytes. The default is ``QBOURLSessionTransport``; errors must be ``QBOError``s with
/// code ``QBOError/Code/transport``.
public protocol QBOHTTPTransport: Sendable {
    func send(_ request: QBOHTTPRequest) async throws -> QBOHTTPResponse
}

/// HTTP over `URLSession` (libcurl on Linux).
public struct QBOURLSessionTransport: QBOHTTPTransport {
    private let session: URLSession
    private let timeout: TimeInterval

    /// - Parameter timeout: seconds before a request is abandoned (QBO itself gives up at 120 s).
    public init(timeout: TimeInterval = 120) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        self.session = URLSession(configuration: configuration)
        self.timeout = timeout
    }

    public func send(_ request: QBOHTTPRequest) async throws -> QBOHTTPResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch {
            throw Self.transportError(error, request: request)
        }
        guard let http = response as? HTTPURLResponse else {
            throw QBOError(.transport, message: "\(request.method) \(request.url.path) got a non-HTTP answer.", transportReason: .other)
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return QBOHTTPResponse(status: http.statusCode, headers: headers, body: data)
    }

    static func transportError(_ error: any Error, request: QBOHTTPRequest) -> QBOError {
        let reason: QBOError.TransportReason
        if let urlError = error as? URLError {
            switch urlError.code {
            case .timedOut: reason = .timeout
            case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet: reason = .refused
            case .networkConnectionLost, .badServerResponse, .zeroByteResource, .cannotParseResponse: reason = .dropped
            default: reason = .other
            }
        } else {
            reason = .other
        }
        let what: String
        switch reason {
        case .timeout: what = "timed out"
        case .refused: what = "could not connect (refused or unreachable)"
        case .dropped: what = "lost its connection before a full answer"
        case .other: what = "failed"
        }
        return QBOError(.transport, message: "\(request.method) \(request.url.host ?? "")\(request.url.path) \(what); check the network and retry.",
                        transportReason: reason, underlying: "\(error)")
    }
}

/// One HTTP exchange, reported to ``QBOClientConfiguration/observer`` after it ends.
public struct QBOExchange: Sendable {
    public var method: String
    /// The URL path (no query, so no tokens or query text leak into metrics).
    public var path: String
    /// `nil` when no answer arrived.
    public var status: Int?
    public var intuitTID: String?
    /// 1 for the first try, 2 for the first retry, …
    public var attempt: Int
    /// Seconds from sending to the end of the answer, by the client's clock.
    public var duration: Double
    /// The error code, when the exchange failed.
    public var errorCode: QBOError.Code?
}
