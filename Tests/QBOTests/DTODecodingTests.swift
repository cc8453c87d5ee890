import Foundation
import RowColJSON
import Testing
@testable import QBO

@Suite struct DTODecodingTests {
    @Test func billWithOpenBalanceDecodesExactly() throws {
        let bill = try QBOBill(jsonData: Fixture.data("json/bill_open_balance.json"))
        #expect(bill.id == "108")
        #expect(bill.syncToken == "0")
        #expect(bill.balance == Decimal(string: "315"))
        #expect(bill.totalAmt == Decimal(string: "315"))
        #expect(bill.dueDate?.description == "2023-02-18")
        #expect(bill.vendorRef == QBORef(value: "49", name: "Robertson & Associates"))
        #expect(bill.metaData?.lastUpdatedTime == "2023-02-18T12:36:59-08:00")
        #expect(bill.lines.first?.kind == .accountBasedExpense)
        #expect(bill.lines.first?.accountRef?.value == "69")
        #expect(bill.raw["domain"] == "QBO")
    }

    @Test func paidBillKeepsItsLinkToThePayment() throws {
        let bill = try QBOBill(jsonData: Fixture.data("json/bill_paid_linkedtxn.json"))
        #expect(bill.balance == 0)
        #expect(bill.linkedTxns == [QBOLinkedTxn(txnID: "104", txnType: "BillPaymentCheck")])
        #expect(bill.raw["SalesTermRef"]?["value"] == "3")
    }

    @Test func invoiceAmountsAreExactDecimals() throws {
        let invoice = try QBOInvoice(jsonData: Fixture.data("json/invoice_open.json"))
        #expect(invoice.totalAmt == Decimal(string: "362.07"))
        #expect(invoice.balance == Decimal(string: "362.07"))
        #expect(invoice.customerRef?.value == "24")
        #expect(invoice.emailStatus == "NotSet")
        #expect(invoice.lines.map(\.kind) == [.salesItem, .salesItem, .salesItem, .subTotal])
        #expect(invoice.lines[1].amount == Decimal(string: "12.75"))
        #expect(invoice.lines[3].id == nil)
        // Fields the DTO does not model are kept in raw, byte for byte in value.
        #expect(invoice.raw["TxnTaxDetail"]?["TotalTax"] == .number(Decimal(string: "26.82")!))
        #expect(invoice.raw["CustomField"]?.arrayValue?.count == 1)
    }

    @Test func bankAccountBalance() throws {
        let account = try QBOAccount(jsonData: Fixture.data("json/account_bank.json"))
        #expect(account.accountType == "Bank")
        #expect(account.currentBalance == Decimal(string: "1201"))
        #expect(account.active == true)
        #expect(account.classification == "Asset")
    }

    @Test(arguments: [("json/billpayment_check.json", "Check", "35", ["24"]),
                      ("json/billpayment_creditcard.json", "CreditCard", "41", ["105"])])
    func billPayments(file: String, payType: String, accountID: String, bills: [String]) throws {
        let payment = try QBOBillPayment(jsonData: Fixture.data(file))
        #expect(payment.payType == payType)
        #expect(payment.paymentAccountRef?.value == accountID)
        #expect(payment.paidBillIDs == bills)
    }

    @Test func everyEntityFixtureDecodes() throws {
        // Answers that are not entities.
        let notEntities = ["fault", "companyinfo", "preferences", "query_"]
        var decoded = 0
        for name in try Fixture.names(in: "json") where !notEntities.contains(where: name.hasPrefix) {
            let data = try Fixture.data("json/\(name)")
            var json = try QBOJSONBody.parse(data)
            // Some recordings are whole answers: {"Invoice": {...}, "time": ...}.
            let envelopes = ["Bill", "Invoice", "Account", "BillPayment", "Payment", "Purchase"]
            if let object = json.objectValue, let key = envelopes.first(where: { object[$0] != nil }) {
                json = object[key]!
            }
            decoded += 1
            let entity: any QBOEntity
            switch name {
            case let n where n.hasPrefix("billpayment"): entity = try QBOBillPayment(json: json)
            case let n where n.hasPrefix("bill"): entity = try QBOBill(json: json)
            case let n where n.hasPrefix("invoice"): entity = try QBOInvoice(json: json)
            case let n where n.hasPrefix("account"): entity = try QBOAccount(json: json)
            case let n where n.hasPrefix("payment"): entity = try QBOPayment(json: json)
            case let n where n.hasPrefix("purchase"): entity = try QBOPurchase(json: json)
            default: Issue.record("unclassified fixture \(name)"); continue
            }
            #expect(entity.raw == json, "\(name) must be kept whole")
        }
        #expect(decoded >= 12, "only \(decoded) recordings were decoded")
    }

    @Test(arguments: [("json/payment_linked_invoice.json", "120", "3", "1675.52", "4", ["12"], [] as [String]),
                      ("json/payment_linked_invoice_deposited.json", "98", "26", "81", "4", ["42"], ["121"])])
    func customerPayments(file: String, id: String, customer: String, total: String, deposit: String,
                          invoices: [String], deposits: [String]) throws {
        let payment = try QBOPayment(jsonData: Fixture.data(file))
        #expect(payment.id == id)
        #expect(payment.customerRef?.value == customer)
        #expect(payment.totalAmt == Decimal(string: total))
        #expect(payment.unappliedAmt == 0)
        #expect(payment.depositToAccountRef == QBORef(value: deposit))
        #expect(payment.paidInvoices.map(\.id) == invoices)
        #expect(payment.paidInvoices.map(\.amount) == [Decimal(string: total)!])
        #expect(payment.linkedTxns.filter { $0.txnType == "Deposit" }.map(\.txnID) == deposits)
        // LineEx (the invoice's open balance before the payment, its number) stays in the line.
        #expect(payment.lines.first?.raw["LineEx"]?["any"]?.arrayValue?.count == 3)
    }

    @Test func cardPurchasesWithAndWithoutAPayee() throws {
        let lunch = try QBOPurchase(jsonData: Fixture.data("json/purchase_creditcard.json"))
        #expect(lunch.id == "140" && lunch.paymentType == "CreditCard" && lunch.credit == false)
        #expect(lunch.accountRef == QBORef(value: "41", name: "Mastercard"))
        #expect(lunch.entityRef == QBORef(value: "56", name: "Bob's Burger Joint"))
        #expect(lunch.entityType == "Vendor")
        #expect(lunch.totalAmt == Decimal(string: "18.97"))
        #expect(lunch.txnDate?.description == "2023-02-23")
        #expect(lunch.privateNote == "Bought lunch for crew 102")
        #expect(lunch.lines.map(\.accountRef) == [QBORef(value: "13", name: "Meals and Entertainment")])
        let fuel = try QBOPurchase(jsonData: Fixture.data("json/purchase_creditcard_no_entityref.json"))
        #expect(fuel.entityRef == nil && fuel.entityType == nil)
        #expect(fuel.totalAmt == Decimal(string: "34"))
        #expect(fuel.lines.first?.accountRef?.name == "Automobile")
    }

    @Test func rawRoundTripsWithoutLosingDigits() throws {
        let json = try QBOJSONBody.parse(Data(#"{"Id": 7, "TotalAmt": 0.1, "Big": 12345678901234567.89}"#.utf8))
        let again = try QBOJSONBody.parse(Data(json.serialized(.compact)))
        #expect(again == json)
        #expect(String(decoding: Data(json.serialized(.compact)), as: UTF8.self).contains("12345678901234567.89"))
    }

    @Test func idsAndAmountsAreAcceptedLeniently() throws {
        let bill = try QBOBill(json: ["Id": 42, "SyncToken": 3, "TotalAmt": "10.50", "Balance": 1])
        #expect(bill.id == "42")
        #expect(bill.syncToken == "3")
        #expect(bill.totalAmt == Decimal(string: "10.5"))
    }

    @Test func unknownLineKindsAreKept() throws {
        let bill = try QBOBill(json: ["Id": "1", "Line": [["Amount": 5, "DetailType": "FutureLineDetail",
                                                            "FutureLineDetail": ["Anything": true]]]])
        #expect(bill.lines.first?.kind?.rawValue == "FutureLineDetail")
        #expect(bill.lines.first?.detail?["Anything"] == true)
    }

    @Test(arguments: [
        #"{"Id": "1", "TotalAmt": true}"#,
        #"{"Id": "1", "DueDate": "18/02/2023"}"#,
        #"{"Id": "1", "VendorRef": "49"}"#,
        #"{"Id": "1", "Line": "none"}"#,
        #"{"TotalAmt": 5}"#,
        #"["not", "an", "object"]"#,
    ])
    func wrongTypesAreDecodingErrors(body: String) throws {
        let error = try #require(throws: QBOError.self) { try QBOBill(jsonData: Data(body.utf8)) }
        #expect(error.code == .decoding)
        #expect(!error.message.isEmpty)
    }

    @Test func datesAreValidated() {
        #expect(QBODate("2024-02-29") != nil)
        #expect(QBODate("2023-02-29") == nil)
        #expect(QBODate("2023-2-1") == nil)
        #expect(QBODate("2023-03-04")! < QBODate("2023-03-20")!)
        for text in ["2023-03-04", "0999-12-31", "2024-02-29", "0001-01-01"] {
            #expect(QBODate(text)?.description == text, "a date is written back as it was read")
        }
    }

    @Test func cdcSeparatesChangesFromDeletions() throws {
        let bill = try QBOJSONBody.parse(Fixture.data("json/bill_open_balance.json"))
        let payment = try QBOJSONBody.parse(Fixture.data("json/billpayment_check.json"))
        let body: JSONValue = [
            "CDCResponse": [["QueryResponse": [
                ["Bill": [bill, ["Id": "65", "status": "Deleted", "domain": "QBO", "MetaData": ["LastUpdatedTime": "2016-04-13T07:34:31-07:00"]]],
                 "startPosition": 1, "maxResults": 2],
                ["BillPayment": [payment]],
                [:],
            ]]],
            "time": "2026-11-28T03:00:00.000-08:00",
        ]
        let result = try QBOCDCResult(json: body)
        #expect(result.time == "2026-11-28T03:00:00.000-08:00")
        #expect(try result.changes(for: "Bill").decoded(as: QBOBill.self).map(\.id) == ["108"])
        #expect(result.changes(for: "Bill").deleted.map(\.id) == ["65"])
        #expect(result.changes(for: "Bill").deleted.first?.lastUpdatedTime == "2016-04-13T07:34:31-07:00")
        #expect(try result.changes(for: "BillPayment").decoded(as: QBOBillPayment.self).map(\.id) == ["104"])
        #expect(result.changes(for: "Invoice").changed.isEmpty)
    }
}
