import Foundation

/// The QBO entities the sandbox serves, with their wire name and URL segment.
enum EntityName: String, Sendable, Codable, CaseIterable {
    case bill = "Bill"
    case invoice = "Invoice"
    case account = "Account"
    case billPayment = "BillPayment"
    case vendor = "Vendor"
    case customer = "Customer"
    /// Money received from a customer, applied to invoices.
    case payment = "Payment"
    /// An expense paid at once by check, cash or card (never a bill).
    case purchase = "Purchase"

    /// The lower-case path segment (`billpayment`).
    var segment: String { rawValue.lowercased() }

    init?(caseInsensitive text: String) {
        guard let match = EntityName.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            return nil
        }
        self = match
    }

    /// Accounts, vendors and customers are never hard-deleted in QBO, only made inactive.
    var isList: Bool { self == .account || self == .vendor || self == .customer }
}

/// One stored entity: the metadata QBO manages, and the body as the client sees it.
struct Record: Sendable, Codable {
    var id: Int
    var syncToken: Int
    var created: Int64
    var updated: Int64
    var body: [String: WireJSON]

    func rendered() -> WireJSON {
        var object = body
        object["Id"] = .string(String(id))
        object["SyncToken"] = .string(String(syncToken))
        object["MetaData"] = ["CreateTime": .string(WireTime.format(created)),
                              "LastUpdatedTime": .string(WireTime.format(updated))]
        object["domain"] = "QBO"
        object["sparse"] = false
        return .object(object)
    }
}

/// The entities of one kind in a company, indexed by Id (with the Ids kept in order for paging)
/// and by LastUpdatedTime (for CDC).
struct Table: Sendable, Codable {
    struct UpdatedEntry: Sendable {
        var updated: Int64
        var id: Int
    }

    var records: [Int: Record] = [:]
    var orderedIds: [Int] = []
    /// Deleted ids and when: CDC reports them as stubs.
    var deleted: [Int: Int64] = [:]
    /// (LastUpdatedTime, Id) in time order, built on first use. A change appends an entry (times
    /// only move forward, so appending keeps the order) and leaves the old one stale; stale entries
    /// are skipped when read and dropped when they outnumber the live ones.
    private(set) var byUpdated: [UpdatedEntry]?
    private var staleEntries = 0

    mutating func insert(_ record: Record) {
        let old = records.updateValue(record, forKey: record.id)
        if old == nil {
            if let last = orderedIds.last, last > record.id {
                orderedIds.insert(record.id, at: lowerBound(record.id))
            } else {
                orderedIds.append(record.id)
            }
        }
        guard byUpdated != nil, old?.updated != record.updated else { return }
        if old != nil { staleEntries += 1 }
        let entry = UpdatedEntry(updated: record.updated, id: record.id)
        if let last = byUpdated!.last, last.updated > record.updated {
            byUpdated!.insert(entry, at: firstEntry(atOrAfter: record.updated))
        } else {
            byUpdated!.append(entry)
        }
        compactIfNeeded()
    }

    mutating func remove(_ id: Int, at ms: Int64) {
        guard records.removeValue(forKey: id) != nil else { return }
        let index = lowerBound(id)
        if index < orderedIds.count, orderedIds[index] == id { orderedIds.remove(at: index) }
        deleted[id] = ms
        if byUpdated != nil { staleEntries += 1; compactIfNeeded() }
    }

    mutating func buildUpdatedIndex() {
        guard byUpdated == nil else { return }
        byUpdated = records.values.map { UpdatedEntry(updated: $0.updated, id: $0.id) }
            .sorted { ($0.updated, $0.id) < ($1.updated, $1.id) }
        staleEntries = 0
    }

    /// Records changed at or after an instant, oldest first (needs ``buildUpdatedIndex()``).
    func changed(since ms: Int64) -> [Record] {
        guard let index = byUpdated else { return records.values.filter { $0.updated >= ms } }
        return index[firstEntry(atOrAfter: ms)...].compactMap { entry in
            guard let record = records[entry.id], record.updated == entry.updated else { return nil }
            return record
        }
    }

    private mutating func compactIfNeeded() {
        if staleEntries > max(1024, records.count) { byUpdated = nil }
    }

    private func firstEntry(atOrAfter ms: Int64) -> Int {
        guard let index = byUpdated else { return 0 }
        var low = 0, high = index.count
        while low < high {
            let mid = (low + high) / 2
            if index[mid].updated < ms { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private func lowerBound(_ id: Int) -> Int {
        var low = 0, high = orderedIds.count
        while low < high {
            let mid = (low + high) / 2
            if orderedIds[mid] < id { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// A reply kept for `requestid` replay.
struct StoredReply: Sendable, Codable {
    var status: Int
    var body: Data
}

/// One QBO company (realm) held in memory.
struct Company: Sendable, Codable {
    var realm: String
    var name: String
    var nextId: Int = 1
    var tables: [EntityName: Table] = [:]
    var replies: [String: StoredReply] = [:]
    /// The months of history it was seeded with (`nil` in states saved before history existed).
    var historyMonths: Int?
    /// What the seeded history holds (habits, series), for tests and backtests; `nil` without history.
    var history: HistoryProfile?

    init(realm: String, name: String) {
        self.realm = realm
        self.name = name
        for entity in EntityName.allCases { tables[entity] = Table() }
    }

    func record(_ entity: EntityName, _ id: Int) -> Record? {
        tables[entity]?.records[id]
    }

    mutating func allocateId() -> Int {
        defer { nextId += 1 }
        return nextId
    }

    mutating func store(_ entity: EntityName, _ record: Record) {
        tables[entity, default: Table()].insert(record)
    }

    func count(_ entity: EntityName) -> Int { tables[entity]?.records.count ?? 0 }

    // MARK: Changes behind the client's back (control API) and by the API

    /// Sets top-level fields as QBO's UI would: SyncToken and LastUpdatedTime move.
    mutating func patch(_ entity: EntityName, id: Int, fields: [String: WireJSON], now: Int64) throws(QBOFault) -> Record {
        guard var record = record(entity, id) else { throw .notFound(entity.rawValue, String(id)) }
        for (key, value) in fields where !["Id", "SyncToken", "MetaData", "domain", "sparse"].contains(key) {
            if value == .null { record.body.removeValue(forKey: key) } else { record.body[key] = value }
        }
        record.syncToken += 1
        record.updated = max(now, record.updated)
        store(entity, record)
        return record
    }

    /// Deletes (transactions) or deactivates (accounts, vendors, customers), as QBO does.
    mutating func delete(_ entity: EntityName, id: Int, now: Int64) throws(QBOFault) -> Record {
        guard let record = record(entity, id) else { throw .notFound(entity.rawValue, String(id)) }
        if entity.isList {
            return try patch(entity, id: id, fields: ["Active": false], now: now)
        }
        transition(entity, id: id, from: effects(of: entity, record.body), to: .none, now: now)
        tables[entity]?.remove(id, at: max(now, record.updated))
        return record
    }
}

extension Table {
    enum CodingKeys: String, CodingKey { case records, deleted }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let list = try container.decode([Record].self, forKey: .records)
        records = Dictionary(uniqueKeysWithValues: list.map { ($0.id, $0) })
        orderedIds = list.map(\.id).sorted()
        deleted = try container.decode([Int: Int64].self, forKey: .deleted)
        byUpdated = nil
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orderedIds.compactMap { records[$0] }, forKey: .records)
        try container.encode(deleted, forKey: .deleted)
    }
}
