import Foundation
import RowCol

/// What happened in a business, as the truth a backtest compares against: every invoice and bill
/// with when it was issued, due and paid, and every purchase. Source-agnostic: the synthetic
/// generator builds one, and a sandbox company (or a real one) can be turned into one from its
/// Invoices + Payments, Bills + BillPayments and Purchases (`--ledger FILE` reads this shape as JSON).
struct Ledger: Codable, Sendable {
    struct Settlement: Codable, Sendable {
        var on: LocalDate
        var amount: Decimal
    }

    struct Document: Codable, Sendable {
        var id: String
        var party: PartyRef
        var txnDate: LocalDate
        var dueDate: LocalDate
        var amount: Decimal
        var payments: [Settlement]

        enum CodingKeys: String, CodingKey {
            case id, party, amount, payments
            case txnDate = "txn_date"
            case dueDate = "due_date"
        }
    }

    struct Purchase: Codable, Sendable {
        var id: String
        var party: PartyRef?
        var account: PartyRef?
        var date: LocalDate
        var amount: Decimal
    }

    var name: String
    var invoices: [Document]
    var bills: [Document]
    var purchases: [Purchase]
}

/// One forecast made at `origin` with only what was known then, against what happened after.
struct Backtest {
    let ledger: Ledger
    let origin: LocalDate
    let weeks: Int

    static let business = BusinessRef(advisor: try! AdvisorID(validating: "bench"), business: try! BusinessID(validating: "bt"))

    /// The open documents at the origin (issued before it, not fully paid before it), as the mirror would hold them.
    func open(_ documents: [Ledger.Document]) -> [(Ledger.Document, Decimal)] {
        documents.compactMap { document in
            guard document.txnDate < origin else { return nil }
            let paid = document.payments.filter { $0.on < origin }.reduce(Decimal(0)) { $0 + $1.amount }
            let balance = document.amount - paid
            return balance > 0 ? (document, balance) : nil
        }
    }

    /// The history before the origin, as RowCol would pass it to the runway.
    var history: RunwayHistory {
        func settled(_ documents: [Ledger.Document]) -> [SettledItem] {
            documents.flatMap { document in
                document.payments.filter { $0.on < origin }.map {
                    SettledItem(id: document.id, party: document.party, dueDate: document.dueDate, paidOn: $0.on,
                                amount: Money($0.amount, .usd))
                }
            }
        }
        return RunwayHistory(
            paidInvoices: settled(ledger.invoices), paidBills: settled(ledger.bills),
            outflows: ledger.purchases.filter { $0.date < origin }.map {
                Outflow(id: $0.id, party: $0.party, account: $0.account, date: $0.date, amount: Money($0.amount, .usd),
                        kind: .check)
            })
    }

    /// The projected net cash of each week under `policy`.
    func projected(_ policy: TimingPolicy) -> [Decimal] {
        let inputs = RunwayInputs(
            business: Self.business, businessName: ledger.name, asOf: Date(), asOfDate: origin, homeCurrency: .usd,
            bills: open(ledger.bills).map { document, balance in
                Bill(id: try! EntityID(validating: document.id), vendor: document.party, txnDate: document.txnDate,
                     dueDate: document.dueDate, total: Money(document.amount, .usd), balance: Money(balance, .usd))
            },
            invoices: open(ledger.invoices).map { document, balance in
                Invoice(id: try! EntityID(validating: document.id), customer: document.party, txnDate: document.txnDate,
                        dueDate: document.dueDate, total: Money(document.amount, .usd), balance: Money(balance, .usd))
            },
            balances: [AccountBalance(id: try! EntityID(validating: "1"), name: "Bank", accountType: "Bank",
                                      currentBalance: Money(0, .usd), active: true)],
            history: policy.learnsLateness || policy.detectsRecurring ? history : .empty, policy: policy)
        return RunwayCalculator.snapshot(inputs: inputs).weeks.prefix(weeks).map(\.net.amount)
    }

    /// What each week's net cash really was; `knownOnly` leaves out the invoices and bills issued
    /// after the origin (no forecast made at the origin could know them; purchases stay in).
    func actual(knownOnly: Bool = false) -> [Decimal] {
        var nets = [Decimal](repeating: 0, count: weeks)
        func week(_ date: LocalDate) -> Int? {
            let days = origin.days(until: date)
            return days >= 0 && days < 7 * weeks ? days / 7 : nil
        }
        for (documents, sign) in [(ledger.invoices, Decimal(1)), (ledger.bills, Decimal(-1))] {
            for document in documents where !knownOnly || document.txnDate < origin {
                for payment in document.payments { if let index = week(payment.on) { nets[index] += sign * payment.amount } }
            }
        }
        for purchase in ledger.purchases { if let index = week(purchase.date) { nets[index] -= purchase.amount } }
        return nets
    }

    static func meanAbsoluteError(_ projected: [Decimal], _ actual: [Decimal]) -> Decimal {
        let total = zip(projected, actual).reduce(Decimal(0)) { sum, pair in
            let gap = pair.0 - pair.1
            return sum + (gap < 0 ? -gap : gap)
        }
        return (total / Decimal(max(actual.count, 1))).rounded(scale: 2)
    }
}
