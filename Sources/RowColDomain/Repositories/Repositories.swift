/// Read access to an advisor's mirrored bills. Implementations refuse a business that is not the advisor's.
public protocol BillsMirrorRepo: Sendable {
    /// Every bill in the business's mirror, ordered by id.
    func bills(of business: BusinessRef) throws -> [Bill]
    /// The bills with a balance still open, ordered by id (a repository may answer from an index).
    func openBills(of business: BusinessRef) throws -> [Bill]
    func bill(_ id: EntityID, of business: BusinessRef) throws -> Bill?
}

extension BillsMirrorRepo {
    public func openBills(of business: BusinessRef) throws -> [Bill] { try bills(of: business).filter(\.isOpen) }
}

/// Read access to an advisor's mirrored invoices.
public protocol InvoicesMirrorRepo: Sendable {
    func invoices(of business: BusinessRef) throws -> [Invoice]
    /// The invoices with a balance still open, ordered by id (a repository may answer from an index).
    func openInvoices(of business: BusinessRef) throws -> [Invoice]
    func invoice(_ id: EntityID, of business: BusinessRef) throws -> Invoice?
}

extension InvoicesMirrorRepo {
    public func openInvoices(of business: BusinessRef) throws -> [Invoice] {
        try invoices(of: business).filter(\.isOpen)
    }
}

/// Read access to the payments scheduled through RowCol.
public protocol PaymentsMirrorRepo: Sendable {
    func payments(of business: BusinessRef) throws -> [BillPayment]
    func payment(_ id: PaymentID, of business: BusinessRef) throws -> BillPayment?
}

/// Read access to mirrored account balances.
public protocol BalancesMirrorRepo: Sendable {
    func balances(of business: BusinessRef) throws -> [AccountBalance]
}

/// Read access to any mirrored kind whose documents' `data` is a `Decodable` domain value, so
/// a new kind needs no repository method of its own.
public protocol MirrorValuesRepo: Sendable {
    /// The domain values of every document of `kind`, ordered by id.
    func values<T: Decodable>(_ kind: EntityKind, as type: T.Type, of business: BusinessRef) throws -> [T]
}
