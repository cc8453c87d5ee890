import RowColDomain
import RowColRunway

extension RunwayHistory {
    /// The runway's view of what the mirror says about a business's past: each paid invoice and
    /// bill on its last payment's date, and every dated purchase (refunds and card credits left
    /// out: they are money coming back, not a flow to project).
    public init(_ history: BusinessHistory) {
        func settled(_ document: PaidDocument) -> SettledItem {
            SettledItem(
                id: document.id.rawValue, party: document.party, dueDate: document.dueDate,
                paidOn: document.paidOn, amount: document.amount)
        }
        let outflows = history.purchases.compactMap { purchase -> Outflow? in
            guard let date = purchase.date, !purchase.isCredit else { return nil }
            return Outflow(
                id: purchase.id.rawValue, party: purchase.payee,
                account: purchase.expenseAccount.map { PartyRef(id: $0.id, name: $0.name) }, date: date,
                amount: purchase.amount, kind: Outflow.Kind(purchase.method))
        }
        self.init(
            paidInvoices: history.paidInvoices.map(settled), paidBills: history.paidBills.map(settled),
            outflows: outflows)
    }
}

extension Outflow.Kind {
    /// How QBO's `PaymentType` of a purchase left the business.
    init(_ method: PaymentMethod) {
        switch method {
        case .check: self = .check
        case .cash: self = .cash
        case .creditCard: self = .creditCard
        default: self = .other
        }
    }
}
