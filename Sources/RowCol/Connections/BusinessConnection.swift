import Foundation
import QBO
import RowColDomain
import RowColJSON
import RowColStore

/// The Intuit app a business is connected through (client id and secret), kept beside the tokens
/// in `secrets/<advisor>/<business>.app.json` (mode 0600, never committed, never printed).
public struct AppCredentials: Hashable, Sendable, Codable, CustomStringConvertible {
    public var clientID: String
    public var clientSecret: String
    public var redirectURI: String

    public init(clientID: String, clientSecret: String, redirectURI: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
    }

    /// The client of the RowCol sandbox.
    public static let sandbox = AppCredentials(
        clientID: "sandbox-client", clientSecret: "sandbox-secret", redirectURI: "http://127.0.0.1/callback")

    public var description: String { "AppCredentials(clientID: \(clientID), clientSecret: <redacted>)" }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case redirectURI = "redirect_uri"
    }
}

/// How to obtain the first tokens of a connection.
public enum ConnectGrant: Sendable {
    /// A refresh token from Intuit's OAuth playground or the sandbox's control API.
    case refreshToken(String)
    /// The `code` of an authorization redirect.
    case authorizationCode(String)
}

/// Where a business's QBO lives.
public enum QBOEnvironment: String, Sendable, CaseIterable {
    case production
    /// Intuit's hosted sandbox companies.
    case sandbox
    /// A RowCol sandbox (or any server speaking QBO's wire format) at `base_url`.
    case local

    func endpoints(baseURL: String) throws -> QBOEndpoints {
        switch self {
        case .production: return .production
        case .sandbox: return .intuitSandbox
        case .local:
            guard let url = URL(string: baseURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ConnectionError(.invalidArgument, "invalid base URL \"\(baseURL)\": expected http(s)://host[:port]")
            }
            return .local(url)
        }
    }
}

/// A connection problem a person can act on. Catch by code: `catch ConnectionError.Code.notConnected`.
public struct ConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable { case invalidArgument, notConnected, damagedRecord }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// A base URL, realm id or similar given to `connect` cannot be used.
        public static let invalidArgument = Code(.invalidArgument)
        /// The business has no app credentials or tokens yet.
        public static let notConnected = Code(.notConnected)
        /// The business's record or its secrets file cannot be read.
        public static let damagedRecord = Code(.damagedRecord)

        public var description: String { kind.rawValue }

        /// Lets `catch ConnectionError.Code.notConnected` match a thrown ``ConnectionError``.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? ConnectionError)?.code == code
        }
    }

    public let code: Code
    /// One line a person can act on.
    public let message: String
    /// The lower-level error that caused this one, as text.
    public let cause: String?

    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}

/// Connects businesses to QBO and builds their clients from the workspace's files.
public struct Connections: Sendable {
    public let workspace: Workspace
    public let advisor: AdvisorID
    /// Client behaviour (retries, limits, observer) shared by every business.
    public let clientConfiguration: QBOClientConfiguration
    /// One transport for every business's client: one connection pool, one timeout.
    let transport: any QBOHTTPTransport

    public init(workspace: Workspace, advisor: AdvisorID, clientConfiguration: QBOClientConfiguration = .init()) {
        self.workspace = workspace
        self.advisor = advisor
        self.clientConfiguration = clientConfiguration
        transport = QBOURLSessionTransport(timeout: clientConfiguration.requestTimeout)
    }

    func tokenFile(_ business: BusinessID) throws -> SecretFile {
        try workspace.tokenFile(for: BusinessRef(advisor: advisor, business: business))
    }

    func appFile(_ business: BusinessID) throws -> SecretFile {
        try workspace.appCredentialsFile(for: BusinessRef(advisor: advisor, business: business))
    }

    /// Connects (or reconnects) a business: records which company it is, stores the app
    /// credentials, and obtains and stores its first tokens.
    @discardableResult
    public func connect(
        business: BusinessID, realmID: String, environment: QBOEnvironment, baseURL: String, displayName: String?,
        credentials: AppCredentials, grant: ConnectGrant
    ) async throws -> BusinessInfo {
        let digitsOnly = realmID.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard EntityID(rawValue: realmID) != nil, digitsOnly || environment == .local else { throw ConnectionError(.invalidArgument, "invalid realm id \"\(realmID)\": expected QBO's numeric company id") }
        let endpoints = try environment.endpoints(baseURL: baseURL)
        let ref = BusinessRef(advisor: advisor, business: business)
        let info = BusinessInfo(
            advisor: advisor, business: business, realmID: realmID, environment: environment.rawValue,
            baseURL: baseURL, displayName: displayName)
        let oauth = QBOOAuthClient(
            endpoints: endpoints,
            credentials: QBOAppCredentials(
                clientID: credentials.clientID, clientSecret: credentials.clientSecret,
                redirectURI: credentials.redirectURI))
        let store = QBOTokenStore(storage: try tokenFile(business))
        switch grant {
        case .refreshToken(let token):
            let response = try await oauth.refresh(refreshToken: token)
            try store.save(response.tokenSet(realmID: realmID, now: Date()))
        case .authorizationCode(let code):
            _ = try await QBOTokenManager(store: store, oauth: oauth).connect(code: code, realmID: realmID)
        }
        try appFile(business).replace(with: Array(JSONEncoder(layout: .pretty).encode(credentials)))
        if (try? workspace.business(ref)) == nil {
            try workspace.addBusiness(info)
        } else {
            try workspace.updateBusiness(info)
        }
        return info
    }

    /// The API client of a connected business.
    /// - Throws: ``ConnectionError`` when the business has no tokens or app credentials.
    public func client(for business: BusinessID) throws -> QBOClient {
        let (info, endpoints, _) = try connectionParts(business)
        return QBOClient(
            realmID: info.realmID, endpoints: endpoints, tokens: try tokenManager(for: business), transport: transport,
            configuration: clientConfiguration)
    }

    /// The business's record, endpoints and app credentials.
    func connectionParts(_ business: BusinessID) throws -> (BusinessInfo, QBOEndpoints, AppCredentials) {
        let info = try workspace.business(BusinessRef(advisor: advisor, business: business))
        guard let environment = QBOEnvironment(rawValue: info.environment) else {
            throw ConnectionError(.damagedRecord, "business \(business) has unknown environment \"\(info.environment)\" in business.json")
        }
        let appFile = try appFile(business)
        let name = appFile.path.split(separator: "/").last.map(String.init) ?? appFile.path
        guard let bytes: [UInt8] = try appFile.read() else {
            throw ConnectionError(.notConnected, "business \(business) is not connected (no \(name)); run `rowcol connect`")
        }
        let data = Data(bytes)
        let credentials: AppCredentials
        do {
            credentials = try JSONValue.decode(AppCredentials.self, from: data)
        } catch {
            throw ConnectionError(
                .damagedRecord, "secrets/\(advisor)/\(name) is unreadable; run `rowcol connect` again", cause: "\(error)")
        }
        return (info, try environment.endpoints(baseURL: info.baseURL), credentials)
    }

    func tokenManager(for business: BusinessID) throws -> QBOTokenManager {
        let (_, endpoints, credentials) = try connectionParts(business)
        let oauth = QBOOAuthClient(
            endpoints: endpoints,
            credentials: QBOAppCredentials(
                clientID: credentials.clientID, clientSecret: credentials.clientSecret,
                redirectURI: credentials.redirectURI))
        return QBOTokenManager(store: QBOTokenStore(storage: try tokenFile(business)), oauth: oauth)
    }

    /// Replaces the business's access token as a 401 would (serialized with every other process
    /// through the token file's lock); returns the new access token's expiry.
    @discardableResult
    public func refreshAccessToken(for business: BusinessID) async throws -> Date {
        let manager = try tokenManager(for: business)
        let current = try await manager.tokens()
        _ = try await manager.refresh(rejecting: current.accessToken)
        return try await manager.tokens().accessTokenExpiresAt
    }

    /// The connection status of a business as its token file says (`active`, `expired`, `revoked`), or nil.
    public func status(of business: BusinessID) -> String? {
        guard let file = try? tokenFile(business), let tokens = try? QBOTokenStore(storage: file).load() else { return nil }
        return tokens.status.rawValue
    }

    /// The authorization URL to send a person to (for `--browser` connects).
    public static func authorizationURL(
        environment: QBOEnvironment, baseURL: String, credentials: AppCredentials, state: String
    ) throws -> URL {
        let oauth = QBOOAuthClient(
            endpoints: try environment.endpoints(baseURL: baseURL),
            credentials: QBOAppCredentials(
                clientID: credentials.clientID, clientSecret: credentials.clientSecret,
                redirectURI: credentials.redirectURI))
        return oauth.authorizationURL(state: state)
    }
}
