import Foundation

/// An instant as RFC 3339 text in UTC with milliseconds: `2026-11-28T03:32:32.123Z`.
///
/// The one way RowCol writes a time that a person or git reads: log lines, `state.json`, hygiene
/// flags, every `--json` output. The text is computed without a `DateFormatter`, so it never
/// depends on the machine's locale, calendar or time zone, and a ``Timestamp`` survives a write
/// and a read unchanged (it holds whole milliseconds).
///
/// Parsing accepts any RFC 3339 date-time: with or without a fraction of a second, with `Z` or an
/// offset (`2026-11-27T19:32:32-08:00`, as QBO writes), so text written by earlier versions reads.
/// ```swift
/// Timestamp(Date(timeIntervalSince1970: 1_795_836_752.1234)).description  // "2026-11-28T03:32:32.123Z"
/// Timestamp("2026-11-27T19:32:32-08:00")?.description                     // "2026-11-28T03:32:32.000Z"
/// ```
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// Milliseconds since 1970-01-01 00:00:00 UTC.
    public var millisecondsSince1970: Int64

    /// The instant `millisecondsSince1970` milliseconds after 1970-01-01 00:00:00 UTC.
    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    /// `date` to the nearest millisecond.
    public init(_ date: Date) {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.toNearestOrAwayFromZero)
        // Beyond ±292 million years a Date is no time anyone writes down: clamp rather than trap.
        millisecondsSince1970 = milliseconds.isNaN ? 0 : Int64(max(-9.2e18, min(9.2e18, milliseconds)))
    }

    /// The instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    // MARK: Text

    private static let millisecondsPerDay: Int64 = 86_400_000

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var description: String {
        let (days, inDay) = Self.floorDivision(millisecondsSince1970, Self.millisecondsPerDay)
        let (year, month, day) = Self.civil(fromDays: days)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        if (0...9999).contains(year) {
            Self.append(Int(year), digits: 4, to: &bytes)
        } else {
            bytes.append(contentsOf: String(year).utf8)
        }
        bytes.append(UInt8(ascii: "-"))
        Self.append(month, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.append(day, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        Self.append(Int(inDay / 3_600_000), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(Int(inDay / 60_000 % 60), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(Int(inDay / 1000 % 60), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        Self.append(Int(inDay % 1000), digits: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses an RFC 3339 date-time (`2026-11-28T03:32:32.123Z`, `2026-11-28T03:32:32Z`,
    /// `2026-11-27T19:32:32.5-08:00`); nil for anything else, an impossible date included. Digits
    /// below the millisecond round to the nearest one.
    public init?(_ text: String) {
        var text = text
        guard let milliseconds = text.withUTF8({ Self.parse($0) }) else { return nil }
        millisecondsSince1970 = milliseconds
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        func number(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }
        func skip(_ allowed: UInt8...) -> Bool {
            guard index < bytes.count, allowed.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), skip(UInt8(ascii: "-")), let month = number(2), skip(UInt8(ascii: "-")),
            let day = number(2), skip(UInt8(ascii: "T"), UInt8(ascii: "t")), let hour = number(2),
            skip(UInt8(ascii: ":")), let minute = number(2), skip(UInt8(ascii: ":")), let second = number(2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 60
        else { return nil }
        var milliseconds: Int64 = 0
        if skip(UInt8(ascii: ".")) {
            var digits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let digit = Int64(bytes[index] - UInt8(ascii: "0"))
                if digits < 3 {
                    milliseconds = milliseconds * 10 + digit
                } else if digits == 3, digit >= 5 {
                    milliseconds += 1
                }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { milliseconds *= 10 }
        }
        var offsetMinutes: Int64 = 0
        if !skip(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else {
                return nil
            }
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), skip(UInt8(ascii: ":")), let minutes = number(2), hours < 24, minutes < 60
            else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        }
        guard index == bytes.count else { return nil }
        let days = days(fromCivil: year, Int(month), Int(day))
        return days * millisecondsPerDay + hour * 3_600_000 + (minute - offsetMinutes) * 60_000 + second * 1000
            + milliseconds
    }

    // MARK: Calendar (proleptic Gregorian, after Howard Hinnant's `days_from_civil`)

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    private static func days(fromCivil year: Int64, _ month: Int, _ day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivision(y, 400).0
        let yearOfEra = y - era * 400
        let dayOfYear = Int64((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivision(z, 146_097).0
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func append(_ value: Int, digits: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    // MARK: Codable

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let timestamp = Timestamp(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "invalid time \"\(text)\", expected RFC 3339 such as 2026-11-28T03:32:32.123Z")
        }
        self = timestamp
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
