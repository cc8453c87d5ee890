import Foundation
import Testing
@testable import RowColJSON

/// `JSONValue.decode` reads values from the tree; it must agree with `JSONDecoder` on the same JSON.
@Suite struct JSONValueDecoderTests {
    struct Money: Codable, Equatable {
        var amount: Decimal
        var currency: String
    }

    enum State: String, Codable { case pending, sent }

    struct Sample: Codable, Equatable {
        var id: String
        var total: Money
        var lines: [Money]
        var numbers: [Int]
        var ratio: Double
        var state: State
        var note: String?
        var missing: Int?
        var nested: [String: [UInt8]]
        var link: URL
        var any: JSONValue
    }

    static func sample() -> Sample {
        Sample(
            id: "12", total: Money(amount: Decimal(string: "1250.10")!, currency: "USD"),
            lines: [Money(amount: Decimal(string: "-0.015")!, currency: "EUR"), Money(amount: 0, currency: "USD")],
            numbers: [1, -2, 3_000_000_000], ratio: 0.25, state: .sent, note: nil, missing: nil,
            nested: ["a": [1, 255]], link: URL(string: "https://example.com/a/b?c=d")!, any: ["x": [1, "two", nil, true]])
    }

    @Test func readsWhatJSONDecoderReads() throws {
        let sample = Self.sample()
        let bytes = try JSONEncoder().encode(sample)
        let viaTree = try JSONValue.decode(Sample.self, from: bytes)
        #expect(viaTree == (try JSONDecoder().decode(Sample.self, from: bytes)))
        #expect(viaTree == sample)
    }

    @Test func refusesWhatJSONDecoderRefusesNamingTheField() throws {
        let cases: [(JSONValue, String)] = [
            (["id": "1", "total": ["amount": "12", "currency": "USD"]], "field \"total.amount\": expected a number, found a string"),
            (["id": 1], "field \"id\": expected a string, found a number"),
            (["id": "1", "total": ["amount": 1]], "field \"total.currency\" is missing"),
            (["id": "1", "total": ["amount": 1, "currency": "USD"], "lines": [["amount": 1, "currency": 2]]],
             "field \"lines[0].currency\": expected a string"),
        ]
        for (value, message) in cases {
            let foundationRefuses = (try? JSONDecoder().decode(Sample.self, from: JSONEncoder().encode(value))) == nil
            #expect(foundationRefuses)
            #expect { _ = try value.decode(Sample.self) } throws: { error in
                (error as? JSONError)?.code == .shape && "\(error)".contains(message)
            }
        }
        #expect { _ = try JSONValue.number(Decimal(string: "1.5")!).decode(Int.self) } throws: { "\($0)".contains("whole number") }
        #expect { _ = try JSONValue.number(300).decode(UInt8.self) } throws: { "\($0)".contains("UInt8") }
        #expect { _ = try JSONValue.string("sending").decode(State.self) } throws: { "\($0)".contains("sending") }
    }

    @Test func datesReadFromTimestampsAndFromJSONEncodersDefaultNumbers() throws {
        struct Stamped: Codable, Equatable { var at: Date; var seen: [String: Date] }
        let at = Date(timeIntervalSince1970: 1_795_836_752.123)
        // What a bare JSONEncoder writes (seconds since 2001): earlier `state.json` files hold this.
        let legacy = try JSONEncoder().encode(Stamped(at: at, seen: ["bill": at]))
        #expect(String(decoding: legacy, as: UTF8.self).contains("\"at\":817529552.12"))
        let old = try JSONValue.decode(Stamped.self, from: legacy)
        #expect(abs(old.at.timeIntervalSince(at)) < 0.000_001)
        #expect(old == (try JSONDecoder().decode(Stamped.self, from: legacy)))
        // What RowCol writes now.
        let current = try JSONEncoder(layout: .compact).encode(Stamped(at: at, seen: ["bill": at]))
        #expect(String(decoding: current, as: UTF8.self) == #"{"at":"2026-11-28T03:32:32.123Z","seen":{"bill":"2026-11-28T03:32:32.123Z"}}"#)
        #expect(try JSONValue.decode(Stamped.self, from: current) == Stamped(at: Timestamp(at).date, seen: ["bill": Timestamp(at).date]))
        #expect { _ = try JSONValue.string("yesterday").decode(Date.self) } throws: { "\($0)".contains("RFC 3339") }
        #expect { _ = try JSONValue.bool(true).decode(Date.self) } throws: { "\($0)".contains("RFC 3339") }
    }

    @Test func syntaxAndShapeErrorsAreTold() {
        #expect { _ = try JSONValue.decode(Sample.self, from: Array("{\"id\":".utf8)) } throws: {
            ($0 as? JSONError)?.code == .syntax
        }
        #expect { _ = try JSONValue.decode(Sample.self, from: Array("[]".utf8)) } throws: {
            ($0 as? JSONError)?.code == .shape && "\($0)".contains("expected an object, found an array")
        }
    }
}
