import Foundation

/// A forward-only reader over the bytes of one JSON value, for types that read their fields
/// straight from bytes without building a ``JSONValue`` tree (no dictionary per object, members
/// a reader does not want are skipped unbuilt). It accepts and refuses exactly what
/// ``JSONValue/parse(_:)`` does.
///
/// A cursor lives only inside ``read(_:_:)``; it must not escape the closure.
/// ```swift
/// let total = try JSONCursor.read(bytes) { cursor -> Decimal? in
///     var total: Decimal?
///     try cursor.forEachMember { key, cursor in
///         switch key {
///         case "total": total = try cursor.readDecimal()
///         default: try cursor.skipValue()
///         }
///     }
///     return total
/// }
/// ```
public struct JSONCursor {
    // The reading methods are inlinable so that a reader in another module (the store's bills
    // and invoices) gets its member closures inlined, as if it were written next to the cursor.
    @usableFromInline var parser: JSONByteParser

    init(parser: JSONByteParser) { self.parser = parser }

    /// Runs `body` over the value in `bytes`, which must hold exactly one value.
    ///
    /// - Throws: ``JSONError`` (``JSONError/Code/syntax``) for bytes that are not JSON, and
    ///   whatever `body` throws.
    public static func read<R>(_ bytes: some Collection<UInt8>, _ body: (inout JSONCursor) throws -> R) throws -> R {
        if let result = try bytes.withContiguousStorageIfAvailable({ buffer in
            try readBuffer(UnsafeRawBufferPointer(buffer), body)
        }) {
            return result
        }
        return try read(Array(bytes), body)
    }

    private static func readBuffer<R>(
        _ buffer: UnsafeRawBufferPointer, _ body: (inout JSONCursor) throws -> R
    ) throws -> R {
        var cursor = JSONCursor(parser: JSONByteParser(buffer))
        let result = try body(&cursor)
        try cursor.parser.expectEnd()
        return result
    }

    @inlinable @inline(__always) mutating func peek() throws(JSONError) -> UInt8 {
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { throw parser.error("unexpected end of input") }
        return parser.bytes[parser.index]
    }

    @inlinable @inline(__always) mutating func expect(_ byte: UInt8, _ what: String) throws(JSONError) {
        guard try peek() == byte else { throw parser.error("expected \(what)") }
        parser.index += 1
    }

    /// Calls `body` with each member's key; `body` must read or skip the member's value. The key
    /// is valid only during the call.
    @inlinable public mutating func forEachMember(_ body: (JSONKey, inout JSONCursor) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "an object")
        if try peek() == UInt8(ascii: "}") {
            parser.index += 1
            return
        }
        while true {
            guard try peek() == UInt8(ascii: "\"") else { throw parser.error("expected a string key") }
            let key = try nextKey()
            try expect(UInt8(ascii: ":"), "':' after a key")
            try body(key, &self)
            switch try peek() {
            case UInt8(ascii: ","): parser.index += 1
            case UInt8(ascii: "}"):
                parser.index += 1
                return
            default: throw parser.error("expected ',' or '}' in an object")
            }
        }
    }

    /// A key made only of printable ASCII is compared in place, without building a `String`;
    /// any other goes through the full string reader (escapes, UTF-8 validation).
    @inlinable mutating func nextKey() throws(JSONError) -> JSONKey {
        let start = parser.index + 1
        var end = start
        while end < parser.bytes.count {
            let byte = parser.bytes[end]
            if byte == UInt8(ascii: "\"") {
                parser.index = end + 1
                return JSONKey(raw: UnsafeRawBufferPointer(rebasing: parser.bytes[start..<end]), decoded: nil)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            end += 1
        }
        return JSONKey(raw: nil, decoded: try parser.string())
    }

    /// Calls `body` for each element of an array; `body` must read or skip the element.
    @inlinable public mutating func forEachElement(_ body: (inout JSONCursor) throws -> Void) throws {
        try expect(UInt8(ascii: "["), "an array")
        if try peek() == UInt8(ascii: "]") {
            parser.index += 1
            return
        }
        while true {
            try body(&self)
            switch try peek() {
            case UInt8(ascii: ","): parser.index += 1
            case UInt8(ascii: "]"):
                parser.index += 1
                return
            default: throw parser.error("expected ',' or ']' in an array")
            }
        }
    }

    /// Consumes a `null` and returns true, or returns false and leaves the value to read.
    @inlinable public mutating func readNull() throws(JSONError) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try parser.literal("null")
        return true
    }

    /// A string (escapes decoded, UTF-8 checked).
    @inlinable public mutating func readString() throws(JSONError) -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw parser.error("expected a string") }
        return try parser.string()
    }

    /// A string, or nil for `null`.
    @inlinable public mutating func readOptionalString() throws(JSONError) -> String? {
        try readNull() ? nil : readString()
    }

    /// A number, exact.
    @inlinable public mutating func readDecimal() throws(JSONError) -> Decimal {
        switch try peek() {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parser.number()
        default: throw parser.error("expected a number")
        }
    }

    /// `true` or `false`.
    @inlinable public mutating func readBool() throws(JSONError) -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"): try parser.literal("true"); return true
        case UInt8(ascii: "f"): try parser.literal("false"); return false
        default: throw parser.error("expected true or false")
        }
    }

    /// A whole number that fits `T`.
    @inlinable public mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type) throws(JSONError) -> T {
        let start = parser.index
        guard let value = try readDecimal().wholeNumber(T.self) else {
            throw parser.error("expected a whole number that fits \(T.self)", at: start)
        }
        return value
    }

    /// Whatever value comes next, as a tree.
    @inlinable public mutating func readValue() throws(JSONError) -> JSONValue {
        try parser.value(depth: 0)
    }

    /// Moves past the next value, checking it but building nothing.
    @inlinable public mutating func skipValue() throws(JSONError) {
        try parser.skipValue(depth: 0)
    }
}

/// A member's key as ``JSONCursor/forEachMember(_:)`` hands it over: match it against string
/// literals in a `switch`, or read ``string``. Valid only during that call.
public struct JSONKey {
    @usableFromInline let raw: UnsafeRawBufferPointer?
    @usableFromInline let decoded: String?

    @usableFromInline init(raw: UnsafeRawBufferPointer?, decoded: String?) {
        self.raw = raw
        self.decoded = decoded
    }

    /// The key as a `String` (built on demand for plain ASCII keys).
    @inlinable public var string: String { decoded ?? String(decoding: raw!, as: UTF8.self) }

    /// Lets `case "id":` match a key, comparing bytes in place.
    @inlinable public static func ~= (pattern: StaticString, key: JSONKey) -> Bool {
        guard let raw = key.raw else { return key.decoded == pattern.description }
        return raw.count == pattern.utf8CodeUnitCount
            && (raw.isEmpty || memcmp(raw.baseAddress!, pattern.utf8Start, raw.count) == 0)
    }
}
