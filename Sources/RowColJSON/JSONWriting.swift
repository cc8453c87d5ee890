import Foundation

/// The byte-level pieces of the writers: literals, indentation, numbers and escaped strings,
/// each as `JSONEncoder` writes it.
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
