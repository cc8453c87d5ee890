import Foundation
import RowColJSON

/// Where the QBO API and Intuit's OAuth 2.0 endpoints live.
///
/// Use ``production`` or ``intuitSandbox`` against Intuit, or ``local(_:)`` for a server that serves
/// every path of Intuit under one base URL (the RowCol sandbox on loopback).
public struct QBOEndpoints: Hashable, Sendable {
    /// The API base; calls go to `{api}/v3/company/{realm}/…`.
    public var api: URL
    public var authorize: URL
    public var token: URL
    public var revoke: URL
    /// The OpenID discovery document, when known.
    public var discovery: URL?

    public init(api: URL, authorize: URL, token: URL, revoke: URL, discovery: URL? = nil) {
        self.api = api
        self.authorize = authorize
        self.token = token
        self.revoke = revoke
        self.discovery = discovery
    }

    private static let intuitAuthorize = URL(string: "https://appcenter.intuit.com/connect/oauth2")!
    private static let intuitToken = URL(string: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer")!
    private static let intuitRevoke = URL(string: "https://developer.api.intuit.com/v2/oauth2/tokens/revoke")!
    private static let intuitDiscovery = URL(string: "https://developer.intuit.com/.well-known/openid_configuration")!

    /// Intuit's production company API.
    public static let production = QBOEndpoints(
        api: URL(string: "https://quickbooks.api.intuit.com")!, authorize: intuitAuthorize,
        token: intuitToken, revoke: intuitRevoke, discovery: intuitDiscovery)

    /// Intuit's hosted sandbox companies.
    public static let intuitSandbox = QBOEndpoints(
        api: URL(string: "https://sandbox-quickbooks.api.intuit.com")!, authorize: intuitAuthorize,
        token: intuitToken, revoke: intuitRevoke, discovery: intuitDiscovery)

    /// Every endpoint under one base URL, with Intuit's paths (`http://127.0.0.1:PORT`).
    public static func local(_ baseURL: URL) -> QBOEndpoints {
        QBOEndpoints(api: baseURL,
                     authorize: baseURL.appendingPathComponent("connect/oauth2"),
                     token: baseURL.appendingPathComponent("oauth2/v1/tokens/bearer"),
                     revoke: baseURL.appendingPathComponent("v2/oauth2/tokens/revoke"),
                     discovery: baseURL.appendingPathComponent(".well-known/openid_configuration"))
    }

    /// Builds endpoints from an OpenID discovery document
    /// (`authorization_endpoint`, `token_endpoint`, `revocation_endpoint`).
    ///
    /// - Parameters:
    ///   - document: the discovery document's bytes.
    ///   - api: the API base URL, which the document does not name.
    /// - Throws: ``QBOError`` with code ``QBOError/Code/decoding`` when a field is missing or not a URL.
    public static func fromDiscovery(_ document: Data, api: URL) throws -> QBOEndpoints {
        let json = try QBOJSONBody.parse(QBOFaultParser.jsonBytes(document), context: "discovery document")
        func url(_ key: String) throws -> URL {
            guard let text = json[key]?.stringValue, let url = URL(string: text), url.scheme != nil else {
                throw QBOError(.decoding, message: "The discovery document has no valid \"\(key)\"; check the discovery URL.")
            }
            return url
        }
        return QBOEndpoints(api: api, authorize: try url("authorization_endpoint"), token: try url("token_endpoint"),
                            revoke: try url("revocation_endpoint"))
    }

    /// The URL of `path` (like `query` or `bill/42`) in the company `realmID`.
    func companyURL(realmID: String, path: String, query: [URLQueryItem]) -> URL {
        var url = api.appendingPathComponent("v3/company").appendingPathComponent(realmID)
        for part in path.split(separator: "/") { url.appendPathComponent(String(part)) }
        return QBOURLEncoding.url(url, query: query + [URLQueryItem(name: "minorversion", value: QBOClientConfiguration.minorVersion)])
    }
}

enum QBOURLEncoding {
    // Stricter than URLComponents: '+', '&', '=' and ':' inside values must reach QBO escaped.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static func url(_ base: URL, query: [URLQueryItem]) -> URL {
        guard !query.isEmpty else { return base }
        let text = query.map { "\(escape($0.name))=\(escape($0.value ?? ""))" }.joined(separator: "&")
        return URL(string: base.absoluteString + "?" + text)!
    }

    static func form(_ fields: [(String, String)]) -> Data {
        Data(fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&").utf8)
    }
}
