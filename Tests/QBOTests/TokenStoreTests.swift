import Foundation
import Testing
@testable import QBO
import RowCol

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

    @Test func aCorruptFileIsATokenStoreError() throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("b.json")
        try Data("{\"realm_id\": ".utf8).write(to: file)
        let error = try #require(throws: QBOError.self) { try QBOTokenStore.file(file).load() }
        #expect(error.code == .tokenStore)
        #expect(error.message.contains(file.path))
    }

    @Test func aMemoryStorageRoundTripsAndSerializesItsHolders() async throws {
        let store = QBOTokenStore(storage: QBOMemoryTokenStorage())
        #expect(try store.load() == nil)
        try store.save(Self.sampleTokens())
        #expect(try store.load() == Self.sampleTokens())
        // Two holders of the lock never overlap: each sees the other's write complete.
        let counter = QBOMemoryTokenStorage(Data("0".utf8))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await counter.withExclusiveLock {
                        let value = Int(String(decoding: try counter.read() ?? Data(), as: UTF8.self)) ?? -1
                        await Task.yield()
                        try counter.write(Data("\(value + 1)".utf8))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(String(decoding: try counter.read() ?? Data(), as: UTF8.self) == "20")
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
}

extension QBOTokenStore {
    /// A token store over a file of the workspace kind (RowCol's `SecretFile`).
    static func file(_ url: URL) -> QBOTokenStore {
        QBOTokenStore(storage: SecretFile(path: url.path))
    }
}
