import Foundation
import RowColDomain
import RowColJSON

/// Reads an advisor's mirror without a lock: documents are replaced by atomic renames, so a
/// reader sees each one whole, old or new.
///
/// An advisor reaches only its own businesses: asking for another advisor's business, or for a
/// business that does not exist, throws rather than answering with an empty list.
public struct MirrorReader: MirrorReading {
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

    /// The documents of `ids` that the mirror holds, by id (ids it has none of are left out). The
    /// business is checked once; for more than a few ids the folder is listed once instead of each
    /// path being looked up, so a page of 1,000 new entities costs one directory read, not 1,000
    /// failing `stat`s.
    public func documents(_ kind: EntityKind, ids: [EntityID], of business: BusinessRef) throws -> [EntityID: MirrorDocument] {
        try check(business)
        let folder = workspace.paths.mirror(business, kind)
        var names: Set<String>?
        if ids.count > Self.listingThreshold {
            guard FileSystem.kind(of: folder) != .missing else { return [:] }
            try workspace.requireRealFolder(workspace.paths.mirror(business))
            try workspace.requireRealFolder(folder)
            names = Set(try FileSystem.listDirectoryUnsorted(folder))
        }
        var found: [EntityID: MirrorDocument] = [:]
        for id in ids {
            let name = id.rawValue + ".json"
            if let names {
                guard names.contains(name) else { continue }
            } else if FileSystem.kind(of: folder + "/" + name) == .missing {
                continue
            }
            do {
                found[id] = try workspace.readDocument(at: folder + "/" + name)
            } catch {
                // A document removed since the listing is simply gone.
                if FileSystem.kind(of: folder + "/" + name) == .missing { continue }
                throw error
            }
        }
        return found
    }

    /// Above this many ids, ``documents(_:ids:of:)`` lists the folder rather than looking up each path.
    static let listingThreshold = 64

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

    func values<T>(_ kind: EntityKind, of business: BusinessRef, _ read: (inout JSONCursor) throws -> T) throws -> [T] {
        try check(business)
        return try ids(kind, of: business).compactMap { try value(kind, $0, of: business, checked: true, read) }
    }

    /// The values of the documents of `ids` the mirror holds, in the order of `ids`; the business is checked once.
    func values<T>(
        _ kind: EntityKind, ids: [EntityID], of business: BusinessRef, _ read: (inout JSONCursor) throws -> T
    ) throws -> [T] {
        try check(business)
        return try ids.compactMap { try value(kind, $0, of: business, checked: true, read) }
    }

    /// The `data` of one document, read by `read` straight from the file's bytes (the rest of the
    /// document, the QBO body above all, is checked and skipped, never built).
    func value<T>(
        _ kind: EntityKind, _ id: EntityID, of business: BusinessRef, checked: Bool = false,
        _ read: (inout JSONCursor) throws -> T
    ) throws -> T? {
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
            return try JSONCursor.read(bytes) { cursor in
                var data: T?
                try cursor.forEachMember { key, cursor in
                    switch key {
                    case "data": data = try read(&cursor)
                    default: try cursor.skipValue()
                    }
                }
                guard let data else { throw JSONError(code: .shape, message: "field \"data\" is missing") }
                return data
            }
        } catch {
            throw StoreError(
                code: .corruptDocument, message: "mirror document \(path) cannot be read as a \(kind): \(error)",
                path: path)
        }
    }

    /// Reads a `Decodable` value from the tree of the bytes under the cursor.
    static func decodable<T: Decodable>(_ type: T.Type) -> (inout JSONCursor) throws -> T {
        { cursor in try cursor.readValue().decode(T.self) }
    }

    /// The open items of one kind from the business's open-items index when it is current (one
    /// file, each item read straight from its bytes), else nil and the caller reads the documents.
    func openItemsFromIndex<T>(_ kind: EntityKind, of business: BusinessRef, _ read: (inout JSONCursor) throws -> T)
        throws -> [T]?
    {
        try check(business)
        let statePath = workspace.paths.state(business)
        // An index line the domain cannot read makes the index untrusted: the documents will say what is wrong.
        guard FileSystem.kind(of: statePath) == .file,
            let checkpoint = try? workspace.decodeFile(CheckpointOnly.self, at: statePath).checkpoint,
            let open = OpenItemsIndex.read(
                at: workspace.paths.openItemsIndex(business, kind), checkpoint: checkpoint, item: read)
        else { return nil }
        return OpenItemsIndex.sorted(open).map(\.data)
    }

    // Bills and invoices, read by the thousand, go through the store's hand-written readers.
    public func bills(of business: BusinessRef) throws -> [Bill] {
        try values(.bill, of: business, OpenItemDecoding.bill)
    }
    /// Bills still open, from the open-items index when it is current, else from the documents.
    public func openBills(of business: BusinessRef) throws -> [Bill] {
        try openItemsFromIndex(.bill, of: business, OpenItemDecoding.bill) ?? bills(of: business).filter(\.isOpen)
    }
    /// Invoices still open, from the open-items index when it is current, else from the documents.
    public func openInvoices(of business: BusinessRef) throws -> [Invoice] {
        try openItemsFromIndex(.invoice, of: business, OpenItemDecoding.invoice)
            ?? invoices(of: business).filter(\.isOpen)
    }
    public func bill(_ id: EntityID, of business: BusinessRef) throws -> Bill? {
        try value(.bill, id, of: business, OpenItemDecoding.bill)
    }
    public func bills(_ ids: [EntityID], of business: BusinessRef) throws -> [Bill] {
        try values(.bill, ids: ids, of: business, OpenItemDecoding.bill)
    }
    public func invoices(_ ids: [EntityID], of business: BusinessRef) throws -> [Invoice] {
        try values(.invoice, ids: ids, of: business, OpenItemDecoding.invoice)
    }
    public func invoices(of business: BusinessRef) throws -> [Invoice] {
        try values(.invoice, of: business, OpenItemDecoding.invoice)
    }
    public func invoice(_ id: EntityID, of business: BusinessRef) throws -> Invoice? {
        try value(.invoice, id, of: business, OpenItemDecoding.invoice)
    }
    public func payments(of business: BusinessRef) throws -> [BillPayment] {
        try values(.payment, of: business, Self.decodable(BillPayment.self))
    }
    public func payment(_ id: PaymentID, of business: BusinessRef) throws -> BillPayment? {
        try value(.payment, id, of: business, Self.decodable(BillPayment.self))
    }
    public func balances(of business: BusinessRef) throws -> [AccountBalance] {
        try values(.balance, of: business, Self.decodable(AccountBalance.self))
    }
    /// Any kind's values (customer payments, bill payments, purchases, …), decoded from each
    /// document's `data`.
    /// - Throws: ``StoreError`` `.corruptDocument` naming the file whose `data` is not a `T`.
    public func values<T: Decodable>(_ kind: EntityKind, as type: T.Type, of business: BusinessRef) throws -> [T] {
        try values(kind, of: business, Self.decodable(type))
    }
}

/// Reads only the checkpoint of `state.json`.
private struct CheckpointOnly: Decodable {
    let checkpoint: LogSeq
}
