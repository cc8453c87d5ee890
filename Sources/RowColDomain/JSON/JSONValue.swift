import Foundation

/// A JSON value whose numbers are exact decimals, used for bodies kept as received
/// (the `qbo` part of a mirror document, log payloads).
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    /// A JSON number, kept exact (never a `Double`).
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

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
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else if let object = try? container.decode([String: JSONValue].self) {
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

    public subscript(key: String) -> JSONValue? {
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

    /// The number as a `T` when it is a whole number that fits (`1.5`, `300` as `UInt8`: nil).
    public func integerValue<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        guard case .number(let number) = self else { return nil }
        return number.wholeNumber(T.self)
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Converts any `Encodable` value to a `JSONValue`.
    public init(encoding value: some Encodable) throws {
        self = try JSONValue.parse(try JSONEncoder().encode(value))
    }

    /// Decodes this value as `T`, straight from the tree (what `JSONDecoder` would read from its bytes).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        return try JSONValueDecoder.decode(T.self, from: self)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension Decimal {
    /// The value as a `T` when it is whole and in range. A `Decimal`'s description never uses an
    /// exponent, so fractions and out-of-range values fail to convert.
    func wholeNumber<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        isFinite ? T(description) : nil
    }
}
