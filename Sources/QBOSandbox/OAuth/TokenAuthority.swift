import Foundation

/// An issued token. A family is one connection (realm + client): revoking any of its tokens
/// revokes them all, as Intuit does.
struct IssuedToken: Sendable, Codable {
    enum Kind: String, Sendable, Codable { case access, refresh }
    var kind: Kind
    var realm: String
    var clientId: String
    var family: String
    var expires: Int64
    var spent = false
    /// When a refresh token was spent: it stays usable for the grace period after that.
    var spentAt: Int64?
    var revoked = false
}

struct AuthorizationCode: Sendable, Codable {
    var realm: String
    var clientId: String
    var redirectURI: String
    var expires: Int64
    var used = false
}

/// The OAuth 2.0 side of the sandbox: codes, access and rotating refresh tokens.
struct TokenAuthority: Sendable, Codable {
    var tokens: [String: IssuedToken] = [:]
    var codes: [String: AuthorizationCode] = [:]
    var accessLifetime: Int64
    var refreshLifetime: Int64

    static func randomToken(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return prefix + String((0..<40).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    mutating func issueCode(realm: String, clientId: String, redirectURI: String, now: Int64) -> String {
        let code = Self.randomToken("AB11")
        codes[code] = AuthorizationCode(realm: realm, clientId: clientId, redirectURI: redirectURI, expires: now + 600_000)
        return code
    }

    /// Issues an access and a refresh token of one family and renders Intuit's token answer.
    mutating func issue(realm: String, clientId: String, family: String? = nil, now: Int64) -> WireJSON {
        let family = family ?? UUID().uuidString
        let access = Self.randomToken("sbx-at-")
        let refresh = Self.randomToken("AB11sbx")
        tokens[access] = IssuedToken(kind: .access, realm: realm, clientId: clientId, family: family, expires: now + accessLifetime * 1000)
        tokens[refresh] = IssuedToken(kind: .refresh, realm: realm, clientId: clientId, family: family, expires: now + refreshLifetime * 1000)
        return ["token_type": "bearer", "access_token": .string(access), "expires_in": .number(Decimal(accessLifetime)),
                "refresh_token": .string(refresh), "x_refresh_token_expires_in": .number(Decimal(refreshLifetime))]
    }

    mutating func exchange(code: String, clientId: String, redirectURI: String?, now: Int64) throws(ControlError) -> WireJSON {
        guard var grant = codes[code], !grant.used, grant.expires > now, grant.clientId == clientId else {
            throw ControlError(status: 400, error: "invalid_grant", description: "the authorization code is unknown, expired or already used")
        }
        if let redirectURI, redirectURI != grant.redirectURI {
            throw ControlError(status: 400, error: "invalid_grant", description: "redirect_uri differs from the one used to authorize")
        }
        grant.used = true
        codes[code] = grant
        return issue(realm: grant.realm, clientId: clientId, now: now)
    }

    /// Every refresh rotates the refresh token. As Intuit documents ("your previous refresh tokens
    /// expire 24 hours after you receive a new one", intuit/oauth-jsclient README), a spent one
    /// still works for `graceMs` after it was first spent, then gets `invalid_grant`; a grace of 0
    /// refuses it at once, the strictest reading, which tests of refresh serialization use.
    mutating func refresh(_ token: String, clientId: String, now: Int64, graceMs: Int64) throws(ControlError) -> WireJSON {
        guard var issued = tokens[token], issued.kind == .refresh, !issued.revoked,
              issued.expires > now, issued.clientId == clientId else {
            throw ControlError(status: 400, error: "invalid_grant", description: "Incorrect or invalid refresh token")
        }
        if issued.spent {
            // A token spent before grace periods existed (no spentAt) has none.
            guard let spentAt = issued.spentAt, now < spentAt + graceMs else {
                throw ControlError(status: 400, error: "invalid_grant", description: "Incorrect or invalid refresh token")
            }
        } else {
            issued.spent = true
            issued.spentAt = now
            // Kept at least through its grace, so that pruning does not end it early.
            issued.expires = max(issued.expires, now + graceMs)
            tokens[token] = issued
        }
        return issue(realm: issued.realm, clientId: clientId, family: issued.family, now: now)
    }

    /// Revokes the family of a token; unknown tokens are accepted silently, as Intuit does.
    mutating func revoke(_ token: String) {
        guard let family = tokens[token]?.family else { return }
        revokeAll { $0.family == family }
    }

    mutating func revokeAll(where predicate: (IssuedToken) -> Bool) {
        for (key, value) in tokens where predicate(value) {
            tokens[key]?.revoked = true
        }
    }

    /// Why an access token cannot call the realm's API, or nil when it can.
    func refusal(_ token: String?, realm: String, now: Int64) -> String? {
        guard let token, let issued = tokens[token], issued.kind == .access else {
            return "Token invalid: no valid bearer access token in the Authorization header"
        }
        if issued.revoked { return "Token revoked: the connection was revoked; authorize again" }
        if issued.expires <= now { return "Token expired: refresh the access token" }
        if issued.realm != realm { return "Token invalid: the token was issued for realm \(issued.realm), not \(realm)" }
        return nil
    }

    /// Forgets tokens nobody can use any more, so a long-running sandbox does not grow.
    mutating func prune(now: Int64) {
        tokens = tokens.filter { $0.value.expires > now }
        codes = codes.filter { $0.value.expires > now }
    }
}
