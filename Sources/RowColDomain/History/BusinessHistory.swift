/// A bill or an invoice paid in full, and when: the facts cash timing is learned from.
public struct PaidDocument: Hashable, Sendable, Codable, Identifiable {
    public var id: EntityID
    /// The vendor of a bill, the customer of an invoice.
    public var party: PartyRef
    public var txnDate: LocalDate?
    /// The due date, else the transaction date (as ``Bill/effectiveDueDate`` reads it).
    public var dueDate: LocalDate
    /// The date of the last payment that settled it.
    public var paidOn: LocalDate
    /// The document's total.
    public var amount: Money
    /// How many payments settled it (an erratic customer pays in parts).
    public var payments: Int

    public init(
        id: EntityID, party: PartyRef, txnDate: LocalDate?, dueDate: LocalDate, paidOn: LocalDate, amount: Money,
        payments: Int
    ) {
        self.id = id
        self.party = party
        self.txnDate = txnDate
        self.dueDate = dueDate
        self.paidOn = paidOn
        self.amount = amount
        self.payments = payments
    }

    /// Days from the due date to the payment: negative when paid early.
    public var daysLate: Int { paidOn.daysSinceEpoch - dueDate.daysSinceEpoch }

    enum CodingKeys: String, CodingKey {
        case id, party, amount, payments
        case txnDate = "txn_date"
        case dueDate = "due_date"
        case paidOn = "paid_on"
    }
}

/// What a business's past says about its cash timing: the invoices its customers paid, the
/// bills it paid, and its purchases (expenses paid without a bill), each with its dates.
///
/// Plain values, built by ``assemble(bills:invoices:customerPayments:vendorPayments:purchases:since:)``
/// from what the mirror holds; the runway's learning reads them and does no I/O.
public struct BusinessHistory: Hashable, Sendable, Codable {
    /// Invoices paid in full, in the order they were paid (then by id).
    public var paidInvoices: [PaidDocument]
    /// Bills paid in full, in the order they were paid (then by id).
    public var paidBills: [PaidDocument]
    /// Purchases by date (then by id); those without a date come last.
    public var purchases: [Purchase]

    public init(paidInvoices: [PaidDocument] = [], paidBills: [PaidDocument] = [], purchases: [Purchase] = []) {
        self.paidInvoices = paidInvoices
        self.paidBills = paidBills
        self.purchases = purchases
    }

    /// The ids of the invoices and bills that dated payments settle on or after `since`: the only
    /// documents ``assemble(bills:invoices:customerPayments:vendorPayments:purchases:since:)`` can
    /// count as paid, so a reader of the mirror reads these instead of every bill and invoice (a
    /// company of 20,000 open bills has none to read). Sorted, without repeats.
    public static func settledDocuments(
        customerPayments: [CustomerPayment], vendorPayments: [VendorPayment], since: LocalDate? = nil
    ) -> (invoices: [EntityID], bills: [EntityID]) {
        func ids(_ settled: [(LocalDate?, [SettledDocument])]) -> [EntityID] {
            var found = Set<EntityID>()
            for (date, documents) in settled {
                // `assemble` counts a document by its latest dated payment: one on or after `since` is enough.
                guard let date, since.map({ date >= $0 }) ?? true else { continue }
                for document in documents { if let id = EntityID(rawValue: document.id) { found.insert(id) } }
            }
            return found.sorted()
        }
        return (ids(customerPayments.map { ($0.date, $0.invoices) }), ids(vendorPayments.map { ($0.date, $0.bills) }))
    }

    /// Joins documents and the payments that settled them.
    ///
    /// The rules:
    /// - A document counts as paid when its balance is zero, its total is positive (a voided one
    ///   is zero) and at least one dated payment in `customerPayments` / `vendorPayments` settles it;
    ///   it was paid on the latest such payment's date. A document settled only by credits, or
    ///   whose payments are not mirrored, has no paid date and is left out; so is one with neither
    ///   a due date nor a transaction date.
    /// - Partly paid documents are still open: they are not history yet.
    /// - `since` keeps what was paid (purchases: dated) on or after that day.
    public static func assemble(
        bills: [Bill], invoices: [Invoice], customerPayments: [CustomerPayment], vendorPayments: [VendorPayment],
        purchases: [Purchase], since: LocalDate? = nil
    ) -> BusinessHistory {
        var invoicePayments: [String: [LocalDate]] = [:]
        for payment in customerPayments {
            guard let date = payment.date else { continue }
            for settled in payment.invoices { invoicePayments[settled.id, default: []].append(date) }
        }
        var billPayments: [String: [LocalDate]] = [:]
        for payment in vendorPayments {
            guard let date = payment.date else { continue }
            for settled in payment.bills { billPayments[settled.id, default: []].append(date) }
        }
        func paid(
            id: EntityID, party: PartyRef, txnDate: LocalDate?, due: LocalDate?, total: Money, balance: Money,
            dates: [LocalDate]?
        ) -> PaidDocument? {
            guard balance.isZero, total.isPositive, let due, let dates, let last = dates.max() else { return nil }
            if let since, last < since { return nil }
            return PaidDocument(
                id: id, party: party, txnDate: txnDate, dueDate: due, paidOn: last, amount: total,
                payments: dates.count)
        }
        let byPayment: (PaidDocument, PaidDocument) -> Bool = { ($0.paidOn, $0.id) < ($1.paidOn, $1.id) }
        let paidInvoices = invoices.compactMap { invoice in
            paid(id: invoice.id, party: invoice.customer, txnDate: invoice.txnDate, due: invoice.effectiveDueDate,
                 total: invoice.total, balance: invoice.balance, dates: invoicePayments[invoice.id.rawValue])
        }
        let paidBills = bills.compactMap { bill in
            paid(id: bill.id, party: bill.vendor, txnDate: bill.txnDate, due: bill.effectiveDueDate,
                 total: bill.total, balance: bill.balance, dates: billPayments[bill.id.rawValue])
        }
        let kept = purchases.filter { purchase in
            guard let since else { return true }
            return purchase.date.map { $0 >= since } ?? false
        }
        let farFuture = LocalDate(daysSinceEpoch: Int.max)
        return BusinessHistory(
            paidInvoices: paidInvoices.sorted(by: byPayment), paidBills: paidBills.sorted(by: byPayment),
            purchases: kept.sorted { ($0.date ?? farFuture, $0.id) < ($1.date ?? farFuture, $1.id) })
    }

    enum CodingKeys: String, CodingKey {
        case purchases
        case paidInvoices = "paid_invoices"
        case paidBills = "paid_bills"
    }
}
