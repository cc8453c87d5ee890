import Foundation

/// The byte-level pieces of the writers: literals, indentation, numbers and escaped strings,
/// each as `JSONEncoder` writes it.
enum JSONWriting {
    static let null = Array("null".utf8)
    static let `true` = Array("true".utf8)
    static let `false` = Array("false".utf8)
    static let prettyColon = Array(" : ".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether `a` sorts before `b` by UTF-8 bytes, as `JSONEncoder` sorts keys: one `memcmp` of the
    /// two strings' contiguous UTF-8 (every native string, small ones included, has it), instead of
    /// walking two `UTF8View`s byte by byte through their generic iterators.
    @inline(__always)
    static func precedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right -> Bool in
                let shared = min(left.count, right.count)
                if shared > 0 {
                    let order = memcmp(left.baseAddress!, right.baseAddress!, shared)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
        if let fast, let result = fast { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The first eight UTF-8 bytes of `key` as a big-endian integer, zero-padded: integers compare
    /// as ``precedes(_:_:)`` compares the keys, except that keys equal in their first eight bytes
    /// (or differing only by trailing NULs) tie and must be compared whole.
    @inline(__always)
    static func sortPrefix(_ key: String) -> UInt64 {
        var prefix: UInt64 = 0
        var count = 0
        for byte in key.utf8 {
            prefix = prefix << 8 | UInt64(byte)
            count += 1
            if count == 8 { return prefix }
        }
        return count == 0 ? 0 : prefix << (8 * UInt64(8 - count))
    }

    static func indent(_ level: Int, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
    }

    /// `JSONEncoder` writes a `Decimal` as its `description` (`1.5`, `-0.000123`, `1000`).
    static func number(_ value: Decimal, into buffer: inout [UInt8]) {
        DecimalText.write(value, into: &buffer)
    }

    /// Escapes `"`, `\` and control characters the way `JSONEncoder` does; everything else,
    /// `/` included, is written as UTF-8.
    static func string(_ value: String, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
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
