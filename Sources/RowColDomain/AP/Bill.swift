/// A vendor bill as the advisor sees it: what is owed, to whom, and when.
public struct Bill: Hashable, Sendable, Codable, Identifiable {
    public var id: EntityID
    public var vendor: PartyRef
    public var docNumber: String?
    public var txnDate: LocalDate?
    /// When the bill falls due; QBO may omit it, in which case the transaction date stands in.
    public var dueDate: LocalDate?
    public var total: Money
    /// The amount still open (QBO `Balance`); zero once the bill is paid in full.
    public var balance: Money
    /// Ids of the QBO payments linked to this bill.
    public var linkedPaymentIDs: [String]

    public init(
        id: EntityID, vendor: PartyRef, docNumber: String? = nil, txnDate: LocalDate? = nil,
        dueDate: LocalDate?, total: Money, balance: Money, linkedPaymentIDs: [String] = []
    ) {
        self.id = id
        self.vendor = vendor
        self.docNumber = docNumber
        self.txnDate = txnDate
        self.dueDate = dueDate
        self.total = total
        self.balance = balance
        self.linkedPaymentIDs = linkedPaymentIDs
    }

    /// A bill is open while some of it is unpaid.
    public var isOpen: Bool { balance.isPositive }

    /// The date the cash is expected to leave: the due date, else the transaction date.
    public var effectiveDueDate: LocalDate? { dueDate ?? txnDate }

    enum CodingKeys: String, CodingKey {
        case id, vendor, total, balance
        case docNumber = "doc_number"
        case txnDate = "txn_date"
        case dueDate = "due_date"
        case linkedPaymentIDs = "linked_payment_ids"
    }
}
