import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QBOSandbox
import Testing

@Suite struct PersistenceTests {
    @Test func companiesTokensAndChangesSurviveARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbo-sandbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = QBOSandboxOptions()
        options.dataDirectory = directory

        let first = try await QBOSandboxServer.start(options)
        let client = Client(sandbox: first)
        try await client.seed("100", bills: 30)
        let (access, refresh) = try await client.tokens("100")
        let bill = try #require(try await client.query("100", "SELECT * FROM Bill MAXRESULTS 1", token: access).json.object("QueryResponse").objects("Bill").first)
        let id = try #require(bill["Id"] as? String)
        _ = try await client.send("PATCH", "/__sandbox/realms/100/bill/\(id)", json: ["DueDate": "2031-03-03"])
        _ = try await client.send("POST", "/__sandbox/clock", json: ["advance_seconds": 10])
        try await first.stop()

        let second = try await QBOSandboxServer.start(options)
        let again = Client(sandbox: second)
        let read = try await again.api("GET", "100", "bill/\(id)", token: access)
        #expect(read.status == 200, "the access token survives too")
        #expect(read.json.object("Bill")["DueDate"] as? String == "2031-03-03")
        let count = try await again.query("100", "SELECT COUNT(*) FROM Bill", token: access)
        #expect(count.json.object("QueryResponse")["totalCount"] as? Int == 30)
        let refreshed = try await again.send("POST", "/oauth2/v1/tokens/bearer", form: "grant_type=refresh_token&refresh_token=\(refresh)",
                                             headers: ["Authorization": again.basic])
        #expect(refreshed.status == 200)
        let clock = try await again.send("GET", "/__sandbox/clock")
        #expect((clock.json["offset_seconds"] as? NSNumber)?.intValue == 10)
        try await second.stop()
    }

    @Test func aCompanyWithHistoryAndItsNewPaymentsSurviveARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbo-sandbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = QBOSandboxOptions()
        options.dataDirectory = directory
        let first = try await QBOSandboxServer.start(options)
        let client = Client(sandbox: first)
        let seeded = try await client.control.createRealm("102", bills: 60, invoices: 40)
        let token = try await client.tokens("102").access
        let bank = try #require(try await client.rows("102", "SELECT * FROM Account WHERE AccountType = 'Bank'", token: token).first)
        let expense = try #require(try await client.rows("102", "SELECT * FROM Account WHERE AccountType = 'Expense'", token: token).first)
        let created = try await client.api("POST", "102", "purchase", token: token, json: [
            "PaymentType": "Cash", "AccountRef": ["value": bank["Id"]!],
            "Line": [["Amount": 12, "AccountBasedExpenseLineDetail": ["AccountRef": ["value": expense["Id"]!]]]]])
        #expect(created.status == 200, "\(created.text)")
        let history = try await client.control.history(realm: "102")
        try await first.stop()

        let second = try await QBOSandboxServer.start(options)
        let again = Client(sandbox: second)
        let summary = try #require(try await again.control.realms().first)
        #expect(summary.payments == seeded.payments && summary.billPayments == seeded.billPayments)
        #expect(summary.purchases == seeded.purchases + 1 && summary.historyMonths == 12)
        #expect(try await again.control.history(realm: "102") == history)
        #expect(try await again.control.stats().purchasesCreated == 1)
        try await second.stop()
    }

    @Test func withoutADataDirectoryARestartIsEmpty() async throws {
        try await withSandbox { client in
            try await client.seed("101")
        }
        try await withSandbox { client in
            let realms = try await client.send("GET", "/__sandbox/realms")
            #expect((realms.json["realms"] as? [Any])?.isEmpty == true)
        }
    }
}

@Suite struct RunTests {
    @Test func runServesUntilCancelledThenSaves() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbo-sandbox-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = QBOSandboxOptions()
        options.dataDirectory = directory
        let (urls, continuation) = AsyncStream.makeStream(of: URL.self)
        let serving = Task {
            try await QBOSandboxServer.run(options) { continuation.yield($0) }
        }
        var iterator = urls.makeAsyncIterator()
        let base = try #require(await iterator.next())
        var request = URLRequest(url: base.appendingPathComponent("__sandbox/realms"))
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"realm": "700", "bills": 3}"#.utf8)
        let (_, response) = try await session.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)
        serving.cancel()
        try await serving.value

        let restarted = try await QBOSandboxServer.start(options)
        let realms = try await Client(sandbox: restarted).send("GET", "/__sandbox/realms")
        #expect((realms.json["realms"] as? [[String: Any]])?.first?["realm"] as? String == "700")
        try await restarted.stop()
    }
}

@Suite struct WireTimeTests {
    @Test func cdcAcceptsChangedSinceWithUTCAndPositiveOffsets() async throws {
        try await withSandbox { client in
            try await client.seed("710")
            let token = try await client.tokens("710").access
            let day = ISO8601DateFormatter.string(from: Date().addingTimeInterval(-86_400), timeZone: TimeZone(secondsFromGMT: 0)!,
                                                  formatOptions: [.withInternetDateTime])
            for since in [day, day.replacingOccurrences(of: "Z", with: "+00:00"), day.replacingOccurrences(of: "Z", with: ".000-00:00")] {
                let encoded = since.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let answer = try await client.api("GET", "710", "cdc?entities=Bill&changedSince=\(encoded)", token: token)
                #expect(answer.status == 200, "\(since): \(answer.text)")
            }
        }
    }
}
