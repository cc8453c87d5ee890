import Foundation
import QBO
import RowColDomain
import RowColJSON
import RowColStore
import Testing
@testable import RowColSync

/// The recordings of customer payments, bill payments and purchases become domain values, and
/// their rows of the entity table carry them into the mirror and back.
struct HistoryMappingTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func json(_ name: String) throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: fixtures.appendingPathComponent(name))))
    }

    static func money(_ text: String) -> Money { Money(text, .usd)! }

    @Test func aCustomerPaymentNamesItsCustomerDayAmountAndInvoices() throws {
        let payment = try QBOMapping.customerPayment(QBOPayment(json: Self.json("json/payment_linked_invoice.json")))
        #expect(payment.id.rawValue == "120" && payment.customer == PartyRef(id: "3", name: "Cool Cars"))
        #expect(payment.date == LocalDate("2023-02-18") && payment.amount == Self.money("1675.52"))
        #expect(payment.unapplied == Self.money("0") && payment.depositAccount == AccountRef(id: "4"))
        #expect(payment.invoices == [SettledDocument(id: "12", amount: Self.money("1675.52"))])
    }

    @Test(arguments: [("json/billpayment_check.json", "Check"), ("json/billpayment_creditcard.json", "CreditCard")])
    func everyBillPaymentNamesItsVendorDayMethodAndBills(file: String, method: String) throws {
        let qbo = try QBOBillPayment(json: Self.json(file))
        let payment = try QBOMapping.vendorPayment(qbo)
        #expect(payment.method == PaymentMethod(rawValue: method))
        #expect(payment.vendor.id == qbo.vendorRef?.value && payment.account?.id == qbo.paymentAccountRef?.value)
        #expect(payment.bills.map(\.id) == qbo.paidBillIDs && !payment.bills.isEmpty)
        #expect(payment.bills.reduce(Decimal(0)) { $0 + $1.amount.amount } == qbo.totalAmt)
        #expect(payment.date?.description == qbo.txnDate?.description)
    }

    @Test func aPurchaseNamesItsPayeeMethodAccountsAndAmount() throws {
        let lunch = try QBOMapping.purchase(QBOPurchase(json: Self.json("json/purchase_creditcard.json")))
        #expect(lunch.method == .creditCard && !lunch.isCredit && lunch.amount == Self.money("18.97"))
        #expect(lunch.payee == PartyRef(id: "56", name: "Bob's Burger Joint") && lunch.payeeType == "Vendor")
        #expect(lunch.account == AccountRef(id: "41", name: "Mastercard"))
        #expect(lunch.expenseAccount == AccountRef(id: "13", name: "Meals and Entertainment"))
        #expect(lunch.date == LocalDate("2023-02-23"))
        let fuel = try QBOMapping.purchase(QBOPurchase(json: Self.json("json/purchase_creditcard_no_entityref.json")))
        #expect(fuel.payee == nil && fuel.expenseAccount?.name == "Automobile")
    }

    @Test(arguments: [
        (EntityKind.customerPayment, "json/payment_linked_invoice_deposited.json", "98"),
        (EntityKind.billPayment, "json/billpayment_check.json", "104"),
        (EntityKind.purchase, "json/purchase_creditcard.json", "140"),
    ])
    func theTableRowMirrorsTheBodyWholeAndItsDomainValue(kind: EntityKind, file: String, id: String) throws {
        let body = try Self.json(file)
        let row = MirroredEntities[kind]
        let map = try #require(row.change)
        let change = try map(body)
        #expect(change.entity == kind && change.id.rawValue == id && change.operation == .upsert)
        #expect(change.qbo == body, "the QBO body is kept as received")
        #expect(change.sourceVersion == "0" && change.updatedAt != nil)
        let data = try #require(change.data)
        switch kind {
        case .customerPayment: #expect(try data.decode(CustomerPayment.self).invoices.map(\.id) == ["42"])
        case .billPayment: #expect(try data.decode(VendorPayment.self).method == .check)
        default: #expect(try data.decode(Purchase.self).lines.count == 1)
        }
    }

    @Test func theTableKnowsTheNewKindsByTheirQBONamesAndTTLVariables() throws {
        #expect(MirroredEntities.named("Payment")?.kind == .customerPayment)
        #expect(MirroredEntities.named("purchase")?.kind == .purchase)
        // A BillPayment hint runs a reconciliation: its one CDC request covers every BillPayment too.
        #expect(MirroredEntities.named("BillPayment")?.kind == .payment)
        #expect(MirroredEntities.changeFeed.map(\.qboName).contains("BillPayment"))
        #expect(Set(EntityKind.allCases.map(\.folderName)).count == EntityKind.allCases.count)
        let configuration = try SyncConfiguration.resolve(
            environment: ["SYNC_CACHE_TTL_PURCHASES": "60"], policy: ["cache_ttl_customer_payments": .number(30)])
        #expect(configuration.softTTL(for: .purchase) == .seconds(60))
        #expect(configuration.softTTL(for: .customerPayment) == .seconds(30))
        #expect(configuration.softTTL(for: .billPayment) == .seconds(900))
        let error = #expect(throws: ConfigurationError.self) {
            try SyncConfiguration.resolve(environment: ["SYNC_CACHE_TTL_BILL_PAYMENTS": "soon"])
        }
        #expect(error?.name == "SYNC_CACHE_TTL_BILL_PAYMENTS")
    }
}
