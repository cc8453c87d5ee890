import Foundation
import RowColDomain

/// Cash on hand: Σ current balance of the active bank accounts, in the home currency.
public struct CashOnHand: Hashable, Sendable, Codable {
    /// One active bank account behind the total.
    public struct Account: Hashable, Sendable, Codable {
        /// The QBO account id.
        public var id: EntityID
        /// The account's name in QBO.
        public var name: String
        /// The balance as QBO reports it, in the account's own currency (an overdraft is negative).
        public var balance: Money
        /// The balance in the home currency; `nil` when its currency had no rate (then it is not in the total).
        public var homeBalance: Money?

        /// One account behind the total.
        public init(id: EntityID, name: String, balance: Money, homeBalance: Money?) {
            self.id = id
            self.name = name
            self.balance = balance
            self.homeBalance = homeBalance
        }

        enum CodingKeys: String, CodingKey {
            case id, name, balance
            case homeBalance = "home_balance"
        }
    }

    /// Σ converted balances of the active bank accounts (home currency).
    public var total: Money
    /// The active bank accounts, by name then id; other account types never count as cash.
    public var accounts: [Account]

    /// Cash on hand from its total and accounts.
    public init(total: Money, accounts: [Account]) {
        self.total = total
        self.accounts = accounts
    }
}
