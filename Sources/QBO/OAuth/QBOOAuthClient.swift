import Foundation
import RowColJSON

/// The app's OAuth 2.0 credentials at Intuit.
public struct QBOAppCredentials: Sendable, CustomStringConvertible {
    public var clientID: String
    public var clientSecret: String
    public var redirectURI: String

    public init(clientID: String, clientSecret: String, redirectURI: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
    }

    public var description: String { "QBOAppCredentials(clientID: \(clientID), clientSecret: <redacted>, redirectURI: \(redirectURI))" }

    var basicAuthorization: String {
        "Basic " + Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
    }
}

/// Intuit's OAuth 2.0 endpoints: the authorize URL, the code exchange, refresh and revoke.
public struct QBOOAuthClient: Sendable {
    /// The only scope RowCol asks for.
    public static let accountingScope = "com.intuit.quickbooks.accounting"

    public var endpoints: QBOEndpoints
    public var credentials: QBOAppCredentials
    private let transport: any QBOHTTPTransport

    public init(endpoints: QBOEndpoints, credentials: QBOAppCredentials, transport: any QBOHTTPTransport = QBOURLSessionTransport()) {
        self.endpoints = endpoints
        self.credentials = credentials
        self.transport = transport
    }

    /// The URL to send the user to; Intuit redirects back with `code`, `state` and `realmId`.
    ///
    /// - Parameter state: an unguessable value to check on the redirect (CSRF protection).
    public func authorizationURL(state: String, scope: String = QBOOAuthClient.accountingScope) -> URL {
        QBOURLEncoding.url(endpoints.authorize, query: [
            URLQueryItem(name: "client_id", value: credentials.clientID),
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "scope", value: scope),
            URLQueryItem(name: "redirect_uri", value: credentials.redirectURI),
            URLQueryItem(name: "state", value: state),
        ])
    }

    /// Exchanges the authorization `code` from the redirect for tokens.
    ///
    /// - Throws: ``QBOError``: ``QBOError/Code/reconnectRequired`` when the code is refused
    ///   (`invalid_grant`), ``QBOError/Code/authentication`` for bad client credentials.
    public func exchange(code: String) async throws -> QBOTokenResponse {
        try await tokenRequest([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", credentials.redirectURI)])
    }

    /// Spends `refreshToken` for a new access token and (possibly rotated) refresh token.
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/reconnectRequired`` on `invalid_grant`.
    public func refresh(refreshToken: String) async throws -> QBOTokenResponse {
        try await tokenRequest([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
    }

    /// Revokes `token` (an access or refresh token); the connection then needs a new authorization.
    public func revoke(token: String) async throws {
        let body = Data(JSONValue.object(["token": .string(token)]).serialized(.compact))
        let request = QBOHTTPRequest(method: "POST", url: endpoints.revoke, headers: [
            "Authorization": credentials.basicAuthorization, "Accept": "application/json",
            "Content-Type": "application/json",
        ], body: body)
        let response = try await transport.send(request)
        guard (200..<300).contains(response.status) else { throw oauthError(response, operation: "revoke") }
    }

    private func tokenRequest(_ form: [(String, String)]) async throws -> QBOTokenResponse {
        let request = QBOHTTPRequest(method: "POST", url: endpoints.token, headers: [
            "Authorization": credentials.basicAuthorization, "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        ], body: QBOURLEncoding.form(form))
        let response = try await transport.send(request)
        guard (200..<300).contains(response.status) else { throw oauthError(response, operation: "token") }
        do {
            return try QBOTokenResponse(jsonData: response.body)
        } catch var error as QBOError {
            error.httpStatus = response.status
            error.intuitTID = response.intuitTID
            throw error
        }
    }

    private func oauthError(_ response: QBOHTTPResponse, operation: String) -> QBOError {
        let json = try? QBOJSONBody.parse(QBOFaultParser.jsonBytes(response.body))
        let code = json?["error"]?.stringValue
        let description = json?["error_description"]?.stringValue
        let what = [code, description].compactMap { $0 }.joined(separator: ": ")
        if code == "invalid_grant" {
            return QBOError(.reconnectRequired, message: "Intuit refused the grant (\(what)); the connection is lost: connect the company to RowCol again.",
                            httpStatus: response.status, intuitTID: response.intuitTID)
        }
        let kind: QBOError.Code
        switch response.status {
        case 429: kind = .throttled
        case 500...599: kind = .serviceUnavailable
        case 400...499: kind = .authentication
        default: kind = .decoding
        }
        return QBOError(kind, message: "The OAuth \(operation) endpoint answered HTTP \(response.status)\(what.isEmpty ? "" : " (\(what))"); check the app's client id and secret.",
                        httpStatus: response.status, intuitTID: response.intuitTID, retryAfter: response.retryAfter)
    }
}
