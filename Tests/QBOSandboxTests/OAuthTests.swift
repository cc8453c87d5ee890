import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QBOSandbox
import Testing

@Suite struct OAuthTests {
    @Test func discoveryDocumentNamesTheSandboxEndpoints() async throws {
        try await withSandbox { client in
            let answer = try await client.send("GET", "/.well-known/openid_configuration")
            #expect(answer.status == 200)
            #expect(answer.json["issuer"] as? String == client.base)
            #expect(answer.json["authorization_endpoint"] as? String == client.base + "/connect/oauth2")
            #expect(answer.json["token_endpoint"] as? String == client.base + "/oauth2/v1/tokens/bearer")
            #expect(answer.json["revocation_endpoint"] as? String == client.base + "/v2/oauth2/tokens/revoke")
        }
    }

    @Test func codeFlowRedirectsThenTokensCallTheAPIAndRefreshRotates() async throws {
        try await withSandbox { client in
            try await client.seed("111")
            try await client.seed("222")
            let authorize = "/connect/oauth2?client_id=sandbox-client&response_type=code&scope=com.intuit.quickbooks.accounting"
                + "&redirect_uri=http%3A%2F%2Flocalhost%3A9%2Fcallback&state=xyz&realm=222"
            let redirect = try await client.send("GET", authorize)
            #expect(redirect.status == 302)
            let location = try #require(redirect.header("Location").flatMap { URLComponents(string: $0) })
            #expect(location.path == "/callback")
            let items = Dictionary(uniqueKeysWithValues: (location.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(items["state"] == "xyz")
            #expect(items["realmId"] == "222")
            let code = try #require(items["code"])

            let form = "grant_type=authorization_code&code=\(code)&redirect_uri=http%3A%2F%2Flocalhost%3A9%2Fcallback"
            let token = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: form, headers: ["Authorization": client.basic])
            #expect(token.status == 200)
            #expect(token.json["token_type"] as? String == "bearer")
            #expect(token.json["expires_in"] as? Int == 3600)
            #expect(token.json["x_refresh_token_expires_in"] as? Int == 8_726_400)
            let access = try #require(token.json["access_token"] as? String)
            let refresh = try #require(token.json["refresh_token"] as? String)

            let again = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: form, headers: ["Authorization": client.basic])
            #expect(again.status == 400, "a code is single use")
            #expect(again.json["error"] as? String == "invalid_grant")

            #expect(try await client.query("222", "SELECT COUNT(*) FROM Bill", token: access).status == 200)
            #expect(try await client.query("111", "SELECT COUNT(*) FROM Bill", token: access).status == 401, "token of another realm")

            let refreshed = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: "grant_type=refresh_token&refresh_token=\(refresh)",
                                                  headers: ["Authorization": client.basic])
            #expect(refreshed.status == 200)
            let newRefresh = try #require(refreshed.json["refresh_token"] as? String)
            #expect(newRefresh != refresh)
            let newAccess = try #require(refreshed.json["access_token"] as? String)
            #expect(try await client.query("222", "SELECT * FROM Account", token: newAccess).status == 200)

            // As at Intuit, the replaced refresh token works for 24 hours more, then no longer.
            let replaced = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: "grant_type=refresh_token&refresh_token=\(refresh)",
                                                 headers: ["Authorization": client.basic])
            #expect(replaced.status == 200, "a refresh token replaced a moment ago is refused: \(replaced.text)")
            _ = try await client.send("POST", "/__sandbox/clock", json: ["advance_seconds": 86_401])
            let spent = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: "grant_type=refresh_token&refresh_token=\(refresh)",
                                              headers: ["Authorization": client.basic])
            #expect(spent.status == 400)
            #expect(spent.json["error"] as? String == "invalid_grant")

            let wrongSecret = "Basic " + Data("sandbox-client:nope".utf8).base64EncodedString()
            let unauthorized = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: "grant_type=refresh_token&refresh_token=\(newRefresh)",
                                                     headers: ["Authorization": wrongSecret])
            #expect(unauthorized.status == 401)
        }
    }

    @Test func withoutAGracePeriodAReplacedRefreshTokenIsRefusedAtOnce() async throws {
        var options = QBOSandboxOptions()
        options.previousRefreshTokenGrace = 0
        try await withSandbox(options) { client in
            try await client.seed("223")
            let refresh = try await client.tokens("223").refresh
            let form = "grant_type=refresh_token&refresh_token=\(refresh)"
            let first = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: form, headers: ["Authorization": client.basic])
            #expect(first.status == 200)
            let second = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: form, headers: ["Authorization": client.basic])
            #expect(second.status == 400)
            #expect(second.json["error"] as? String == "invalid_grant")
        }
    }

    @Test func revokingATokenRevokesItsWholeFamily() async throws {
        try await withSandbox { client in
            try await client.seed("333")
            let (access, refresh) = try await client.tokens("333")
            let revoke = try await client.send("POST", "/v2/oauth2/tokens/revoke", json: ["token": refresh], headers: ["Authorization": client.basic])
            #expect(revoke.status == 200)
            let call = try await client.query("333", "SELECT * FROM Bill", token: access)
            #expect(call.status == 401)
            let fault = call.json.object("fault")
            #expect(fault["type"] as? String == "AUTHENTICATION")
            #expect(fault.objects("error").first?["code"] as? String == "3200")
            let refreshAfter = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: "grant_type=refresh_token&refresh_token=\(refresh)",
                                                     headers: ["Authorization": client.basic])
            #expect(refreshAfter.json["error"] as? String == "invalid_grant")
        }
    }

    @Test func controlRevokeDisconnectsTheRealm() async throws {
        try await withSandbox { client in
            try await client.seed("444")
            let (access, refresh) = try await client.tokens("444")
            #expect(try await client.send("POST", "/__sandbox/realms/444/connections/revoke").status == 200)
            #expect(try await client.query("444", "SELECT * FROM Bill", token: access).status == 401)
            let refreshAfter = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: "grant_type=refresh_token&refresh_token=\(refresh)",
                                                     headers: ["Authorization": client.basic])
            #expect(refreshAfter.status == 400)
        }
    }

    @Test func advancingTheClockExpiresTheAccessToken() async throws {
        var options = QBOSandboxOptions()
        options.accessTokenLifetime = 600
        try await withSandbox(options) { client in
            try await client.seed("555")
            let (access, refresh) = try await client.tokens("555")
            #expect(try await client.query("555", "SELECT * FROM Bill", token: access).status == 200)
            #expect(try await client.send("POST", "/__sandbox/clock", json: ["advance_seconds": 601]).status == 200)
            let expired = try await client.query("555", "SELECT * FROM Bill", token: access)
            #expect(expired.status == 401)
            #expect(expired.text.contains("expired"))
            let refreshed = try await client.send("POST", "/oauth2/v1/tokens/bearer", form: "grant_type=refresh_token&refresh_token=\(refresh)",
                                                  headers: ["Authorization": client.basic])
            #expect(refreshed.status == 200)
            #expect(refreshed.json["expires_in"] as? Int == 600)
        }
    }
}
