import Foundation
import RowColDomain

/// What a business's past says about cash timing: the invoices it was paid for and when, the
/// bills it paid and when, and the money it spent without a bill (checks, cash, card, transfers).
///
/// Plain values, built by the caller from whatever holds the history (the mirror's payments and
/// purchases, a test, a backtest). The runway never reads a file for them. Items dated on or after
/// the as-of date are ignored, so a history that runs past it cannot leak the future into a
/// forecast.
///
/// ```swift
/// let history = RunwayHistory(
///     paidInvoices: [SettledItem(id: "1042", party: PartyRef(id: "7", name: "Kim's Café"),
///                                dueDate: LocalDate("2026-10-01")!, paidOn: LocalDate("2026-10-19")!,
///                                amount: Money(1200, .usd))],
///     outflows: [Outflow(id: "p-88", party: PartyRef(id: "12", name: "Landlord LLC"), account: nil,
///                        date: LocalDate("2026-11-01")!, amount: Money(3500, .usd), kind: .check)])
/// ```
public struct RunwayHistory: Hashable, Sendable {
    /// Invoices settled by customer payments: one item per invoice and payment date.
    public var paidInvoices: [SettledItem]
    /// Bills settled by bill payments (every one, not only RowCol's): one item per bill and payment date.
    public var paidBills: [SettledItem]
    /// Money spent without a bill: checks, cash, card and transfer expenses (QBO `Purchase`).
    public var outflows: [Outflow]

    /// A history from its three parts.
    public init(paidInvoices: [SettledItem] = [], paidBills: [SettledItem] = [], outflows: [Outflow] = []) {
        self.paidInvoices = paidInvoices
        self.paidBills = paidBills
        self.outflows = outflows
    }

    /// No history at all: every open item is then expected on its due date, and nothing recurs.
    public static let empty = RunwayHistory()

    /// Whether there is nothing to learn from.
    public var isEmpty: Bool { paidInvoices.isEmpty && paidBills.isEmpty && outflows.isEmpty }
}

/// An invoice or bill that was paid: who, when it was due, when the money actually moved, how much.
public struct SettledItem: Hashable, Sendable {
    /// The invoice's or bill's id (several items may share it when it was paid in parts).
    public var id: String
    /// The customer of an invoice or the vendor of a bill.
    public var party: PartyRef
    /// When it was due (the transaction date when it had no due date).
    public var dueDate: LocalDate
    /// When the payment was made (the payment's transaction date).
    public var paidOn: LocalDate
    /// The amount this payment settled, in the item's currency.
    public var amount: Money
    /// For a bill: its expense account, when known, so a series without a vendor can still be grouped.
    public var account: PartyRef?

    /// A settled item.
    public init(id: String, party: PartyRef, dueDate: LocalDate, paidOn: LocalDate, amount: Money,
                account: PartyRef? = nil) {
        self.id = id
        self.party = party
        self.dueDate = dueDate
        self.paidOn = paidOn
        self.amount = amount
        self.account = account
    }

    /// Days between the due date and the payment: positive when paid late, negative when early.
    public var daysLate: Int { dueDate.days(until: paidOn) }
}

/// Money that left without a bill (QBO `Purchase`): a check, cash, a card charge, a transfer.
public struct Outflow: Hashable, Sendable {
    /// How the money left.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// A check.
        case check
        /// Cash.
        case cash
        /// A credit card charge.
        case creditCard = "credit_card"
        /// A bank transfer or other electronic payment.
        case transfer
        /// A bill payment fed in as an outflow (when the caller keeps them in one list).
        case billPayment = "bill_payment"
        /// Anything else.
        case other
    }

    /// The purchase's id.
    public var id: String
    /// The payee, when QBO names one (`EntityRef`).
    public var party: PartyRef?
    /// The expense account charged (the first line's account), when known.
    public var account: PartyRef?
    /// The transaction date.
    public var date: LocalDate
    /// The amount that left, positive, in its own currency.
    public var amount: Money
    /// How it left.
    public var kind: Kind

    /// An outflow.
    public init(id: String, party: PartyRef?, account: PartyRef?, date: LocalDate, amount: Money, kind: Kind) {
        self.id = id
        self.party = party
        self.account = account
        self.date = date
        self.amount = amount
        self.kind = kind
    }
}
