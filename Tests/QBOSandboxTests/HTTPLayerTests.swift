import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QBOSandbox
import Testing

/// What the HTTP layer itself must take: long request lines, every client's encoding.
@Suite struct HTTPLayerTests {
    @Test func aLongGETQueryOfSeveralKilobytesIsAnswered() async throws {
        try await withSandbox { client in
            try await client.seed("400", bills: 30)
            let token = try await client.tokens("400").access
            let ids = (1...1500).map { "'\($0)'" }.joined(separator: ",")
            let statement = "SELECT * FROM Bill WHERE Id IN (\(ids)) MAXRESULTS 1000"
            let encoded = statement.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(encoded.utf8.count > 8_000, "the request line is past 8 KB")
            let answer = try await client.api("GET", "400", "query?query=\(encoded)", token: token)
            #expect(answer.status == 200, "\(answer.text.prefix(300))")
            let bills = answer.json.object("QueryResponse").objects("Bill")
            let count = try await client.query("400", "SELECT COUNT(*) FROM Bill", token: token).json.object("QueryResponse")["totalCount"] as? Int
            #expect(bills.count == count, "every bill's Id is in the list")
            #expect(!bills.isEmpty)
        }
    }

    @Test func aQueryStringWithPlusForSpacesIsReadAsHTMLFormsEncodeIt() async throws {
        try await withSandbox { client in
            try await client.seed("401", bills: 5)
            let token = try await client.tokens("401").access
            // Python's requests (urlencode) sends spaces as "+" and "*" as %2A.
            let answer = try await client.api("GET", "401", "query?query=SELECT+%2A+FROM+Bill+WHERE+Balance+%3E%3D+%270%27&minorversion=75", token: token)
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.json.object("QueryResponse").objects("Bill").count == 5)
        }
    }
}
