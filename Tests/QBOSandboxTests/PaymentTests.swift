import Foundation
import QBOSandbox
import Testing

/// `Payment`: money received from customers, applied to their invoices.
@Suite struct PaymentTests {
    /// A seeded company (today's layout) and what a payment needs from it.
    struct Setup {
        var client: Client
        var realm: String
        var token: String
        var invoice: [String: Any]
        var customer: String
        /// An open invoice of another customer.
        var foreign: [String: Any]
        var bank: [String: Any]
        var expense: [String: Any]

        var invoiceId: String { invoice["Id"] as! String }
        var balance: Decimal { invoice.decimal("Balance")! }
        var bankId: String { bank["Id"] as! String }

        init(_ client: Client, realm: String) async throws {
            self.client = client
            self.realm = realm
            try await client.seed(realm, bills: 5, invoices: 30, historyMonths: 0)
            token = try await client.tokens(realm).access
            let open = try await client.rows(realm, "SELECT * FROM Invoice WHERE Balance > '100' ORDERBY Id MAXRESULTS 1000", token: token)
            invoice = try #require(open.first)
            let customer = try #require((invoice["CustomerRef"] as? [String: Any])?["value"] as? String)
            self.customer = customer
            foreign = try #require(open.first { ($0["CustomerRef"] as? [String: Any])?["value"] as? String != customer })
            bank = try #require(try await client.rows(realm, "SELECT * FROM Account WHERE AccountType = 'Bank'", token: token).first)
            expense = try #require(try await client.rows(realm, "SELECT * FROM Account WHERE AccountType = 'Expense'", token: token).first)
        }

        func body(amount: Decimal, total: Decimal? = nil, invoiceId: String? = nil, deposit: Bool = true) -> [String: Any] {
            var body: [String: Any] = [
                "CustomerRef": ["value": customer], "TotalAmt": NSDecimalNumber(decimal: total ?? amount),
                "Line": [["Amount": NSDecimalNumber(decimal: amount),
                          "LinkedTxn": [["TxnId": invoiceId ?? self.invoiceId, "TxnType": "Invoice"]]]]]
            if deposit { body["DepositToAccountRef"] = ["value": bankId] }
            return body
        }

        func post(_ path: String, _ body: [String: Any]) async throws -> Answer {
            try await client.api("POST", realm, path, token: token, json: body)
        }

        func read(_ entity: String, _ id: Any) async throws -> [String: Any] {
            try await client.read(realm, entity, id, token: token)
        }
    }

    @Test func aPaymentLowersTheInvoiceLinksItAndRaisesTheBank() async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "900")
            let cash = try #require(setup.bank.decimal("CurrentBalance"))
            var body = setup.body(amount: 100)
            body["TxnDate"] = "2025-01-15"
            body["PaymentRefNum"] = "4711"
            let created = try await setup.post("payment?minorversion=75", body)
            #expect(created.status == 200, "\(created.text)")
            let payment = created.json.object("Payment")
            let id = try #require(payment["Id"] as? String)
            #expect(payment["SyncToken"] as? String == "0")
            #expect(payment["TxnDate"] as? String == "2025-01-15", "a past TxnDate is kept as given")
            #expect(payment.decimal("TotalAmt") == 100 && payment.decimal("UnappliedAmt") == 0)
            #expect(payment["ProcessPayment"] as? Bool == false)
            #expect((payment["CustomerRef"] as? [String: Any])?["name"] as? String != nil, "the customer's name is filled in")
            #expect((payment["DepositToAccountRef"] as? [String: Any])?["value"] as? String == setup.bankId)
            let lineEx = try #require(payment.objects("Line").first?.object("LineEx").objects("any"))
            let pairs = Dictionary(uniqueKeysWithValues: lineEx.map { (($0["value"] as? [String: Any])?["Name"] as? String ?? "", ($0["value"] as? [String: Any])?["Value"] as? String ?? "") })
            #expect(pairs["txnId"] == setup.invoiceId)
            #expect(pairs["txnOpenBalance"].flatMap { Decimal(string: $0) } == setup.balance, "the invoice's balance before the payment")
            #expect(pairs["txnReferenceNumber"] == setup.invoice["DocNumber"] as? String)

            let invoice = try await setup.read("Invoice", setup.invoiceId)
            #expect(invoice.decimal("Balance") == setup.balance - 100)
            #expect(invoice.objects("LinkedTxn").contains { $0["TxnId"] as? String == id && $0["TxnType"] as? String == "Payment" })
            #expect(invoice["SyncToken"] as? String == String(Int(setup.invoice["SyncToken"] as! String)! + 1))
            #expect(invoice.object("MetaData")["LastUpdatedTime"] as? String != setup.invoice.object("MetaData")["LastUpdatedTime"] as? String)
            let bank = try await setup.read("Account", setup.bankId)
            #expect(bank.decimal("CurrentBalance") == cash + 100)
            #expect(bank["SyncToken"] as? String == setup.bank["SyncToken"] as? String, "a balance change does not move an account's SyncToken")
            #expect(bank.object("MetaData")["LastUpdatedTime"] as? String == setup.bank.object("MetaData")["LastUpdatedTime"] as? String)

            let read = try await setup.read("Payment", id)
            #expect(read["Id"] as? String == id && read.decimal("TotalAmt") == 100)
            let since = try await client.rows("900", "SELECT * FROM Payment WHERE TxnDate >= '2025-01-01' ORDERBY TxnDate DESC", token: setup.token)
            #expect(since.map { $0["Id"] as? String } == [id])
            #expect(try await client.rows("900", "SELECT * FROM Payment WHERE TxnDate > '2025-01-15'", token: setup.token).isEmpty)
            let count = try await client.query("900", "SELECT COUNT(*) FROM Payment WHERE CustomerRef = '\(setup.customer)'", token: setup.token)
            #expect(count.json.object("QueryResponse")["totalCount"] as? Int == 1)
        }
    }

    @Test func withoutADepositAccountThePaymentGoesToUndepositedFundsAndAnUnappliedRestIsKept() async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "901")
            let accounts = try await client.rows("901", "SELECT * FROM Account", token: setup.token).count
            let first = try await setup.post("payment", setup.body(amount: 40, total: 50, deposit: false))
            #expect(first.status == 200, "\(first.text)")
            let payment = first.json.object("Payment")
            #expect(payment.decimal("UnappliedAmt") == 10)
            let depositId = try #require((payment["DepositToAccountRef"] as? [String: Any])?["value"] as? String)
            let fund = try await setup.read("Account", depositId)
            #expect(fund["Name"] as? String == "Undeposited Funds" && fund["AccountType"] as? String == "Other Current Asset")
            #expect(fund.decimal("CurrentBalance") == 50, "the whole payment, applied or not")
            let second = try await setup.post("payment", ["CustomerRef": ["value": setup.customer], "TotalAmt": 25])
            #expect(second.status == 200, "\(second.text)")
            #expect((second.json.object("Payment")["DepositToAccountRef"] as? [String: Any])?["value"] as? String == depositId)
            #expect(second.json.object("Payment").decimal("UnappliedAmt") == 25)
            #expect(try await setup.read("Account", depositId).decimal("CurrentBalance") == 75)
            #expect(try await client.rows("901", "SELECT * FROM Account", token: setup.token).count == accounts + 1, "one Undeposited Funds")
        }
    }

    /// Payments QBO refuses, each with the code and the field its fault names.
    enum Refused: String, CaseIterable, Sendable {
        case noCustomer, unknownCustomer, noTotal, negativeTotal, textTotal, anotherCustomersInvoice, unknownInvoice,
             moreThanTheOpenBalance, linesAboveTheTotal, zeroLine, aCreditMemo, twoInvoicesOnOneLine, depositToAnExpense,
             notADate

        var expected: (code: String, element: String) {
            switch self {
            case .noCustomer: return ("2020", "CustomerRef")
            case .unknownCustomer: return ("2500", "CustomerRef")
            case .noTotal: return ("2020", "TotalAmt")
            case .negativeTotal, .linesAboveTheTotal: return ("6000", "TotalAmt")
            case .textTotal: return ("2010", "TotalAmt")
            case .anotherCustomersInvoice: return ("6000", "Line.LinkedTxn.TxnId")
            case .unknownInvoice: return ("2500", "Line.LinkedTxn.TxnId")
            case .moreThanTheOpenBalance, .zeroLine: return ("6000", "Line.Amount")
            case .aCreditMemo: return ("500", "Line.LinkedTxn.TxnType")
            case .twoInvoicesOnOneLine: return ("2010", "Line.LinkedTxn")
            case .depositToAnExpense: return ("6000", "DepositToAccountRef")
            case .notADate: return ("2010", "TxnDate")
            }
        }

        func body(_ setup: Setup) -> [String: Any] {
            var body = setup.body(amount: 10)
            switch self {
            case .noCustomer: body["CustomerRef"] = nil
            case .unknownCustomer: body["CustomerRef"] = ["value": "999999"]
            case .noTotal: body["TotalAmt"] = nil
            case .negativeTotal: body = ["CustomerRef": ["value": setup.customer], "TotalAmt": -5]
            case .textTotal: body["TotalAmt"] = "ten"
            case .anotherCustomersInvoice: body = setup.body(amount: 10, invoiceId: setup.foreign["Id"] as? String)
            case .unknownInvoice: body = setup.body(amount: 10, invoiceId: "999999")
            case .moreThanTheOpenBalance: body = setup.body(amount: setup.balance + Decimal(string: "0.01")!)
            case .linesAboveTheTotal: body = setup.body(amount: 10, total: 9)
            case .zeroLine: body = setup.body(amount: 0)
            case .aCreditMemo:
                body["Line"] = [["Amount": 10, "LinkedTxn": [["TxnId": setup.invoiceId, "TxnType": "CreditMemo"]]]]
            case .twoInvoicesOnOneLine:
                body["Line"] = [["Amount": 10, "LinkedTxn": [["TxnId": setup.invoiceId, "TxnType": "Invoice"],
                                                             ["TxnId": setup.foreign["Id"]!, "TxnType": "Invoice"]]]]
            case .depositToAnExpense: body["DepositToAccountRef"] = ["value": setup.expense["Id"]!]
            case .notADate: body["TxnDate"] = "yesterday"
            }
            return body
        }
    }

    @Test(arguments: Refused.allCases)
    func aPaymentQBORefusesIsA400NamingTheFieldAndChangesNothing(_ refused: Refused) async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "902")
            let accounts = try await client.rows("902", "SELECT * FROM Account", token: setup.token).count
            // Without a deposit account, a refused payment must not create Undeposited Funds either.
            var body = refused.body(setup)
            if refused != .depositToAnExpense { body["DepositToAccountRef"] = nil }
            let answer = try await setup.post("payment", body)
            #expect(answer.status == 400, "\(answer.text)")
            #expect(answer.fault.code == refused.expected.code && answer.fault.element == refused.expected.element, "\(answer.text)")
            #expect(try await setup.read("Invoice", setup.invoiceId).decimal("Balance") == setup.balance)
            #expect(try await client.rows("902", "SELECT * FROM Payment", token: setup.token).isEmpty)
            #expect(try await client.rows("902", "SELECT * FROM Account", token: setup.token).count == accounts)
        }
    }

    @Test func updatesMoveOnlyTheDifferenceAndAStaleSyncTokenIs5010() async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "903")
            let cash = try #require(setup.bank.decimal("CurrentBalance"))
            let created = try await setup.post("payment", setup.body(amount: 100)).json.object("Payment")
            let id = try #require(created["Id"] as? String)
            let afterCreate = try await setup.read("Invoice", setup.invoiceId)

            // A memo changes nothing the invoice knows: it is not touched (CDC reports only the payment).
            let memo = try await setup.post("payment", ["Id": id, "SyncToken": "0", "sparse": true, "PrivateNote": "cheque 12"])
            #expect(memo.status == 200, "\(memo.text)")
            #expect(memo.json.object("Payment")["SyncToken"] as? String == "1")
            #expect(try await setup.read("Invoice", setup.invoiceId)["SyncToken"] as? String == afterCreate["SyncToken"] as? String)

            var larger = setup.body(amount: 150)
            larger["Id"] = id
            larger["SyncToken"] = "1"
            larger["sparse"] = true
            let grown = try await setup.post("payment", larger)
            #expect(grown.status == 200, "\(grown.text)")
            #expect(grown.json.object("Payment")["PrivateNote"] as? String == "cheque 12", "a sparse update keeps the other fields")
            let invoice = try await setup.read("Invoice", setup.invoiceId)
            #expect(invoice.decimal("Balance") == setup.balance - 150)
            #expect(invoice.objects("LinkedTxn").filter { $0["TxnId"] as? String == id }.count == 1, "linked once")
            #expect(try await setup.read("Account", setup.bankId).decimal("CurrentBalance") == cash + 150)

            let stale = try await setup.post("payment", ["Id": id, "SyncToken": "1", "sparse": true, "PrivateNote": "late"])
            #expect(stale.status == 400 && stale.fault.code == "5010", "\(stale.text)")
            let full = try await setup.post("payment", ["Id": id, "SyncToken": "2", "CustomerRef": ["value": setup.customer]])
            #expect(full.status == 400 && full.fault.element == "TotalAmt", "a full update sends every required field: \(full.text)")
            // The whole open balance can be applied once this payment's own 150 is taken back.
            var everything = setup.body(amount: setup.balance)
            everything["Id"] = id
            everything["SyncToken"] = "2"
            let settled = try await setup.post("payment", everything)
            #expect(settled.status == 200, "\(settled.text)")
            #expect(try await setup.read("Invoice", setup.invoiceId).decimal("Balance") == 0)
        }
    }

    @Test func deleteAndVoidTakeTheEffectsBackAndCDCShowsTheDeletion() async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "904")
            let cash = try #require(setup.bank.decimal("CurrentBalance"))
            let cursor = try #require(try await client.query("904", "SELECT COUNT(*) FROM Payment", token: setup.token).json["time"] as? String)
            let first = try #require(try await setup.post("payment", setup.body(amount: 30)).json.object("Payment")["Id"] as? String)
            let second = try #require(try await setup.post("payment", setup.body(amount: 20)).json.object("Payment")["Id"] as? String)
            #expect(try await setup.read("Invoice", setup.invoiceId).decimal("Balance") == setup.balance - 50)

            let voiding = try await setup.post("payment?operation=update&include=void", ["Id": first, "SyncToken": "0", "sparse": true])
            #expect(voiding.status == 200, "\(voiding.text)")
            let voided = voiding.json.object("Payment")
            #expect(voided.decimal("TotalAmt") == 0 && voided.decimal("UnappliedAmt") == 0)
            #expect(voided["PrivateNote"] as? String == "Voided")
            #expect(voided.objects("Line").allSatisfy { $0.decimal("Amount") == 0 })
            var invoice = try await setup.read("Invoice", setup.invoiceId)
            #expect(invoice.decimal("Balance") == setup.balance - 20)
            #expect(!invoice.objects("LinkedTxn").contains { $0["TxnId"] as? String == first })
            #expect(try await setup.read("Payment", first).decimal("TotalAmt") == 0, "a voided payment stays")

            let deleted = try await setup.post("payment?operation=delete", ["Id": second, "SyncToken": "0"])
            #expect(deleted.status == 200 && deleted.json.object("Payment")["status"] as? String == "Deleted", "\(deleted.text)")
            invoice = try await setup.read("Invoice", setup.invoiceId)
            #expect(invoice.decimal("Balance") == setup.balance)
            #expect(invoice.objects("LinkedTxn").isEmpty)
            #expect(try await setup.read("Account", setup.bankId).decimal("CurrentBalance") == cash)
            #expect(try await client.api("GET", "904", "payment/\(second)", token: setup.token).fault.code == "610")

            let encoded = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let cdc = try await client.api("GET", "904", "cdc?entities=Payment,Invoice&changedSince=\(encoded)", token: setup.token)
            let responses = (cdc.json["CDCResponse"] as? [[String: Any]])?.first?.objects("QueryResponse") ?? []
            #expect(responses.count == 2, "\(cdc.text.prefix(300))")
            let payments = responses.first?.objects("Payment") ?? []
            #expect(payments.contains { $0["Id"] as? String == second && $0["status"] as? String == "Deleted" })
            #expect(payments.contains { $0["Id"] as? String == first && $0["status"] == nil }, "the voided payment, changed")
            #expect(responses.last?.objects("Invoice").map { $0["Id"] as? String } == [setup.invoiceId])
        }
    }

    @Test func anInvoiceWithAPaymentAppliedCannotBeVoidedAndControlDeleteReversesThePayment() async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "905")
            let id = try #require(try await setup.post("payment", setup.body(amount: 10)).json.object("Payment")["Id"] as? String)
            let invoice = try await setup.read("Invoice", setup.invoiceId)
            let void = try await setup.post("invoice?operation=void", ["Id": setup.invoiceId, "SyncToken": invoice["SyncToken"]!])
            #expect(void.status == 400 && void.fault.code == "6000" && void.text.contains(id), "\(void.text)")
            try await client.control.delete(.payment, id: id, realm: "905")
            #expect(try await setup.read("Invoice", setup.invoiceId).decimal("Balance") == setup.balance)
            let again = try await setup.read("Invoice", setup.invoiceId)
            #expect(try await setup.post("invoice?operation=void", ["Id": setup.invoiceId, "SyncToken": again["SyncToken"]!]).status == 200)
        }
    }

    @Test func anXMLPaymentIsReadAndAnsweredWithItsLineExAsNameValues() async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "906")
            let xml = """
            <Payment xmlns="http://schema.intuit.com/finance/v3"><CustomerRef>\(setup.customer)</CustomerRef><TotalAmt>12.50</TotalAmt>\
            <DepositToAccountRef>\(setup.bankId)</DepositToAccountRef><Line><Amount>12.50</Amount><LinkedTxn><TxnId>\(setup.invoiceId)</TxnId>\
            <TxnType>Invoice</TxnType></LinkedTxn></Line></Payment>
            """
            let answer = try await client.send("POST", "/v3/company/906/payment", text: xml,
                                               headers: ["Authorization": "Bearer \(setup.token)", "Content-Type": "application/xml",
                                                         "Accept": "application/xml"])
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.text.contains("<TotalAmt>12.5</TotalAmt>") || answer.text.contains("<TotalAmt>12.50</TotalAmt>"), "\(answer.text)")
            #expect(answer.text.contains("<LineEx><NameValue><Name>txnId</Name><Value>\(setup.invoiceId)</Value></NameValue>"), "\(answer.text)")
            #expect(!answer.text.contains("<any>"), "the JSON spelling of LineEx stays out of the XML")
            #expect(try await setup.read("Invoice", setup.invoiceId).decimal("Balance") == setup.balance - Decimal(string: "12.5")!)
        }
    }
}
