import Crypto
import Foundation
import RowCol
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct WebhookTests {
    func post(_ url: URL, _ body: Data, signature: String?) async throws -> Int {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        if let signature { request.setValue(signature, forHTTPHeaderField: "intuit-signature") }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    func sign(_ body: Data, _ token: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(token.utf8)))).base64EncodedString()
    }

    @Test func aSignedNotificationRefreshesTheBillAndTamperedOnesAreRefused() async throws {
        let (sandbox, books, realm) = try await connectedAcme(bills: 8, invoices: 2)
        defer { Task { await sandbox.stop() }; books.remove() }
        #expect(try await rowcol(["sync", "--strict", "--workspace", books.folder.path]).status == 0)
        let bill = try #require(try books.workspace.mirrorReader(for: books.advisor).bills(of: books.business("acme")).first)
        try await sandbox.call("PATCH", "__sandbox/realms/\(realm)/bill/\(bill.id)", ["DocNumber": "FROM-WEBHOOK"])

        let server = try RowcolProcess(["webhook", "serve", "--workspace", books.folder.path, "--verifier-token", "hush"])
        defer { server.kill() }
        let line = await server.firstLine()
        let url = try #require(line.split(separator: " ").last.flatMap { URL(string: String($0)) }, "\(line)")

        let body = Data("""
            {"eventNotifications":[{"realmId":"\(realm)","dataChangeEvent":{"entities":[
            {"name":"Bill","id":"\(bill.id)","operation":"Update","lastUpdated":"2026-11-28T10:00:00.000Z"}]}}]}
            """.utf8)
        var tampered = body
        tampered[tampered.startIndex + 10] ^= 0x20
        #expect(try await post(url, tampered, signature: sign(body, "hush")) == 401)
        #expect(try await post(url, body, signature: sign(body, "wrong")) == 401)
        #expect(try await post(url, body, signature: nil) == 401)
        #expect(try await post(url, body, signature: sign(body, "hush")) == 200)
        #expect(try await post(url, body, signature: sign(body, "hush")) == 200)  // a replay is harmless

        var docNumber: String?
        for _ in 0..<100 where docNumber != "FROM-WEBHOOK" {
            try await Task.sleep(for: .milliseconds(100))
            docNumber = try? books.workspace.mirrorReader(for: books.advisor).bill(bill.id, of: books.business("acme"))?.docNumber
        }
        #expect(docNumber == "FROM-WEBHOOK")
    }
}
