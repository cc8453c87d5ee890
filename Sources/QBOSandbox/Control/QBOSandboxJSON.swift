import Foundation

/// A JSON value as the sandbox's control API sends and takes it: entity bodies to patch, entities
/// read behind the client's back. Numbers are `Decimal`, read from their text, so amounts never
/// pass through `Double`.
///
/// ```swift
/// let bill = try await control.entity(.bill, id: "42", realm: "123")
/// let balance = bill["Balance"]?.decimalValue
/// try await control.patch(.bill, id: "42", realm: "123", fields: ["DueDate": "2031-01-31", "PrivateNote": nil])
/// ```
public enum QBOSandboxJSON: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByNilLiteral {
    /// `null`; in ``QBOSandboxControl/patch(_:id:realm:fields:)`` it removes the field.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, exactly as written.
    case number(Decimal)
    /// A string (QBO's ids and SyncTokens are strings).
    case string(String)
    /// An array.
    case array([QBOSandboxJSON])
    /// An object; member order carries no meaning.
    case object([String: QBOSandboxJSON])

    /// The member of an object, or `nil`.
    public subscript(key: String) -> QBOSandboxJSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The text of a string.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A number, or a string holding one (QBO sends ids as strings).
    public var decimalValue: Decimal? {
        switch self {
        case .number(let number): return number
        case .string(let text): return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        default: return nil
        }
    }

    /// A whole number, or a string holding one.
    public var intValue: Int? {
        decimalValue.flatMap { Int(exactly: NSDecimalNumber(decimal: $0).doubleValue) }
    }

    /// The flag of a boolean.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The elements of an array.
    public var arrayValue: [QBOSandboxJSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The members of an object.
    public var objectValue: [String: QBOSandboxJSON]? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// Compact JSON with sorted keys.
    public var description: String { wire.serialized() }

    /// `"text"` is ``string(_:)``.
    public init(stringLiteral value: String) { self = .string(value) }
    /// `42` is ``number(_:)``; write amounts as `.number(Decimal(string: "10.25")!)`, never through `Double`.
    public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
    /// `true` is ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `[…]` is ``array(_:)``.
    public init(arrayLiteral elements: QBOSandboxJSON...) { self = .array(elements) }
    /// `[key: value]` is ``object(_:)``; a repeated key keeps the last value.
    public init(dictionaryLiteral elements: (String, QBOSandboxJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
    /// `nil` is ``null``.
    public init(nilLiteral: ()) { self = .null }

    init(_ wire: WireJSON) {
        switch wire {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(QBOSandboxJSON.init))
        case .object(let object): self = .object(object.mapValues(QBOSandboxJSON.init))
        }
    }

    var wire: WireJSON {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let number): .number(number)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(\.wire))
        case .object(let object): .object(object.mapValues(\.wire))
        }
    }
}
