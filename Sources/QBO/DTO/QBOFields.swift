import Foundation

/// Typed reads of a QBO JSON object that accept QBO's leniencies (ids as numbers, amounts as
/// strings) and turn real type mismatches into ``QBOError/Code/decoding`` errors.
struct QBOFields {
    let object: [String: QBOJSON]
    let entity: String

    init(_ json: QBOJSON, entity: String) throws {
        guard let object = json.objectValue else {
            throw QBOError(.decoding, message: "A \(entity) must be a JSON object, got \(QBOFields.kind(json)).")
        }
        self.object = object
        self.entity = entity
    }

    func mismatch(_ key: String, expected: String) -> QBOError {
        QBOError(.decoding, message: "\(entity).\(key) should be \(expected), got \(QBOFields.kind(object[key] ?? .null)).")
    }

    func string(_ key: String) throws -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .number(let number)?: return "\(number)"
        default: throw mismatch(key, expected: "a string")
        }
    }

    func requiredString(_ key: String) throws -> String {
        guard let value = try string(key) else {
            throw QBOError(.decoding, message: "\(entity).\(key) is missing; QBO always sends it.")
        }
        return value
    }

    func decimal(_ key: String) throws -> Decimal? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let number)?: return number
        case .string(let text)?:
            guard let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !text.isEmpty else {
                throw mismatch(key, expected: "a decimal number")
            }
            return number
        default: throw mismatch(key, expected: "a number")
        }
    }

    func bool(_ key: String) throws -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case .string("true")?: return true
        case .string("false")?: return false
        default: throw mismatch(key, expected: "true or false")
        }
    }

    func date(_ key: String) throws -> QBODate? {
        guard let text = try string(key) else { return nil }
        guard let date = QBODate(text) else { throw mismatch(key, expected: "a YYYY-MM-DD date") }
        return date
    }

    func ref(_ key: String) throws -> QBORef? {
        switch object[key] {
        case nil, .null?: return nil
        case let value?: return try QBORef(json: value, entity: "\(entity).\(key)")
        }
    }

    func objectValue(_ key: String) throws -> QBOJSON? {
        switch object[key] {
        case nil, .null?: return nil
        case let value? where value.objectValue != nil: return value
        default: throw mismatch(key, expected: "an object")
        }
    }

    func array(_ key: String) throws -> [QBOJSON] {
        switch object[key] {
        case nil, .null?: return []
        case .array(let items)?: return items
        // A single element sometimes arrives unwrapped from XML-to-JSON converters.
        case .object?: return [object[key]!]
        default: throw mismatch(key, expected: "an array")
        }
    }

    func metaData() throws -> QBOMetaData? {
        guard let meta = try objectValue("MetaData") else { return nil }
        let fields = try QBOFields(meta, entity: "\(entity).MetaData")
        return QBOMetaData(createTime: try fields.string("CreateTime"), lastUpdatedTime: try fields.string("LastUpdatedTime"))
    }

    func linkedTxns(_ key: String = "LinkedTxn") throws -> [QBOLinkedTxn] {
        try array(key).map { try QBOLinkedTxn(json: $0, entity: "\(entity).\(key)") }
    }

    func lines() throws -> [QBOLine] {
        try array("Line").map { try QBOLine(json: $0, entity: "\(entity).Line") }
    }

    static func kind(_ json: QBOJSON) -> String {
        switch json {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
