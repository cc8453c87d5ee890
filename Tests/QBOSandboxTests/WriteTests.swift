import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QBOSandbox
import Testing

@Suite struct WriteTests {
    func openBill(_ client: Client, _ realm: String, token: String) async throws -> [String: Any] {
        let answer = try await client.query(realm, "SELECT * FROM Bill WHERE Balance > '100' MAXRESULTS 1", token: token)
        return try #require(answer.json.object("QueryResponse").objects("Bill").first)
    }

    @Test func sparseUpdateMovesSyncTokenAndAStaleTokenGets5010() async throws {
        try await withSandbox { client in
            try await client.seed("50")
            let token = try await client.tokens("50").access
            let bill = try await openBill(client, "50", token: token)
            let id = try #require(bill["Id"] as? String)
            let update = try await client.api("POST", "50", "bill?minorversion=75", token: token,
                                              json: ["Id": id, "SyncToken": bill["SyncToken"]!, "sparse": true, "DueDate": "2030-01-31"])
            #expect(update.status == 200)
            let updated = update.json.object("Bill")
            #expect(updated["DueDate"] as? String == "2030-01-31")
            #expect(updated["SyncToken"] as? String == String(Int(bill["SyncToken"] as! String)! + 1))
            #expect(updated.decimal("TotalAmt") == bill.decimal("TotalAmt"))

            let stale = try await client.api("POST", "50", "bill", token: token,
                                             json: ["Id": id, "SyncToken": bill["SyncToken"]!, "sparse": true, "DueDate": "2031-01-31"])
            #expect(stale.status == 400)
            #expect(stale.json.object("Fault").objects("Error").first?["code"] as? String == "5010")
            let read = try await client.api("GET", "50", "bill/\(id)", token: token)
            #expect(read.json.object("Bill")["DueDate"] as? String == "2030-01-31")
        }
    }

    @Test func createAcceptsNumericIdsEmptyNamesAndUnknownFields() async throws {
        try await withSandbox { client in
            try await client.seed("51")
            let token = try await client.tokens("51").access
            let vendors = try await client.query("51", "SELECT * FROM Vendor", token: token).json.object("QueryResponse").objects("Vendor")
            let vendorId = try #require(Int(vendors.first?["Id"] as? String ?? ""))
            let created = try await client.api("POST", "51", "bill", token: token, json: [
                "VendorRef": ["value": vendorId, "name": ""], "sparse": false, "SomethingNew": 1,
                "Line": [["Amount": 10.25, "DetailType": "AccountBasedExpenseLineDetail",
                          "AccountBasedExpenseLineDetail": ["AccountRef": ["value": "1"]]],
                         ["Amount": 5, "DetailType": "AccountBasedExpenseLineDetail",
                          "AccountBasedExpenseLineDetail": ["AccountRef": ["value": "1"]]]]])
            #expect(created.status == 200, "\(created.text)")
            let bill = created.json.object("Bill")
            #expect(bill["SyncToken"] as? String == "0")
            #expect(bill.decimal("TotalAmt") == Decimal(string: "15.25"))
            #expect(bill.decimal("Balance") == Decimal(string: "15.25"))
        }
    }

    @Test func deleteShowsUpInCDCAsADeletedStub() async throws {
        try await withSandbox { client in
            try await client.seed("60")
            let token = try await client.tokens("60").access
            let before = try await client.query("60", "SELECT COUNT(*) FROM Bill", token: token)
            let cursor = try #require(before.json["time"] as? String)
            let bill = try await openBill(client, "60", token: token)
            let id = try #require(bill["Id"] as? String)
            let deleted = try await client.api("POST", "60", "bill?operation=delete", token: token, json: ["Id": id, "SyncToken": bill["SyncToken"]!])
            #expect(deleted.status == 200)
            #expect(deleted.json.object("Bill")["status"] as? String == "Deleted")
            #expect(try await client.api("GET", "60", "bill/\(id)", token: token).status == 400)

            // Behind the client's back: an invoice changes in "QBO".
            let invoice = try #require(try await client.query("60", "SELECT * FROM Invoice MAXRESULTS 1", token: token).json.object("QueryResponse").objects("Invoice").first)
            let invoiceId = try #require(invoice["Id"] as? String)
            let patched = try await client.send("PATCH", "/__sandbox/realms/60/invoice/\(invoiceId)", json: ["DueDate": "2030-02-02"])
            #expect(patched.status == 200)

            let encodedCursor = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let cdc = try await client.api("GET", "60", "cdc?entities=Bill,Invoice,BillPayment&changedSince=\(encodedCursor)", token: token)
            #expect(cdc.status == 200, "\(cdc.text)")
            let responses = (cdc.json["CDCResponse"] as? [[String: Any]])?.first?.objects("QueryResponse") ?? []
            #expect(responses.count == 3)
            let stub = try #require(responses.first?.objects("Bill").first)
            #expect(stub["Id"] as? String == id)
            #expect(stub["status"] as? String == "Deleted")
            #expect(stub.object("MetaData")["LastUpdatedTime"] is String)
            #expect(Set(stub.keys) == ["Id", "status", "MetaData"])
            let changedInvoice = try #require(responses[1].objects("Invoice").first)
            #expect(changedInvoice["DueDate"] as? String == "2030-02-02")
            #expect(changedInvoice["SyncToken"] as? String == String(Int(invoice["SyncToken"] as! String)! + 1))
            #expect(responses[2].isEmpty, "no payment changed: an empty object")
            #expect(cdc.json["time"] is String)

            let controlDelete = try await client.send("DELETE", "/__sandbox/realms/60/invoice/\(invoiceId)")
            #expect(controlDelete.status == 200)
            let otherBill = try await openBill(client, "60", token: token)
            let otherId = try #require(otherBill["Id"] as? String)
            #expect(try await client.send("PATCH", "/__sandbox/realms/60/bill/\(otherId)", json: ["PrivateNote": "changed in QBO"]).status == 200)
            let next = try await client.api("GET", "60", "cdc?entities=Invoice,Bill&changedSince=\((cdc.json["time"] as! String).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", token: token)
            let nextResponses = (next.json["CDCResponse"] as? [[String: Any]])?.first?.objects("QueryResponse") ?? []
            let invoices = nextResponses.first?.objects("Invoice") ?? []
            #expect(invoices.map { $0["status"] as? String } == ["Deleted"])
            let changedBills = nextResponses.count == 2 ? nextResponses[1].objects("Bill") : []
            #expect(changedBills.map { $0["Id"] as? String } == [otherId], "only what changed since the last cursor")
            #expect(changedBills.first?["PrivateNote"] as? String == "changed in QBO")

            _ = try await client.send("POST", "/__sandbox/clock", json: ["advance_seconds": 31 * 86_400])
            let fresh = try await client.tokens("60").access
            let tooOld = try await client.api("GET", "60", "cdc?entities=Bill&changedSince=\(encodedCursor)", token: fresh)
            #expect(tooOld.status == 400)
            #expect(tooOld.json.object("Fault")["type"] as? String == "ValidationFault")
        }
    }

    @Test func billPaymentReducesBillAndBankAndReplaysByRequestId() async throws {
        try await withSandbox { client in
            try await client.seed("70")
            let token = try await client.tokens("70").access
            let bill = try await openBill(client, "70", token: token)
            let billId = try #require(bill["Id"] as? String)
            let balance = try #require(bill.decimal("Balance"))
            let bank = try #require(try await client.query("70", "SELECT * FROM Account WHERE AccountType = 'Bank'", token: token).json.object("QueryResponse").objects("Account").first)
            let bankId = try #require(bank["Id"] as? String)
            let cash = try #require(bank.decimal("CurrentBalance"))
            let payment: [String: Any] = [
                "VendorRef": bill["VendorRef"]!, "PayType": "Check", "TotalAmt": 100,
                "CheckPayment": ["BankAccountRef": ["value": bankId]],
                "Line": [["Amount": 100, "LinkedTxn": [["TxnId": billId, "TxnType": "Bill"]]]]]
            let first = try await client.api("POST", "70", "billpayment?requestid=pay-1&minorversion=75", token: token, json: payment)
            #expect(first.status == 200, "\(first.text)")
            let paymentId = try #require(first.json.object("BillPayment")["Id"] as? String)
            let second = try await client.api("POST", "70", "billpayment?requestid=pay-1&minorversion=75", token: token, json: payment)
            #expect(second.json.object("BillPayment")["Id"] as? String == paymentId)

            let paid = try await client.api("GET", "70", "bill/\(billId)", token: token).json.object("Bill")
            #expect(paid.decimal("Balance") == balance - 100)
            #expect(paid["SyncToken"] as? String == String(Int(bill["SyncToken"] as! String)! + 1))
            let links = paid.objects("LinkedTxn")
            #expect(links.contains { $0["TxnId"] as? String == paymentId && $0["TxnType"] as? String == "BillPaymentCheck" })
            let after = try await client.api("GET", "70", "account/\(bankId)", token: token).json.object("Account")
            #expect(after.decimal("CurrentBalance") == cash - 100)

            let stats = try await client.send("GET", "/__sandbox/stats")
            #expect(stats.json["billpayments_created"] as? Int == 1)
            #expect(stats.json.object("requests").object("70")["POST billpayment"] as? Int == 2)

            var tooMuch = payment
            tooMuch["TotalAmt"] = NSDecimalNumber(decimal: balance)
            tooMuch["Line"] = [["Amount": NSDecimalNumber(decimal: balance), "LinkedTxn": [["TxnId": billId, "TxnType": "Bill"]]]]
            let overpay = try await client.api("POST", "70", "billpayment", token: token, json: tooMuch)
            #expect(overpay.status == 400)
            #expect(overpay.json.object("Fault").objects("Error").first?["code"] as? String == "6000")
            var unknown = payment
            unknown["Line"] = [["Amount": 1, "LinkedTxn": [["TxnId": "999999", "TxnType": "Bill"]]]]
            unknown["TotalAmt"] = 1
            let missing = try await client.api("POST", "70", "billpayment", token: token, json: unknown)
            let missingCode = missing.json.object("Fault").objects("Error").first?["code"] as? String
            #expect(missingCode?.hasPrefix("2") == true)

            let current = try await client.api("GET", "70", "billpayment/\(paymentId)", token: token).json.object("BillPayment")
            let void = try await client.api("POST", "70", "billpayment?operation=update&include=void", token: token,
                                            json: ["Id": paymentId, "SyncToken": current["SyncToken"]!, "sparse": true])
            #expect(void.status == 200)
            #expect(void.json.object("BillPayment").decimal("TotalAmt") == 0)
            let reopened = try await client.api("GET", "70", "bill/\(billId)", token: token).json.object("Bill")
            #expect(reopened.decimal("Balance") == balance)
            let restored = try await client.api("GET", "70", "account/\(bankId)", token: token).json.object("Account")
            #expect(restored.decimal("CurrentBalance") == cash)
        }
    }
}

@Suite struct MoneyTests {
    @Test func amountsAreExactDecimalsOnTheWire() async throws {
        try await withSandbox { client in
            try await client.seed("52")
            let token = try await client.tokens("52").access
            let vendors = try await client.query("52", "SELECT * FROM Vendor MAXRESULTS 1", token: token).json.object("QueryResponse").objects("Vendor")
            let vendorId = try #require(vendors.first?["Id"] as? String)
            // 0.1 + 0.2 is 0.30000000000000004 in Double: the sandbox must answer 0.3.
            let body = #"{"VendorRef": {"value": "\#(vendorId)"}, "Line": [{"Amount": 0.1, "DetailType": "AccountBasedExpenseLineDetail"}, {"Amount": 0.2, "DetailType": "AccountBasedExpenseLineDetail"}]}"#
            let created = try await client.send("POST", "/v3/company/52/bill", text: body,
                                                headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"])
            #expect(created.status == 200, "\(created.text)")
            #expect(created.text.contains(#""TotalAmt":0.3,"#) || created.text.contains(#""TotalAmt":0.3}"#))
            #expect(created.text.contains(#""Balance":0.3,"#) || created.text.contains(#""Balance":0.3}"#))
        }
    }
}

/// Entering last month's paper: a past `TxnDate` (and `DueDate`) given on create is kept as given,
/// while `MetaData.CreateTime` is when the record was made.
@Suite struct PastDateTests {
    @Test(arguments: ["Bill", "Invoice", "BillPayment", "Payment", "Purchase"])
    func aPastTxnDateAndDueDateAreKeptAsGiven(_ entity: String) async throws {
        try await withSandbox { client in
            try await client.seed("61", bills: 10, invoices: 10, historyMonths: 0)
            let token = try await client.tokens("61").access
            let bank = try #require(try await client.rows("61", "SELECT * FROM Account WHERE AccountType = 'Bank'", token: token).first)
            let bill = try #require(try await client.rows("61", "SELECT * FROM Bill WHERE Balance > '10'", token: token).first)
            let invoice = try #require(try await client.rows("61", "SELECT * FROM Invoice WHERE Balance > '10'", token: token).first)
            let expense = try #require(try await client.rows("61", "SELECT * FROM Account WHERE AccountType = 'Expense'", token: token).first)
            let line: [String: Any] = ["Amount": 10, "DetailType": "AccountBasedExpenseLineDetail",
                                       "AccountBasedExpenseLineDetail": ["AccountRef": ["value": expense["Id"]!]]]
            var body: [String: Any]
            switch entity {
            case "Bill": body = ["VendorRef": bill["VendorRef"]!, "Line": [line], "DueDate": "2024-04-04"]
            case "Invoice":
                body = ["CustomerRef": invoice["CustomerRef"]!, "DueDate": "2024-04-04",
                        "Line": [["Amount": 10, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]]]
            case "BillPayment":
                body = ["VendorRef": bill["VendorRef"]!, "PayType": "Check", "CheckPayment": ["BankAccountRef": ["value": bank["Id"]!]],
                        "Line": [["Amount": 10, "LinkedTxn": [["TxnId": bill["Id"]!, "TxnType": "Bill"]]]]]
            case "Payment":
                body = ["CustomerRef": invoice["CustomerRef"]!, "TotalAmt": 10,
                        "Line": [["Amount": 10, "LinkedTxn": [["TxnId": invoice["Id"]!, "TxnType": "Invoice"]]]]]
            default:
                body = ["PaymentType": "Check", "AccountRef": ["value": bank["Id"]!], "Line": [line]]
            }
            body["TxnDate"] = "2024-03-05"
            let created = try await client.api("POST", "61", entity.lowercased(), token: token, json: body)
            #expect(created.status == 200, "\(created.text)")
            let id = try #require(created.json.object(entity)["Id"] as? String)
            let read = try await client.read("61", entity, id, token: token)
            #expect(read["TxnDate"] as? String == "2024-03-05")
            if body["DueDate"] != nil { #expect(read["DueDate"] as? String == "2024-04-04") }
            let today = try #require((created.json["time"] as? String)?.prefix(10))
            #expect((read.object("MetaData")["CreateTime"] as? String)?.prefix(10) == today, "created now, dated in the past")
            let dated = try await client.rows("61", "SELECT * FROM \(entity) WHERE TxnDate = '2024-03-05'", token: token)
            #expect(dated.map { $0["Id"] as? String } == [id])
        }
    }
}
