import Foundation
import Testing
@testable import RowColJSON

@Suite struct TimestampTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (1_795_836_752.123, "2026-11-28T03:32:32.123Z"),
        (1_795_836_752.1234, "2026-11-28T03:32:32.123Z"),
        (1_795_836_752.9996, "2026-11-28T03:32:33.000Z"),
        (951_782_400.0, "2000-02-29T00:00:00.000Z"),
        (-0.001, "1969-12-31T23:59:59.999Z"),
        (-62_135_596_800.0, "0001-01-01T00:00:00.000Z"),
        (253_402_300_799.999, "9999-12-31T23:59:59.999Z"),
    ])
    func writesUTCWithMilliseconds(seconds: Double, text: String) {
        #expect(Timestamp(Date(timeIntervalSince1970: seconds)).description == text)
    }

    /// Foundation's ISO 8601 formatter is the independent reference for the calendar arithmetic.
    @Test func agreesWithISO8601DateFormatterAndRoundTrips() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var random = JSONValueTests.Random(state: 11)
        for _ in 0..<5_000 {
            // Whole milliseconds from 1900 to 2200, where the formatter's own rounding cannot differ.
            let milliseconds = Int64(random.next() % 9_467_280_000_000) - 2_208_988_800_000
            let timestamp = Timestamp(millisecondsSince1970: milliseconds)
            #expect(timestamp.description == formatter.string(from: timestamp.date), "\(milliseconds)")
            #expect(Timestamp(timestamp.description) == timestamp)
            #expect(Timestamp(timestamp.date) == timestamp)
        }
    }

    @Test(arguments: [
        ("2026-11-28T03:32:32.123Z", "2026-11-28T03:32:32.123Z"),
        ("2026-11-28T03:32:32Z", "2026-11-28T03:32:32.000Z"),
        ("2026-11-27T19:32:32-08:00", "2026-11-28T03:32:32.000Z"),
        ("2026-11-28T05:02:32.5+01:30", "2026-11-28T03:32:32.500Z"),
        ("2026-11-28t03:32:32.12z", "2026-11-28T03:32:32.120Z"),
        ("2026-11-28T03:32:32.1234567Z", "2026-11-28T03:32:32.123Z"),
        ("2026-11-28T03:32:32.9995Z", "2026-11-28T03:32:33.000Z"),
        ("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00.000Z"),
    ])
    func readsWhatEarlierVersionsAndQBOWrote(text: String, normalized: String) {
        #expect(Timestamp(text)?.description == normalized)
    }

    @Test(arguments: [
        "", "2026-11-28", "2026-11-28T03:32:32", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-28T24:00:00Z",
        "2026-11-28T03:60:00Z", "2026-11-28T03:32:60Z", "2026-11-28T03:32:32.Z", "2026-11-28 03:32:32Z",
        "2026-11-28T03:32:32+0800", "2026-11-28T03:32:32Z ", "817844556.876", "+2026-11-28T03:32:32Z",
    ])
    func refusesAnythingElse(text: String) {
        #expect(Timestamp(text) == nil)
    }

    @Test func codesAsItsText() throws {
        let timestamp = Timestamp(millisecondsSince1970: 1_795_836_752_123)
        let bytes = try JSONEncoder(layout: .compact).encode(["at": timestamp])
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"at":"2026-11-28T03:32:32.123Z"}"#)
        #expect(try JSONValue.decode([String: Timestamp].self, from: bytes) == ["at": timestamp])
        #expect(try JSONDecoder().decode([String: Timestamp].self, from: bytes) == ["at": timestamp])
        #expect { _ = try JSONValue.decode([String: Timestamp].self, from: Array(#"{"at":"soon"}"#.utf8)) } throws: {
            "\($0)".contains("field \"at\"") && "\($0)".contains("RFC 3339")
        }
    }
}
