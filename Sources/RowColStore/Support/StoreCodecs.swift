import Foundation
import RowColDomain
import RowColJSON

// Byte codecs for the two files the store writes by the thousand: log lines and mirror documents.
// They write exactly what `JSONEncoder(layout:)` writes for the same values (tests hold them to
// it), without `JSONEncoder`'s generic path, and read through `JSONValue.parse` and `JSONFields`.

/// Log lines: compact JSON of a ``LogEntry`` with sorted keys (DESIGN §3).
enum LogLineCodec {
    /// The line's bytes, without its newline.
    static func encode(_ entry: LogEntry) -> [UInt8] {
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
            write(payload, into: &buffer)
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

    private static func write(_ payload: LogPayload, into buffer: inout [UInt8]) {
        var object = JSONObjectWriter(into: &buffer, layout: .compact)
        object.key("changes", into: &buffer)
        buffer.append(UInt8(ascii: "["))
        for (index, change) in payload.changes.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            var member = JSONObjectWriter(into: &buffer, layout: .compact)
            member.member("data", ifPresent: change.data, into: &buffer)
            member.member("entity", .string(change.entity.rawValue), into: &buffer)
            member.member("id", .string(change.id.rawValue), into: &buffer)
            member.member("op", .string(change.operation.rawValue), into: &buffer)
            member.member("qbo", ifPresent: change.qbo, into: &buffer)
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

extension MirrorDocument {
    /// The document as stored: pretty JSON with sorted keys, every key written, final newline.
    func storedBytes() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(2048)
        var object = JSONObjectWriter(into: &buffer, layout: .pretty)
        object.member("advisor_id", .string(advisor.rawValue), into: &buffer)
        object.member("business_id", .string(business.rawValue), into: &buffer)
        object.member("data", data ?? .null, into: &buffer)
        object.member("entity", .string(entity.rawValue), into: &buffer)
        object.member("id", .string(id.rawValue), into: &buffer)
        object.member("log_seq", integer: logSeq.rawValue, into: &buffer)
        object.member("qbo", qbo ?? .null, into: &buffer)
        object.member("source_version", string: sourceVersion, into: &buffer)
        object.member("updated_at", string: updatedAt, into: &buffer)
        object.member("version", integer: version, into: &buffer)
        object.end(into: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        return buffer
    }

    /// Reads a stored document.
    init(storedBytes bytes: some Collection<UInt8>) throws {
        let fields = try JSONFields(try JSONValue.parse(bytes), path: "")
        self.init(
            advisor: try fields.id("advisor_id", AdvisorID.self), business: try fields.id("business_id", BusinessID.self),
            entity: try fields.rawValue("entity", EntityKind.self), id: try fields.id("id", EntityID.self),
            version: try fields.integer("version", Int.self), sourceVersion: try fields.optionalString("source_version"),
            logSeq: LogSeq(try fields.integer("log_seq", UInt64.self)), updatedAt: try fields.optionalString("updated_at"),
            data: fields.value("data"), qbo: fields.value("qbo"))
    }
}
