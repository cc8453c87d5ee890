import Foundation

/// Time on the sandbox's wire: instants are milliseconds since 1970, rendered the way QBO does, in
/// US Pacific time (`-08:00` in winter, `-07:00` under daylight saving time), so clients exercise
/// their offset handling.
enum WireTime {
    static let dayMs: Int64 = 86_400_000
    static let standardOffset: Int64 = -8 * 3600
    static let daylightOffset: Int64 = -7 * 3600

    /// The Pacific offset in seconds at an instant. Since 2007 daylight time runs from the second
    /// Sunday of March, 02:00 standard time, to the first Sunday of November, 02:00 daylight time;
    /// from 1987 to 2006 from the first Sunday of April to the last Sunday of October.
    static func offsetSeconds(at ms: Int64) -> Int64 {
        let (year, _, _) = civil(fromDays: floorDiv(ms + standardOffset * 1000, dayMs))
        let y = Int64(year)
        let startDay: Int64, endDay: Int64
        if y >= 2007 {
            startDay = sunday(onOrAfter: days(fromCivil: y, 3, 8))
            endDay = sunday(onOrAfter: days(fromCivil: y, 11, 1))
        } else {
            startDay = sunday(onOrAfter: days(fromCivil: y, 4, 1))
            endDay = sunday(onOrAfter: days(fromCivil: y, 10, 25))
        }
        // 02:00 local, in UTC: 10:00 on the start day (standard time), 09:00 on the end day (daylight time).
        let start = startDay * dayMs + 10 * 3_600_000
        let end = endDay * dayMs + 9 * 3_600_000
        return ms >= start && ms < end ? daylightOffset : standardOffset
    }

    /// 1970-01-01 was a Thursday.
    private static func sunday(onOrAfter day: Int64) -> Int64 {
        let weekday = ((day + 4) % 7 + 7) % 7
        return day + (7 - weekday) % 7
    }

    /// The instant of a Pacific wall-clock time (ms since 1970 as if it were UTC). Transitions
    /// happen at 02:00, so midnight and office hours are never ambiguous.
    static func instant(ofLocal local: Int64) -> Int64 {
        let standard = local - standardOffset * 1000
        return offsetSeconds(at: standard) == daylightOffset ? local - daylightOffset * 1000 : standard
    }

    static func offsetText(_ seconds: Int64) -> String {
        seconds == daylightOffset ? "-07:00" : "-08:00"
    }

    /// `2023-02-18T12:36:59-08:00` (entities) or with milliseconds (envelope `time`).
    static func format(_ ms: Int64, milliseconds: Bool = false) -> String {
        let offset = offsetSeconds(at: ms)
        let local = ms + offset * 1000
        let days = floorDiv(local, dayMs)
        let msOfDay = local - days * dayMs
        let (y, m, d) = civil(fromDays: days)
        let seconds = msOfDay / 1000
        var text = ""
        text.reserveCapacity(29)
        pad(y, 4, &text); text += "-"; pad(m, 2, &text); text += "-"; pad(d, 2, &text); text += "T"
        pad(Int(seconds / 3600), 2, &text); text += ":"; pad(Int(seconds / 60 % 60), 2, &text); text += ":"
        pad(Int(seconds % 60), 2, &text)
        if milliseconds { text += "."; pad(Int(msOfDay % 1000), 3, &text) }
        return text + offsetText(offset)
    }

    /// The Pacific calendar day of an instant, as days since 1970-01-01.
    static func localDay(_ ms: Int64) -> Int64 {
        floorDiv(ms + offsetSeconds(at: ms) * 1000, dayMs)
    }

    /// The instant a Pacific day starts.
    static func startOfLocalDay(_ day: Int64) -> Int64 {
        instant(ofLocal: day * dayMs)
    }

    static func formatDate(day: Int64) -> String {
        let (y, m, d) = civil(fromDays: day)
        var text = ""
        pad(y, 4, &text); text += "-"; pad(m, 2, &text); text += "-"; pad(d, 2, &text)
        return text
    }

    // String(format:) is slow on Linux, and every rendered entity formats two instants.
    private static func pad(_ value: Int, _ width: Int, _ out: inout String) {
        let digits = String(value)
        if digits.count < width { out += String(repeating: "0", count: width - digits.count) }
        out += digits
    }

    /// Accepts `YYYY-MM-DD`, and `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]` (Intuit's own CDC example
    /// has no seconds: `2015-12-23T09:00-07:00`); a date alone means its Pacific midnight, and a
    /// date-time without an offset is Pacific wall-clock time, as QBO reads them.
    static func parse(_ text: String) -> Int64? {
        var chars = Array(text.utf8)
        // An unencoded "+" in a query string arrives as a space: read it back as the offset sign.
        if chars.count > 16, let space = chars[16...].firstIndex(of: 32) { chars[space] = 43 }
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= chars.count else { return nil }
            var value: Int64 = 0
            for c in chars[from..<(from + count)] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            return value
        }
        guard let y = number(0, 4), chars.count >= 10, chars[4] == 45, let mo = number(5, 2), chars[7] == 45,
              let d = number(8, 2), (1...12).contains(mo), (1...31).contains(d) else { return nil }
        let days = days(fromCivil: y, mo, d)
        if chars.count == 10 { return startOfLocalDay(days) }
        guard chars.count >= 16, chars[10] == 84 || chars[10] == 32, let h = number(11, 2), chars[13] == 58,
              let mi = number(14, 2), h < 24, mi < 60 else { return nil }
        var index = 16
        var s: Int64 = 0
        if index < chars.count, chars[index] == 58 {
            guard let seconds = number(17, 2), seconds < 61 else { return nil }
            s = seconds
            index = 19
        }
        var fraction: Int64 = 0
        if index < chars.count, chars[index] == 46 {
            index += 1
            var digits = 0
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                if digits < 3 { fraction = fraction * 10 + Int64(chars[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in 0..<max(0, 3 - digits) { fraction *= 10 }
        }
        var offset: Int64? = 0
        if index < chars.count {
            if chars[index] == 90 || chars[index] == 122 {
                index += 1
            } else if chars[index] == 43 || chars[index] == 45 {
                let sign: Int64 = chars[index] == 45 ? -1 : 1
                guard let oh = number(index + 1, 2) else { return nil }
                var om: Int64 = 0
                if index + 3 < chars.count {
                    let colon = chars[index + 3] == 58 ? 1 : 0
                    guard let m = number(index + 3 + colon, 2) else { return nil }
                    om = m
                    index += 3 + colon + 2
                } else {
                    index += 3
                }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        } else {
            offset = nil
        }
        guard index == chars.count else { return nil }
        let wallClock = (days * 86_400 + h * 3600 + mi * 60 + s) * 1000 + fraction
        guard let offset else { return instant(ofLocal: wallClock) }
        return wallClock - offset * 1000
    }

    static func isDate(_ text: String) -> Bool {
        text.utf8.count == 10 && parse(text) != nil
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    // Howard Hinnant's civil-from-days algorithms: exact for every proleptic Gregorian date.
    static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
