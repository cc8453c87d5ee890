import Foundation
import QBOSandbox
import Testing

/// `Purchase`: checks, cash and card expenses that never were bills.
@Suite struct PurchaseTests {
    struct Setup {
        var client: Client
        var realm: String
        var token: String
        var banks: [[String: Any]]
        var card: [String: Any]
        var expense: [String: Any]
        var vendor: [String: Any]

        var bankId: String { banks[0]["Id"] as! String }
        var cardId: String { card["Id"] as! String }

        init(_ client: Client, realm: String) async throws {
            self.client = client
            self.realm = realm
            try await client.seed(realm, bills: 5, invoices: 5, historyMonths: 0)
            token = try await client.tokens(realm).access
            banks = try await client.rows(realm, "SELECT * FROM Account WHERE AccountType = 'Bank' ORDERBY Id", token: token)
            #expect(banks.count == 2)
            card = try #require(try await client.rows(realm, "SELECT * FROM Account WHERE AccountType = 'Credit Card'", token: token).first)
            expense = try #require(try await client.rows(realm, "SELECT * FROM Account WHERE AccountType = 'Expense'", token: token).first)
            vendor = try #require(try await client.rows(realm, "SELECT * FROM Vendor", token: token).first)
        }

        func line(_ amount: String, account: Any? = nil) -> [String: Any] {
            ["Amount": NSDecimalNumber(string: amount), "DetailType": "AccountBasedExpenseLineDetail",
             "AccountBasedExpenseLineDetail": ["AccountRef": ["value": account ?? expense["Id"]!]]]
        }

        func check(_ amounts: [String] = ["10.25", "5.50"]) -> [String: Any] {
            ["PaymentType": "Check", "AccountRef": ["value": bankId], "EntityRef": ["value": vendor["Id"]!, "type": "Vendor"],
             "Line": amounts.map { line($0) }]
        }

        func post(_ path: String, _ body: [String: Any]) async throws -> Answer {
            try await client.api("POST", realm, path, token: token, json: body)
        }

        func balance(_ account: String) async throws -> Decimal? {
            try await client.read(realm, "Account", account, token: token).decimal("CurrentBalance")
        }
    }

    @Test func aCheckLowersTheBankByTheSumOfItsLines() async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "920")
            let cash = try #require(setup.banks[0].decimal("CurrentBalance"))
            var body = setup.check()
            body["TxnDate"] = "2025-02-03"
            body["DocNumber"] = "1042"
            let created = try await setup.post("purchase?minorversion=75", body)
            #expect(created.status == 200, "\(created.text)")
            let purchase = created.json.object("Purchase")
            let id = try #require(purchase["Id"] as? String)
            #expect(purchase.decimal("TotalAmt") == Decimal(string: "15.75"))
            #expect(purchase["TxnDate"] as? String == "2025-02-03", "a past TxnDate is kept as given")
            #expect(purchase["PrintStatus"] as? String == "NotSet")
            #expect(purchase["Credit"] == nil, "Credit belongs to card purchases")
            let payee = purchase.object("EntityRef")
            #expect(payee["type"] as? String == "Vendor" && payee["name"] as? String == setup.vendor["DisplayName"] as? String)
            let txnType = purchase.object("PurchaseEx").objects("any").first.flatMap { $0["value"] as? [String: Any] }
            #expect(txnType?["Name"] as? String == "TxnType" && txnType?["Value"] as? String == "3")
            let lines = purchase.objects("Line")
            #expect(lines.map { $0["Id"] as? String } == ["1", "2"])
            #expect(lines.allSatisfy { $0.object("AccountBasedExpenseLineDetail")["BillableStatus"] as? String == "NotBillable" })
            let bank = try await client.read("920", "Account", setup.bankId, token: setup.token)
            #expect(bank.decimal("CurrentBalance") == cash - Decimal(string: "15.75")!)
            #expect(bank["SyncToken"] as? String == setup.banks[0]["SyncToken"] as? String)
            #expect(try await client.read("920", "Purchase", id, token: setup.token)["DocNumber"] as? String == "1042")
            let rows = try await client.rows("920", "SELECT * FROM Purchase WHERE TxnDate >= '2025-01-01' AND PaymentType = 'Check'", token: setup.token)
            #expect(rows.map { $0["Id"] as? String } == [id])
        }
    }

    @Test func aCardPurchaseMovesTheCardsBalanceAndACreditGivesItBack() async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "921")
            let owed = try #require(setup.card.decimal("CurrentBalance"))
            // As purchase_creditcard_no_entityref.json: no payee at all.
            let charge = try await setup.post("purchase", ["PaymentType": "CreditCard", "AccountRef": ["value": setup.cardId],
                                                           "Line": [setup.line("34")]])
            #expect(charge.status == 200, "\(charge.text)")
            #expect(charge.json.object("Purchase")["Credit"] as? Bool == false)
            #expect(charge.json.object("Purchase")["EntityRef"] == nil)
            // Liabilities carry negative balances in QBO: a charge makes the card's more negative.
            #expect(try await setup.balance(setup.cardId) == owed - 34)
            let refund = try await setup.post("purchase", ["PaymentType": "CreditCard", "AccountRef": ["value": setup.cardId], "Credit": true,
                                                           "Line": [setup.line("4")], "TotalAmt": 4])
            #expect(refund.status == 200, "\(refund.text)")
            #expect(try await setup.balance(setup.cardId) == owed - 30)
            let cash = try await setup.post("purchase", ["PaymentType": "Cash", "AccountRef": ["value": setup.bankId],
                                                         "EntityRef": ["value": setup.vendor["Id"]!], "Line": [setup.line("7")]])
            #expect(cash.status == 200, "\(cash.text)")
            #expect(cash.json.object("Purchase").object("EntityRef")["type"] as? String == "Vendor", "the payee's type is filled in")
            let cards = try await client.query("921", "SELECT COUNT(*) FROM Purchase WHERE PaymentType = 'CreditCard'", token: setup.token)
            #expect(cards.json.object("QueryResponse")["totalCount"] as? Int == 2)
        }
    }

    /// Purchases QBO refuses, each with the code and the field its fault names.
    enum Refused: String, CaseIterable, Sendable {
        case noPaymentType, wirePaymentType, noAccount, unknownAccount, cardFromABank, checkFromACard, noLines, anItemLine,
             unknownExpenseAccount, noExpenseAccount, totalNotTheSum, negativeTotal, unknownPayee, anEmployeePayee, creditOnACheck,
             notADate

        var expected: (code: String, element: String) {
            switch self {
            case .noPaymentType: return ("2020", "PaymentType")
            case .wirePaymentType: return ("2010", "PaymentType")
            case .noAccount: return ("2020", "AccountRef")
            case .unknownAccount: return ("2500", "AccountRef")
            case .cardFromABank, .checkFromACard: return ("6000", "AccountRef")
            case .noLines: return ("2020", "Line")
            case .anItemLine: return ("500", "Line.DetailType")
            case .unknownExpenseAccount: return ("2500", "Line.AccountBasedExpenseLineDetail.AccountRef")
            case .noExpenseAccount: return ("2020", "Line.AccountBasedExpenseLineDetail.AccountRef")
            case .totalNotTheSum: return ("6000", "TotalAmt")
            case .negativeTotal: return ("6000", "Line.Amount")
            case .unknownPayee, .anEmployeePayee: return ("2500", "EntityRef")
            case .creditOnACheck: return ("2010", "Credit")
            case .notADate: return ("2010", "TxnDate")
            }
        }

        func body(_ setup: Setup) -> [String: Any] {
            var body = setup.check()
            switch self {
            case .noPaymentType: body["PaymentType"] = nil
            case .wirePaymentType: body["PaymentType"] = "Wire"
            case .noAccount: body["AccountRef"] = nil
            case .unknownAccount: body["AccountRef"] = ["value": "999999"]
            case .cardFromABank: body["PaymentType"] = "CreditCard"
            case .checkFromACard: body["AccountRef"] = ["value": setup.cardId]
            case .noLines: body["Line"] = []
            case .anItemLine:
                body["Line"] = [["Amount": 1, "DetailType": "ItemBasedExpenseLineDetail", "ItemBasedExpenseLineDetail": ["ItemRef": ["value": "3"]]]]
            case .unknownExpenseAccount: body["Line"] = [setup.line("1", account: "999999")]
            case .noExpenseAccount: body["Line"] = [["Amount": 1, "DetailType": "AccountBasedExpenseLineDetail", "AccountBasedExpenseLineDetail": [:]]]
            case .totalNotTheSum: body["TotalAmt"] = 15
            case .negativeTotal: body["Line"] = [setup.line("-3")]
            case .unknownPayee: body["EntityRef"] = ["value": "999999"]
            case .anEmployeePayee: body["EntityRef"] = ["value": setup.vendor["Id"]!, "type": "Employee"]
            case .creditOnACheck: body["Credit"] = true
            case .notADate: body["TxnDate"] = "2025-13-01"
            }
            return body
        }
    }

    @Test(arguments: Refused.allCases)
    func aPurchaseQBORefusesIsA400NamingTheFieldAndChangesNothing(_ refused: Refused) async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "922")
            let answer = try await setup.post("purchase", refused.body(setup))
            #expect(answer.status == 400, "\(answer.text)")
            #expect(answer.fault.code == refused.expected.code && answer.fault.element == refused.expected.element, "\(answer.text)")
            #expect(try await setup.balance(setup.bankId) == setup.banks[0].decimal("CurrentBalance"))
            #expect(try await setup.balance(setup.cardId) == setup.card.decimal("CurrentBalance"))
            #expect(try await client.rows("922", "SELECT * FROM Purchase", token: setup.token).isEmpty)
        }
    }

    @Test func updatesMoveTheDifferenceBetweenAccountsAndAStaleSyncTokenIs5010() async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "923")
            let first = try #require(setup.banks[0].decimal("CurrentBalance"))
            let second = try #require(setup.banks[1].decimal("CurrentBalance"))
            let id = try #require(try await setup.post("purchase", setup.check()).json.object("Purchase")["Id"] as? String)
            let grown = try await setup.post("purchase", ["Id": id, "SyncToken": "0", "sparse": true, "Line": [setup.line("20")]])
            #expect(grown.status == 200, "\(grown.text)")
            #expect(grown.json.object("Purchase").decimal("TotalAmt") == 20)
            #expect(grown.json.object("Purchase").object("EntityRef")["type"] as? String == "Vendor", "a sparse update keeps the payee")
            #expect(try await setup.balance(setup.bankId) == first - 20)
            let moved = try await setup.post("purchase", ["Id": id, "SyncToken": "1", "sparse": true,
                                                          "AccountRef": ["value": setup.banks[1]["Id"]!]])
            #expect(moved.status == 200, "\(moved.text)")
            #expect(try await setup.balance(setup.bankId) == first)
            #expect(try await setup.balance(setup.banks[1]["Id"] as! String) == second - 20)
            let stale = try await setup.post("purchase", ["Id": id, "SyncToken": "1", "sparse": true, "PrivateNote": "late"])
            #expect(stale.status == 400 && stale.fault.code == "5010", "\(stale.text)")
            let refused = try await setup.post("purchase", ["Id": id, "SyncToken": "2", "sparse": true, "PaymentType": "CreditCard"])
            #expect(refused.status == 400 && refused.fault.element == "AccountRef", "a card purchase from a bank account: \(refused.text)")
            #expect(try await setup.balance(setup.banks[1]["Id"] as! String) == second - 20, "a refused update changes nothing")
            let toCard = try await setup.post("purchase", ["Id": id, "SyncToken": "2", "sparse": true, "PaymentType": "CreditCard",
                                                           "AccountRef": ["value": setup.cardId]])
            #expect(toCard.status == 200, "\(toCard.text)")
            let ex = toCard.json.object("Purchase").object("PurchaseEx").objects("any").first.flatMap { $0["value"] as? [String: Any] }
            #expect(ex?["Value"] as? String == "1", "the internal type follows the payment type")
            #expect(try await setup.balance(setup.banks[1]["Id"] as! String) == second)
            #expect(try await setup.balance(setup.cardId) == setup.card.decimal("CurrentBalance")! - 20)
        }
    }

    @Test func deleteGivesTheMoneyBackCDCShowsItAndThereIsNoVoid() async throws {
        try await withSandbox { client in
            let setup = try await Setup(client, realm: "924")
            let cash = try #require(setup.banks[0].decimal("CurrentBalance"))
            let cursor = try #require(try await client.query("924", "SELECT COUNT(*) FROM Purchase", token: setup.token).json["time"] as? String)
            let id = try #require(try await setup.post("purchase", setup.check()).json.object("Purchase")["Id"] as? String)
            let void = try await setup.post("purchase?operation=update&include=void", ["Id": id, "SyncToken": "0", "sparse": true])
            #expect(void.status == 400 && void.fault.code == "500", "QBO voids no purchase: \(void.text)")
            let deleted = try await setup.post("purchase?operation=delete", ["Id": id, "SyncToken": "0"])
            #expect(deleted.status == 200 && deleted.json.object("Purchase")["status"] as? String == "Deleted", "\(deleted.text)")
            #expect(try await setup.balance(setup.bankId) == cash)
            let other = try #require(try await setup.post("purchase", setup.check(["3"])).json.object("Purchase")["Id"] as? String)
            try await client.control.delete(.purchase, id: other, realm: "924")
            #expect(try await setup.balance(setup.bankId) == cash, "deleting behind the client's back gives the money back too")
            let encoded = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let cdc = try await client.api("GET", "924", "cdc?entities=Purchase&changedSince=\(encoded)", token: setup.token)
            let stubs = ((cdc.json["CDCResponse"] as? [[String: Any]])?.first?.objects("QueryResponse").first?.objects("Purchase")) ?? []
            #expect(Set(stubs.compactMap { $0["Id"] as? String }) == [id, other], "\(cdc.text.prefix(300))")
            #expect(stubs.allSatisfy { $0["status"] as? String == "Deleted" })
        }
    }
}
