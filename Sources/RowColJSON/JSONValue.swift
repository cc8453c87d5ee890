import Foundation

/// A JSON value whose numbers are exact decimals.
///
/// Money travels as JSON (QBO bodies, mirror documents, log lines), so a number is kept as the
/// `Decimal` its digits spell and never passes through `Double`: `1234.10` reads back as
/// `1234.1`, and `0.1` stays `0.1`. Objects are unordered; the writers sort their keys
/// (``JSONLayout``), so equal values always give equal bytes.
///
/// ```swift
/// let bill = try JSONValue.parse(Array(#"{"Id":"12","Balance":1250.10}"#.utf8))
/// bill["Balance"]?.decimalValue   // 1250.1, exact
/// bill.serialized(.compact)       // {"Balance":1250.1,"Id":"12"}
/// ```
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A JSON number, kept exact (never a `Double`).
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object; nil for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The string, when the value is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number, exact, when the value is one.
    public var decimalValue: Decimal? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The boolean, when the value is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The members, when the value is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, when the value is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The number as a `T` when it is a whole number that fits (`1.5`, or `300` as `UInt8`: nil).
    public func integerValue<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        guard case .number(let number) = self else { return nil }
        return number.wholeNumber(T.self)
    }

    /// `null`, `a boolean`, `a number`, `a string`, `an array` or `an object`, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
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

// So that a value can sit inside a type coded by Foundation's `JSONEncoder` and `JSONDecoder`.
// The tree decoder (``decode(_:)``) hands a `JSONValue` over without this detour.
extension JSONValue: Codable {
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
}

extension Decimal {
    /// The value as a `T` when it is whole and in range. A `Decimal`'s description never uses an
    /// exponent, so fractions and out-of-range values fail to convert.
    @usableFromInline func wholeNumber<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        isFinite ? T(description) : nil
    }
}
