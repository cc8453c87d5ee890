import Foundation
import RowColDomain

/// Reads an advisor's mirror without a lock: documents are replaced by atomic renames, so a
/// reader sees each one whole, old or new.
///
/// An advisor reaches only its own businesses: asking for another advisor's business, or for a
/// business that does not exist, throws rather than answering with an empty list.
public struct MirrorReader: BillsMirrorRepo, InvoicesMirrorRepo, PaymentsMirrorRepo, BalancesMirrorRepo {
    public let workspace: Workspace
    public let advisor: AdvisorID

    public init(workspace: Workspace, advisor: AdvisorID) {
        self.workspace = workspace
        self.advisor = advisor
    }

    /// Checks that `business` belongs to this reader's advisor and exists.
    func check(_ business: BusinessRef) throws {
        guard business.advisor == advisor else {
            throw StoreError(
                code: .invalidArgument,
                message: "advisor \(advisor) cannot read business \(business.business) of advisor \(business.advisor)")
        }
        try workspace.requireBusiness(business)
    }

    /// Every document of one kind, ordered by id.
    public func documents(_ kind: EntityKind, of business: BusinessRef) throws -> [MirrorDocument] {
        try check(business)
        return try ids(kind, of: business).compactMap { try document(kind, $0, of: business) }
    }

    /// One document, or nil when the mirror has none with that id.
    public func document(_ kind: EntityKind, _ id: EntityID, of business: BusinessRef) throws -> MirrorDocument? {
        try check(business)
        let path = workspace.paths.document(business, kind, id)
        guard FileSystem.kind(of: path) != .missing else { return nil }
        return try workspace.readDocument(at: path)
    }

    /// How many documents of one kind the business's mirror holds (a directory listing, no parsing).
    public func count(_ kind: EntityKind, of business: BusinessRef) throws -> Int {
        try ids(kind, of: business).count
    }

    /// The ids of every document of one kind, from the file names (no parsing).
    public func ids(_ kind: EntityKind, of business: BusinessRef) throws -> [EntityID] {
        try check(business)
        let folder = workspace.paths.mirror(business, kind)
        guard FileSystem.kind(of: folder) != .missing else { return [] }
        try workspace.requireRealFolder(workspace.paths.mirror(business))
        try workspace.requireRealFolder(folder)
        return try FileSystem.listDirectory(folder).compactMap { name in
            guard name.hasSuffix(".json") else { return nil }
            return EntityID(rawValue: String(name.dropLast(5)))
        }
    }

    func values<T: Decodable>(_ type: T.Type, _ kind: EntityKind, of business: BusinessRef) throws -> [T] {
        try check(business)
        return try ids(kind, of: business).compactMap { try value(type, kind, $0, of: business, checked: true) }
    }

    func value<T: Decodable>(_ type: T.Type, _ kind: EntityKind, _ id: EntityID, of business: BusinessRef,
                             checked: Bool = false) throws -> T? {
        if !checked { try check(business) }
        let path = workspace.paths.document(business, kind, id)
        guard FileSystem.kind(of: path) != .missing else { return nil }
        // A document deleted between listing and reading is simply gone.
        guard let bytes = try? FileSystem.readFile(path) else {
            if FileSystem.kind(of: path) == .missing { return nil }
            _ = try FileSystem.readFile(path)
            return nil
        }
        do {
            return try JSONCoding.decoder().decode(DataOnly<T>.self, from: Data(bytes)).data
        } catch {
            throw StoreError(
                code: .corruptDocument, message: "mirror document \(path) cannot be read as a \(kind): \(error)",
                path: path)
        }
    }

    /// The open items of one kind from the business's open-items index when it is current (one
    /// file, each item read straight from its bytes), else nil and the caller reads the documents.
    func openItemsFromIndex<T: JSONCursorDecodable>(_ type: T.Type, _ kind: EntityKind, of business: BusinessRef) throws
        -> [T]?
    {
        try check(business)
        let statePath = workspace.paths.state(business)
        // An index line the domain cannot read makes the index untrusted: the documents will say what is wrong.
        guard FileSystem.kind(of: statePath) == .file,
            let checkpoint = try? workspace.decodeFile(CheckpointOnly.self, at: statePath).checkpoint,
            let open = OpenItemsIndex.read(
                at: workspace.paths.openItemsIndex(business, kind), checkpoint: checkpoint, item: { try T(cursor: &$0) })
        else { return nil }
        return OpenItemsIndex.sorted(open).map(\.data)
    }

    public func bills(of business: BusinessRef) throws -> [Bill] { try values(Bill.self, .bill, of: business) }
    /// Bills still open, from the open-items index when it is current, else from the documents.
    public func openBills(of business: BusinessRef) throws -> [Bill] {
        try openItemsFromIndex(Bill.self, .bill, of: business) ?? bills(of: business).filter(\.isOpen)
    }
    /// Invoices still open, from the open-items index when it is current, else from the documents.
    public func openInvoices(of business: BusinessRef) throws -> [Invoice] {
        try openItemsFromIndex(Invoice.self, .invoice, of: business) ?? invoices(of: business).filter(\.isOpen)
    }
    public func bill(_ id: EntityID, of business: BusinessRef) throws -> Bill? {
        try value(Bill.self, .bill, id, of: business)
    }
    public func invoices(of business: BusinessRef) throws -> [Invoice] {
        try values(Invoice.self, .invoice, of: business)
    }
    public func invoice(_ id: EntityID, of business: BusinessRef) throws -> Invoice? {
        try value(Invoice.self, .invoice, id, of: business)
    }
    public func payments(of business: BusinessRef) throws -> [BillPayment] {
        try values(BillPayment.self, .payment, of: business)
    }
    public func payment(_ id: PaymentID, of business: BusinessRef) throws -> BillPayment? {
        try value(BillPayment.self, .payment, id, of: business)
    }
    public func balances(of business: BusinessRef) throws -> [AccountBalance] {
        try values(AccountBalance.self, .balance, of: business)
    }
}

/// Reads only the checkpoint of `state.json`.
private struct CheckpointOnly: Decodable {
    let checkpoint: LogSeq
}

/// Decodes only a document's `data`, skipping the QBO body's values.
private struct DataOnly<T: Decodable>: Decodable {
    let data: T
}
