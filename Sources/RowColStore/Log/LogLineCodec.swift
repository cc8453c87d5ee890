import Foundation
import RowColDomain
import RowColJSON

// Byte codecs for the two files the store writes by the thousand: log lines and mirror documents.
// They write exactly what `JSONEncoder(layout:)` writes for the same values (tests hold them to
// it), without `JSONEncoder`'s generic path, and read through `JSONValue.parse` and `JSONFields`.

/// A log line's bytes with the places of its changes' bodies (see ``LogLineCodec/encodeWithBodies(_:)``).
struct LogLineBodies {
    struct Change {
        var data: Range<Int>?
        var qbo: Range<Int>?
    }

    var line: [UInt8]
    /// One per change of the line's payload, in order.
    var changes: [Change]
}

/// Log records encoded ahead of their commit (``AdvisorStore/prepare(_:)``): the encoding is done
/// by the task that prepares them, so a caller can encode its next batch while the previous one
/// is being made durable, and the writer thread only writes.
public struct PreparedLines: Sendable {
    public let records: [LogRecord]
    let lines: [PreparedRecord]

    init(_ records: [LogRecord]) {
        self.records = records
        lines = records.map(PreparedRecord.init)
    }

    /// Records for a journal that encodes nothing ahead (a journal in memory, in tests).
    public init(unencoded records: [LogRecord]) {
        self.records = records
        lines = []
    }
}

/// A record with its payload already encoded: the payload is almost all of a line's bytes and
/// depends on nothing the log assigns (seq, time, chain), so the committing task encodes it before
/// the hand-off and the writer thread only splices it into the line.
struct PreparedRecord: Sendable {
    var record: LogRecord
    /// The payload's compact bytes and its changes' body places (relative to the payload's start).
    var payload: (bytes: [UInt8], changes: [LogLineBodies.Change])?

    init(_ record: LogRecord) {
        self.record = record
        payload = record.payload.map { payload in
            var bytes: [UInt8] = []
            var changes: [LogLineBodies.Change]? = []
            LogLineCodec.write(payload, into: &bytes, bodies: &changes)
            return (bytes, changes ?? [])
        }
    }
}

/// Log lines: compact JSON of a ``LogEntry`` with sorted keys (DESIGN §3).
enum LogLineCodec {
    /// The line's bytes, without its newline.
    static func encode(_ entry: LogEntry) -> [UInt8] {
        var bodies: [LogLineBodies.Change]?
        return encode(entry, bodies: &bodies)
    }

    /// The line's bytes, and where each change's `data` and `qbo` sit in them (compact, keys
    /// sorted), so that the mirror writes its documents from those bytes (``JSONLayout/reindent(compact:level:into:)``)
    /// instead of walking and sorting the same values again.
    static func encodeWithBodies(_ entry: LogEntry) -> LogLineBodies {
        var changes: [LogLineBodies.Change]? = []
        let line = encode(entry, bodies: &changes)
        return LogLineBodies(line: line, changes: changes ?? [])
    }

    /// The line of `entry`, whose payload is `prepared`'s bytes, with the places of its changes' bodies.
    static func encodeWithBodies(_ entry: LogEntry, prepared: PreparedRecord) -> LogLineBodies {
        guard let payload = prepared.payload else { return encodeWithBodies(entry) }
        var changes: [LogLineBodies.Change]? = nil
        var offset = 0
        let line = encode(entry, bodies: &changes) { buffer in
            offset = buffer.count
            buffer.append(contentsOf: payload.bytes)
        }
        let shift = { (range: Range<Int>?) in range.map { ($0.lowerBound + offset)..<($0.upperBound + offset) } }
        return LogLineBodies(line: line, changes: payload.changes.map { .init(data: shift($0.data), qbo: shift($0.qbo)) })
    }

    /// - Parameter writePayload: writes the payload's bytes in place of encoding `entry.payload`.
    private static func encode(
        _ entry: LogEntry, bodies: inout [LogLineBodies.Change]?, writePayload: ((inout [UInt8]) -> Void)? = nil
    ) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(512)
        var line = JSONObjectWriter(into: &buffer, layout: .compact)
        line.member("advisor_id", .string(entry.advisor.rawValue), into: &buffer)
        line.member("at", .string(Timestamp(entry.at).description), into: &buffer)
        line.member("business_id", .string(entry.business.rawValue), into: &buffer)
        line.member("direction", .string(entry.direction.rawValue), into: &buffer)
        if let httpCode = entry.httpCode { line.member("http_code", integer: httpCode, into: &buffer) }
        line.member("idem_key", ifPresent: entry.idemKey.map(JSONValue.string), into: &buffer)
        line.member("operation", .string(entry.operation), into: &buffer)
        if let payload = entry.payload {
            line.key("payload", into: &buffer)
            if let writePayload { writePayload(&buffer) } else { write(payload, into: &buffer, bodies: &bodies) }
        }
        line.member("phase", .string(entry.phase.rawValue), into: &buffer)
        line.member("prev", .string(entry.prev), into: &buffer)
        line.member("rail", .string(entry.rail), into: &buffer)
        line.member("seq", integer: entry.seq.rawValue, into: &buffer)
        line.member("source_version", ifPresent: entry.sourceVersion.map(JSONValue.string), into: &buffer)
        line.member("status", ifPresent: entry.status.map(JSONValue.string), into: &buffer)
        line.end(into: &buffer)
        return buffer
    }

    static func write(
        _ payload: LogPayload, into buffer: inout [UInt8], bodies: inout [LogLineBodies.Change]?
    ) {
        var object = JSONObjectWriter(into: &buffer, layout: .compact)
        object.key("changes", into: &buffer)
        buffer.append(UInt8(ascii: "["))
        for (index, change) in payload.changes.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            var member = JSONObjectWriter(into: &buffer, layout: .compact)
            var dataRange: Range<Int>?, qboRange: Range<Int>?
            if let data = change.data {
                member.key("data", into: &buffer)
                let start = buffer.count
                data.write(into: &buffer, layout: .compact)
                dataRange = start..<buffer.count
            }
            member.member("entity", .string(change.entity.rawValue), into: &buffer)
            member.member("id", .string(change.id.rawValue), into: &buffer)
            member.member("op", .string(change.operation.rawValue), into: &buffer)
            if let qbo = change.qbo {
                member.key("qbo", into: &buffer)
                let start = buffer.count
                qbo.write(into: &buffer, layout: .compact)
                qboRange = start..<buffer.count
            }
            bodies?.append(LogLineBodies.Change(data: dataRange, qbo: qboRange))
            member.member("source_version", ifPresent: change.sourceVersion.map(JSONValue.string), into: &buffer)
            member.member("updated_at", ifPresent: change.updatedAt.map(JSONValue.string), into: &buffer)
            member.end(into: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
        object.member("detail", ifPresent: payload.detail, into: &buffer)
        object.member("fault", ifPresent: payload.fault, into: &buffer)
        object.member("request", ifPresent: payload.request, into: &buffer)
        object.member("response", ifPresent: payload.response, into: &buffer)
        object.end(into: &buffer)
    }

    /// Reads a line (without its newline) back.
    static func decode(_ bytes: some Collection<UInt8>) throws -> LogEntry {
        let fields = try JSONFields(try JSONValue.parse(bytes), path: "")
        let record = LogRecord(
            business: try fields.id("business_id", BusinessID.self),
            direction: try fields.rawValue("direction", LogDirection.self),
            rail: try fields.string("rail"),
            operation: try fields.string("operation"),
            phase: try fields.rawValue("phase", LogPhase.self),
            idemKey: try fields.optionalString("idem_key"),
            httpCode: try fields.optionalInteger("http_code", Int.self),
            status: try fields.optionalString("status"),
            payload: try fields.value("payload").map { value throws(JSONError) in try payload(value) },
            sourceVersion: try fields.optionalString("source_version"))
        let atText = try fields.string("at")
        guard let at = Timestamp(atText) else {
            throw JSONError(code: .shape, message: "field \"at\": invalid time \"\(atText)\", expected RFC 3339 UTC")
        }
        return LogEntry(
            seq: LogSeq(try fields.integer("seq", UInt64.self)), at: at.date,
            advisor: try fields.id("advisor_id", AdvisorID.self), record: record, prev: try fields.string("prev"))
    }

    private static func payload(_ value: JSONValue) throws(JSONError) -> LogPayload {
        let fields = try JSONFields(value, path: "payload")
        var changes: [MirrorChange] = []
        if let items = try fields.optionalArray("changes") {
            changes.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                let change = try JSONFields(item, path: "payload.changes[\(index)]")
                changes.append(MirrorChange(
                    entity: try change.rawValue("entity", EntityKind.self), id: try change.id("id", EntityID.self),
                    operation: try change.rawValue("op", MirrorChange.Operation.self),
                    sourceVersion: try change.optionalString("source_version"),
                    updatedAt: try change.optionalString("updated_at"), data: change.value("data"),
                    qbo: change.value("qbo")))
            }
        }
        return LogPayload(
            changes: changes, request: fields.value("request"), response: fields.value("response"),
            fault: fields.value("fault"), detail: fields.value("detail"))
    }
}
