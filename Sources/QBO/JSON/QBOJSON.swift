import Foundation

/// A JSON value whose numbers are exact decimals.
///
/// QBO bodies are kept as received (``QBOBill/raw`` and friends) so the caller can store them
/// verbatim; numbers stay `Decimal` because money must never pass through `Double`.
public enum QBOJSON: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    /// A JSON number, kept exact.
    case number(Decimal)
    case string(String)
    case array([QBOJSON])
    case object([String: QBOJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Decimal.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([QBOJSON].self) {
            self = .array(array)
        } else if let object = try? container.decode([String: QBOJSON].self) {
            self = .object(object)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses `data` as one JSON document.
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/decoding`` when the bytes are not JSON.
    public static func parse(_ data: Data, context: String = "body") throws -> QBOJSON {
        do {
            return try QBOJSONParser.parse(data)
        } catch {
            throw QBOError(.decoding, message: "The \(context) is not valid JSON (\(data.count) bytes: \(QBOJSON.preview(data))): \(error.reason) at byte \(error.offset); the server sent a malformed or truncated answer.")
        }
    }

    /// Serializes this value with sorted keys, so equal values give equal bytes.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a tree of plain values cannot fail.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    public subscript(key: String) -> QBOJSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var decimalValue: Decimal? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: QBOJSON]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var arrayValue: [QBOJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    static func preview(_ data: Data) -> String {
        let text = String(decoding: data.prefix(80), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        return text.isEmpty ? "empty" : "\"\(text)\(data.count > 80 ? "…" : "")\""
    }
}

extension QBOJSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
    public init(arrayLiteral elements: QBOJSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, QBOJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
