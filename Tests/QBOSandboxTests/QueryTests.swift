import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QBOSandbox
import Testing

@Suite struct QueryTests {
    @Test func sameSeedGivesSameDataAndAnotherSeedDoesNot() async throws {
        try await withSandbox { client in
            try await client.seed("1", seed: 99, bills: 40)
            try await client.seed("2", seed: 99, bills: 40)
            try await client.seed("3", seed: 100, bills: 40)
            func bills(_ realm: String) async throws -> Data {
                let token = try await client.tokens(realm).access
                let answer = try await client.query(realm, "SELECT * FROM Bill MAXRESULTS 1000", token: token)
                let list = answer.json.object("QueryResponse")["Bill"] ?? []
                return try JSONSerialization.data(withJSONObject: list, options: [.sortedKeys])
            }
            let first = try await bills("1")
            #expect(first.count > 1000)
            #expect(try await bills("2") == first)
            #expect(try await bills("3") != first)
        }
    }

    @Test func seededCompanyHasBanksNonBanksOverdueAndPartlyPaidBills() async throws {
        try await withSandbox { client in
            try await client.seed("10", bills: 200, accounts: 3)
            let token = try await client.tokens("10").access
            let banks = try await client.query("10", "SELECT * FROM Account WHERE AccountType = 'Bank'", token: token)
            let bankList = banks.json.object("QueryResponse").objects("Account")
            #expect(bankList.count == 3)
            #expect(bankList.allSatisfy { ($0.decimal("CurrentBalance") ?? 0) > 0 })
            let all = try await client.query("10", "SELECT COUNT(*) FROM Account", token: token)
            #expect((all.json.object("QueryResponse")["totalCount"] as? Int ?? 0) > 3)
            let bills = try await client.query("10", "SELECT * FROM Bill MAXRESULTS 1000", token: token).json.object("QueryResponse").objects("Bill")
            let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(secondsFromGMT: -8 * 3600)!, formatOptions: [.withFullDate])
            #expect(bills.contains { ($0["DueDate"] as? String ?? "") < today && ($0.decimal("Balance") ?? 0) > 0 })
            #expect(bills.contains { ($0["DueDate"] as? String ?? "") > today })
            #expect(bills.contains { ($0.decimal("Balance") ?? 0) > 0 && $0.decimal("Balance") != $0.decimal("TotalAmt") })
            let bill = try #require(bills.first)
            #expect(bill["Id"] is String)
            #expect(bill["SyncToken"] is String)
            #expect(bill["TotalAmt"] is NSNumber)
            #expect(bill.object("MetaData")["LastUpdatedTime"] is String)
            #expect(bill.object("VendorRef")["value"] is String)
        }
    }

    @Test func pages2500BillsWithStartPositionAndMaxResults() async throws {
        try await withSandbox { client in
            try await client.seed("20", bills: 2500)
            let token = try await client.tokens("20").access
            var ids = Set<String>()
            var start = 1
            var pages = 0
            while true {
                let answer = try await client.query("20", "SELECT * FROM Bill STARTPOSITION \(start) MAXRESULTS 1000", token: token)
                #expect(answer.status == 200)
                let response = answer.json.object("QueryResponse")
                let rows = response.objects("Bill")
                if rows.isEmpty {
                    #expect(response["Bill"] == nil, "an empty page has no entity key")
                    break
                }
                #expect(response["startPosition"] as? Int == start)
                #expect(response["maxResults"] as? Int == rows.count)
                ids.formUnion(rows.compactMap { $0["Id"] as? String })
                start += rows.count
                pages += 1
            }
            #expect(pages == 3)
            #expect(ids.count == 2500)
            let count = try await client.query("20", "SELECT COUNT(*) FROM Bill", token: token)
            #expect(count.json.object("QueryResponse")["totalCount"] as? Int == 2500)
            #expect(count.json["time"] is String)
        }
    }

    @Test func whereAndOrderByFilterAndSort() async throws {
        try await withSandbox { client in
            try await client.seed("30", bills: 300)
            let token = try await client.tokens("30").access
            let open = try await client.query("30", "select * from Bill where Balance > '0' and DueDate < '2999-01-01' orderby DueDate desc maxresults 1000", token: token)
            let rows = open.json.object("QueryResponse").objects("Bill")
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { ($0.decimal("Balance") ?? 0) > 0 })
            let dues = rows.compactMap { $0["DueDate"] as? String }
            #expect(dues == dues.sorted(by: >))
            let total = try await client.query("30", "SELECT COUNT(*) FROM Bill", token: token).json.object("QueryResponse")["totalCount"] as? Int
            #expect(rows.count < total ?? 0, "some seeded bills are paid")

            let first = try #require(rows.first)
            let vendor = try #require(first.object("VendorRef")["value"] as? String)
            let byVendor = try await client.query("30", "SELECT * FROM Bill WHERE VendorRef = '\(vendor)' MAXRESULTS 1000", token: token)
            let vendorRows = byVendor.json.object("QueryResponse").objects("Bill")
            #expect(!vendorRows.isEmpty && vendorRows.allSatisfy { $0.object("VendorRef")["value"] as? String == vendor })

            let someIds = rows.prefix(3).compactMap { $0["Id"] as? String }
            let inList = try await client.query("30", "SELECT * FROM Bill WHERE Id IN (\(someIds.map { "'\($0)'" }.joined(separator: ",")))", token: token)
            #expect(Set(inList.json.object("QueryResponse").objects("Bill").compactMap { $0["Id"] as? String }) == Set(someIds))

            let like = try await client.query("30", "SELECT * FROM Account WHERE Name LIKE '%check%'", token: token)
            #expect(like.json.object("QueryResponse").objects("Account").map { $0["Name"] as? String } == ["Checking"])

            let post = try await client.send("POST", "/v3/company/30/query?minorversion=75", text: "SELECT * FROM Bill ORDERBY MetaData.LastUpdatedTime MAXRESULTS 5",
                                             headers: ["Authorization": "Bearer \(token)"])
            let updated = post.json.object("QueryResponse").objects("Bill").compactMap { $0.object("MetaData")["LastUpdatedTime"] as? String }
            #expect(updated.count == 5)
            #expect(updated == updated.sorted())
        }
    }

    @Test(arguments: [("SELEKT * FROM Bill", "4000"), ("SELECT * FROM Nonsense", "4001"), ("SELECT * FROM Bill MAXRESULTS 1001", "4001"),
                      ("SELECT * FROM Bill STARTPOSITION 0", "4001"), ("SELECT * FROM Bill WHERE Balance >", "4000"),
                      ("SELECT * FROM Bill WHERE DocNumber = 'open", "4000"), ("SELECT * FROM Bill WHERE PrivateNote = 'x'", "4001"),
                      ("SELECT * FROM Bill WHERE DueDate < 'soon'", "4001"), ("SELECT * FROM Bill ORDERBY Line", "4001")])
    func invalidQueryGetsFault4000Or4001(statement: String, code: String) async throws {
        try await withSandbox { client in
            try await client.seed("40", bills: 1)
            let token = try await client.tokens("40").access
            let answer = try await client.query("40", statement, token: token)
            #expect(answer.status == 400)
            let fault = answer.json.object("Fault")
            #expect(fault["type"] as? String == "ValidationFault")
            let error = try #require(fault.objects("Error").first)
            #expect(error["code"] as? String == code, "\(answer.text)")
            #expect((error["Detail"] as? String ?? "").hasPrefix(code == "4000" ? "QueryParserError: Encountered" : "QueryValidationError: "))
        }
    }
}
