import Foundation
import RowColTestSupport
import Testing
@testable import RowColJSON

/// `JSONValue.parse` and `JSONValue.write` are the store's fast path: they must agree with
/// Foundation's `JSONDecoder`/`JSONEncoder` byte for byte, or files written before and after would
/// differ and `verify` would flag them.
@Suite struct JSONValueTests {
    static let alphabet: [String] = [
        "a", "Z", "0", " ", "/", "\"", "\\", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "ǅ", "\u{2028}", "😀",
        "e\u{301}", "{", "]", ":", ",", "Id", "Balance",
    ]

    static func string(_ random: inout SeededGenerator) -> String {
        (0..<random.int(8)).map { _ in alphabet[random.int(alphabet.count)] }.joined()
    }

    static func number(_ random: inout SeededGenerator) -> Decimal {
        let texts = ["0", "1", "-1", "0.5", "1.50", "-0.000123", "123456789012345678", "12345678901234567890123456789",
                     "1e30", "2.5E-7", "99999999999999999999", "100", "0.01", "-42.4200"]
        if random.int(3) == 0 { return Decimal(string: texts[random.int(texts.count)])! }
        var value = Decimal(Int64(bitPattern: random.next()) % 10_000_000_000)
        for _ in 0..<random.int(6) { value /= 10 }
        return value
    }

    static func value(_ random: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch random.int(depth > 4 ? 4 : 7) {
        case 0: return .null
        case 1: return .bool(random.int(2) == 0)
        case 2: return .number(number(&random))
        case 3: return .string(string(&random))
        case 4, 5:
            return .array((0..<random.int(5)).map { _ in value(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<random.int(6) { members[string(&random)] = value(&random, depth: depth + 1) }
            return .object(members)
        }
    }

    /// Foundation's encoder with the options of ``JSONEncoder/init(layout:)``, spelled out here so
    /// the test does not compare the code with itself.
    static func foundation(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    @Test func writesWhatJSONEncoderWrites() throws {
        var random = SeededGenerator(seed: 1)
        let compact = Self.foundation(pretty: false), pretty = Self.foundation(pretty: true)
        let compactLayout = JSONEncoder(layout: .compact), prettyLayout = JSONEncoder(layout: .pretty)
        for index in 0..<3_000 {
            let value = Self.value(&random)
            // JSONEncoder refuses a bare fragment at the top on some versions: wrap it.
            let wrapped: JSONValue = .object(["v": value])
            #expect(wrapped.serialized(.compact) == Array(try compact.encode(wrapped)), "case \(index)")
            #expect(wrapped.serialized(.pretty) == Array(try pretty.encode(wrapped)), "case \(index)")
            #expect(wrapped.serialized(.compact) == Array(try compactLayout.encode(wrapped)), "case \(index)")
            #expect(wrapped.serialized(.pretty) == Array(try prettyLayout.encode(wrapped)), "case \(index)")
        }
    }

    /// Keys are sorted by their first eight bytes first: keys that share those, are shorter, or
    /// end in NULs must still come out in JSONEncoder's order.
    @Test func keysSharingTheirFirstEightBytesSortAsJSONEncoderSortsThem() throws {
        let keys = ["abcdefgh1", "abcdefgh", "abcdefgh0", "abcdefg", "abcdefgh\u{0}", "abcdefgh\u{0}\u{0}", "a\u{0}", "a",
                    "", "é", "Z", "zzzzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzzz", "MetaData", "Metadata", "TxnDate", "TxnDat€"]
        var random = SeededGenerator(seed: 4)
        for round in 0..<50 {
            var members: [String: JSONValue] = [:]
            for key in keys where random.int(4) != 0 { members[key] = .number(Decimal(round)) }
            let value: JSONValue = .object(["v": .object(members)])
            #expect(value.serialized(.compact) == Array(try Self.foundation(pretty: false).encode(value)), "round \(round)")
            #expect(value.serialized(.pretty) == Array(try Self.foundation(pretty: true).encode(value)), "round \(round)")
        }
    }

    @Test func parsesWhatJSONDecoderParses() throws {
        var random = SeededGenerator(seed: 2)
        let compact = Self.foundation(pretty: false), pretty = Self.foundation(pretty: true)
        for index in 0..<3_000 {
            let value: JSONValue = .object(["v": Self.value(&random)])
            for bytes in [try compact.encode(value), try pretty.encode(value)] {
                let fast = try JSONValue.parse(bytes)
                #expect(fast == (try JSONDecoder().decode(JSONValue.self, from: bytes)), "case \(index)")
                #expect(fast == value, "case \(index)")
            }
        }
    }

    @Test func numbersStayExact() throws {
        for text in ["0.1", "0.2", "1234567.89", "-0.01", "12345678901234567890.123456789", "1e-5", "0.000", "-0", "100e2"] {
            let parsed = try JSONValue.parse(Array(text.utf8))
            #expect(parsed == .number(Decimal(string: text)!), "\(text)")
        }
        #expect(try JSONValue.parse(Array("-0".utf8)).serialized(.compact) == Array("0".utf8))
        let big = try JSONValue.parse(Array(#"{"TotalAmt":0.1,"Big":12345678901234567.89}"#.utf8))
        #expect(String(decoding: big.serialized(.compact), as: UTF8.self) == #"{"Big":12345678901234567.89,"TotalAmt":0.1}"#)
    }

    @Test func escapesAndUnicodeRoundTrip() throws {
        let text = #""a\"b\\c\/d\b\f\n\r\t\u0000\u00e9\ud83d\ude00""#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value == .string("a\"b\\c/d\u{8}\u{c}\n\r\t\u{0}é😀"))
        #expect(try JSONValue.parse(value.serialized(.compact)) == value)
    }

    /// RFC 8259 leaves repeated keys open; the parser keeps the last value, as both parsers it
    /// replaced did.
    @Test func aRepeatedKeyKeepsItsLastValue() throws {
        #expect(try JSONValue.parse(Array(#"{"a":1,"b":2,"a":3}"#.utf8)) == ["a": 3, "b": 2])
    }

    @Test(arguments: [
        ("", "unexpected end of input"), ("{", "expected a string key"), ("[1,]", "unexpected character"),
        ("01", "leading zero"), ("1.", "digits after '.'"), ("tru", "expected true"), ("\"a", "unterminated string"),
        ("\"\u{1}\"", "control character"), (#""\ud800""#, "high surrogate"), (#""\udc00""#, "lone low surrogate"),
        (#""\x""#, "invalid escape"), ("{\"a\" 1}", "expected ':'"), ("[1 2]", "expected ',' or ']'"), ("1 2", "after the value"),
        ("1e99999", "does not fit"), ("-", "needs digits"), ("{} {}", "after the value"),
    ])
    func refusesMalformedInputNamingTheProblem(input: String, reason: String) {
        #expect {
            _ = try JSONValue.parse(Array(input.utf8))
        } throws: { error in
            guard let error = error as? JSONError, error.code == .syntax, error.offset != nil else { return false }
            return error.description.contains(reason) && error.description.contains("at byte")
        }
    }

    @Test func theOffsetNamesTheFirstBadByte() {
        let error = #expect(throws: JSONError.self) { _ = try JSONValue.parse(Array(#"{"a": [1, 2,, 3]}"#.utf8)) }
        #expect(error?.offset == 12)
        #expect(error?.description == "invalid JSON at byte 12: unexpected character ','")
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONError.self) { _ = try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect { _ = try JSONValue.parse(deep) } throws: { "\($0)".contains("nesting deeper than 512") }
        let within = Array(repeating: UInt8(ascii: "["), count: 500) + Array(repeating: UInt8(ascii: "]"), count: 500)
        #expect((try? JSONValue.parse(within)) != nil)
    }

    /// The parser's own UTF-8 check (strings are made without `String(validating:)`, which is slow
    /// on Linux) accepts exactly what the standard library accepts, and reads the same string:
    /// every one- and two-byte sequence, every lead byte with every second byte of a three- and
    /// four-byte form, and random sequences, each alone and between ASCII, in and out of keys.
    @Test func utf8InStringsIsCheckedAsTheStandardLibraryChecksIt() {
        var samples: [[UInt8]] = (0...255).map { [UInt8($0)] }
        for first in 0x80...0xFF { for second in 0...255 { samples.append([UInt8(first), UInt8(second)]) } }
        for lead in 0xE0...0xF4 {
            for second in 0x70...0xC0 { samples.append([UInt8(lead), UInt8(second), 0x80, 0x80]) }
        }
        var random = SeededGenerator(seed: 16)
        for _ in 0..<20_000 { samples.append((0..<(1 + random.int(6))).map { _ in UInt8(0x70 + random.int(0x90)) }) }
        var accepted = 0, refused = 0
        for bytes in samples where !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            let expected = String(validating: bytes, as: UTF8.self)
            for text in [[0x22] + bytes + [0x22], Array(#"{"a"#.utf8) + bytes + Array(#"b": [1, "x"#.utf8) + bytes + Array(#""]}"#.utf8)] {
                let parsed = try? JSONValue.parse(text)
                #expect((parsed != nil) == (expected != nil), "\(bytes)")
                if let expected, let parsed {
                    accepted += 1
                    #expect(parsed == .string(expected) || parsed == .object(["a" + expected + "b": .array([.number(1), .string("x" + expected)])]))
                } else {
                    refused += 1
                }
            }
        }
        #expect(accepted > 1_000 && refused > 1_000)
    }

    @Test func catchesByCode() {
        do {
            _ = try JSONValue.parse(Array("[".utf8))
            Issue.record("expected a syntax error")
        } catch JSONError.Code.shape {
            Issue.record("a syntax error matched .shape")
        } catch JSONError.Code.syntax {
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func encodingATreeOfAnyEncodableKeepsDecimalsExact() throws {
        struct Line: Encodable { var amount: Decimal; var memo: String?; var count: Int }
        let tree = try JSONValue(encoding: [Line(amount: Decimal(string: "1250.10")!, memo: nil, count: 2)])
        #expect(tree == [["amount": .number(Decimal(string: "1250.1")!), "count": 2]])
    }
}
