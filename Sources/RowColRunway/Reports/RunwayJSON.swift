import Foundation
import RowColDomain

/// The `--json` rendering: the Codable snapshot or console with sorted keys, two-space indent,
/// instants as RFC 3339 UTC with milliseconds and money as exact decimals. The shape is documented
/// in `Sources/RowColRunway/JSON.md`.
public enum RunwayJSON {
    /// An encoder configured for the documented shape.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(rfc3339(date))
        }
        return encoder
    }

    /// A decoder that reads what ``makeEncoder()`` writes.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseRFC3339(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "invalid instant \"\(text)\", expected RFC 3339 such as 2026-11-28T03:00:00.000Z")
            }
            return date
        }
        return decoder
    }

    /// The JSON text of `value`, ending with a newline.
    /// - Throws: `EncodingError` only if a value cannot be represented (not expected for RowCol types).
    public static func string(_ value: some Encodable) throws -> String {
        String(decoding: try makeEncoder().encode(value), as: UTF8.self) + "\n"
    }

    /// `2026-11-28T03:00:00.000Z`: UTC, milliseconds, computed without a formatter so that it never
    /// depends on the machine's locale or calendar.
    public static func rfc3339(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let perDay: Int64 = 86_400_000
        let days = milliseconds >= 0 ? milliseconds / perDay : (milliseconds - perDay + 1) / perDay
        let rest = milliseconds - days * perDay
        let day = LocalDate(daysSinceEpoch: Int(days))
        let hours = rest / 3_600_000, minutes = rest / 60_000 % 60, seconds = rest / 1000 % 60, millis = rest % 1000
        return "\(day)T" + LocalDate.digits(Int(hours), 2) + ":" + LocalDate.digits(Int(minutes), 2) + ":"
            + LocalDate.digits(Int(seconds), 2) + "." + LocalDate.digits(Int(millis), 3) + "Z"
    }

    /// Parses RFC 3339 with or without fractional seconds.
    public static func parseRFC3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
