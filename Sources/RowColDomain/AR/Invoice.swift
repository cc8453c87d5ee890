/// A customer invoice as the advisor sees it: what is expected in, from whom, and when.
public struct Invoice: Hashable, Sendable, Codable, Identifiable {
    public var id: EntityID
    public var customer: PartyRef
    public var docNumber: String?
    public var txnDate: LocalDate?
    public var dueDate: LocalDate?
    public var total: Money
    /// The amount still to be received (QBO `Balance`).
    public var balance: Money
    /// QBO's `EmailStatus` (`NotSet`, `NeedToSend`, `EmailSent`), when present.
    public var emailStatus: String?

    public init(
        id: EntityID, customer: PartyRef, docNumber: String? = nil, txnDate: LocalDate? = nil,
        dueDate: LocalDate?, total: Money, balance: Money, emailStatus: String? = nil
    ) {
        self.id = id
        self.customer = customer
        self.docNumber = docNumber
        self.txnDate = txnDate
        self.dueDate = dueDate
        self.total = total
        self.balance = balance
        self.emailStatus = emailStatus
    }

    public var isOpen: Bool { balance.isPositive }

    /// The date the cash is expected in: the due date, else the transaction date.
    public var effectiveDueDate: LocalDate? { dueDate ?? txnDate }

    enum CodingKeys: String, CodingKey {
        case id, customer, total, balance
        case docNumber = "doc_number"
        case txnDate = "txn_date"
        case dueDate = "due_date"
        case emailStatus = "email_status"
    }
}
