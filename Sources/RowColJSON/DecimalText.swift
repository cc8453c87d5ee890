import Foundation

/// A `Decimal`'s text, `description`'s exact bytes, written without `description` when it can be.
///
/// Foundation's `Decimal.description` runs a general big-number division per digit: in a sync it
/// was an eighth of the CPU (every amount of every bill is written twice, in the log line and in the
/// document). Amounts have at most 20 significant digits (a mantissa that fits a `UInt64`), whose text
/// is the mantissa's digits with the point placed by the exponent. `Decimal` keeps its fields
/// internal, so they are read from its storage (exponent in the first byte, length and sign in the
/// second, the mantissa as little-endian 16-bit words from the fifth), and that reading is trusted
/// only once it has given `description`'s text for a set of known values in this process; otherwise,
/// and for longer mantissas and NaN, `description` is used. Tests compare the two on random values.
enum DecimalText {
    /// Whether this Foundation's `Decimal` is laid out as ``fastWrite(_:into:)`` reads it.
    static let layoutHolds: Bool = {
        guard MemoryLayout<Decimal>.size == 20 else { return false }
        let samples = [
            "0", "1", "-1", "7", "0.5", "-0.000123", "1234.1", "-99.99", "18446744073709551615", "1e30", "1e-20",
            "123456.789", "-250000", "0.01",
        ]
        for text in samples {
            guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return false }
            var bytes: [UInt8] = []
            guard fastWrite(value, into: &bytes), bytes == Array(value.description.utf8) else { return false }
        }
        return true
    }()

    /// Appends `value.description`'s UTF-8.
    @inline(__always)
    static func write(_ value: Decimal, into buffer: inout [UInt8]) {
        if layoutHolds, fastWrite(value, into: &buffer) { return }
        buffer.append(contentsOf: value.description.utf8)
    }

    /// `value`'s text, as `description` writes it.
    static func text(_ value: Decimal) -> String {
        var bytes: [UInt8] = []
        write(value, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes a `Decimal` whose mantissa fits 64 bits; false (nothing written) for anything else.
    static func fastWrite(_ value: Decimal, into buffer: inout [UInt8]) -> Bool {
        var copy = value
        return withUnsafeBytes(of: &copy) { raw -> Bool in
            let exponent = Int(Int8(bitPattern: raw[0]))
            let length = Int(raw[1] >> 4)
            let negative = raw[1] & 0x08 != 0
            guard length <= 4 else { return false }
            var mantissa: UInt64 = 0
            for word in 0..<length {
                mantissa |= (UInt64(raw[4 + 2 * word]) | UInt64(raw[5 + 2 * word]) << 8) << (16 * UInt64(word))
            }
            if mantissa == 0 {
                // Length 0 with the sign set is NaN, whose text is description's business.
                if negative && length == 0 { return false }
                buffer.append(UInt8(ascii: "0"))
                return true
            }
            // Digits, least significant first, into a fixed buffer (a UInt64 has at most 20).
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
            let count = withUnsafeMutableBytes(of: &digits) { scratch -> Int in
                var count = 0
                while mantissa > 0 {
                    scratch[count] = UInt8(ascii: "0") + UInt8(mantissa % 10)
                    mantissa /= 10
                    count += 1
                }
                return count
            }
            withUnsafeBytes(of: &digits) { scratch in
                if negative { buffer.append(UInt8(ascii: "-")) }
                if exponent >= 0 {
                    for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(scratch[index]) }
                    buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent))
                    return
                }
                let whole = count + exponent
                if whole > 0 {
                    for index in stride(from: count - 1, through: count - whole, by: -1) { buffer.append(scratch[index]) }
                    buffer.append(UInt8(ascii: "."))
                    for index in stride(from: count - whole - 1, through: 0, by: -1) { buffer.append(scratch[index]) }
                } else {
                    buffer.append(UInt8(ascii: "0"))
                    buffer.append(UInt8(ascii: "."))
                    buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -whole))
                    for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(scratch[index]) }
                }
            }
            return true
        }
    }
}
