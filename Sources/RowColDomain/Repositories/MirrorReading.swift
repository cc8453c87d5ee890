/// Read access to an advisor's mirror: the port the gateways read through (`RowColStore`'s
/// `MirrorReader` is the implementation). Implementations refuse a business that is not the
/// advisor's.
public protocol MirrorReading: Sendable {
    /// Every bill in the business's mirror, ordered by id.
    func bills(of business: BusinessRef) throws -> [Bill]
    /// The bills with a balance still open, ordered by id (an implementation may answer from an index).
    func openBills(of business: BusinessRef) throws -> [Bill]
    func bill(_ id: EntityID, of business: BusinessRef) throws -> Bill?
    /// The bills of `ids` that the mirror holds, in the order of `ids` (ids it has none of are left out).
    func bills(_ ids: [EntityID], of business: BusinessRef) throws -> [Bill]

    func invoices(of business: BusinessRef) throws -> [Invoice]
    /// The invoices with a balance still open, ordered by id (an implementation may answer from an index).
    func openInvoices(of business: BusinessRef) throws -> [Invoice]
    func invoice(_ id: EntityID, of business: BusinessRef) throws -> Invoice?
    /// The invoices of `ids` that the mirror holds, in the order of `ids` (ids it has none of are left out).
    func invoices(_ ids: [EntityID], of business: BusinessRef) throws -> [Invoice]

    /// The payments scheduled through RowCol.
    func payments(of business: BusinessRef) throws -> [BillPayment]
    func payment(_ id: PaymentID, of business: BusinessRef) throws -> BillPayment?

    /// Mirrored account balances.
    func balances(of business: BusinessRef) throws -> [AccountBalance]

    /// The domain values of every document of `kind`, ordered by id: any mirrored kind whose
    /// documents' `data` is a `Decodable` domain value, so a new kind needs no method of its own.
    func values<T: Decodable>(_ kind: EntityKind, as type: T.Type, of business: BusinessRef) throws -> [T]
}

extension MirrorReading {
    public func bills(_ ids: [EntityID], of business: BusinessRef) throws -> [Bill] {
        try ids.compactMap { try bill($0, of: business) }
    }

    public func invoices(_ ids: [EntityID], of business: BusinessRef) throws -> [Invoice] {
        try ids.compactMap { try invoice($0, of: business) }
    }

    public func openBills(of business: BusinessRef) throws -> [Bill] { try bills(of: business).filter(\.isOpen) }

    public func openInvoices(of business: BusinessRef) throws -> [Invoice] {
        try invoices(of: business).filter(\.isOpen)
    }
}
