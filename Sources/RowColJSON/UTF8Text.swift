/// Strings from UTF-8 bytes, without the generic path of `String(validating:as:)`.
///
/// That initializer looks up generic metadata at run time on every call (Swift 6.3 on Linux):
/// two thirds of its cost, and 4 % of a 25,000-document sync spent in the parser's strings.
/// ASCII, which is almost every string QBO sends, needs no validation at all.
@usableFromInline enum UTF8Text {
    /// The string of `bytes`, or nil when they are not valid UTF-8. `ascii` says the caller has
    /// seen no byte of 0x80 or above, so the bytes are valid as they are.
    @usableFromInline static func string(_ bytes: UnsafeRawBufferPointer, ascii: Bool) -> String? {
        if ascii || isValid(bytes) {
            return String(decoding: bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        }
        return nil
    }

    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
    @usableFromInline static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard index + length <= count else { return false }
            // The second byte's range depends on the lead; the others are plain continuations.
            let second = bytes[index + 1]
            guard second >= low && second <= high else { return false }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return false }
            index += length
        }
        return true
    }
}
