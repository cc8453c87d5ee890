/// An expense paid without a bill (QBO `Purchase`): a check, cash or a bank debit, or a credit
/// card charge — rent, payroll, supplies, a lunch.
///
/// Mirrored in `mirror/purchases/`; the recurring flows of a business are found in them.
public struct Purchase: Hashable, Sendable, Codable, Identifiable {
    /// One line of the purchase: the expense account booked to and the amount.
    public struct Line: Hashable, Sendable, Codable {
        /// The expense account; nil on a line booked to an item.
        public var account: AccountRef?
        public var amount: Money

        public init(account: AccountRef?, amount: Money) {
            self.account = account
            self.amount = amount
        }
    }

    public var id: EntityID
    /// The day of the expense (QBO `TxnDate`).
    public var date: LocalDate?
    /// Who was paid (a vendor, or a customer or employee), when QBO names one; card receipts often do not.
    public var payee: PartyRef?
    /// What the payee is to QBO (`Vendor`, `Customer`, `Employee`), when it says.
    public var payeeType: String?
    public var method: PaymentMethod
    /// The bank or card account paid from.
    public var account: AccountRef?
    /// The whole amount (QBO `TotalAmt`), positive.
    public var amount: Money
    /// A card refund (QBO `Credit: true`): the money comes back instead of going out.
    public var isCredit: Bool
    public var lines: [Line]

    public init(
        id: EntityID, date: LocalDate?, payee: PartyRef?, payeeType: String? = nil, method: PaymentMethod,
        account: AccountRef?, amount: Money, isCredit: Bool = false, lines: [Line]
    ) {
        self.id = id
        self.date = date
        self.payee = payee
        self.payeeType = payeeType
        self.method = method
        self.account = account
        self.amount = amount
        self.isCredit = isCredit
        self.lines = lines
    }

    /// The expense account of the purchase: that of its largest line booked to an account.
    public var expenseAccount: AccountRef? {
        lines.filter { $0.account != nil }.max { $0.amount.amount < $1.amount.amount }?.account
    }

    enum CodingKeys: String, CodingKey {
        case id, date, payee, method, account, amount, lines
        case payeeType = "payee_type"
        case isCredit = "is_credit"
    }
}
