import Foundation
import RowColDomain

/// The encoders and decoders behind every file the store writes: one place, so that a rebuild
/// encodes byte for byte what the live writer encoded.
enum JSONCoding {
    /// Compact, sorted keys: one log line.
    static func lineEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    /// Two-space indent, sorted keys: documents people read and `git diff`.
    static func documentEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "invalid time \"\(text)\", expected RFC 3339 UTC")
            }
            return date
        }
        return decoder
    }

    /// A pretty document with its final newline.
    static func documentBytes(_ value: some Encodable, encoder: JSONEncoder) throws -> [UInt8] {
        var bytes = [UInt8](try encoder.encode(value))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}

/// RFC 3339 UTC times with milliseconds (`2026-11-28T03:32:32.123Z`), formatted without a
/// `DateFormatter` so the text never depends on the machine's locale.
enum Timestamp {
    /// Drops what is below a millisecond, so that a time survives a write and a read unchanged.
    static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.toNearestOrAwayFromZero))
    }

    static func format(_ date: Date) -> String {
        let millis = milliseconds(date)
        let (days, dayMillis) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let (dayIndex, inDay) = dayMillis < 0 ? (days - 1, dayMillis + 86_400_000) : (days, dayMillis)
        let (year, month, day) = LocalDate(daysSinceEpoch: Int(dayIndex)).parts
        let hour = inDay / 3_600_000, minute = inDay / 60_000 % 60, second = inDay / 1000 % 60, milli = inDay % 1000
        return LocalDate.digits(year, 4) + "-" + LocalDate.digits(month, 2) + "-" + LocalDate.digits(day, 2) + "T"
            + LocalDate.digits(Int(hour), 2) + ":" + LocalDate.digits(Int(minute), 2) + ":"
            + LocalDate.digits(Int(second), 2) + "." + LocalDate.digits(Int(milli), 3) + "Z"
    }

    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[10] == UInt8(ascii: "T"), bytes[19] == UInt8(ascii: "."),
            bytes[23] == UInt8(ascii: "Z"), let date = LocalDate(String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), let milli = number(20..<23),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let millis = Int64(date.daysSinceEpoch) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
