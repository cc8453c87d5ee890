import Foundation
import RowColJSON
import Testing
@testable import QBO

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValueExactly() throws {
        let text = #"{"s": "a\"b\\c\/\n\u00e9\ud83d\ude00", "n": -12.50, "e": 1.5e3, "z": 0, "t": true, "f": false, "x": null, "a": [1, [], {}], "big": 123456789012345678901234.5678}"#
        let json = try QBOJSONBody.parse(Data(text.utf8))
        #expect(json["s"] == .string("a\"b\\c/\né😀"))
        #expect(json["n"] == .number(Decimal(string: "-12.5")!))
        #expect(json["e"] == .number(1500))
        #expect(json["z"] == 0)
        #expect(json["t"] == true && json["f"] == false && json["x"] == .null)
        #expect(json["a"] == [1, [], [:]])
        #expect(json["big"] == .number(Decimal(string: "123456789012345678901234.5678")!))
    }

    @Test func agreesWithJSONDecoderOnTheFixtures() throws {
        for folder in ["json", "oauth"] {
            for name in try Fixture.names(in: folder) {
                let data = QBOFaultParser.jsonBytes(try Fixture.data("\(folder)/\(name)"))
                #expect(try QBOJSONBody.parse(data) == JSONDecoder().decode(JSONValue.self, from: data), "\(name)")
            }
        }
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"abc", "\"\\x\"", "tru", "{} {}", "\"\u{01}\"",
                      "\"\\ud800\"", String(repeating: "[", count: 600) + String(repeating: "]", count: 600)])
    func refusesMalformedText(text: String) {
        #expect(throws: QBOError.self) { try QBOJSONBody.parse(Data(text.utf8)) }
    }
}
