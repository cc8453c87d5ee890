import Foundation
import Testing
@testable import QBO

/// Runs against Intuit's hosted sandbox company when real credentials are set, and is skipped
/// (visibly, with the reason) otherwise. These machines cannot reach Intuit.
@Suite(.enabled(if: LiveQBOEnvironment.current != nil,
                "set ROWCOL_LIVE_QBO_CLIENT_ID, ROWCOL_LIVE_QBO_CLIENT_SECRET, ROWCOL_LIVE_QBO_REFRESH_TOKEN and ROWCOL_LIVE_QBO_REALM to run against Intuit's sandbox"))
struct LiveQBOTests {
    @Test func readsBankAccountsAndCountsBills() async throws {
        let live = try #require(LiveQBOEnvironment.current)
        let folder = try TokenStoreTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = QBOTokenStore.file(folder.appendingPathComponent("live.json"))
        // An expired access token makes the first call refresh, which exercises the token endpoint too.
        try store.save(QBOTokenSet(realmID: live.realm, accessToken: "none", accessTokenExpiresAt: .distantPast,
                                   refreshToken: live.refreshToken, refreshTokenExpiresAt: nil))
        let oauth = QBOOAuthClient(endpoints: .intuitSandbox,
                                   credentials: QBOAppCredentials(clientID: live.clientID, clientSecret: live.secret, redirectURI: "http://localhost"))
        let client = QBOClient(realmID: live.realm, endpoints: .intuitSandbox, tokens: QBOTokenManager(store: store, oauth: oauth))
        let banks = try await client.queryAll(QBOAccount.self, where: "AccountType = 'Bank'")
        #expect(banks.allSatisfy { $0.accountType == "Bank" })
        #expect(try await client.count(QBOBill.self) >= 0)
        print("The rotated refresh token is in \(store.location); keep it for the next live run.")
    }
}

enum LiveQBOEnvironment {
    static var current: (clientID: String, secret: String, refreshToken: String, realm: String)? {
        let env = ProcessInfo.processInfo.environment
        guard let id = env["ROWCOL_LIVE_QBO_CLIENT_ID"], let secret = env["ROWCOL_LIVE_QBO_CLIENT_SECRET"],
              let refresh = env["ROWCOL_LIVE_QBO_REFRESH_TOKEN"], let realm = env["ROWCOL_LIVE_QBO_REALM"] else { return nil }
        return (id, secret, refresh, realm)
    }
}
