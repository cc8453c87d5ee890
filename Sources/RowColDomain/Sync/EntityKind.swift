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

    /// Whether a stored domain value of this kind (a ``Bill`` or ``Invoice`` as JSON, the `data` of
    /// its mirror document) is open: its `balance` is positive, as ``Bill/isOpen`` and
    /// ``Invoice/isOpen`` say. Reads one field, so the store can keep its open-items index without
    /// decoding whole values. False for kinds without open items.
    public func isOpenItem(_ data: JSONValue?) -> Bool {
        guard hasOpenItems, case .number(let amount)? = data?["balance"]?["amount"] else { return false }
        return amount > 0
    }
}

