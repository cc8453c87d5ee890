import Foundation

extension SandboxEngine {
    func discovery() -> Reply {
        .json(["issuer": .string(baseURL),
               "authorization_endpoint": .string(baseURL + "/connect/oauth2"),
               "token_endpoint": .string(baseURL + "/oauth2/v1/tokens/bearer"),
               "revocation_endpoint": .string(baseURL + "/v2/oauth2/tokens/revoke"),
               "userinfo_endpoint": .string(baseURL + "/v1/openid_connect/userinfo"),
               "jwks_uri": .string(baseURL + "/op/v1/jwks"),
               "response_types_supported": ["code"],
               "subject_types_supported": ["public"],
               "id_token_signing_alg_values_supported": ["RS256"],
               "scopes_supported": ["openid", "email", "profile", "address", "phone", "com.intuit.quickbooks.accounting"],
               "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
               "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"]])
    }

    /// Auto-approves and redirects back with `code`, `state` and `realmId`.
    func authorize(_ request: SandboxRequest) throws(ControlError) -> Reply {
        let query = request.query
        guard let clientId = query["client_id"], options.clients[clientId] != nil else {
            throw ControlError(status: 400, error: "invalid_client", description: "client_id \(query["client_id"] ?? "(missing)") is not a client of this sandbox")
        }
        guard let redirect = query["redirect_uri"], var components = URLComponents(string: redirect), components.scheme != nil else {
            throw ControlError(status: 400, error: "invalid_request", description: "redirect_uri is missing or not a URL")
        }
        if let type = query["response_type"], type != "code" {
            throw ControlError(status: 400, error: "unsupported_response_type", description: "response_type must be code")
        }
        let realm: String
        if let asked = query["realm"] ?? query["realmId"] {
            guard companies[asked] != nil else {
                throw ControlError(status: 400, error: "invalid_request", description: "realm \(asked) does not exist: create it with POST /__sandbox/realms")
            }
            realm = asked
        } else {
            guard let first = realmOrder.first else {
                throw ControlError(status: 400, error: "invalid_request", description: "the sandbox has no company yet: create one with POST /__sandbox/realms")
            }
            realm = first
        }
        let code = authority.issueCode(realm: realm, clientId: clientId, redirectURI: redirect, now: now)
        var items = components.queryItems ?? []
        items.append(URLQueryItem(name: "code", value: code))
        if let state = query["state"] { items.append(URLQueryItem(name: "state", value: state)) }
        items.append(URLQueryItem(name: "realmId", value: realm))
        components.queryItems = items
        return .redirect(to: components.string ?? redirect)
    }

    /// The token endpoint with the faults injected for `"path": "token"`: a grant is a write (it
    /// rotates the refresh token), so after-commit faults lose the answer of a rotation that happened.
    func tokenWithFaults(_ request: SandboxRequest) -> Outcome {
        let form = Self.form(request.body)
        let realm = form["refresh_token"].flatMap { authority.tokens[$0]?.realm } ?? form["code"].flatMap { authority.codes[$0]?.realm }
        let now = self.now
        let faults = takeFaults(for: FaultTarget(realm: realm, path: "token", isWrite: true, repeatsRequestId: false))
        if let (kind, _, _) = faults.answer, kind.phase == .instead { return insteadReply(kind, retryAfter: faults.retryAfter, now: now) }
        let reply: Reply
        do {
            reply = try token(request)
        } catch {
            reply = error.reply()
        }
        return afterProcessing(reply, faults: faults, now: now)
    }

    func token(_ request: SandboxRequest) throws(ControlError) -> Reply {
        let form = Self.form(request.body)
        let clientId = try authenticateClient(request, form: form)
        let answer: WireJSON
        switch form["grant_type"] {
        case "authorization_code":
            guard let code = form["code"] else { throw ControlError(status: 400, error: "invalid_request", description: "code is missing") }
            answer = try authority.exchange(code: code, clientId: clientId, redirectURI: form["redirect_uri"], now: now)
        case "refresh_token":
            guard let token = form["refresh_token"] else {
                throw ControlError(status: 400, error: "invalid_request", description: "refresh_token is missing")
            }
            answer = try authority.refresh(
                token, clientId: clientId, now: now, graceMs: Int64(options.previousRefreshTokenGrace) * 1000)
        default:
            throw ControlError(status: 400, error: "unsupported_grant_type", description: "grant_type must be authorization_code or refresh_token")
        }
        return .json(answer, headers: ["Cache-Control": "no-cache, no-store", "Pragma": "no-cache"])
    }

    func revoke(_ request: SandboxRequest) throws(ControlError) -> Reply {
        let form = Self.form(request.body)
        _ = try authenticateClient(request, form: form)
        guard let token = WireJSON.parse(request.body)?["token"]?.stringValue ?? form["token"] else {
            throw ControlError(status: 400, error: "invalid_request", description: "send {\"token\": \"…\"} with the refresh or access token to revoke")
        }
        authority.revoke(token)
        return .empty()
    }

    private func authenticateClient(_ request: SandboxRequest, form: [String: String]) throws(ControlError) -> String {
        var id = form["client_id"], secret = form["client_secret"]
        if let header = request.headers["authorization"], header.lowercased().hasPrefix("basic "),
           let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
           let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") {
            id = String(text[..<colon])
            secret = String(text[text.index(after: colon)...])
        }
        guard let id, let secret, options.clients[id] == secret else {
            throw ControlError(status: 401, error: "invalid_client", description: "client authentication failed: send HTTP Basic client_id:client_secret")
        }
        return id
    }

    static func form(_ body: Data) -> [String: String] {
        FormEncoding.fields(Substring(String(decoding: body, as: UTF8.self)))
    }
}
