import Foundation
import Testing
@testable import QBO

@Suite struct TokenStoreTests {
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qbo-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func sampleTokens(access: String = "ACCESS-SECRET-1", refresh: String = "REFRESH-SECRET-1") -> QBOTokenSet {
        QBOTokenSet(realmID: "9130", accessToken: access, accessTokenExpiresAt: Date(timeIntervalSince1970: 1_800_000_000),
                    refreshToken: refresh, refreshTokenExpiresAt: Date(timeIntervalSince1970: 1_900_000_000),
                    updatedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func fileIs0600InAFolderOf0700AndRoundTrips() throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("secrets/advisor-1/business-1.json")
        let store = QBOTokenStore(fileURL: file)
        try store.save(Self.sampleTokens())

        let fileMode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        let folderMode = try FileManager.default.attributesOfItem(atPath: file.deletingLastPathComponent().path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(folderMode == 0o700)
        #expect(try store.load() == Self.sampleTokens())

        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(#""status" : "active""#))
        #expect(text.contains(#""realm_id" : "9130""#))
        #expect(text.contains("2027-01-15T08:00:00.000Z"))
    }

    @Test func rewritesReplaceTheFileAtomicallyAndLeaveNoTemporaries() throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("b.json")
        let store = QBOTokenStore(fileURL: file)
        try store.save(Self.sampleTokens())
        let before = try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int
        try store.save(Self.sampleTokens(access: "ACCESS-2", refresh: "REFRESH-2"))
        let after = try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int
        // A new inode shows the content was renamed into place, not rewritten in place.
        #expect(before != after)
        #expect(try store.load()?.refreshToken == "REFRESH-2")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["b.json"])
    }

    @Test func aCorruptFileIsATokenStoreError() throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("b.json")
        try Data("{\"realm_id\": ".utf8).write(to: file)
        let error = try #require(throws: QBOError.self) { try QBOTokenStore(fileURL: file).load() }
        #expect(error.code == .tokenStore)
        #expect(error.message.contains(file.path))
    }

    @Test func tokensNeverPrint() {
        let tokens = Self.sampleTokens()
        var dumped = ""
        dump(tokens, to: &dumped)
        for text in [tokens.description, tokens.debugDescription, "\(tokens)", String(reflecting: tokens), dumped] {
            #expect(!text.contains("ACCESS-SECRET-1"))
            #expect(!text.contains("REFRESH-SECRET-1"))
            #expect(text.contains("redacted"))
        }
        let response = QBOTokenResponse(accessToken: "AAA-SECRET", refreshToken: "RRR-SECRET", expiresIn: 3600, refreshTokenExpiresIn: 100)
        var dumpedResponse = ""
        dump(response, to: &dumpedResponse)
        for text in ["\(response)", String(reflecting: response), dumpedResponse] {
            #expect(!text.contains("SECRET"))
        }
        let credentials = QBOAppCredentials(clientID: "id", clientSecret: "CLIENT-SECRET", redirectURI: "http://x")
        #expect(!"\(credentials)".contains("CLIENT-SECRET"))
    }

    @Test func theRefreshLockExcludesASecondHolder() async throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = QBOTokenStore(fileURL: root.appendingPathComponent("b.json"))
        try await store.withRefreshLock {
            // A second open file description (as another process would have) cannot take it.
            let second = try FileSystem.FileLock.tryLock(store.lockURL)
            #expect(second == nil)
        }
        let again = try FileSystem.FileLock.tryLock(store.lockURL)
        #expect(again != nil)
        again?.unlock()
    }
}
