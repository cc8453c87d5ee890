/// A payment of bills to a vendor as QBO records it (QBO `BillPayment`), whoever made it: the
/// business in QBO, its bank feed, or RowCol (whose own scheduled payments are ``BillPayment``).
///
/// Mirrored in `mirror/bill-payments/`; together with the bills it tells when each bill was
/// actually paid (see ``BusinessHistory``).
public struct VendorPayment: Hashable, Sendable, Codable, Identifiable {
    public var id: EntityID
    public var vendor: PartyRef
    /// The day the payment was made (QBO `TxnDate`).
    public var date: LocalDate?
    /// The whole amount paid (QBO `TotalAmt`).
    public var amount: Money
    /// ``PaymentMethod/check`` (from a bank account) or ``PaymentMethod/creditCard``; nil when QBO
    /// sent no `PayType`.
    public var method: PaymentMethod?
    /// The bank or card account paid from.
    public var account: AccountRef?
    /// The bills it pays, with the amount applied to each.
    public var bills: [SettledDocument]

    public init(
        id: EntityID, vendor: PartyRef, date: LocalDate?, amount: Money, method: PaymentMethod?,
        account: AccountRef? = nil, bills: [SettledDocument]
    ) {
        self.id = id
        self.vendor = vendor
        self.date = date
        self.amount = amount
        self.method = method
        self.account = account
        self.bills = bills
    }

    enum CodingKeys: String, CodingKey {
        case id, vendor, date, amount, method, account, bills
    }
}
