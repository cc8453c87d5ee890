import Foundation

/// Gives the client a valid access token and refreshes it safely.
///
/// Refreshes are serialized across processes by the token storage's lock. After taking the lock the
/// file is read again: if another process refreshed meanwhile its tokens are used, so an already
/// rotated refresh token is never spent. The new refresh token is on disk before the new access
/// token is handed out. `invalid_grant` marks the file `revoked` and throws
/// ``QBOError/Code/reconnectRequired``.
public actor QBOTokenManager {
    public let store: QBOTokenStore
    private let oauth: QBOOAuthClient
    private let clock: any QBOClock
    /// Seconds before expiry at which an access token is treated as expired.
    private let margin: Double
    private var cached: QBOTokenSet?

    public init(store: QBOTokenStore, oauth: QBOOAuthClient, clock: any QBOClock = QBOSystemClock(), expiryMargin: Double = 60) {
        self.store = store
        self.oauth = oauth
        self.clock = clock
        self.margin = expiryMargin
    }

    /// Completes the authorization code flow: exchanges `code` and writes the token file.
    @discardableResult
    public func connect(code: String, realmID: String) async throws -> QBOTokenSet {
        let response = try await oauth.exchange(code: code)
        let tokens = response.tokenSet(realmID: realmID, now: clock.now())
        try store.save(tokens)
        cached = tokens
        return tokens
    }

    /// The current tokens as stored (read from disk).
    public func tokens() throws -> QBOTokenSet {
        guard let tokens = try store.load() else {
            throw QBOError(.reconnectRequired, message: "There is no token file at \(store.location); connect the company first.")
        }
        cached = tokens
        return tokens
    }

    /// An access token good for at least the expiry margin, refreshing it if needed.
    public func accessToken() async throws -> String {
        let current = try cached ?? tokens()
        try Self.requireUsable(current, store: store)
        if current.accessTokenIsFresh(at: clock.now(), margin: margin) { return current.accessToken }
        return try await refresh(rejecting: current.accessToken)
    }

    /// Refreshes because `rejected` was refused (a 401) or has expired.
    ///
    /// If the stored access token already differs from `rejected` and is fresh, another client or
    /// process refreshed first and that token is returned without a call.
    @discardableResult
    public func refresh(rejecting rejected: String?) async throws -> String {
        let (store, oauth, clock, margin) = (self.store, self.oauth, self.clock, self.margin)
        // Whatever happens, the file is the truth from now on (it may have been marked revoked).
        cached = nil
        let result = try await store.withRefreshLock { @Sendable () async throws -> QBOTokenSet in
            guard let onDisk = try store.load() else {
                throw QBOError(.reconnectRequired, message: "There is no token file at \(store.location); connect the company first.")
            }
            try Self.requireUsable(onDisk, store: store)
            if onDisk.accessToken != rejected, onDisk.accessTokenIsFresh(at: clock.now(), margin: margin) {
                return onDisk
            }
            if let expiry = onDisk.refreshTokenExpiresAt, clock.now() >= expiry {
                var expired = onDisk
                expired.status = .expired
                expired.updatedAt = clock.now()
                try store.save(expired)
                try Self.requireUsable(expired, store: store)
            }
            let response: QBOTokenResponse
            do {
                response = try await oauth.refresh(refreshToken: onDisk.refreshToken)
            } catch let error as QBOError where error.code == .reconnectRequired {
                var revoked = onDisk
                revoked.status = .revoked
                revoked.updatedAt = clock.now()
                try store.save(revoked)
                throw error
            }
            var next = response.tokenSet(realmID: onDisk.realmID, now: clock.now())
            if next.refreshTokenExpiresAt == nil { next.refreshTokenExpiresAt = onDisk.refreshTokenExpiresAt }
            // Durable before use: a crash after this point keeps the rotated refresh token.
            try store.save(next)
            return next
        }
        cached = result
        return result.accessToken
    }

    /// Revokes the refresh token at Intuit and marks the file revoked.
    public func disconnect() async throws {
        let current = try tokens()
        try await oauth.revoke(token: current.refreshToken)
        var revoked = current
        revoked.status = .revoked
        revoked.updatedAt = clock.now()
        try store.save(revoked)
        cached = revoked
    }

    private static func requireUsable(_ tokens: QBOTokenSet, store: QBOTokenStore) throws {
        switch tokens.status {
        case .active: return
        case .revoked:
            throw QBOError(.reconnectRequired, message: "The connection in \(store.location) was revoked or refused by Intuit; connect the company again.")
        case .expired:
            throw QBOError(.reconnectRequired, message: "The refresh token in \(store.location) has expired; connect the company again.")
        }
    }
}
