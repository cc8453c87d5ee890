import Foundation
import RowColDomain
import Testing

/// The join of documents and the payments that settled them: what counts as paid, and when.
struct BusinessHistoryTests {
    static func day(_ text: String) -> LocalDate { LocalDate(text)! }
    static func usd(_ amount: Decimal) -> Money { Money(amount, .usd) }
    static func id(_ raw: String) -> EntityID { EntityID(rawValue: raw)! }
    static let cars = PartyRef(id: "3", name: "Cool Cars")
    static let hall = PartyRef(id: "49", name: "Hall Properties")

    static func invoice(_ id: String, due: String?, txn: String = "2026-01-01", total: Decimal, balance: Decimal)
        -> Invoice
    {
        Invoice(id: Self.id(id), customer: cars, txnDate: day(txn), dueDate: due.map(day), total: usd(total),
                balance: usd(balance))
    }

    static func received(_ id: String, on date: String?, _ settles: [(String, Decimal)]) -> CustomerPayment {
        CustomerPayment(
            id: Self.id(id), customer: cars, date: date.map(day), amount: usd(settles.reduce(0) { $0 + $1.1 }),
            invoices: settles.map { SettledDocument(id: $0.0, amount: usd($0.1)) })
    }

    @Test func aPaidInvoiceIsPaidOnItsLastPaymentAndPartlyPaidOrVoidedOnesAreNotHistory() {
        let invoices = [
            Self.invoice("10", due: "2026-02-01", total: 100, balance: 0),   // two parts, last on 02-20
            Self.invoice("11", due: "2026-02-10", total: 50, balance: 20),   // partly paid: still open
            Self.invoice("12", due: "2026-03-01", total: 0, balance: 0),     // voided
            Self.invoice("13", due: "2026-03-01", total: 70, balance: 0),    // settled by a credit only
            Self.invoice("14", due: nil, txn: "2026-03-05", total: 40, balance: 0),  // no due date: txn date
        ]
        let payments = [
            Self.received("20", on: "2026-01-28", [("10", 40)]),
            Self.received("21", on: "2026-02-20", [("10", 60), ("11", 30)]),
            Self.received("22", on: nil, [("14", 40)]),               // undated: says nothing about when
            Self.received("23", on: "2026-03-04", [("14", 40)]),
        ]
        let history = BusinessHistory.assemble(
            bills: [], invoices: invoices, customerPayments: payments, vendorPayments: [], purchases: [])
        #expect(history.paidInvoices.map(\.id.rawValue) == ["10", "14"])
        let first = history.paidInvoices[0]
        #expect(first.paidOn == Self.day("2026-02-20") && first.dueDate == Self.day("2026-02-01"))
        #expect(first.daysLate == 19 && first.payments == 2 && first.amount == Self.usd(100))
        #expect(first.party == Self.cars)
        let early = history.paidInvoices[1]
        #expect(early.dueDate == Self.day("2026-03-05") && early.daysLate == -1 && early.payments == 1)
    }

    @Test func billsArePaidByVendorPaymentsWhoeverMadeThem() {
        let bills = [
            Bill(id: Self.id("108"), vendor: Self.hall, txnDate: Self.day("2026-04-01"),
                 dueDate: Self.day("2026-05-01"),
                 total: Self.usd(315), balance: Self.usd(0)),
            Bill(id: Self.id("109"), vendor: Self.hall, dueDate: Self.day("2026-05-10"), total: Self.usd(80),
                 balance: Self.usd(80)),
        ]
        let paid = VendorPayment(
            id: Self.id("104"), vendor: Self.hall, date: Self.day("2026-04-26"), amount: Self.usd(315),
            method: .check, account: AccountRef(id: "35", name: "Checking"),
            bills: [SettledDocument(id: "108", amount: Self.usd(315))])
        let history = BusinessHistory.assemble(
            bills: bills, invoices: [], customerPayments: [], vendorPayments: [paid], purchases: [])
        #expect(history.paidBills.map(\.id.rawValue) == ["108"])
        #expect(history.paidBills.first?.daysLate == -5)
        #expect(history.paidInvoices.isEmpty && history.purchases.isEmpty)
    }

    @Test func sinceKeepsWhatWasPaidOrDatedFromThatDayAndPurchasesComeInDateOrder() {
        func purchase(_ id: String, _ date: String?) -> Purchase {
            Purchase(id: Self.id(id), date: date.map(Self.day), payee: nil, method: .creditCard,
                     account: AccountRef(id: "41", name: "Mastercard"), amount: Self.usd(18),
                     lines: [.init(account: AccountRef(id: "13", name: "Meals"), amount: Self.usd(18))])
        }
        let purchases = [purchase("3", "2026-06-02"), purchase("1", "2026-05-30"), purchase("2", nil),
                         purchase("4", "2026-06-01")]
        let invoices = [Self.invoice("10", due: "2026-05-01", total: 10, balance: 0),
                        Self.invoice("11", due: "2026-05-01", total: 10, balance: 0)]
        let payments = [Self.received("20", on: "2026-05-31", [("10", 10)]),
                        Self.received("21", on: "2026-06-01", [("11", 10)])]
        let all = BusinessHistory.assemble(
            bills: [], invoices: invoices, customerPayments: payments, vendorPayments: [], purchases: purchases)
        #expect(all.purchases.map(\.id.rawValue) == ["1", "4", "3", "2"], "by date, the undated last")
        let june = BusinessHistory.assemble(
            bills: [], invoices: invoices, customerPayments: payments, vendorPayments: [], purchases: purchases,
            since: Self.day("2026-06-01"))
        #expect(june.purchases.map(\.id.rawValue) == ["4", "3"])
        #expect(june.paidInvoices.map(\.id.rawValue) == ["11"])
    }

    /// A reader may read only the documents payments settle: the history is the same as from all of them.
    @Test func theSettledDocumentsAloneGiveTheSameHistory() {
        var invoices = (1...40).map { n in
            Self.invoice(String(n), due: "2026-0\(n % 6 + 1)-10", total: Decimal(n * 10), balance: n % 3 == 0 ? 5 : 0)
        }
        invoices.append(Self.invoice("99", due: "2026-02-01", total: 10, balance: 10))  // open, settled by nothing
        let payments = (1...40).filter { $0 % 4 != 0 }.map { n in
            Self.received("p\(n)", on: n % 5 == 0 ? nil : "2026-0\(n % 6 + 1)-\(10 + n % 15)", [(String(n), 1)])
        }
        let windows: [LocalDate?] = [Self.day("2026-03-01"), nil]
        for since in windows {
            let settled = BusinessHistory.settledDocuments(customerPayments: payments, vendorPayments: [], since: since)
            #expect(!settled.invoices.isEmpty && settled.invoices.count < 30 && settled.bills.isEmpty)
            #expect(!settled.invoices.contains(Self.id("99")) && !settled.invoices.contains(Self.id("4")))
            #expect(settled.invoices == settled.invoices.sorted())
            let whole = BusinessHistory.assemble(
                bills: [], invoices: invoices, customerPayments: payments, vendorPayments: [], purchases: [], since: since)
            let fromSettled = BusinessHistory.assemble(
                bills: [], invoices: invoices.filter { settled.invoices.contains($0.id) }, customerPayments: payments,
                vendorPayments: [], purchases: [], since: since)
            #expect(!whole.paidInvoices.isEmpty)
            #expect(fromSettled == whole)
        }
    }

    @Test func aPurchasesExpenseAccountIsItsLargestAccountLine() {
        let purchase = Purchase(
            id: Self.id("6842"), date: Self.day("2013-01-04"), payee: PartyRef(id: "1"), payeeType: "Customer",
            method: .check, account: AccountRef(id: "61"), amount: Self.usd(Decimal(string: "11.05")!),
            lines: [.init(account: AccountRef(id: "60", name: "Advertising"), amount: Self.usd(10)),
                    .init(account: nil, amount: Self.usd(20)),
                    .init(account: AccountRef(id: "62"), amount: Self.usd(1))])
        #expect(purchase.expenseAccount == AccountRef(id: "60", name: "Advertising"))
    }
}
