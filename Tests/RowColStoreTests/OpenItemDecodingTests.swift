import Foundation
import RowColDomain
import RowColJSON
import Testing
@testable import RowColStore

/// Bills and invoices are read from bytes on the hot path (`OpenItemDecoding`); that reading must
/// be the `Decodable` one, field for field.
@Suite struct OpenItemDecodingTests {
    static let usd = CurrencyCode(rawValue: "USD")!

    static let sampleBill = Bill(
        id: EntityID(unchecked: "12"), vendor: PartyRef(id: "56", name: "Bob's Burgers"), docNumber: "B-1",
        txnDate: LocalDate("2026-11-02"), dueDate: LocalDate("2026-12-02"), total: Money(Decimal(string: "1250.10")!, usd),
        balance: Money(Decimal(string: "1000.05")!, usd), linkedPaymentIDs: ["9"])

    static let sampleInvoice = Invoice(
        id: EntityID(unchecked: "130"), customer: PartyRef(id: "1", name: nil), docNumber: nil, txnDate: nil,
        dueDate: LocalDate("2026-12-01"), total: Money(Decimal(string: "0.01")!, usd), balance: Money(0, usd),
        emailStatus: "EmailSent")

    static func cursorBill(_ bytes: [UInt8]) throws -> Bill {
        try JSONCursor.read(bytes) { try OpenItemDecoding.bill(&$0) }
    }

    static func cursorBill(_ value: some Encodable) throws -> Bill {
        try cursorBill(Array(try JSONEncoder().encode(value)))
    }

    @Test func billsAndInvoicesReadWhatCodableReads() throws {
        var bill = Self.sampleBill
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
            #expect(try Self.cursorBill(pretty) == (try JSONDecoder().decode(Bill.self, from: Data(pretty))))
        }
        let invoice = Self.sampleInvoice
        let bytes = Array(try JSONEncoder().encode(invoice))
        #expect(try JSONCursor.read(bytes) { try OpenItemDecoding.invoice(&$0) } == invoice)
    }

    /// The sync maps every bill and invoice through `OpenItemEncoding`: it must build the tree the
    /// `Encodable` conformance builds, optionals present or absent, and the bytes JSONEncoder writes.
    @Test func billsAndInvoicesAreWrittenAsCodableWritesThem() throws {
        var bill = Self.sampleBill
        var invoice = Self.sampleInvoice
        for variant in 0..<5 {
            if variant == 1 { bill.docNumber = nil; bill.txnDate = nil; bill.vendor.name = nil; invoice.emailStatus = nil }
            if variant == 2 { bill.linkedPaymentIDs = []; bill.dueDate = nil; invoice.docNumber = "I-9\"\n" }
            if variant == 3 { bill.balance = Money(Decimal(string: "-0.015")!, CurrencyCode(rawValue: "EUR")!) }
            if variant == 4 { invoice.customer.name = "Zoë"; invoice.txnDate = LocalDate("2020-02-29"); invoice.dueDate = nil }
            // JSONEncoder never takes the hand-written path: its bytes are the Encodable conformance's.
            let billTree = bill.jsonTree
            #expect(billTree == (try JSONValue.parse(Array(try JSONEncoder(layout: .compact).encode(bill)))), "variant \(variant)")
            #expect(billTree.serialized(.compact) == Array(try JSONEncoder(layout: .compact).encode(bill)))
            #expect(try JSONValue(encoding: bill) == billTree, "the generic entry point takes the tree")
            let invoiceTree = invoice.jsonTree
            #expect(invoiceTree == (try JSONValue.parse(Array(try JSONEncoder(layout: .compact).encode(invoice)))), "variant \(variant)")
            #expect(try JSONValue(encoding: invoice) == invoiceTree)
        }
        #expect(!((Self.usd as Any) is any JSONTreeEncodable), "other types go through the generic encoder")
    }

    @Test func escapedAndNonASCIIKeysAreMatchedLikeAnyOther() throws {
        let text = #"{"\u0069d":"7","vendor":{"id":"1","n\u0061me":"Zoë"},"total":{"amount":1,"currency":"USD"},"#
            + #""balance":{"amount":1,"currency":"USD"},"linked_payment_ids":[],"é":1}"#
        let bill = try Self.cursorBill(Array(text.utf8))
        #expect(bill.id.rawValue == "7" && bill.vendor.name == "Zoë")
        #expect(bill == (try JSONDecoder().decode(Bill.self, from: Data(text.utf8))))
    }

    @Test(arguments: ["id", "vendor", "total", "balance", "linked_payment_ids"])
    func aMissingRequiredFieldIsRefusedByBoth(field: String) throws {
        guard case .object(var members) = try JSONValue(encoding: Self.sampleBill) else { return }
        members[field] = nil
        let tree = JSONValue.object(members)
        #expect(throws: (any Error).self) { _ = try JSONDecoder().decode(Bill.self, from: JSONEncoder().encode(tree)) }
        #expect { _ = try Self.cursorBill(tree) } throws: { "\($0)" == "field \"Bill.\(field)\" is missing" }
    }

    @Test func badValuesAreRefusedNamingTheField() throws {
        guard case .object(var members) = try JSONValue(encoding: Self.sampleBill) else { return }
        members["due_date"] = "2026-02-30"
        #expect { _ = try Self.cursorBill(JSONValue.object(members)) } throws: { "\($0)".contains("Bill.due_date") }
        members["due_date"] = nil
        members["total"] = ["amount": 1, "currency": "usd!"]
        #expect { _ = try Self.cursorBill(JSONValue.object(members)) } throws: {
            "\($0)".contains("Bill.total.currency") && "\($0)".contains("usd!")
        }
        members["total"] = ["amount": 1, "currency": "USD"]
        members["id"] = "../x"
        #expect { _ = try Self.cursorBill(JSONValue.object(members)) } throws: { "\($0)".contains("Bill.id") }
        members["id"] = 12
        #expect { _ = try Self.cursorBill(JSONValue.object(members)) } throws: { "\($0)".contains("expected a string") }
        let whole = Array(try JSONEncoder().encode(Self.sampleBill))
        #expect { _ = try Self.cursorBill(whole + Array(" trailing".utf8)) } throws: { "\($0)".contains("after the value") }
    }
}
