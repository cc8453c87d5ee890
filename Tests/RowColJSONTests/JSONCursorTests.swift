import Foundation
import Testing
@testable import RowColJSON

/// The cursor reads and skips straight from bytes; it must accept and refuse what the parser does.
@Suite struct JSONCursorTests {
    /// Reads any value through the cursor alone (members, elements, scalars), building the tree
    /// the parser would build.
    static func readAll(_ cursor: inout JSONCursor) throws -> JSONValue {
        var probe = cursor
        let tree = try probe.readValue()
        switch tree {
        case .object:
            var members: [String: JSONValue] = [:]
            try cursor.forEachMember { key, cursor in members[key.string] = try readAll(&cursor) }
            return .object(members)
        case .array:
            var items: [JSONValue] = []
            try cursor.forEachElement { items.append(try readAll(&$0)) }
            return .array(items)
        case .string: return .string(try cursor.readString())
        case .number: return .number(try cursor.readDecimal())
        case .bool: return .bool(try cursor.readBool())
        case .null:
            #expect(try cursor.readNull())
            return .null
        }
    }

    @Test func readsAndSkipsWhatTheParserReads() throws {
        var random = JSONValueTests.Random(state: 7)
        for index in 0..<2_000 {
            let value: JSONValue = .object(["v": JSONValueTests.value(&random), "w": JSONValueTests.value(&random)])
            for bytes in [value.serialized(.compact), value.serialized(.pretty)] {
                #expect(try JSONCursor.read(bytes) { try Self.readAll(&$0) } == value, "case \(index)")
                let kept = try JSONCursor.read(bytes) { cursor -> JSONValue? in
                    var kept: JSONValue?
                    try cursor.forEachMember { key, cursor in
                        if case "w" = key { kept = try cursor.readValue() } else { try cursor.skipValue() }
                    }
                    return kept
                }
                #expect(kept == value["w"], "case \(index)")
            }
        }
    }

    /// Damaged bytes: wherever the parser refuses, skipping over the damage refuses as well.
    @Test func skippingRefusesWhatTheParserRefuses() throws {
        var random = JSONValueTests.Random(state: 8)
        let junk: [[UInt8]] = [[0xFF], [0x01], Array("\\x".utf8), Array(",".utf8), Array("\"".utf8), Array("1e99999".utf8),
                               Array(#"\ud800"#.utf8), Array("]".utf8), [0xC3]]
        var refused = 0
        for _ in 0..<3_000 {
            var bytes = JSONValue.object(["skip": JSONValueTests.value(&random)]).serialized(.compact)
            let at = 9 + random.int(max(1, bytes.count - 10))
            bytes.insert(contentsOf: junk[random.int(junk.count)], at: min(at, bytes.count - 1))
            let parsed = (try? JSONValue.parse(bytes)) != nil
            let skipped = (try? JSONCursor.read(bytes) { try $0.forEachMember { _, cursor in try cursor.skipValue() } }) != nil
            #expect(parsed == skipped, "\(String(decoding: bytes, as: UTF8.self))")
            if !parsed { refused += 1 }
        }
        #expect(refused > 1_000)
    }

    @Test func escapedAndNonASCIIKeysAreMatchedLikeAnyOther() throws {
        var seen: [String] = []
        var matched = 0
        try JSONCursor.read(Array(#"{"a\"b":1,"ü":2,"plain":3,"\u0070lain":4}"#.utf8)) { cursor in
            try cursor.forEachMember { key, cursor in
                seen.append(key.string)
                if case "plain" = key { matched += 1 }
                try cursor.skipValue()
            }
        }
        #expect(seen == ["a\"b", "ü", "plain", "plain"])
        #expect(matched == 2)
    }

    @Test func typedReadsRefuseOtherKindsNamingWhatWasExpected() throws {
        let cases: [(String, (inout JSONCursor) throws -> Void, String)] = [
            ("12", { _ = try $0.readString() }, "expected a string"),
            ("\"12\"", { _ = try $0.readDecimal() }, "expected a number"),
            ("1.5", { _ = try $0.readInteger(Int.self) }, "whole number that fits Int"),
            ("300", { _ = try $0.readInteger(UInt8.self) }, "fits UInt8"),
            ("null", { _ = try $0.readBool() }, "expected true or false"),
            ("[1]", { try $0.forEachMember { _, c in try c.skipValue() } }, "expected an object"),
            ("{}", { try $0.forEachElement { try $0.skipValue() } }, "expected an array"),
        ]
        for (text, read, message) in cases {
            #expect(throws: JSONError.self) { try JSONCursor.read(Array(text.utf8), read) }
            #expect { try JSONCursor.read(Array(text.utf8), read) } throws: { "\($0)".contains(message) }
        }
        #expect { try JSONCursor.read(Array("1 2".utf8)) { _ = try $0.readDecimal() } } throws: {
            "\($0)".contains("after the value")
        }
    }
}
