import Foundation
import RowColDomain
import RowColJSON

/// The derived index of a business's open bills or invoices: `index/open-bills.jsonl` and
/// `index/open-invoices.jsonl` beside `mirror/`.
///
/// The mirror stays the single truth; the index only spares a reader (the runway snapshot, an
/// open-only list) from parsing every document. It is append-only JSON lines, compacted now and
/// then:
///
/// - `{"data":{…},"id":"12"}` — item 12 is open, with this domain value (the document's `data`);
/// - `{"id":"12"}` — item 12 is no longer open (paid, voided or deleted);
/// - `{"checkpoint":42,"lines":1031,"open":1000}` — a marker: the lines above describe the
///   documents as of log seq 42, the file holds 1,031 lines with this one, 1,000 items are open.
///
/// A reader trusts the index only when its last line is a marker whose checkpoint equals the
/// business's `state.json` checkpoint and whose counts match the file; anything else (missing,
/// torn, stale after a crash, hand-edited) sends it back to the documents. The store's writer
/// appends before it writes `state.json`, regenerates the index from the documents when it opens
/// and finds it stale, and `rebuild` rewrites it; `verify` checks a trusted index against the
/// documents.
enum OpenItemsIndex {
    struct Marker: Equatable {
        var checkpoint: LogSeq
        /// Lines in the file, this marker included.
        var lines: Int
        /// Items open after this marker.
        var open: Int
    }

    /// One line of the file, its items' data read as `Value`.
    enum Line<Value> {
        case item(EntityID, Value)
        case closed(EntityID)
        case marker(Marker)
    }

    /// What the index holds for a document: its `data` when it is an open item, else nil.
    static func openData(_ kind: EntityKind, _ document: MirrorDocument?) -> JSONValue? {
        guard let data = document?.data, isOpen(kind, data) else { return nil }
        return data
    }

    /// Whether stored data of `kind` (a `Bill` or `Invoice` as JSON) is open: its `balance` is
    /// positive, as `Bill.isOpen` and `Invoice.isOpen` say. Reads one field, so the index is kept
    /// without decoding whole values. False for kinds without open items.
    static func isOpen(_ kind: EntityKind, _ data: JSONValue) -> Bool {
        guard kind.hasOpenItems, case .number(let amount)? = data["balance"]?["amount"] else { return false }
        return amount > 0
    }

    static func encode(_ line: Line<JSONValue>, into buffer: inout [UInt8]) {
        var object = JSONObjectWriter(into: &buffer, layout: .compact)
        switch line {
        case .item(let id, let data):
            object.member("data", data, into: &buffer)
            object.member("id", .string(id.rawValue), into: &buffer)
        case .closed(let id):
            object.member("id", .string(id.rawValue), into: &buffer)
        case .marker(let marker):
            object.member("checkpoint", integer: marker.checkpoint.rawValue, into: &buffer)
            object.member("lines", integer: marker.lines, into: &buffer)
            object.member("open", integer: marker.open, into: &buffer)
        }
        object.end(into: &buffer)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// The line `.item(id, data)` with `data` given as its compact bytes (as a log line holds
    /// them): the same bytes as ``encode(_:into:)``, without walking the value and sorting its keys.
    static func encodeItem(_ id: EntityID, compactData: UnsafeBufferPointer<UInt8>, into buffer: inout [UInt8]) {
        var object = JSONObjectWriter(into: &buffer, layout: .compact)
        object.key("data", into: &buffer)
        buffer.append(contentsOf: compactData)
        object.member("id", .string(id.rawValue), into: &buffer)
        object.end(into: &buffer)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// One line, reading an item's `data` with `item` (straight from the bytes, no tree needed).
    static func decode<Value>(_ bytes: some Collection<UInt8>, item: (inout JSONCursor) throws -> Value) throws
        -> Line<Value>
    {
        try JSONCursor.read(bytes) { cursor in
            var id: EntityID?, data: Value?
            var checkpoint: UInt64?, lines: Int?, open: Int?
            try cursor.forEachMember { key, cursor in
                switch key {
                case "data": data = try item(&cursor)
                case "id": id = try EntityID(validating: try cursor.readString())
                case "checkpoint": checkpoint = try cursor.readInteger(UInt64.self)
                case "lines": lines = try cursor.readInteger(Int.self)
                case "open": open = try cursor.readInteger(Int.self)
                default: try cursor.skipValue()
                }
            }
            if let checkpoint, let lines, let open {
                return .marker(Marker(checkpoint: LogSeq(checkpoint), lines: lines, open: open))
            }
            guard let id else {
                throw JSONError(code: .shape, message: "an index line has neither an id nor a checkpoint")
            }
            return data.map { .item(id, $0) } ?? .closed(id)
        }
    }

    static func decode(_ bytes: some Collection<UInt8>) throws -> Line<JSONValue> {
        try decode(bytes, item: { try $0.readValue() })
    }

    /// The marker on the file's last line, reading only the end of the file; nil when the file is
    /// missing or does not end with a complete marker.
    static func lastMarker(at path: String) -> Marker? {
        guard FileSystem.kind(of: path) == .file, let line = try? IntegrationLog.lastLine(of: path),
            case .marker(let marker)? = try? decode(line.bytes)
        else { return nil }
        return marker
    }

    /// The open items as of `checkpoint`, or nil when the index cannot be trusted for it.
    static func read(at path: String, checkpoint: LogSeq) -> [EntityID: JSONValue]? {
        read(at: path, checkpoint: checkpoint) { try $0.readValue() }
    }

    /// The open items as of `checkpoint`, each read by `item`, or nil when the index cannot be
    /// trusted for it (or an item cannot be read).
    static func read<Value>(at path: String, checkpoint: LogSeq, item: (inout JSONCursor) throws -> Value)
        -> [EntityID: Value]?
    {
        guard FileSystem.kind(of: path) == .file, let bytes = try? FileSystem.readFile(path) else { return nil }
        let (lines, tail) = SegmentParser.split(bytes)
        guard tail == nil, let last = lines.last, case .marker(let marker)? = try? decode(last.bytes),
            marker.checkpoint == checkpoint, marker.lines == lines.count
        else { return nil }
        var open: [EntityID: Value] = [:]
        open.reserveCapacity(marker.open)
        for line in lines {
            switch try? decode(line.bytes, item: item) {
            case .item(let id, let value)?: open[id] = value
            case .closed(let id)?: open[id] = nil
            case .marker?: continue
            case nil: return nil
            }
        }
        return open.count == marker.open ? open : nil
    }

    /// Items in the order of their documents' file names (the order a folder listing gives).
    static func sorted<Value>(_ items: [EntityID: Value]) -> [(id: EntityID, data: Value)] {
        // Positions are sorted, not the items: a bill is large to move, and a sort moves each
        // element many times.
        let pairs = Array(items)
        let names = pairs.map { $0.key.rawValue + ".json" }
        return pairs.indices.sorted { names[$0] < names[$1] }.map { (id: pairs[$0].key, data: pairs[$0].value) }
    }

    /// Writes a fresh, compact index durably (temp file, fsync, rename, folder fsync).
    static func writeFresh(_ items: [EntityID: JSONValue], checkpoint: LogSeq, to path: String) throws {
        var buffer: [UInt8] = []
        for item in sorted(items) { encode(.item(item.id, item.data), into: &buffer) }
        encode(.marker(Marker(checkpoint: checkpoint, lines: items.count + 1, open: items.count)), into: &buffer)
        try FileSystem.makeDirectory(FileSystem.parent(of: path))
        try FileSystem.writeAtomically(buffer, to: path, temp: path + ".tmp", durable: true)
    }
}
