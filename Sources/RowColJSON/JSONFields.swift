import Foundation

/// Typed reads of one JSON object's members, with errors that name the field.
///
/// `null` counts as absent, as `decodeIfPresent` reads it. A *lenient* reader also accepts
/// values in the other form some producers write them in (QBO, XML-to-JSON converters): a number
/// where a string is expected and a numeric string where a number is, `"true"`/`"false"` for
/// booleans, and a lone object where an array is.
/// ```swift
/// let line = try JSONFields(try JSONValue.parse(bytes), path: "log line")
/// let seq = try line.integer("seq", UInt64.self)    // field "log line.seq" is missing / should be …
/// ```
public struct JSONFields: Sendable {
    /// The object's members.
    public let members: [String: JSONValue]
    /// Where the object sits (`Bill`, `Bill.Line`), the prefix of the field names in errors.
    public let path: String
    /// Whether values in their other form are accepted (see the type's discussion).
    public let lenient: Bool

    /// - Throws: ``JSONError`` (``JSONError/Code/shape``) when `value` is not an object.
    public init(_ value: JSONValue, path: String, lenient: Bool = false) throws(JSONError) {
        guard case .object(let members) = value else {
            let what = path.isEmpty ? "the value" : path
            throw JSONError(code: .shape, message: "\(what) should be an object, got \(value.kindName)")
        }
        self.members = members
        self.path = path
        self.lenient = lenient
    }

    /// `"path.key"`, as errors name it.
    public func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The error for a member that is missing.
    public func missing(_ key: String) -> JSONError {
        JSONError(code: .shape, message: "field \"\(name(key))\" is missing")
    }

    /// The error for a member of the wrong type or value.
    public func mismatch(_ key: String, expected: String) -> JSONError {
        JSONError(
            code: .shape,
            message: "field \"\(name(key))\" should be \(expected), got \((members[key] ?? .null).kindName)")
    }

    /// The member's value; nil when it is missing or `null`.
    public func value(_ key: String) -> JSONValue? {
        switch members[key] {
        case nil, .null?: return nil
        case let value?: return value
        }
    }

    /// A string member (lenient: a number too, as its digits); nil when missing or `null`.
    public func optionalString(_ key: String) throws(JSONError) -> String? {
        switch value(key) {
        case nil: return nil
        case .string(let text)?: return text
        case .number(let number)? where lenient: return number.description
        default: throw mismatch(key, expected: "a string")
        }
    }

    /// A string member that must be there.
    public func string(_ key: String) throws(JSONError) -> String {
        guard let text = try optionalString(key) else { throw missing(key) }
        return text
    }

    /// A number member, exact (lenient: a string holding a JSON number too); nil when missing or `null`.
    public func optionalDecimal(_ key: String) throws(JSONError) -> Decimal? {
        switch value(key) {
        case nil: return nil
        case .number(let number)?: return number
        case .string(let text)? where lenient:
            // JSON's own number grammar, so that `"12abc"` or `"1,5"` is refused, not read in part.
            guard case .number(let number)? = try? JSONValue.parse(Array(text.utf8)) else {
                throw mismatch(key, expected: "a decimal number")
            }
            return number
        default: throw mismatch(key, expected: "a number")
        }
    }

    /// A whole number member that fits `T`; nil when missing or `null`.
    public func optionalInteger<T: FixedWidthInteger>(_ key: String, _ type: T.Type) throws(JSONError) -> T? {
        guard let number = try optionalDecimal(key) else { return nil }
        guard let integer = number.wholeNumber(T.self) else {
            throw mismatch(key, expected: "a whole number that fits \(T.self)")
        }
        return integer
    }

    /// A whole number member that fits `T` and must be there.
    public func integer<T: FixedWidthInteger>(_ key: String, _ type: T.Type) throws(JSONError) -> T {
        guard let integer = try optionalInteger(key, type) else { throw missing(key) }
        return integer
    }

    /// A boolean member (lenient: `"true"` or `"false"` too); nil when missing or `null`.
    public func optionalBool(_ key: String) throws(JSONError) -> Bool? {
        switch value(key) {
        case nil: return nil
        case .bool(let flag)?: return flag
        case .string("true")? where lenient: return true
        case .string("false")? where lenient: return false
        default: throw mismatch(key, expected: "true or false")
        }
    }

    /// A string member read as a `RawRepresentable` (an enum of known strings).
    public func rawValue<T: RawRepresentable>(_ key: String, _ type: T.Type) throws(JSONError) -> T
    where T.RawValue == String {
        let text = try string(key)
        guard let value = T(rawValue: text) else {
            throw JSONError(code: .shape, message: "field \"\(name(key))\" has an unknown value \"\(text)\"")
        }
        return value
    }

    /// The member as an object's fields (path `path.key`); nil when it is missing or `null`.
    public func optionalObject(_ key: String) throws(JSONError) -> JSONFields? {
        guard let value = value(key) else { return nil }
        guard case .object = value else { throw mismatch(key, expected: "an object") }
        return try JSONFields(value, path: name(key), lenient: lenient)
    }

    /// The member's elements; nil when it is missing or `null`.
    public func optionalArray(_ key: String) throws(JSONError) -> [JSONValue]? {
        switch value(key) {
        case nil: return nil
        case .array(let items)?: return items
        case .object(let object)? where lenient: return [.object(object)]
        default: throw mismatch(key, expected: "an array")
        }
    }
}
