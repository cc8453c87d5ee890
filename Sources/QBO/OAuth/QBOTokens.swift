import Foundation
import RowColJSON

/// Whether a connection can still be used.
public enum QBOConnectionStatus: String, Codable, Sendable {
    /// The tokens work (the access token may need a refresh).
    case active
    /// The refresh token has passed its expiry.
    case expired
    /// Intuit refused the refresh token (`invalid_grant`) or it was revoked: connect again.
    case revoked
}

/// The tokens of one QBO connection, as kept in its token file.
///
/// Printing it never shows a token: `description`, `debugDescription` and `dump` redact them.
public struct QBOTokenSet: Codable, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var realmID: String
    public var accessToken: String
    public var accessTokenExpiresAt: Date
    public var refreshToken: String
    public var refreshTokenExpiresAt: Date?
    public var status: QBOConnectionStatus
    /// When this file content was written.
    public var updatedAt: Date

    public init(realmID: String, accessToken: String, accessTokenExpiresAt: Date, refreshToken: String,
                refreshTokenExpiresAt: Date?, status: QBOConnectionStatus = .active, updatedAt: Date = Date()) {
        self.realmID = realmID
        self.accessToken = accessToken
        self.accessTokenExpiresAt = accessTokenExpiresAt
        self.refreshToken = refreshToken
        self.refreshTokenExpiresAt = refreshTokenExpiresAt
        self.status = status
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case realmID = "realm_id"
        case accessToken = "access_token"
        case accessTokenExpiresAt = "access_token_expires_at"
        case refreshToken = "refresh_token"
        case refreshTokenExpiresAt = "refresh_token_expires_at"
        case status
        case updatedAt = "updated_at"
    }

    /// True when the access token is still good `margin` seconds from `now`.
    public func accessTokenIsFresh(at now: Date, margin: Double = 60) -> Bool {
        status == .active && now.addingTimeInterval(margin) < accessTokenExpiresAt
    }

    public var description: String {
        "QBOTokenSet(realm: \(realmID), status: \(status.rawValue), access token: <redacted> until \(accessTokenExpiresAt), refresh token: <redacted>)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["realmID": realmID, "status": status, "accessTokenExpiresAt": accessTokenExpiresAt,
                                "accessToken": "<redacted>", "refreshToken": "<redacted>"])
    }
}

/// The token endpoint's answer to a code exchange or a refresh.
public struct QBOTokenResponse: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var accessToken: String
    public var refreshToken: String
    /// Seconds the access token lives (3600 at Intuit).
    public var expiresIn: Double
    /// Seconds the refresh token lives.
    public var refreshTokenExpiresIn: Double?
    public var tokenType: String?

    public init(accessToken: String, refreshToken: String, expiresIn: Double, refreshTokenExpiresIn: Double?, tokenType: String? = "bearer") {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
        self.refreshTokenExpiresIn = refreshTokenExpiresIn
        self.tokenType = tokenType
    }

    /// Parses the JSON answer of the token endpoint.
    ///
    /// - Throws: ``QBOError`` (``QBOError/Code/decoding``) when a field is missing or mistyped.
    public init(jsonData data: Data) throws {
        let json = try QBOJSONBody.parse(QBOFaultParser.jsonBytes(data), context: "token answer")
        func number(_ key: String) -> Double? {
            switch json[key] {
            case .number(let value)?: return NSDecimalNumber(decimal: value).doubleValue
            case .string(let text)?: return Double(text)
            default: return nil
            }
        }
        guard let access = json["access_token"]?.stringValue, let refresh = json["refresh_token"]?.stringValue,
              let expiresIn = number("expires_in") else {
            throw QBOError(.decoding, message: "The token answer lacks access_token, refresh_token or expires_in.")
        }
        self.init(accessToken: access, refreshToken: refresh, expiresIn: expiresIn,
                  refreshTokenExpiresIn: number("x_refresh_token_expires_in"), tokenType: json["token_type"]?.stringValue)
    }

    /// The token set this answer gives for `realmID`, with expiry instants counted from `now`.
    public func tokenSet(realmID: String, now: Date) -> QBOTokenSet {
        QBOTokenSet(realmID: realmID, accessToken: accessToken, accessTokenExpiresAt: now.addingTimeInterval(expiresIn),
                    refreshToken: refreshToken, refreshTokenExpiresAt: refreshTokenExpiresIn.map { now.addingTimeInterval($0) },
                    status: .active, updatedAt: now)
    }

    public var description: String {
        "QBOTokenResponse(access token: <redacted>, expires in \(expiresIn) s, refresh token: <redacted>)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["expiresIn": expiresIn, "accessToken": "<redacted>", "refreshToken": "<redacted>"])
    }
}
