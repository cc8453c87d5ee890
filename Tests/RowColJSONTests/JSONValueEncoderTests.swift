import Foundation
import RowColTestSupport
import Testing
@testable import RowColJSON

/// The tree encoder (`JSONValue(encoding:)`, `JSONValue.encode(_:layout:)`) replaces `JSONEncoder`
/// for reports and mirror data: it must write the same bytes as `JSONEncoder(layout:)`.
@Suite struct JSONValueEncoderTests {
    enum Kind: String, Codable { case open, closed }

    enum Shape: Codable, Equatable {
        case circle(radius: Decimal)
        case box(Int, Int)
        case none
    }

    struct Inner: Codable {
        var name: String
        var amount: Decimal
        var note: String?
    }

    struct Outer: Encodable {
        var id: String
        var count: Int
        var big: UInt64
        var small: Int8
        var flag: Bool
        var when: Date
        var link: URL
        var blob: Data
        var kind: Kind
        var shape: Shape
        var shapes: [Shape]
        var inner: Inner
        var inners: [Inner]
        var missing: Inner?
        var explicitNull: String?
        var byName: [String: Decimal]
        var byNumber: [Int: String]
        var nested: [[Int]]
        var empty: [String]
        var emptyObject: [String: Int]
        var json: JSONValue

        enum CodingKeys: String, CodingKey {
            case id, count, big, small, flag, when, link, blob, kind, shape, shapes, inner, inners, missing
            case explicitNull = "explicit_null", byName = "by_name", byNumber = "by_number", nested, empty
            case emptyObject = "empty_object", json, extra, list
        }

        // `explicitNull` is written as null, the rest of the optionals are left out when nil.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(count, forKey: .count)
            try container.encode(big, forKey: .big)
            try container.encode(small, forKey: .small)
            try container.encode(flag, forKey: .flag)
            try container.encode(when, forKey: .when)
            try container.encode(link, forKey: .link)
            try container.encode(blob, forKey: .blob)
            try container.encode(kind, forKey: .kind)
            try container.encode(shape, forKey: .shape)
            try container.encode(shapes, forKey: .shapes)
            try container.encode(inner, forKey: .inner)
            try container.encode(inners, forKey: .inners)
            try container.encodeIfPresent(missing, forKey: .missing)
            try container.encode(explicitNull, forKey: .explicitNull)
            try container.encode(byName, forKey: .byName)
            try container.encode(byNumber, forKey: .byNumber)
            try container.encode(nested, forKey: .nested)
            try container.encode(empty, forKey: .empty)
            try container.encode(emptyObject, forKey: .emptyObject)
            try container.encode(json, forKey: .json)
            var extra = container.nestedContainer(keyedBy: CodingKeys.self, forKey: .extra)
            try extra.encode("nested by hand", forKey: .id)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode("one")
            var inList = list.nestedContainer(keyedBy: CodingKeys.self)
            try inList.encode(3, forKey: .count)
        }
    }

    static func sample(_ random: inout SeededGenerator) -> Outer {
        func text() -> String { JSONValueTests.string(&random) }
        return Outer(
            id: text(), count: Int(Int32(truncatingIfNeeded: random.next())), big: random.next(),
            small: Int8(truncatingIfNeeded: random.next()), flag: random.int(2) == 0,
            when: Date(timeIntervalSince1970: Double(random.int(2_000_000_000)) + Double(random.int(1000)) / 1000),
            link: URL(string: "https://example.com/a/\(random.int(100))?q=1")!, blob: Data((0..<random.int(9)).map { UInt8($0) }),
            kind: random.int(2) == 0 ? .open : .closed,
            shape: [Shape.circle(radius: JSONValueTests.number(&random)), .box(random.int(9), -random.int(9)), .none][random.int(3)],
            shapes: [.none, .box(1, 2)],
            inner: Inner(name: text(), amount: JSONValueTests.number(&random), note: random.int(2) == 0 ? nil : text()),
            inners: (0..<random.int(4)).map { _ in Inner(name: text(), amount: JSONValueTests.number(&random), note: nil) },
            missing: nil, explicitNull: nil,
            byName: Dictionary((0..<random.int(5)).map { _ in (text(), JSONValueTests.number(&random)) }, uniquingKeysWith: { a, _ in a }),
            byNumber: Dictionary((0..<random.int(5)).map { _ in (random.int(50) - 25, text()) }, uniquingKeysWith: { a, _ in a }),
            nested: [[1, 2], [], [3]], empty: [], emptyObject: [:], json: JSONValueTests.value(&random))
    }

    @Test(arguments: [JSONLayout.compact, .pretty])
    func writesWhatJSONEncoderWrites(layout: JSONLayout) throws {
        var random = SeededGenerator(seed: 16)
        for _ in 0..<300 {
            let value = Self.sample(&random)
            let expected = [UInt8](try JSONEncoder(layout: layout).encode(value))
            #expect(try JSONValue.encode(value, layout: layout) == expected)
        }
    }

    @Test func encodesScalarsAtTheTop() throws {
        #expect(try JSONValue(encoding: Decimal(string: "1234.10")!) == .number(Decimal(string: "1234.1")!))
        #expect(try JSONValue(encoding: "a/b") == .string("a/b"))
        #expect(try JSONValue(encoding: [1, 2]) == .array([1, 2]))
        #expect(try JSONValue(encoding: Optional<Int>.none) == .null)
        #expect(try JSONValue(encoding: 1.5) == .number(Decimal(string: "1.5")!))
    }

    @Test func refusesANumberThatIsNotFinite() {
        #expect(throws: EncodingError.self) { try JSONValue(encoding: [Double.nan]) }
    }
}
