import Foundation

/// Why bytes are not one JSON value, and where.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Offset of the offending byte from the start of the input.
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// How ``JSONValue/write(into:style:)`` lays out its bytes. Both styles sort object keys and
/// write exactly what `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes`
/// (plus `.prettyPrinted` for ``pretty``), so files written either way compare equal byte for byte.
public enum JSONLayout: Sendable {
    /// No whitespace: log lines.
    case compact
    /// Two-space indent and `"key" : value`: documents people read and `git diff`.
    case pretty
}

extension JSONValue {
    /// Parses exactly one JSON value (RFC 8259), keeping numbers as exact decimals.
    ///
    /// The store's hot paths (log replay, documents, the open-items index) read through this
    /// instead of `JSONDecoder`, whose generic path is many times slower for `JSONValue`.
    /// Invalid UTF-8, lone surrogates, nesting deeper than 512 levels and trailing bytes are errors.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer -> Result<JSONValue, JSONSyntaxError> in
            do throws(JSONSyntaxError) {
                return .success(try parseBuffer(UnsafeRawBufferPointer(buffer)))
            } catch {
                return .failure(error)
            }
        }
        if let contiguous { return try contiguous.get() }
        return try JSONValue.parse(Array(bytes))
    }

    private static func parseBuffer(_ buffer: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONByteParser(buffer)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == buffer.count else { throw parser.error("unexpected bytes after the value") }
        return value
    }

    /// The value's bytes in `layout`.
    public func serialized(_ layout: JSONLayout) -> [UInt8] {
        var bytes: [UInt8] = []
        write(into: &bytes, layout: layout)
        return bytes
    }

    /// Appends the value's bytes to `buffer`; `level` is the indent depth it starts at (pretty only).
    public func write(into buffer: inout [UInt8], layout: JSONLayout, level: Int = 0) {
        switch self {
        case .null: buffer.append(contentsOf: JSONWriting.null)
        case .bool(let value): buffer.append(contentsOf: value ? JSONWriting.true : JSONWriting.false)
        case .number(let value): JSONWriting.number(value, into: &buffer)
        case .string(let value): JSONWriting.string(value, into: &buffer)
        case .array(let values):
            buffer.append(UInt8(ascii: "["))
            if layout == .pretty {
                if values.isEmpty {
                    buffer.append(contentsOf: [UInt8(ascii: "\n"), UInt8(ascii: "\n")])
                } else {
                    for (index, value) in values.enumerated() {
                        buffer.append(contentsOf: index == 0 ? [UInt8(ascii: "\n")] : [UInt8(ascii: ","), UInt8(ascii: "\n")])
                        JSONWriting.indent(level + 1, into: &buffer)
                        value.write(into: &buffer, layout: layout, level: level + 1)
                    }
                    buffer.append(UInt8(ascii: "\n"))
                }
                JSONWriting.indent(level, into: &buffer)
            } else {
                for (index, value) in values.enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    value.write(into: &buffer, layout: layout, level: level)
                }
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let members):
            var object = JSONObjectWriter(into: &buffer, layout: layout, level: level)
            // JSONEncoder sorts keys by their UTF-8 bytes (not by `String`'s canonical order).
            for key in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                object.member(key, members[key]!, into: &buffer)
            }
            object.end(into: &buffer)
        }
    }
}

/// Writes one JSON object member by member, for types that lay out their own fields without
/// building a ``JSONValue`` first. Members must be given in sorted key order (the order
/// `JSONEncoder` uses with `.sortedKeys`); the writer does not sort.
public struct JSONObjectWriter {
    private let layout: JSONLayout
    private let level: Int
    private var count = 0

    /// Opens the object (`{`) in `buffer`.
    public init(into buffer: inout [UInt8], layout: JSONLayout, level: Int = 0) {
        self.layout = layout
        self.level = level
        buffer.append(UInt8(ascii: "{"))
    }

    /// Writes the key, its separator and the opening of a value the caller writes next.
    public mutating func key(_ key: String, into buffer: inout [UInt8]) {
        if count > 0 { buffer.append(UInt8(ascii: ",")) }
        if layout == .pretty {
            buffer.append(UInt8(ascii: "\n"))
            JSONWriting.indent(level + 1, into: &buffer)
        }
        count += 1
        JSONWriting.string(key, into: &buffer)
        if layout == .pretty {
            buffer.append(contentsOf: JSONWriting.prettyColon)
        } else {
            buffer.append(UInt8(ascii: ":"))
        }
    }

    /// The level a member's value is written at.
    public var valueLevel: Int { level + 1 }

    public mutating func member(_ key: String, _ value: JSONValue, into buffer: inout [UInt8]) {
        self.key(key, into: &buffer)
        value.write(into: &buffer, layout: layout, level: level + 1)
    }

    /// Writes the member, or nothing when `value` is nil (how `encodeIfPresent` behaves).
    public mutating func member(_ key: String, ifPresent value: JSONValue?, into buffer: inout [UInt8]) {
        if let value { member(key, value, into: &buffer) }
    }

    public mutating func member(_ key: String, string value: String?, into buffer: inout [UInt8]) {
        member(key, value.map(JSONValue.string) ?? .null, into: &buffer)
    }

    public mutating func member(_ key: String, integer value: some BinaryInteger, into buffer: inout [UInt8]) {
        self.key(key, into: &buffer)
        buffer.append(contentsOf: String(value).utf8)
    }

    /// Closes the object (`}`), with `JSONEncoder`'s layout of an empty object.
    public mutating func end(into buffer: inout [UInt8]) {
        if layout == .pretty {
            buffer.append(UInt8(ascii: "\n"))
            if count == 0 { buffer.append(UInt8(ascii: "\n")) }
            JSONWriting.indent(level, into: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }
}

enum JSONWriting {
    static let null = Array("null".utf8)
    static let `true` = Array("true".utf8)
    static let `false` = Array("false".utf8)
    static let prettyColon = Array(" : ".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func indent(_ level: Int, into buffer: inout [UInt8]) {
        for _ in 0..<(level * 2) { buffer.append(UInt8(ascii: " ")) }
    }

    /// `JSONEncoder` writes a `Decimal` as its `description` (`1.5`, `-0.000123`, `1000`).
    static func number(_ value: Decimal, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: value.description.utf8)
    }

    /// Escapes `"`, `\` and control characters the way `JSONEncoder` does; everything else,
    /// `/` included, is written as UTF-8.
    static func string(_ value: String, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                buffer.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.append(byte)
                case 0x08: buffer.append(UInt8(ascii: "b"))
                case 0x0C: buffer.append(UInt8(ascii: "f"))
                case 0x0A: buffer.append(UInt8(ascii: "n"))
                case 0x0D: buffer.append(UInt8(ascii: "r"))
                case 0x09: buffer.append(UInt8(ascii: "t"))
                default:
                    buffer.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    buffer.append(hexDigits[Int(byte >> 4)])
                    buffer.append(hexDigits[Int(byte & 0x0F)])
                }
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        buffer.append(UInt8(ascii: "\""))
    }
}

/// A recursive-descent parser over raw bytes; it never reads past `bytes.count`.
struct JSONByteParser {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    /// Members of the objects being parsed, innermost last.
    var members: [(String, JSONValue)] = []
    static let maximumDepth = 512

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func error(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? index, reason: reason)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
            return try object(depth: depth + 1)
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
            return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character '\(Self.describe(bytes[index]))'")
        }
    }

    static func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : String(format: "\\x%02X", byte)
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
            memcmp(bytes.baseAddress! + index, word.utf8Start, count) == 0
        else { throw error("invalid literal, expected \(word)") }
        index += count
    }

    mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object([:])
        }
        // Members are gathered on a stack shared by every object of the parse, so each dictionary
        // is allocated once, at its final size.
        let base = members.count
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            index += 1
            let member = try value(depth: depth)
            members.append((key, member))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                var object = [String: JSONValue](minimumCapacity: members.count - base)
                for (key, value) in members[base...] { object[key] = value }
                members.removeSubrange(base...)
                return .object(object)
            } else {
                throw error("expected ',' or '}' in an object")
            }
        }
    }

    mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        index += 1
        var values: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(values)
        }
        while true {
            values.append(try value(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            } else {
                throw error("expected ',' or ']' in an array")
            }
        }
    }

    mutating func string() throws(JSONSyntaxError) -> String {
        let open = index
        index += 1
        let start = index
        // Fast path: no escapes, so the bytes between the quotes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                guard let text = String(validating: slice, as: UTF8.self) else {
                    throw error("a string is not valid UTF-8", at: start)
                }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("a control character inside a string must be escaped") }
            index += 1
        }
        guard index < bytes.count else { throw error("unterminated string", at: open) }
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw error("a string is not valid UTF-8", at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        else { throw error("a high surrogate \\u escape without its low half") }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("an invalid low surrogate \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("a lone low surrogate \\u escape")
                    }
                    utf8.append(contentsOf: String(Character(UnicodeScalar(scalar)!)).utf8)
                default:
                    throw error("invalid escape '\\\(Self.describe(escape))'", at: index - 1)
                }
            default:
                if byte < 0x20 { throw error("a control character inside a string must be escaped") }
                utf8.append(byte)
                index += 1
            }
        }
        throw error("unterminated string", at: open)
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// A number in JSON's grammar, as an exact `Decimal`.
    mutating func number() throws(JSONSyntaxError) -> Decimal {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var significand: UInt64 = 0
        var digits = 0
        var exponent = 0
        var overflow = false
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
        guard isDigit(index) else { throw error("a number needs digits", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if isDigit(index) { throw error("a number cannot have a leading zero", at: start) }
        } else {
            while isDigit(index) {
                Self.accumulate(bytes[index], &significand, &digits, &overflow)
                index += 1
            }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { throw error("a number needs digits after '.'", at: start) }
            while isDigit(index) {
                Self.accumulate(bytes[index], &significand, &digits, &overflow)
                exponent -= 1
                index += 1
            }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard isDigit(index) else { throw error("a number needs digits in its exponent", at: start) }
            var written = 0
            while isDigit(index) {
                written = min(written * 10 + Int(bytes[index] - UInt8(ascii: "0")), 100_000)
                index += 1
            }
            exponent += exponentNegative ? -written : written
        }
        if !overflow, (-128...127).contains(exponent) {
            if significand == 0 { return Decimal(0) }
            return Decimal(sign: negative ? .minus : .plus, exponent: exponent, significand: Decimal(significand))
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !value.isNaN else {
            throw error("the number \(text) does not fit an exact decimal", at: start)
        }
        return value
    }

    /// Adds a digit to the significand while it stays exact in 64 bits (19 digits).
    static func accumulate(_ byte: UInt8, _ significand: inout UInt64, _ digits: inout Int, _ overflow: inout Bool) {
        if overflow { return }
        let digit = UInt64(byte - UInt8(ascii: "0"))
        if digits == 0 && digit == 0 { return }
        let (times10, o1) = significand.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(digit)
        if o1 || o2 { overflow = true; return }
        significand = sum
        digits += 1
    }
}
