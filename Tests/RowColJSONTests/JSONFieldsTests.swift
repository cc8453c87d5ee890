import Foundation
import Testing
@testable import RowColJSON

@Suite struct JSONFieldsTests {
    static let object: JSONValue = [
        "Id": 42, "Name": "Checking", "Balance": .number(Decimal(string: "10.50")!), "Text": "10.50", "Bad": "12abc",
        "Active": "true", "Flag": true, "Line": ["Amount": 5], "Lines": [["Amount": 1]], "Gone": nil, "Seq": 7,
    ]

    @Test func strictReadsTakeEachTypeAsItIs() throws {
        let fields = try JSONFields(Self.object, path: "Account")
        #expect(try fields.string("Name") == "Checking")
        #expect(try fields.optionalDecimal("Balance") == Decimal(string: "10.5"))
        #expect(try fields.integer("Seq", UInt64.self) == 7)
        #expect(try fields.optionalBool("Flag") == true)
        #expect(try fields.optionalString("Gone") == nil)
        #expect(try fields.optionalString("Absent") == nil)
        #expect(try fields.optionalObject("Line")?.optionalDecimal("Amount") == 5)
        #expect(try fields.optionalArray("Lines")?.count == 1)
        #expect(try fields.optionalArray("Absent") == nil)
        let cases: [((JSONFields) throws -> Void, String)] = [
            ({ _ = try $0.string("Id") }, #"field "Account.Id" should be a string, got a number"#),
            ({ _ = try $0.optionalDecimal("Text") }, #"field "Account.Text" should be a number, got a string"#),
            ({ _ = try $0.optionalBool("Active") }, #"field "Account.Active" should be true or false, got a string"#),
            ({ _ = try $0.optionalArray("Line") }, #"field "Account.Line" should be an array, got an object"#),
            ({ _ = try $0.string("Gone") }, #"field "Account.Gone" is missing"#),
            ({ _ = try $0.optionalObject("Line")?.string("Amount") }, #"field "Account.Line.Amount" should be a string"#),
            ({ _ = try $0.optionalObject("Name") }, #"field "Account.Name" should be an object, got a string"#),
            ({ _ = try $0.integer("Balance", Int.self) }, #"field "Account.Balance" should be a whole number that fits Int"#),
        ]
        for (read, message) in cases {
            #expect { try read(fields) } throws: { ($0 as? JSONError)?.code == .shape && "\($0)".contains(message) }
        }
        #expect { _ = try JSONFields(.array([]), path: "Account") } throws: {
            "\($0)" == "Account should be an object, got an array"
        }
    }

    @Test func lenientReadsAcceptTheOtherForm() throws {
        let fields = try JSONFields(Self.object, path: "Account", lenient: true)
        #expect(try fields.string("Id") == "42")
        #expect(try fields.optionalDecimal("Text") == Decimal(string: "10.5"))
        #expect(try fields.optionalBool("Active") == true)
        #expect(try fields.optionalArray("Line") == [["Amount": 5]])
        #expect(try fields.integer("Id", Int.self) == 42)
        #expect { _ = try fields.optionalDecimal("Bad") } throws: { "\($0)".contains("should be a decimal number") }
        #expect { _ = try fields.optionalBool("Name") } throws: { "\($0)".contains("true or false") }
    }

    @Test func rawValuesNameTheUnknownValue() throws {
        enum Kind: String { case bill, invoice }
        let fields = try JSONFields(["entity": "vendor"], path: "")
        #expect { _ = try fields.rawValue("entity", Kind.self) } throws: {
            "\($0)" == #"field "entity" has an unknown value "vendor""#
        }
    }
}
