/// The kinds of mirrored entity, each with its folder under `mirror/`.
public enum EntityKind: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case bill
    case invoice
    /// A bill payment scheduled through RowCol (`mirror/payments/`).
    case payment
    /// A QBO account's balance (`mirror/balances/`).
    case balance

    /// The folder under `mirror/` that holds this kind's documents.
    public var folderName: String {
        switch self {
        case .bill: "bills"
        case .invoice: "invoices"
        case .payment: "payments"
        case .balance: "balances"
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

