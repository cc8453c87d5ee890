/// Money received from a customer (QBO `Payment`), and the invoices it settles.
///
/// Mirrored in `mirror/customer-payments/`; together with the invoices it tells when each
/// customer actually paid (see ``BusinessHistory``).
public struct CustomerPayment: Hashable, Sendable, Codable, Identifiable {
    public var id: EntityID
    public var customer: PartyRef
    /// The day the money was received (QBO `TxnDate`).
    public var date: LocalDate?
    /// The whole amount received (QBO `TotalAmt`).
    public var amount: Money
    /// What was received but applied to no invoice yet (QBO `UnappliedAmt`).
    public var unapplied: Money
    /// The account the money went to (a bank account, or Undeposited Funds).
    public var depositAccount: AccountRef?
    /// The invoices it pays, with the amount applied to each (lines linked to another kind of
    /// transaction, such as a credit memo, are not listed).
    public var invoices: [SettledDocument]

    public init(
        id: EntityID, customer: PartyRef, date: LocalDate?, amount: Money, unapplied: Money? = nil,
        depositAccount: AccountRef? = nil, invoices: [SettledDocument]
    ) {
        self.id = id
        self.customer = customer
        self.date = date
        self.amount = amount
        self.unapplied = unapplied ?? .zero(amount.currency)
        self.depositAccount = depositAccount
        self.invoices = invoices
    }

    enum CodingKeys: String, CodingKey {
        case id, customer, date, amount, unapplied, invoices
        case depositAccount = "deposit_account"
    }
}
