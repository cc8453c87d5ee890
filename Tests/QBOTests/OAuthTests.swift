import Foundation
import Testing
@testable import QBO

@Suite struct OAuthTests {
    @Test func authorizationURLCarriesTheParameters() throws {
        let oauth = QBOOAuthClient(endpoints: .intuitSandbox,
                                   credentials: QBOAppCredentials(clientID: "abc", clientSecret: "s", redirectURI: "http://localhost:8080/callback?x=1"))
        let url = oauth.authorizationURL(state: "st+ate")
        let components = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false))
        #expect(components.host == "appcenter.intuit.com")
        #expect(components.path == "/connect/oauth2")
        let items = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items == ["client_id": "abc", "response_type": "code", "scope": "com.intuit.quickbooks.accounting",
                          "redirect_uri": "http://localhost:8080/callback?x=1", "state": "st+ate"])
        #expect(url.absoluteString.contains("st%2Bate"))
    }

    @Test func localEndpointsUseIntuitPathsUnderOneBase() {
        let endpoints = QBOEndpoints.local(URL(string: "http://127.0.0.1:8123")!)
        #expect(endpoints.authorize.absoluteString == "http://127.0.0.1:8123/connect/oauth2")
        #expect(endpoints.token.absoluteString == "http://127.0.0.1:8123/oauth2/v1/tokens/bearer")
        #expect(endpoints.revoke.absoluteString == "http://127.0.0.1:8123/v2/oauth2/tokens/revoke")
        #expect(endpoints.discovery?.absoluteString == "http://127.0.0.1:8123/.well-known/openid_configuration")
        let url = endpoints.companyURL(realmID: "9130", path: "bill/42", query: [URLQueryItem(name: "requestid", value: "a b&c")])
        #expect(url.absoluteString == "http://127.0.0.1:8123/v3/company/9130/bill/42?requestid=a%20b%26c&minorversion=75")
    }

    @Test func endpointsFromTheDiscoveryDocument() throws {
        let endpoints = try QBOEndpoints.fromDiscovery(Fixture.data("oauth/dotnet_discovery.json"),
                                                       api: URL(string: "https://sandbox-quickbooks.api.intuit.com")!)
        #expect(endpoints.token == QBOEndpoints.production.token)
        #expect(endpoints.authorize == QBOEndpoints.production.authorize)
        #expect(endpoints.revoke == QBOEndpoints.production.revoke)
        #expect(throws: QBOError.self) { try QBOEndpoints.fromDiscovery(Data("{}".utf8), api: QBOEndpoints.production.api) }
    }

    @Test(arguments: ["oauth/dotnet_success_token_response.json", "oauth/dotnet_success_refreshtoken_response.json",
                      "oauth/jsclient_refreshResponse.json"])
    func tokenAnswersParse(file: String) throws {
        let response = try QBOTokenResponse(jsonData: Fixture.data(file))
        #expect(response.expiresIn == 3600)
        #expect(!response.refreshToken.isEmpty)
        let now = Date(timeIntervalSince1970: 1_000)
        let tokens = response.tokenSet(realmID: "1", now: now)
        #expect(tokens.accessTokenExpiresAt == now.addingTimeInterval(3600))
        #expect(tokens.accessTokenIsFresh(at: now))
        #expect(!tokens.accessTokenIsFresh(at: now.addingTimeInterval(3550)))
    }

    @Test func aFailedTokenAnswerDoesNotParse() throws {
        #expect(throws: QBOError.self) { try QBOTokenResponse(jsonData: Fixture.data("oauth/dotnet_failure_token_response.json")) }
    }
}
