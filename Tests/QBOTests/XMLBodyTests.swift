import Foundation
import RowColJSON
import Testing
@testable import QBO

@Suite struct XMLBodyTests {
    private func answer(_ file: String) throws -> JSONValue {
        try QBOClient.interpret(QBOHTTPResponse(status: 200, headers: [:], body: Fixture.data(file))).get()
    }

    @Test func billPaymentEntitiesInXMLDecode() throws {
        let card = try QBOClient.entity(QBOBillPayment.self, in: answer("xml/bill_payment_cc_response.xml"))
        #expect(card.id == "812")
        #expect(card.totalAmt == Decimal(string: "336"))
        #expect(card.payType == "CreditCard")
        #expect(card.paymentAccountRef == QBORef(value: "135", name: "CreditCard"))
        #expect(card.paidBillIDs == ["134"])
        #expect(card.metaData?.lastUpdatedTime == "2013-10-18T10:19:48-07:00")

        let check = try QBOClient.entity(QBOBillPayment.self, in: answer("xml/bill_payment_check_response.xml"))
        #expect(check.paymentAccountRef?.value == "133")
        #expect(check.raw["sparse"] == "false")
    }

    @Test func customerPaymentAndPurchasesInXMLDecode() throws {
        let payment = try QBOClient.entity(QBOPayment.self, in: answer("xml/payment_linked_invoice.xml"))
        #expect(payment.id == "83")
        #expect(payment.customerRef == QBORef(value: "3", name: "Acme Enterprises"))
        #expect(payment.depositToAccountRef == QBORef(value: "4"))
        #expect(payment.txnDate?.description == "2016-09-16")
        #expect(payment.totalAmt == Decimal(string: "2400") && payment.unappliedAmt == 0)
        // One <Line> is one line, not an array of one: the paid invoice and its amount.
        #expect(payment.paidInvoices.map(\.id) == ["68"])
        #expect(payment.paidInvoices.map(\.amount) == [Decimal(string: "2400")!])

        let check = try QBOClient.entity(QBOPurchase.self, in: answer("xml/purchase_check.xml"))
        #expect(check.id == "6842" && check.paymentType == "Check")
        #expect(check.accountRef == QBORef(value: "61", name: "Test Purchase Bank Account"))
        #expect(check.entityRef == QBORef(value: "1", name: "Mr V3 Service Customer Jr2"))
        #expect(check.entityType == "Customer")
        #expect(check.totalAmt == Decimal(string: "11.05"))
        #expect(check.lines.map(\.kind) == [.accountBasedExpense, .itemBasedExpense])
        #expect(check.lines.first?.accountRef == QBORef(value: "60", name: "Advertising"))
        #expect(check.lines.map(\.amount) == [Decimal(string: "10"), Decimal(string: "1")])

        let card = try QBOClient.entity(QBOPurchase.self, in: answer("xml/purchase_creditcard.xml"))
        #expect(card.paymentType == "CreditCard" && card.credit == false && card.totalAmt == 0)
        #expect(card.accountRef == QBORef(value: "64", name: "Test Purchase Credit Card Account"))
    }

    @Test func accountInAnIntuitResponseEnvelope() throws {
        let json = try answer("xml/fetch_account_by_id.xml")
        #expect(json["time"] == "2013-12-11T05:27:48.674-08:00")
        let account = try QBOClient.entity(QBOAccount.self, in: json)
        #expect(account.accountType == "Income")
        #expect(account.active == true)
        #expect(account.currentBalance == 0)
        #expect(account.currencyRef == QBORef(value: "USD", name: "United States Dollar"))
    }

    @Test func deleteStubsInXML() throws {
        let json = try answer("xml/bill_payment_delete_success_response.xml")
        let stub = try QBODeletedObject(json: #require(json["BillPayment"]), entity: "BillPayment")
        #expect(stub.id == "623")
        #expect(json["BillPayment"]?["status"] == "Deleted")
        #expect(try answer("xml/invoice_delete_success_response.xml")["Invoice"]?["Id"] == "1")
    }

    @Test func cdcInXMLGivesChangesAndDeletions() throws {
        let result = try QBOCDCResult(json: answer("xml/change_data_capture_response.xml"))
        #expect(result.time == "2016-04-13T07:52:34.949-07:00")
        let bills = try result.changes(for: "Bill").decoded(as: QBOBill.self)
        #expect(bills.map(\.id) == ["126", "19"])
        #expect(bills[1].balance == Decimal(string: "100"))
        #expect(bills[0].lines.map(\.kind) == [.itemBasedExpense, .itemBasedExpense])
        #expect(bills[0].lines.first?.itemRef == QBORef(value: "11", name: "Pump"))
        #expect(bills[0].linkedTxns == [QBOLinkedTxn(txnID: "148", txnType: "BillPaymentCheck")])
        #expect(try result.changes(for: "BillPayment").decoded(as: QBOBillPayment.self).map(\.id) == ["148", "149"])
        let invoices = result.changes(for: "Invoice")
        #expect(try invoices.decoded(as: QBOInvoice.self).map(\.totalAmt) == [Decimal(string: "629.10")])
        #expect(invoices.deleted.map(\.id) == ["65"])
        let payments = try result.changes(for: "Payment").decoded(as: QBOPayment.self)
        #expect(payments.map(\.id) == ["147"])
        #expect(payments.first?.customerRef == QBORef(value: "10", name: "Geeta Kalapatapu"))
        #expect(payments.first?.depositToAccountRef?.value == "35")
        #expect(payments.first?.paidInvoices.map(\.id) == ["103"])
        #expect(payments.first?.paidInvoices.map(\.amount) == [Decimal(string: "629.10")!])
        #expect(payments.first?.metaData?.lastUpdatedTime == "2016-04-13T07:34:40-07:00")

        let deletion = try QBOCDCResult(json: answer("xml/invoice_changes.xml"))
        #expect(deletion.changes(for: "Invoice").deleted.map(\.id) == ["39"])
        #expect(deletion.changes(for: "Invoice").changed.isEmpty)
    }

    @Test func everyXMLFixtureIsAFaultOrDecodes() throws {
        for name in try Fixture.names(in: "xml") {
            let result = QBOClient.interpret(QBOHTTPResponse(status: 200, headers: [:], body: try Fixture.data("xml/\(name)")))
            switch result {
            case .success(let json): #expect(json.objectValue?.isEmpty == false, "\(name)")
            case .failure(let error): #expect(!error.faults.isEmpty, "\(name): \(error)")
            }
        }
    }
}
