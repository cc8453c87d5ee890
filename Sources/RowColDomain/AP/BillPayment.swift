/// Where a scheduled payment stands (DESIGN §5).
public enum PaymentState: String, Hashable, Sendable, Codable, CaseIterable {
    /// Approved and logged; not yet accepted by QBO (it may be in the outbox).
    case pending
    /// QBO accepted the create call.
    case sent
    /// Reconciliation saw the payment in QBO.
    case confirmed
    /// QBO refused it; ``BillPayment/failure`` says why.
    case rejected
}

/// A payment of a bill approved through RowCol.
public struct BillPayment: Hashable, Sendable, Codable, Identifiable {
    /// RowCol's id for the payment, derived from its idempotency key.
    public var id: PaymentID
    public var billID: EntityID
    public var vendor: PartyRef?
    public var amount: Money
    /// The date the money leaves the bank.
    public var payOn: LocalDate
    /// The bank account paid from, when the advisor chose one.
    public var fromAccountID: String?
    public var state: PaymentState
    /// The idempotency key sent to QBO as `requestid`.
    public var idemKey: String
    /// The BillPayment's QBO id once QBO has it.
    public var qboID: String?
    /// The fault that rejected it, as a person can read it.
    public var failure: String?

    public init(
        id: PaymentID, billID: EntityID, vendor: PartyRef? = nil, amount: Money, payOn: LocalDate,
        fromAccountID: String? = nil, state: PaymentState, idemKey: String, qboID: String? = nil,
        failure: String? = nil
    ) {
        self.id = id
        self.billID = billID
        self.vendor = vendor
        self.amount = amount
        self.payOn = payOn
        self.fromAccountID = fromAccountID
        self.state = state
        self.idemKey = idemKey
        self.qboID = qboID
        self.failure = failure
    }

    /// Whether the payment still stands to take cash out (every state but rejected).
    public var isOutstanding: Bool { state != .rejected }

    enum CodingKeys: String, CodingKey {
        case id, vendor, amount, state, failure
        case billID = "bill_id"
        case payOn = "pay_on"
        case fromAccountID = "from_account_id"
        case idemKey = "idem_key"
        case qboID = "qbo_id"
    }
}
