/// The current balance of one QBO account (bank accounts feed cash on hand).
public struct AccountBalance: Hashable, Sendable, Codable, Identifiable {
    public var id: EntityID
    public var name: String
    /// QBO's `AccountType`, spaces included (`Bank`, `Credit Card`, `Accounts Payable`, …).
    public var accountType: String
    public var classification: String?
    /// QBO's `CurrentBalance`; liabilities carry negative balances.
    public var currentBalance: Money
    public var active: Bool

    public init(
        id: EntityID, name: String, accountType: String, classification: String? = nil,
        currentBalance: Money, active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.accountType = accountType
        self.classification = classification
        self.currentBalance = currentBalance
        self.active = active
    }

    /// Whether the account counts towards cash on hand.
    public var isActiveBank: Bool { active && accountType == "Bank" }

    enum CodingKeys: String, CodingKey {
        case id, name, classification, active
        case accountType = "account_type"
        case currentBalance = "current_balance"
    }
}
