import Testing
import RowColDomain

struct IdentifierTests {
    @Test(arguments: ["a", "advisor-1", "ACME_Corp.2", "0", String(repeating: "x", count: 64), "a..b"])
    func acceptsSafeNames(_ value: String) throws {
        let id = try AdvisorID(validating: value)
        #expect(id.rawValue == value)
    }

    @Test(arguments: [
        "", ".", "..", ".hidden", "../etc", "a/b", "a\\b", "a\u{0}b", "ǅ", "аdvisor" /* Cyrillic а */,
        String(repeating: "x", count: 65), "with space", "tab\t", "emoji😀",
    ])
    func refusesHostileNames(_ value: String) {
        #expect(throws: IdentifierError.self) { try BusinessID(validating: value) }
        #expect(BusinessID(rawValue: value) == nil)
    }

    @Test func errorNamesKindValueAndRule() {
        do {
            _ = try EntityID(validating: "../../etc/passwd")
            Issue.record("accepted a path")
        } catch {
            #expect(error.message == "invalid entity id \"../../etc/passwd\": it starts with a dot")
        }
        do {
            _ = try AdvisorID(validating: "a\u{0}b")
        } catch {
            #expect(error.message.contains("\\u{0}"))
            #expect(error.message.contains("advisor id"))
        }
    }

    @Test func decodingRefusesHostileIDs() {
        let json = Data(#"["../x"]"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([AdvisorID].self, from: json) }
    }
}

import Foundation
