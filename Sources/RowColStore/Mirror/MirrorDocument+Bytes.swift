import Foundation
import RowColDomain
import RowColJSON

// The mirror document's byte codec; see LogLineCodec.swift for why the store writes its own.

extension MirrorDocument {
    /// The document as stored: pretty JSON with sorted keys, every key written, final newline.
    func storedBytes() -> [UInt8] {
        storedBytes(compactData: nil, compactQBO: nil)
    }

    /// The stored bytes, with ``data`` and ``qbo`` re-indented from their compact bytes when given
    /// (the log line's, which hold exactly these values): the same bytes, without a second walk of
    /// the values and a second sort of every object's keys.
    func storedBytes(compactData: UnsafeBufferPointer<UInt8>?, compactQBO: UnsafeBufferPointer<UInt8>?) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(2048 + (compactData?.count ?? 0) + (compactQBO?.count ?? 0) * 2)
        var object = JSONObjectWriter(into: &buffer, layout: .pretty)
        object.member("advisor_id", .string(advisor.rawValue), into: &buffer)
        object.member("business_id", .string(business.rawValue), into: &buffer)
        if let compactData, data != nil {
            object.key("data", into: &buffer)
            JSONLayout.reindent(compact: compactData, level: 1, into: &buffer)
        } else {
            object.member("data", data ?? .null, into: &buffer)
        }
        object.member("entity", .string(entity.rawValue), into: &buffer)
        object.member("id", .string(id.rawValue), into: &buffer)
        object.member("log_seq", integer: logSeq.rawValue, into: &buffer)
        if let compactQBO, qbo != nil {
            object.key("qbo", into: &buffer)
            JSONLayout.reindent(compact: compactQBO, level: 1, into: &buffer)
        } else {
            object.member("qbo", qbo ?? .null, into: &buffer)
        }
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
