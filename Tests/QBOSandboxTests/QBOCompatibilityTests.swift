import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QBOSandbox
import Testing

/// What any QBO client sends and expects (issue 15): encodings, the query language as QBO answers
/// it, operations beyond the basics.
@Suite struct QBOCompatibilityTests {
    func faultCode(_ answer: Answer) -> String? { answer.json.object("Fault").objects("Error").first?["code"] as? String }
    func faultDetail(_ answer: Answer) -> String { answer.json.object("Fault").objects("Error").first?["Detail"] as? String ?? "" }

    @Test(arguments: [("application/text", "SELECT * FROM Bill"), ("text/plain", "SELECT * FROM Bill"),
                      ("application/text; charset=utf-8", "select * from bill"),
                      ("application/x-www-form-urlencoded", "query=SELECT+%2A+FROM+Bill"),
                      ("application/x-www-form-urlencoded", "query=SELECT%20*%20FROM%20Bill&minorversion=75")])
    func aPOSTQueryIsReadFromEveryContentTypeQBOTakes(contentType: String, body: String) async throws {
        try await withSandbox { client in
            try await client.seed("500", bills: 4)
            let token = try await client.tokens("500").access
            let answer = try await client.send("POST", "/v3/company/500/query?minorversion=75", text: body,
                                               headers: ["Authorization": "Bearer \(token)", "Content-Type": contentType])
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.json.object("QueryResponse").objects("Bill").count == 4)
        }
    }

    @Test func keywordsEntityAndPropertyNamesAreNotCaseSensitive() async throws {
        try await withSandbox { client in
            try await client.seed("501", bills: 30)
            let token = try await client.tokens("501").access
            let lower = try await client.query("501", "select * from bILL where balance > '0' orderby duedate desc maxresults 1000", token: token)
            #expect(lower.status == 200, "\(lower.text)")
            let rows = lower.json.object("QueryResponse").objects("Bill")
            #expect(!rows.isEmpty)
            #expect(lower.json.object("QueryResponse")["Bill"] != nil, "the answer spells the entity as QBO does")
            let dues = rows.compactMap { $0["DueDate"] as? String }
            #expect(dues == dues.sorted(by: >))
            let upper = try await client.query("501", "SELECT * FROM Bill WHERE Balance > '0' ORDERBY DueDate DESC MAXRESULTS 1000", token: token)
            #expect(upper.json.object("QueryResponse").objects("Bill").count == rows.count)
        }
    }

    // Payment and Purchase are held now (PaymentTests, PurchaseTests).
    @Test(arguments: ["Item", "SalesReceipt", "Transfer", "JournalEntry", "TaxCode", "Employee", "Deposit", "estimate", "VENDORCREDIT"])
    func everyEntityQBOHasAnswersAQuery(entity: String) async throws {
        try await withSandbox { client in
            try await client.seed("502", bills: 2)
            let token = try await client.tokens("502").access
            let rows = try await client.query("502", "SELECT * FROM \(entity) MAXRESULTS 10", token: token)
            #expect(rows.status == 200, "\(rows.text)")
            #expect(rows.json.object("QueryResponse").isEmpty, "no rows: an empty QueryResponse, as QBO answers a company without them")
            #expect(rows.json["time"] is String)
            let count = try await client.query("502", "SELECT COUNT(*) FROM \(entity)", token: token)
            #expect(count.json.object("QueryResponse")["totalCount"] as? Int == 0)
        }
    }

    @Test func aNameQBODoesNotHaveIsFault4001WithQBOsWording() async throws {
        try await withSandbox { client in
            try await client.seed("503", bills: 1)
            let token = try await client.tokens("503").access
            let answer = try await client.query("503", "SELECT * FROM Custmoer", token: token)
            #expect(answer.status == 400)
            #expect(faultCode(answer) == "4001")
            #expect(answer.json.object("Fault").objects("Error").first?["Message"] as? String == "Invalid query")
            #expect(faultDetail(answer) == "QueryValidationError: invalid context declaration: Custmoer", "as fixture fault_query_invalid_entity.json")
        }
    }

    @Test(arguments: [("Bill", "PrivateNote"), ("Bill", "Line.Amount"), ("Invoice", "EmailStatuss"), ("Account", "Nonsense"),
                      ("Vendor", "SyncToken")])
    func anUnknownOrNonQueryablePropertyIsFault4001(entity: String, property: String) async throws {
        try await withSandbox { client in
            try await client.seed("504", bills: 3)
            let token = try await client.tokens("504").access
            for statement in ["SELECT * FROM \(entity) WHERE \(property) = 'x'", "SELECT * FROM \(entity) ORDERBY \(property)"] {
                let answer = try await client.query("504", statement, token: token)
                #expect(answer.status == 400, "\(statement): \(answer.text)")
                #expect(faultCode(answer) == "4001")
                #expect(faultDetail(answer) == "QueryValidationError: property '\(property)' is not queryable")
            }
        }
    }

    @Test(arguments: ["SELECT * FROM Bill WHERE DueDate < 'next week'", "SELECT * FROM Bill WHERE TxnDate = '2026-02-30x'",
                      "SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime > 'yesterday'", "SELECT * FROM Bill WHERE DueDate IN ('2026-01-01', 'soon')"])
    func aDateThatIsNotADateIsAFault(statement: String) async throws {
        try await withSandbox { client in
            try await client.seed("505", bills: 3)
            let token = try await client.tokens("505").access
            let answer = try await client.query("505", statement, token: token)
            #expect(answer.status == 400, "\(answer.text)")
            #expect(faultCode(answer) == "4001")
            #expect(faultDetail(answer).contains("is not a valid date"))
        }
    }

    @Test func aDateTimeComparesWithADatePropertyByItsPacificDay() async throws {
        try await withSandbox { client in
            try await client.seed("506", bills: 40)
            let token = try await client.tokens("506").access
            let all = try await client.query("506", "SELECT * FROM Bill MAXRESULTS 1000", token: token).json.object("QueryResponse").objects("Bill")
            let day = try #require(all.compactMap { $0["DueDate"] as? String }.sorted()[20...].first)
            let byDate = try await client.query("506", "SELECT COUNT(*) FROM Bill WHERE DueDate <= '\(day)'", token: token)
            let byTime = try await client.query("506", "SELECT COUNT(*) FROM Bill WHERE DueDate <= '\(day)T23:30:00-08:00'", token: token)
            let expected = all.filter { ($0["DueDate"] as? String ?? "") <= day }.count
            #expect(byDate.json.object("QueryResponse")["totalCount"] as? Int == expected)
            #expect(byTime.json.object("QueryResponse")["totalCount"] as? Int == expected)
        }
    }

    @Test(arguments: ["SELEKT * FROM Bill", "SELECT * FROM Bill WHERE", "SELECT * FROM Bill WHERE Balance > ", "SELECT * FROM Bill WHERE Balance >> '1'",
                      "SELECT * FROM Bill ORDERBY", "SELECT * FROM Bill MAXRESULTS ten", "SELECT * FROM Bill WHERE DocNumber IN 'x'",
                      "SELECT * FROM Bill WHERE DocNumber = 'open", "SELECT * FROM Bill garbage", "SELECT * FROM"])
    func aSyntaxErrorIsQBOs4000QueryParserError(statement: String) async throws {
        try await withSandbox { client in
            try await client.seed("507", bills: 1)
            let token = try await client.tokens("507").access
            let answer = try await client.query("507", statement, token: token)
            #expect(answer.status == 400)
            #expect(faultCode(answer) == "4000", "\(answer.text)")
            #expect(answer.json.object("Fault").objects("Error").first?["Message"] as? String == "Error parsing query")
            let detail = faultDetail(answer)
            #expect(detail.hasPrefix("QueryParserError: Encountered \""), "\(detail)")
            #expect(detail.contains(" at line 1, column "))
        }
    }

    @Test func faultMessagesCarryNoControlCharacters() async throws {
        try await withSandbox { client in
            try await client.seed("508", bills: 1)
            let token = try await client.tokens("508").access
            for statement in ["SELECT * FROM Bill WHERE DocNumber = 'a\nb\u{1}c", "SELECT *\tFROM Bill\r\n WHERE\u{7}", "SELECT * FROM Bi\u{0}ll",
                              "SELECT * FROM Bill WHERE DueDate = '\u{1B}[31m'"] {
                let answer = try await client.send("POST", "/v3/company/508/query", text: statement, headers: ["Authorization": "Bearer \(token)"])
                #expect(answer.status == 400, "\(statement.debugDescription)")
                for error in answer.json.object("Fault").objects("Error") {
                    for key in ["Message", "Detail"] {
                        let text = error[key] as? String ?? ""
                        #expect(!text.isEmpty)
                        #expect(!text.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }, "\(key): \(text.debugDescription)")
                    }
                }
            }
        }
    }

    @Test func orderByTakesSeveralPropertiesEachWithItsDirection() async throws {
        try await withSandbox { client in
            try await client.seed("509", bills: 200)
            let token = try await client.tokens("509").access
            let answer = try await client.query("509", "SELECT * FROM Bill ORDERBY VendorRef, DueDate DESC, Id MAXRESULTS 1000", token: token)
            #expect(answer.status == 200, "\(answer.text)")
            let rows = answer.json.object("QueryResponse").objects("Bill")
            #expect(rows.count == 200)
            let keys = rows.map { (Int($0.object("VendorRef")["value"] as? String ?? "") ?? 0, $0["DueDate"] as? String ?? "", Int($0["Id"] as? String ?? "") ?? 0) }
            var pairs = 0
            for (a, b) in zip(keys, keys.dropFirst()) {
                pairs += 1
                #expect(a.0 < b.0 || (a.0 == b.0 && (a.1 > b.1 || (a.1 == b.1 && a.2 < b.2))), "\(a) before \(b)")
            }
            #expect(pairs == 199)
            #expect(Set(keys.map(\.0)).count > 1, "several vendors, so the second key decides within each")
        }
    }

    @Test func invoiceVoidZeroesTheAmountsAndKeepsTheInvoice() async throws {
        try await withSandbox { client in
            try await client.seed("510", bills: 1, invoices: 5)
            let token = try await client.tokens("510").access
            let invoice = try #require(try await client.query("510", "SELECT * FROM Invoice WHERE Balance > '0' MAXRESULTS 1", token: token)
                .json.object("QueryResponse").objects("Invoice").first)
            let id = try #require(invoice["Id"] as? String)
            let voided = try await client.api("POST", "510", "invoice?operation=void&minorversion=75", token: token,
                                              json: ["Id": id, "SyncToken": invoice["SyncToken"]!])
            #expect(voided.status == 200, "\(voided.text)")
            let body = voided.json.object("Invoice")
            #expect(body.decimal("TotalAmt") == 0)
            #expect(body.decimal("Balance") == 0)
            // Intuit: "Voided" is injected into PrivateNote, prepended to existing text if present.
            let note = invoice["PrivateNote"] as? String ?? ""
            #expect(body["PrivateNote"] as? String == (note.isEmpty ? "Voided" : "Voided - " + note))
            #expect(body.objects("Line").allSatisfy { $0.decimal("Amount") == 0 })
            #expect(body["SyncToken"] as? String == String(Int(invoice["SyncToken"] as! String)! + 1))
            let read = try await client.api("GET", "510", "invoice/\(id)", token: token)
            #expect(read.json.object("Invoice").decimal("TotalAmt") == 0, "still there, voided")
        }
    }

    @Test func companyInfoAndPreferencesAreReadAndQueried() async throws {
        try await withSandbox { client in
            try await client.seed("511", bills: 1)
            let token = try await client.tokens("511").access
            let info = try await client.api("GET", "511", "companyinfo/511?minorversion=75", token: token)
            #expect(info.status == 200, "\(info.text)")
            #expect(info.json.object("CompanyInfo")["CompanyName"] as? String == "Sandbox Company 511")
            #expect(info.json.object("CompanyInfo")["Id"] as? String == "1")
            #expect(info.json.object("CompanyInfo").objects("NameValue").contains { $0["Name"] as? String == "OfferingSku" })
            let queried = try await client.query("511", "SELECT * FROM CompanyInfo", token: token)
            #expect(queried.json.object("QueryResponse").objects("CompanyInfo").first?["CompanyName"] as? String == "Sandbox Company 511")
            let preferences = try await client.api("GET", "511", "preferences", token: token)
            #expect(preferences.status == 200)
            #expect(preferences.json.object("Preferences").object("CurrencyPrefs").object("HomeCurrency")["value"] as? String == "USD")
            let preferenceRows = try await client.query("511", "select * from Preferences", token: token).json.object("QueryResponse").objects("Preferences")
            #expect(preferenceRows.count == 1)
        }
    }

    @Test func anUnknownOperationOrResourceIsQBOsUnsupportedOperationFault() async throws {
        try await withSandbox { client in
            try await client.seed("512", bills: 2)
            let token = try await client.tokens("512").access
            let bill = try #require(try await client.query("512", "SELECT * FROM Bill MAXRESULTS 1", token: token).json.object("QueryResponse").objects("Bill").first)
            let answer = try await client.api("POST", "512", "bill?operation=frobnicate", token: token,
                                              json: ["Id": bill["Id"]!, "SyncToken": bill["SyncToken"]!])
            #expect(answer.status == 400)
            #expect(faultCode(answer) == "500")
            #expect(answer.json.object("Fault").objects("Error").first?["Message"] as? String == "Unsupported Operation")
            #expect(faultDetail(answer) == "Operation frobnicate is not supported.")
            let unknown = try await client.api("GET", "512", "gadget/1", token: token)
            #expect(unknown.status == 400)
            #expect(faultCode(unknown) == "500")
            #expect(try await client.api("GET", "512", "item/1", token: token).json.object("Fault").objects("Error").first?["code"] as? String == "610",
                    "an entity QBO has, of which the sandbox holds none: not found")
        }
    }
}

/// QBO's times: Pacific offsets with daylight saving time; date-times as QBO takes them.
@Suite struct PacificTimeTests {
    /// Seconds from `now` to the next 15 July (or 15 January) at 20:00 UTC, well inside one season.
    static func secondsUntilNext(month: Int, from now: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var components = calendar.dateComponents([.year], from: now)
        components.month = month
        components.day = 15
        components.hour = 20
        var target = calendar.date(from: components)!
        if target <= now.addingTimeInterval(86_400) { components.year! += 1; target = calendar.date(from: components)! }
        return Int(target.timeIntervalSince(now))
    }

    @Test func offsetsFollowDaylightSavingTimeAndCDCTakesADateTimeWithoutSeconds() async throws {
        try await withSandbox { client in
            try await client.seed("520", bills: 1)
            var moved = 0.0
            for (month, offset) in [(7, "-07:00"), (1, "-08:00"), (7, "-07:00")] {
                let step = Self.secondsUntilNext(month: month, from: Date().addingTimeInterval(moved))
                let clock = try await client.send("POST", "/__sandbox/clock", json: ["advance_seconds": step])
                moved = try #require(clock.json["offset_seconds"] as? Double ?? (clock.json["offset_seconds"] as? Int).map(Double.init))
                let token = try await client.tokens("520").access
                let vendor = try await client.api("POST", "520", "vendor", token: token, json: ["DisplayName": "Vendor \(month) \(offset)"])
                #expect(vendor.status == 200, "\(vendor.text)")
                let created = vendor.json.object("Vendor").object("MetaData")["CreateTime"] as? String ?? ""
                #expect(created.hasSuffix(offset), "month \(month): \(created)")
                let time = vendor.json["time"] as? String ?? ""
                #expect(time.hasSuffix(offset), "\(time)")
                // Intuit's CDC example has no seconds: 2015-12-23T09:00-07:00.
                let since = String(time.prefix(16)) + offset
                let cdc = try await client.api("GET", "520", "cdc?entities=Vendor&changedSince=\(since.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", token: token)
                #expect(cdc.status == 200, "\(since): \(cdc.text)")
                let changed = (cdc.json["CDCResponse"] as? [[String: Any]])?.first?.objects("QueryResponse").first?.objects("Vendor") ?? []
                #expect(changed.map { $0["DisplayName"] as? String } == ["Vendor \(month) \(offset)"])
            }
        }
    }
}
