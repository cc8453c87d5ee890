import Foundation

extension JSONValue {
    /// Parses exactly one JSON value (RFC 8259), keeping numbers as exact decimals.
    ///
    /// Invalid UTF-8, lone surrogates, nesting deeper than 512 levels and bytes after the value are
    /// errors. Faster than `JSONDecoder` for a `JSONValue` by a wide margin: Foundation can only
    /// reach an enum like this by trying each case in turn, with a thrown error per miss.
    ///
    /// - Throws: ``JSONError`` with code ``JSONError/Code/syntax`` and the offset of the first bad byte.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONError) -> JSONValue {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer -> Result<JSONValue, JSONError> in
            do throws(JSONError) {
                return .success(try parseBuffer(UnsafeRawBufferPointer(buffer)))
            } catch {
                return .failure(error)
            }
        }
        if let contiguous { return try contiguous.get() }
        return try JSONValue.parse(Array(bytes))
    }

    private static func parseBuffer(_ buffer: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        var parser = JSONByteParser(buffer)
        let value = try parser.value(depth: 0)
        try parser.expectEnd()
        return value
    }
}

/// A recursive-descent parser over raw bytes; it never reads past `bytes.count`. The cursor
/// (``JSONCursor``) drives the same parser, so both accept and refuse exactly the same input.
@usableFromInline struct JSONByteParser {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var index = 0
    /// Members of the objects being parsed, innermost last.
    private var members: [(String, JSONValue)] = []
    static let maximumDepth = 512

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    @usableFromInline func error(_ reason: String, at offset: Int? = nil) -> JSONError {
        JSONError(code: .syntax, message: reason, offset: offset ?? index)
    }

    @inlinable @inline(__always) mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Only whitespace may follow the value.
    mutating func expectEnd() throws(JSONError) {
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected bytes after the value") }
    }

    private func checkDepth(_ depth: Int) throws(JSONError) {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    @usableFromInline mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try checkDepth(depth)
            return try object(depth: depth + 1)
        case UInt8(ascii: "["):
            try checkDepth(depth)
            return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character '\(Self.describe(bytes[index]))'")
        }
    }

    /// Checks one value and moves past it without building it: what ``value(depth:)`` would
    /// accept, with no dictionary, array or string made along the way (but for strings with
    /// escapes, which are rare).
    @usableFromInline mutating func skipValue(depth: Int) throws(JSONError) {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try checkDepth(depth)
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a string key")
                }
                try skipString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw error("expected ':' after a key")
                }
                index += 1
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return
                } else {
                    throw error("expected ',' or '}' in an object")
                }
            }
        case UInt8(ascii: "["):
            try checkDepth(depth)
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return
                } else {
                    throw error("expected ',' or ']' in an array")
                }
            }
        case UInt8(ascii: "\""): try skipString()
        default: _ = try value(depth: depth)
        }
    }

    static func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : String(format: "\\x%02X", byte)
    }

    @usableFromInline mutating func literal(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
            memcmp(bytes.baseAddress! + index, word.utf8Start, count) == 0
        else { throw error("invalid literal, expected \(word)") }
        index += count
    }

    private mutating func object(depth: Int) throws(JSONError) -> JSONValue {
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
                // A repeated key keeps its last value (RFC 8259 leaves the choice open).
                var object = [String: JSONValue](minimumCapacity: members.count - base)
                for (key, value) in members[base...] { object[key] = value }
                members.removeSubrange(base...)
                return .object(object)
            } else {
                throw error("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONError) -> JSONValue {
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

    /// Moves past a string, checking it as ``string()`` would.
    private mutating func skipString() throws(JSONError) {
        let open = index
        index += 1
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if !ascii {
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[(open + 1)..<index])
                    guard UTF8Text.isValid(slice) else {
                        throw error("a string is not valid UTF-8", at: open + 1)
                    }
                }
                index += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                index = open
                _ = try string()
                return
            }
            if byte < 0x20 { throw error("a control character inside a string must be escaped") }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        throw error("unterminated string", at: open)
    }

    @usableFromInline mutating func string() throws(JSONError) -> String {
        let open = index
        index += 1
        let start = index
        var ascii = true
        // Fast path: no escapes, so the bytes between the quotes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                guard let text = UTF8Text.string(slice, ascii: ascii) else {
                    throw error("a string is not valid UTF-8", at: start)
                }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("a control character inside a string must be escaped") }
            if byte >= 0x80 { ascii = false }
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
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
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

    private mutating func hex4() throws(JSONError) -> UInt32 {
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
    @usableFromInline mutating func number() throws(JSONError) -> Decimal {
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
    private static func accumulate(
        _ byte: UInt8, _ significand: inout UInt64, _ digits: inout Int, _ overflow: inout Bool
    ) {
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
