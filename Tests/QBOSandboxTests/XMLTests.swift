import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QBOSandbox
import Testing

/// QBO's XML: answers for `Accept: application/xml` (and no Accept at all), XML request bodies.
@Suite struct XMLTests {
    func xml(_ client: Client, _ realm: String, _ path: String, token: String) async throws -> (Answer, XMLShape.Node) {
        let answer = try await client.send("GET", "/v3/company/\(realm)/\(path)", headers: ["Authorization": "Bearer \(token)", "Accept": "application/xml"])
        let root = try #require(XMLShape.parse(answer.body), "not XML: \(answer.text.prefix(300))")
        return (answer, root)
    }

    @Test func anEntityReadInXMLIsQBOsIntuitResponse() async throws {
        try await withSandbox { client in
            try await client.seed("600", bills: 3)
            let token = try await client.tokens("600").access
            let bill = try #require(try await client.query("600", "SELECT * FROM Bill MAXRESULTS 1", token: token).json.object("QueryResponse").objects("Bill").first)
            let id = try #require(bill["Id"] as? String)
            let (answer, root) = try await xml(client, "600", "bill/\(id)", token: token)
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type")?.hasPrefix("application/xml") == true)
            #expect(root.name == "IntuitResponse")
            #expect(root.attributes["xmlns"] == "http://schema.intuit.com/finance/v3")
            #expect(root.attributes["time"]?.hasSuffix(":00") == true, "time with its offset")
            let element = try #require(root.children.first)
            #expect(element.name == "Bill")
            #expect(element.attributes["domain"] == "QBO" && element.attributes["sparse"] == "false")
            #expect(element.children.prefix(3).map(\.name) == ["Id", "SyncToken", "MetaData"], "in QBO's schema order")
            #expect(element.children.first?.text == id)
            let vendor = try #require(element.children.first { $0.name == "VendorRef" })
            #expect(vendor.text == (bill["VendorRef"] as? [String: Any])?["value"] as? String)
            #expect(vendor.attributes["name"] == (bill["VendorRef"] as? [String: Any])?["name"] as? String)
            #expect(element.children.filter { $0.name == "Line" }.count == (bill["Line"] as? [Any])?.count)
            let total = try #require(element.children.first { $0.name == "TotalAmt" }?.text)
            #expect(Decimal(string: total) == bill.decimal("TotalAmt"))
        }
    }

    @Test func withoutAnAcceptHeaderTheAnswerIsXMLAsQBOsIs() async throws {
        try await withSandbox { client in
            try await client.seed("601", bills: 2)
            let token = try await client.tokens("601").access
            let port = try #require(client.sandbox.baseURL.port)
            let request = "GET /v3/company/601/query?query=SELECT+*+FROM+Bill HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n"
            let exchange = try await rawExchange(port: port, request)
            let text = String(decoding: exchange.received, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200"), "\(text.prefix(200))")
            #expect(text.lowercased().contains("content-type: application/xml"))
            #expect(text.contains("<IntuitResponse xmlns=\"http://schema.intuit.com/finance/v3\""))
            #expect(text.contains("<QueryResponse startPosition=\"1\" maxResults=\"2\">"))
        }
    }

    @Test func queriesCountsCDCAndFaultsAnswerInXML() async throws {
        try await withSandbox { client in
            try await client.seed("602", bills: 5)
            let token = try await client.tokens("602").access
            let (_, page) = try await xml(client, "602", "query?query=SELECT%20*%20FROM%20Bill%20MAXRESULTS%203", token: token)
            let response = try #require(page.children.first)
            #expect(response.name == "QueryResponse")
            #expect(response.attributes["startPosition"] == "1" && response.attributes["maxResults"] == "3")
            #expect(response.children.map(\.name) == ["Bill", "Bill", "Bill"])

            let (_, count) = try await xml(client, "602", "query?query=SELECT%20COUNT(*)%20FROM%20Bill", token: token)
            #expect(count.children.first?.attributes["totalCount"] == "5")

            let (_, empty) = try await xml(client, "602", "query?query=SELECT%20*%20FROM%20Item", token: token)
            #expect(empty.children.first?.name == "QueryResponse" && empty.children.first?.children.isEmpty == true)

            _ = try await client.send("POST", "/__sandbox/clock", json: ["advance_seconds": 1])
            let cursor = try #require(try await client.query("602", "SELECT COUNT(*) FROM Bill", token: token).json["time"] as? String)
            let bill = try #require(try await client.query("602", "SELECT * FROM Bill MAXRESULTS 1", token: token).json.object("QueryResponse").objects("Bill").first)
            _ = try await client.send("PATCH", "/__sandbox/realms/602/bill/\(bill["Id"] as! String)", json: ["PrivateNote": "changed"])
            let (_, cdc) = try await xml(client, "602", "cdc?entities=Bill,Invoice&changedSince=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", token: token)
            let capture = try #require(cdc.children.first)
            #expect(capture.name == "CDCResponse")
            #expect(capture.children.map(\.name) == ["QueryResponse", "QueryResponse"], "one per entity asked, as in change_data_capture_response.xml")
            #expect(capture.children.first?.children.map(\.name) == ["Bill"])
            #expect(capture.children.first?.children.first?.children.first { $0.name == "PrivateNote" }?.text == "changed")

            let (bad, fault) = try await xml(client, "602", "query?query=SELECT%20*%20FROM%20Custmoer", token: token)
            #expect(bad.status == 400)
            let faultElement = try #require(fault.children.first)
            #expect(faultElement.name == "Fault" && faultElement.attributes["type"] == "ValidationFault")
            #expect(faultElement.children.first?.attributes["code"] == "4001")
            #expect(faultElement.children.first?.children.first { $0.name == "Detail" }?.text == "QueryValidationError: invalid context declaration: Custmoer")
        }
    }

    @Test func anXMLBodyCreatesAndItsNumbersAndRefsReadBackAsJSON() async throws {
        try await withSandbox { client in
            try await client.seed("603", bills: 1)
            let token = try await client.tokens("603").access
            let vendor = try #require(try await client.query("603", "SELECT * FROM Vendor MAXRESULTS 1", token: token).json.object("QueryResponse").objects("Vendor").first)
            let vendorId = try #require(vendor["Id"] as? String)
            let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Bill xmlns="http://schema.intuit.com/finance/v3">
              <VendorRef name="Whoever">\(vendorId)</VendorRef>
              <DocNumber>00042</DocNumber>
              <Line>
                <Amount>100.10</Amount>
                <DetailType>AccountBasedExpenseLineDetail</DetailType>
                <AccountBasedExpenseLineDetail><AccountRef>7</AccountRef><BillableStatus>NotBillable</BillableStatus></AccountBasedExpenseLineDetail>
              </Line>
            </Bill>
            """
            let created = try await client.send("POST", "/v3/company/603/bill", text: body,
                                                headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/xml", "Accept": "application/xml"])
            #expect(created.status == 200, "\(created.text)")
            let root = try #require(XMLShape.parse(created.body))
            let id = try #require(root.children.first?.children.first { $0.name == "Id" }?.text)
            let read = try await client.api("GET", "603", "bill/\(id)", token: token).json.object("Bill")
            #expect(read.decimal("TotalAmt") == Decimal(string: "100.1"), "amounts are numbers")
            #expect(read["DocNumber"] as? String == "00042", "a DocNumber of digits stays text")
            #expect(read.objects("Line").count == 1, "one <Line> is still an array")
            #expect(read.objects("Line").first?.object("AccountBasedExpenseLineDetail").object("AccountRef")["value"] as? String == "7")
            #expect(read.object("VendorRef")["value"] as? String == vendorId)

            let broken = try await client.send("POST", "/v3/company/603/bill", text: "<Bill><VendorRef>1</Bill>",
                                               headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/xml"])
            #expect(broken.status == 400)
            #expect(broken.text.contains("not well-formed XML"), "\(broken.text)")
        }
    }
}
