import Foundation
import Testing
@testable import RowColDomain

/// `JSONValue.parse` and `JSONValue.write` are the store's fast path: they must agree with
/// Foundation's `JSONDecoder`/`JSONEncoder` byte for byte, or files written before and after would
/// differ and `verify` would flag them.
@Suite struct JSONBytesTests {
    /// A seeded generator (SplitMix64), so a failure names a reproducible case.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
    }

    static let alphabet: [String] = [
        "a", "Z", "0", " ", "/", "\"", "\\", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "ǅ", "\u{2028}", "😀",
        "e\u{301}", "{", "]", ":", ",", "Id", "Balance",
    ]

    static func string(_ random: inout Random) -> String {
        (0..<random.int(8)).map { _ in alphabet[random.int(alphabet.count)] }.joined()
    }

    static func number(_ random: inout Random) -> Decimal {
        let texts = ["0", "1", "-1", "0.5", "1.50", "-0.000123", "123456789012345678", "12345678901234567890123456789",
                     "1e30", "2.5E-7", "99999999999999999999", "100", "0.01", "-42.4200"]
        if random.int(3) == 0 { return Decimal(string: texts[random.int(texts.count)])! }
        var value = Decimal(Int64(bitPattern: random.next()) % 10_000_000_000)
        for _ in 0..<random.int(6) { value /= 10 }
        return value
    }

    static func value(_ random: inout Random, depth: Int = 0) -> JSONValue {
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

    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    @Test func writesWhatJSONEncoderWrites() throws {
        var random = Random(state: 1)
        let compact = Self.encoder(pretty: false), pretty = Self.encoder(pretty: true)
        for index in 0..<3_000 {
            let value = Self.value(&random)
            // JSONEncoder refuses a bare fragment at the top on some versions: wrap it.
            let wrapped: JSONValue = .object(["v": value])
            #expect(wrapped.serialized(.compact) == Array(try compact.encode(wrapped)), "case \(index)")
            #expect(wrapped.serialized(.pretty) == Array(try pretty.encode(wrapped)), "case \(index)")
        }
    }

    @Test func parsesWhatJSONDecoderParses() throws {
        var random = Random(state: 2)
        let compact = Self.encoder(pretty: false), pretty = Self.encoder(pretty: true)
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
    }

    @Test func escapesAndUnicodeRoundTrip() throws {
        let text = #""a\"b\\c\/d\b\f\n\r\t\u0000\u00e9\ud83d\ude00""#
        #expect(try JSONValue.parse(Array(text.utf8)) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t\u{0}é😀"))
    }

    @Test(arguments: [
        ("", "unexpected end of input"), ("{", "expected a string key"), ("[1,]", "unexpected character"),
        ("01", "leading zero"), ("1.", "digits after '.'"), ("tru", "expected true"), ("\"a", "unterminated string"),
        ("\"\u{1}\"", "control character"), (#""\ud800""#, "high surrogate"), (#""\udc00""#, "lone low surrogate"),
        (#""\x""#, "invalid escape"), ("{\"a\" 1}", "expected ':'"), ("[1 2]", "expected ',' or ']'"), ("1 2", "after the value"),
        ("1e99999", "does not fit"),
    ])
    func refusesMalformedInputNamingTheProblem(input: String, reason: String) {
        #expect {
            _ = try JSONValue.parse(Array(input.utf8))
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONSyntaxError.self) { _ = try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect { _ = try JSONValue.parse(deep) } throws: { "\($0)".contains("nested deeper") }
    }
}

/// `JSONValue.decode` reads values from the tree; it must agree with `JSONDecoder` on the same JSON.
@Suite struct JSONValueDecoderTests {
    struct Sample: Codable, Equatable {
        var bill: Bill
        var invoice: Invoice
        var balance: AccountBalance
        var numbers: [Int]
        var ratio: Double
        var note: String?
        var missing: Int?
        var nested: [String: [UInt8]]
        var any: JSONValue
    }

    static func sample() -> Sample {
        let usd = CurrencyCode(rawValue: "USD")!
        return Sample(
            bill: Bill(
                id: EntityID(unchecked: "12"), vendor: PartyRef(id: "56", name: "Bob's Burgers"), docNumber: "B-1",
                txnDate: LocalDate("2026-11-02"), dueDate: LocalDate("2026-12-02"), total: Money(Decimal(string: "1250.10")!, usd),
                balance: Money(Decimal(string: "1000.05")!, usd), linkedPaymentIDs: ["9"]),
            invoice: Invoice(
                id: EntityID(unchecked: "130"), customer: PartyRef(id: "1", name: nil), docNumber: nil, txnDate: nil,
                dueDate: LocalDate("2026-12-01"), total: Money(Decimal(string: "0.01")!, usd), balance: Money(0, usd),
                emailStatus: "EmailSent"),
            balance: AccountBalance(
                id: EntityID(unchecked: "35"), name: "Checking", accountType: "Bank", classification: "Asset",
                currentBalance: Money(Decimal(string: "-12.5")!, usd), active: true),
            numbers: [1, -2, 3_000_000_000], ratio: 0.25, note: nil, missing: nil, nested: ["a": [1, 255]],
            any: ["x": [1, "two", nil, true]])
    }

    @Test func readsWhatJSONDecoderReads() throws {
        let sample = Self.sample()
        let bytes = try JSONEncoder().encode(sample)
        let viaTree = try JSONValue.parse(bytes).decode(Sample.self)
        #expect(viaTree == (try JSONDecoder().decode(Sample.self, from: bytes)))
        #expect(viaTree == sample)
    }

    @Test func refusesWhatJSONDecoderRefuses() throws {
        let cases: [JSONValue] = [
            ["id": "1", "vendor": ["id": "2"], "total": ["amount": "12", "currency": "USD"]],
            ["id": 1],
            ["id": "1", "vendor": ["id": "2"], "total": ["amount": 1, "currency": "USD"], "balance": ["amount": 1, "currency": "usd!"], "linked_payment_ids": []],
        ]
        for value in cases {
            let foundationRefuses = (try? JSONDecoder().decode(Bill.self, from: JSONEncoder().encode(value))) == nil
            #expect(foundationRefuses)
            #expect(throws: (any Error).self) { _ = try value.decode(Bill.self) }
        }
        #expect { _ = try JSONValue.number(Decimal(string: "1.5")!).decode(Int.self) } throws: { "\($0)".contains("whole number") }
        #expect { _ = try JSONValue.number(300).decode(UInt8.self) } throws: { "\($0)".contains("UInt8") }
    }
}

/// Bills and invoices read themselves from bytes on the hot path (`JSONCursor`); that reading must
/// be the `Decodable` one, field for field.
@Suite struct JSONCursorDecodableTests {
    static func cursorBill(_ value: some Encodable) throws -> Bill {
        try JSONCursor.decode(Bill.self, from: Array(try JSONEncoder().encode(value)))
    }

    @Test func billsAndInvoicesReadWhatCodableReads() throws {
        let sample = JSONValueDecoderTests.sample()
        var bill = sample.bill
        for variant in 0..<4 {
            if variant == 1 { bill.docNumber = nil; bill.txnDate = nil; bill.vendor.name = nil }
            if variant == 2 { bill.linkedPaymentIDs = []; bill.dueDate = nil }
            if variant == 3 { bill.balance = Money(Decimal(string: "-0.015")!, CurrencyCode(rawValue: "EUR")!) }
            #expect(try Self.cursorBill(bill) == bill)
            // Pretty bytes, explicit nulls and unknown members read the same as well.
            var tree = try JSONValue(encoding: bill)
            if case .object(var members) = tree {
                members["doc_number"] = members["doc_number"] ?? .null
                members["extra"] = ["nested": [1, 2, ["deep": nil]]]
                tree = .object(members)
            }
            let pretty = tree.serialized(.pretty)
            #expect(try JSONCursor.decode(Bill.self, from: pretty) == (try JSONDecoder().decode(Bill.self, from: Data(pretty))))
        }
        let invoice = sample.invoice
        #expect(try JSONCursor.decode(Invoice.self, from: Array(try JSONEncoder().encode(invoice))) == invoice)
    }

    @Test func escapedAndNonASCIIKeysAreMatchedLikeAnyOther() throws {
        let text = #"{"\u0069d":"7","vendor":{"id":"1","n\u0061me":"Zoë"},"total":{"amount":1,"currency":"USD"},"#
            + #""balance":{"amount":1,"currency":"USD"},"linked_payment_ids":[],"é":1}"#
        let bill = try JSONCursor.decode(Bill.self, from: Array(text.utf8))
        #expect(bill.id.rawValue == "7" && bill.vendor.name == "Zoë")
        #expect(bill == (try JSONDecoder().decode(Bill.self, from: Data(text.utf8))))
        var keys: [String] = []
        try JSONCursor.read(Array(#"{"a\"b":1,"ü":2,"plain":3}"#.utf8)) { cursor in
            try cursor.forEachMember { key, cursor in
                keys.append(key.string)
                try cursor.skipValue()
            }
        }
        #expect(keys == ["a\"b", "ü", "plain"])
    }

    @Test(arguments: ["id", "vendor", "total", "balance", "linked_payment_ids"])
    func aMissingRequiredFieldIsRefusedByBoth(field: String) throws {
        guard case .object(var members) = try JSONValue(encoding: JSONValueDecoderTests.sample().bill) else { return }
        members[field] = nil
        let tree = JSONValue.object(members)
        #expect(throws: (any Error).self) { _ = try JSONDecoder().decode(Bill.self, from: JSONEncoder().encode(tree)) }
        #expect { _ = try Self.cursorBill(tree) } throws: { "\($0)".contains(field) }
    }

    @Test func badValuesAreRefusedNamingTheField() throws {
        guard case .object(var members) = try JSONValue(encoding: JSONValueDecoderTests.sample().bill) else { return }
        members["due_date"] = "2026-02-30"
        #expect { _ = try Self.cursorBill(JSONValue.object(members)) } throws: { "\($0)".contains("due_date") }
        members["due_date"] = nil
        members["id"] = "../x"
        #expect { _ = try Self.cursorBill(JSONValue.object(members)) } throws: { "\($0)".contains("Bill.id") }
        members["id"] = 12
        #expect { _ = try Self.cursorBill(JSONValue.object(members)) } throws: { "\($0)".contains("expected a string") }
        let whole = Array(try JSONEncoder().encode(JSONValueDecoderTests.sample().bill))
        #expect { _ = try JSONCursor.decode(Bill.self, from: whole + Array(" trailing".utf8)) } throws: {
            "\($0)".contains("after the value")
        }
    }
}
