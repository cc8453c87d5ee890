import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RowColTestSupport
import Testing
@testable import QBOSandbox

/// Statements built from the query grammar's tokens, valid statements with damage, and noise.
///
/// Every statement must end in a result, QBO's 4000 "Error parsing query" (grammar) or its 4001
/// "Invalid query" (meaning) fault with a detail naming the problem: never a crash (it would kill
/// the test process) and never a hang (the time limit).
@Suite(.timeLimit(ProcessInfo.processInfo.environment["ROWCOL_FUZZ_LONG"] == "1" ? .minutes(120) : .minutes(5)))
struct QueryFuzzTests {
    static let cases = ProcessInfo.processInfo.environment["ROWCOL_FUZZ_LONG"] == "1" ? 100_000 : 5_000

    static let keywords = ["SELECT", "select", "*", "COUNT", "(", ")", "COUNT(*)", "FROM", "from", "WHERE", "AND", "and",
                           "OR", "ORDERBY", "ORDER", "BY", "ASC", "DESC", "STARTPOSITION", "MAXRESULTS", ",", "IN", "LIKE"]
    static let entities = ["Bill", "Invoice", "Account", "BillPayment", "Vendor", "Customer", "bill", "BILLPAYMENT", "Payment", "Bill.Id", ""]
    static let fields = ["Id", "SyncToken", "TotalAmt", "Balance", "DueDate", "TxnDate", "DocNumber", "VendorRef", "CustomerRef",
                         "Active", "AccountType", "Name", "MetaData.LastUpdatedTime", "MetaData.CreateTime", "Line.Amount",
                         "CurrencyRef.value", "a.b.c.d.e", "x", "Ä", "Id_2"]
    static let operators = ["=", "<", ">", "<=", ">=", "!=", "<>", "IN", "in", "LIKE", "like", "==", "=<", "!", "=>"]
    static let values = ["'abc'", "'%Lease%'", "'%'", "'%%'", "'x%'", "'%x'", "''", "'it''s'", "'a\\'b'", "\"double\"", "42", "-1", "0",
                         "1.5", "1e400", "-1e400", "99999999999999999999999999999999999999999", "NaN", "true", "FALSE",
                         "'2026-01-01'", "'2026-11-28T03:00:00-08:00'", "'2026-13-45T99:99:99Z'", "'not a time'",
                         "'\u{0}'", "'日本語'", "'\u{202E}'", "'unterminated", "(1, 2, 3)", "('a','b')", "()", "(1,", "(,)"]
    static let numbers = ["1", "0", "-5", "1000", "1001", "999999999999999999999999", "9223372036854775807",
                          "9223372036854775808", "-9223372036854775808", "1.5", "1e3", "x", "''", "'10'"]
    static let noise: [Character] = ["'", "\"", "\\", "(", ")", ",", "*", "<", ">", "=", "!", "%", ";", "-", ".", " ", "\t", "\n",
                                      "\u{0}", "\u{1}", "\u{7F}", "é", "e\u{301}", "\u{FEFF}", "\u{2028}", "😀", "👨‍👩‍👧", "Ⅻ", "٣", "a", "Z", "9"]

    private static func validStatement(_ rng: inout RowColTestSupport.SeededGenerator) -> String {
        let entity = rng.pick(Array(entities.prefix(6)))
        // Mostly properties the entity can be queried by, so that most statements get answered.
        let queryable = ["Id", "MetaData.LastUpdatedTime"] + (EntityCatalog.entry(named: entity)?.queryable ?? []).sorted()
        func property() -> String { rng.chance(4) ? rng.pick(fields) : rng.pick(queryable) }
        var parts = ["SELECT", rng.chance(4) ? "COUNT(*)" : (rng.chance(5) ? "Id, DocNumber" : "*"), "FROM", entity]
        if rng.chance(2) {
            parts.append("WHERE")
            for index in 0..<(1 + rng.int(3)) {
                if index > 0 { parts.append("AND") }
                let op = rng.pick(["=", "<", ">", "<=", ">=", "!=", "IN", "LIKE"])
                let field = property()
                // A date property mostly gets a date: anything else is refused (a date that is not a date is a fault).
                let isDate = EntityCatalog.dateProperties.contains(field.lowercased()) || field.hasPrefix("MetaData")
                let scalars = isDate && !rng.chance(4) ? ["'2026-01-01'", "'2026-01-01T00:00:00Z'", "'2025-12-31T09:00-08:00'"]
                    : ["'abc'", "'%Lease%'", "42", "0", "true", "'2026-01-01T00:00:00Z'"]
                let value = op == "IN" ? "(" + (0..<(1 + rng.int(4))).map { _ in rng.pick(isDate ? scalars : ["'1'", "2", "'abc'", "true"]) }.joined(separator: ", ") + ")"
                    : rng.pick(scalars)
                parts += [field, op, value]
            }
        }
        if rng.chance(2) { parts += [rng.chance(2) ? "ORDERBY" : "ORDER BY", property()] + (rng.chance(2) ? [rng.pick(["ASC", "DESC"])] : []) }
        if rng.chance(2) { parts += ["STARTPOSITION", String(1 + rng.int(40))] }
        if rng.chance(2) { parts += ["MAXRESULTS", String(1 + rng.int(1000))] }
        return parts.joined(separator: " ")
    }

    private static func grammarSoup(_ rng: inout RowColTestSupport.SeededGenerator) -> String {
        let pools = [keywords, entities, fields, operators, values, numbers]
        let count = rng.int(30)
        var words = rng.chance(2) ? ["SELECT"] : []
        for _ in 0..<count { words.append(rng.pick(rng.pick(pools))) }
        return words.joined(separator: rng.chance(8) ? "" : " ")
    }

    private static func damage(_ statement: String, _ rng: inout RowColTestSupport.SeededGenerator) -> String {
        var chars = Array(statement)
        switch rng.int(8) {
        case 0: // truncate
            chars = Array(chars.prefix(rng.int(chars.count + 1)))
        case 1: // delete a range
            if !chars.isEmpty {
                let start = rng.int(chars.count)
                chars.removeSubrange(start..<min(chars.count, start + 1 + rng.int(8)))
            }
        case 2: // insert noise
            for _ in 0..<(1 + rng.int(4)) { chars.insert(rng.pick(noise), at: rng.int(chars.count + 1)) }
        case 3: // replace a character
            if !chars.isEmpty { chars[rng.int(chars.count)] = rng.pick(noise) }
        case 4: // duplicate a range
            if !chars.isEmpty {
                let start = rng.int(chars.count)
                let piece = chars[start..<min(chars.count, start + 1 + rng.int(20))]
                chars.insert(contentsOf: piece, at: rng.int(chars.count + 1))
            }
        case 5: // swap two words
            var words = statement.split(separator: " ").map(String.init)
            if words.count > 1 { words.swapAt(rng.int(words.count), rng.int(words.count)) }
            return words.joined(separator: " ")
        case 6: // a grammar token in a random place
            let words = [rng.pick(keywords), rng.pick(values), rng.pick(operators), rng.pick(numbers)]
            chars.insert(contentsOf: " \(rng.pick(words)) ", at: rng.int(chars.count + 1))
        default: // a huge literal or a long list
            let huge = rng.chance(2) ? "'" + String(repeating: "x", count: 20_000) + "'"
                : "(" + Array(repeating: "1", count: 3_000).joined(separator: ",") + ")"
            chars.insert(contentsOf: " \(huge) ", at: rng.int(chars.count + 1))
        }
        return String(chars)
    }

    private static func statement(_ index: Int, _ rng: inout RowColTestSupport.SeededGenerator) -> String {
        switch index % 4 {
        case 0: return grammarSoup(&rng)
        case 1, 2:
            var text = validStatement(&rng)
            for _ in 0..<(1 + rng.int(3)) { text = damage(text, &rng) }
            return text
        default:
            if rng.chance(2) { return validStatement(&rng) }
            return String((0..<rng.int(80)).map { _ in rng.pick(noise) })
        }
    }

    @Test func parserAnswersAResultOrA4000Or4001Fault() async {
        // On a thread of its own, so the CPU-bound loop does not starve tests serving HTTP.
        let (answered, refused, breaches, elapsed) = await withCheckedContinuation { (continuation: CheckedContinuation<(Int, Int, [String], Duration), Never>) in
            Thread { continuation.resume(returning: Self.fuzzParser()) }.start()
        }

        print("fuzz query parser: \(Self.cases) statements, \(answered) answered, \(refused) refused with 4000/4001, \(breaches.count) breaches, \(elapsed)")
        #expect(breaches.isEmpty, "\(breaches.joined(separator: "\n"))")
        #expect(answered > Self.cases / 10)
        #expect(refused > Self.cases / 10)
    }

    static func fuzzParser() -> (Int, Int, [String], Duration) {
        let company = Seeder.company(SeedRequest(realm: "1", seed: 11, bills: 30, invoices: 15, accounts: 3), now: 1_790_000_000_000)
        var rng = RowColTestSupport.SeededGenerator(seed: 4001)
        var answered = 0
        var refused = 0
        var breaches: [String] = []
        let elapsed = ContinuousClock().measure {
            for index in 0..<Self.cases {
                let text = Self.statement(index, &rng)
                do throws(QBOFault) {
                    let query = try Query.parse(text)
                    let answer = company.run(query)
                    if answer["QueryResponse"]?.objectValue == nil, breaches.count < 20 {
                        breaches.append("case \(index) \(text.debugDescription): no QueryResponse object")
                    }
                    answered += 1
                } catch {
                    refused += 1
                    let wellFormed = error.httpStatus == 400
                        && (error.code == "4001" && error.message == "Invalid query" && error.detail.count > "QueryValidationError: ".count
                            || error.code == "4000" && error.message == "Error parsing query" && error.detail.hasPrefix("QueryParserError: Encountered "))
                    if !wellFormed, breaches.count < 20 {
                        breaches.append("case \(index) \(text.debugDescription): fault \(error.code) \(error.httpStatus) \(error.message): \(error.detail)")
                    }
                }
            }
        }
        return (answered, refused, breaches, elapsed)
    }

    /// Taking tokens off the front of an array made the parser quadratic: 100,000 values took minutes.
    @Test func aHundredThousandValueInListIsParsed() throws {
        let list = (1...100_000).map(String.init).joined(separator: ",")
        let query = try Query.parse("SELECT * FROM Bill WHERE Id IN (\(list)) MAXRESULTS 5")
        #expect(query.conditions.first?.values.count == 100_000)
        let company = Seeder.company(SeedRequest(realm: "1", seed: 3, bills: 8, invoices: 0, accounts: 1), now: 1_790_000_000_000)
        let bills = company.run(query)["QueryResponse"]?["Bill"]?.arrayValue
        #expect(bills?.count == 5)
    }

    /// A slice of the same statements over loopback HTTP: the fault arrives as QBO sends it.
    @Test func hostileStatementsOverHTTPGetA400With4000Or4001OrA200() async throws {
        var options = QBOSandboxOptions()
        options.throttleEnabled = false
        try await withSandbox(options) { client in
            try await client.seed("77", bills: 10, invoices: 5, accounts: 2)
            let token = try await client.tokens("77").access
            var rng = RowColTestSupport.SeededGenerator(seed: 77)
            for index in 0..<200 {
                var text = Self.statement(index, &rng)
                if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { text = "SELECT" }
                // Long statements go in the body, as QBO asks (a URL over 80 KB is past any server's limit).
                let answer = text.utf8.count <= 2_000 ? try await client.query("77", text, token: token)
                    : try await client.send("POST", "/v3/company/77/query?minorversion=75", text: text,
                                            headers: ["Authorization": "Bearer \(token)"])
                if answer.status == 200 {
                    #expect(answer.json["QueryResponse"] is [String: Any], "case \(index) \(text.debugDescription): \(answer.text)")
                } else {
                    let fault = answer.json["Fault"] as? [String: Any]
                    let error = (fault?["Error"] as? [[String: Any]])?.first
                    let code = error?["code"] as? String
                    #expect(answer.status == 400 && (code == "4001" || code == "4000"),
                            "case \(index) \(text.debugDescription): HTTP \(answer.status) \(answer.text)")
                    let detail = error?["Detail"] as? String ?? ""
                    #expect(detail.hasPrefix(code == "4000" ? "QueryParserError: " : "QueryValidationError: "), "\(detail)")
                    #expect(!detail.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }, "no control characters: \(detail.debugDescription)")
                }
            }
        }
    }
}
