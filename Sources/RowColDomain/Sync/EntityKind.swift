/// The kinds of mirrored entity, each with its folder under `mirror/`.
public enum EntityKind: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case bill
    case invoice
    /// A bill payment scheduled through RowCol (`mirror/payments/`).
    case payment
    /// A QBO account's balance (`mirror/balances/`).
    case balance
    /// Money received from a customer, QBO `Payment` (`mirror/customer-payments/`).
    case customerPayment = "customer_payment"
    /// Every QBO `BillPayment`, RowCol's or not (`mirror/bill-payments/`).
    case billPayment = "bill_payment"
    /// An expense paid without a bill, QBO `Purchase` (`mirror/purchases/`).
    case purchase

    /// The folder under `mirror/` that holds this kind's documents.
    public var folderName: String {
        switch self {
        case .bill: "bills"
        case .invoice: "invoices"
        case .payment: "payments"
        case .balance: "balances"
        case .customerPayment: "customer-payments"
        case .billPayment: "bill-payments"
        case .purchase: "purchases"
        }
    }

    public init?(folderName: String) {
        guard let kind = EntityKind.allCases.first(where: { $0.folderName == folderName }) else { return nil }
        self = kind
    }

    public var description: String { rawValue }
}

extension EntityKind {
    /// Whether this kind has open items (bills and invoices: an amount still to pay or collect).
    public var hasOpenItems: Bool { self == .bill || self == .invoice }
}

