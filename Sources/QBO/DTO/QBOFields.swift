import Foundation
import RowColJSON

/// Typed reads of a QBO JSON object: the JSON leaf's lenient `JSONFields` (QBO sends ids as
/// numbers and amounts as strings), QBO's own shapes (refs, `MetaData`, lines), and field errors
/// as ``QBOError/Code/decoding``.
struct QBOFields {
    let fields: JSONFields

    init(_ json: JSONValue, entity: String) throws(QBOError) {
        fields = try Self.reading { () throws(JSONError) in try JSONFields(json, path: entity, lenient: true) }
    }

    private init(_ fields: JSONFields) { self.fields = fields }

    /// Runs a read of the leaf's, as a QBO decoding error when it fails.
    private static func reading<T>(_ read: () throws(JSONError) -> T) throws(QBOError) -> T {
        do {
            return try read()
        } catch {
            throw QBOError(.decoding, message: "The answer does not have the shape QBO sends: \(error.message).")
        }
    }

    func string(_ key: String) throws(QBOError) -> String? {
        try Self.reading { () throws(JSONError) in try fields.optionalString(key) }
    }

    func requiredString(_ key: String) throws(QBOError) -> String {
        try Self.reading { () throws(JSONError) in try fields.string(key) }
    }

    func decimal(_ key: String) throws(QBOError) -> Decimal? {
        try Self.reading { () throws(JSONError) in try fields.optionalDecimal(key) }
    }

    func bool(_ key: String) throws(QBOError) -> Bool? {
        try Self.reading { () throws(JSONError) in try fields.optionalBool(key) }
    }

    func date(_ key: String) throws(QBOError) -> QBODate? {
        guard let text = try string(key) else { return nil }
        guard let date = QBODate(text) else {
            let mismatch = fields.mismatch(key, expected: "a YYYY-MM-DD date")
            throw QBOError(.decoding, message: "The answer does not have the shape QBO sends: \(mismatch.message).")
        }
        return date
    }

    /// An object member, kept whole.
    func objectValue(_ key: String) throws(QBOError) -> JSONValue? {
        try Self.reading { () throws(JSONError) in try fields.optionalObject(key).map { .object($0.members) } }
    }

    /// An object member's fields (path `entity.key`).
    func object(_ key: String) throws(QBOError) -> QBOFields? {
        try Self.reading { () throws(JSONError) in try fields.optionalObject(key) }.map(QBOFields.init)
    }

    /// The elements of an array member; empty when it is absent.
    func array(_ key: String) throws(QBOError) -> [JSONValue] {
        try Self.reading { () throws(JSONError) in try fields.optionalArray(key) } ?? []
    }

    func ref(_ key: String) throws -> QBORef? {
        guard let value = fields.value(key) else { return nil }
        return try QBORef(json: value, entity: fields.name(key))
    }

    func metaData() throws(QBOError) -> QBOMetaData? {
        guard let meta = try object("MetaData") else { return nil }
        return QBOMetaData(createTime: try meta.string("CreateTime"), lastUpdatedTime: try meta.string("LastUpdatedTime"))
    }

    func linkedTxns(_ key: String = "LinkedTxn") throws -> [QBOLinkedTxn] {
        try array(key).map { try QBOLinkedTxn(json: $0, entity: fields.name(key)) }
    }

    func lines() throws -> [QBOLine] {
        try array("Line").map { try QBOLine(json: $0, entity: fields.name("Line")) }
    }
}
