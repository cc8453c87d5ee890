import NIOCore
import QBOSandbox
import RowColTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RowCol
@testable import RowColWeb
import Testing

extension WebTests {
    /// Keeps `/api/v1/openapi.json` true: the documented paths are exactly the API routes, and every
    /// answer the API gives validates against the schema the document names for it.
    @Suite struct OpenAPITests {
        @Test func everyDocumentedPathIsRoutedAndEveryAPIRouteIsDocumented() async throws {
            let fixture = try await WebFixture.shared()
            let workbench = try fixture.workbench()
            let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes.readableBytesView)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, methods) in paths {
                for (method, operation) in methods {
                    documented.insert("\(method.uppercased()) \(path)")
                    let id = (operation as? [String: Any])?["operationId"] as? String
                    let route = workbench.routes.first { "\($0.method.rawValue) \($0.path)" == "\(method.uppercased()) \(path)" }
                    #expect(route?.operation == id, "\(method) \(path): operationId \(id ?? "none") vs route \(route?.operation ?? "missing")")
                }
            }
            let routed = Set(workbench.routes.filter { $0.path.hasPrefix("/api/") }.map { "\($0.method.rawValue) \($0.path)" })
            #expect(documented == routed, "documented but not routed: \(documented.subtracting(routed)); routed but not documented: \(routed.subtracting(documented))")
            #expect(routed.count >= 15)
            // Every $ref names a schema the document has.
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let text = String(buffer: OpenAPIDocument.bytes)
            for match in text.components(separatedBy: "#/components/schemas/").dropFirst() {
                let name = String(match.prefix { $0 != "\"" })
                #expect(schemas[name] != nil, "dangling $ref \(name)")
            }
        }

        /// Calls every documented operation with real parameters and validates each answer (success
        /// and error alike) against the schema of its status.
        @Test func everyAnswerMatchesItsSchema() async throws {
            let fixture = try await WebFixture.make(bills: 14, invoices: 10)
            defer { Task { await fixture.remove() } }
            let workbench = try fixture.workbench(planning: MemoryPlanning())
            let validator = try SchemaValidator(document: OpenAPIDocument.bytes)
            let bill = try #require(try fixture.openBills("acme").first)
            try await withRouter(workbench) { web in
                // A payment first, so payments, the tray, the digest and the log have something to say.
                let paid = try await web.post("/api/v1/businesses/acme/payments",
                                              json: "{\"bill_id\":\"\(bill.id)\",\"amount\":\"5.00\",\"pay_on\":\"2026-12-01\"}",
                                              headers: [HTTPField.Name("Idempotency-Key")!: "schema-1"])
                try validator.check(paid, path: "/api/v1/businesses/{business}/payments", method: "post")
                let seq = (try await web.get("/api/v1/log").json() as? [[String: Any]])?.first?["seq"] as? Int ?? 1
                let calls: [(String, String, String)] = [
                    ("get", "/api/v1/openapi.json", "/api/v1/openapi.json"),
                    ("get", "/api/v1/console", "/api/v1/console"), ("get", "/api/v1/status", "/api/v1/status"),
                    ("get", "/api/v1/tray", "/api/v1/tray?days=365"), ("get", "/api/v1/tray", "/api/v1/tray?days=x"),
                    ("get", "/api/v1/digest", "/api/v1/digest?since=2000-01-01&limit=5"), ("get", "/api/v1/digest", "/api/v1/digest"),
                    ("get", "/api/v1/digest", "/api/v1/digest?since=2026-13-01"),
                    ("get", "/api/v1/log", "/api/v1/log?limit=3"), ("get", "/api/v1/log", "/api/v1/log?business=acme&before=\(seq)"),
                    ("get", "/api/v1/log/{seq}", "/api/v1/log/\(seq)"), ("get", "/api/v1/log/{seq}", "/api/v1/log/99999"),
                    ("get", "/api/v1/businesses/{business}/snapshot", "/api/v1/businesses/acme/snapshot"),
                    ("get", "/api/v1/businesses/{business}/snapshot", "/api/v1/businesses/carl/snapshot"),
                    ("get", "/api/v1/businesses/{business}/snapshot", "/api/v1/businesses/acme/snapshot?scenario=no-receipts"),
                    ("get", "/api/v1/businesses/{business}/snapshot", "/api/v1/businesses/acme/snapshot?scenario=nope"),
                    ("get", "/api/v1/businesses/{business}/plan", "/api/v1/businesses/acme/plan"),
                    ("get", "/api/v1/businesses/{business}/weeks/{week}", "/api/v1/businesses/acme/weeks/1"),
                    ("get", "/api/v1/businesses/{business}/weeks/{week}", "/api/v1/businesses/acme/weeks/0"),
                    ("get", "/api/v1/businesses/{business}/bills", "/api/v1/businesses/bolt/bills?sort=party"),
                    ("get", "/api/v1/businesses/{business}/invoices", "/api/v1/businesses/bolt/invoices?q=a"),
                    ("get", "/api/v1/businesses/{business}/payments", "/api/v1/businesses/acme/payments"),
                    ("post", "/api/v1/businesses/{business}/sync", "/api/v1/businesses/bolt/sync"),
                    ("post", "/api/v1/sync", "/api/v1/sync"),
                ]
                var checked: Set<String> = []
                for (method, template, uri) in calls {
                    let answer = method == "get" ? try await web.get(uri) : try await web.post(uri)
                    try validator.check(answer, path: template, method: method)
                    checked.insert("\(method) \(template)")
                }
                let again = try await web.post("/api/v1/businesses/acme/payments",
                                               json: "{\"bill_id\":\"\(bill.id)\",\"amount\":\"5.00\",\"pay_on\":\"2026-12-01\"}",
                                               headers: [HTTPField.Name("Idempotency-Key")!: "schema-1"])
                try validator.check(again, path: "/api/v1/businesses/{business}/payments", method: "post")
                for body in ["{\"op\":\"floor\",\"amount\":\"250.00\"}", "{\"op\":\"expect\",\"kind\":\"bill\",\"id\":\"\(bill.id)\",\"on\":null}",
                             "{\"op\":\"nope\"}"] {
                    try validator.check(try await web.post("/api/v1/businesses/acme/plan", json: body),
                                        path: "/api/v1/businesses/{business}/plan", method: "post")
                }
                checked.insert("post /api/v1/businesses/{business}/plan")
                let refused = try await web.post("/api/v1/businesses/acme/payments", json: "{}", headers: [HTTPField.Name("Idempotency-Key")!: "x"])
                try validator.check(refused, path: "/api/v1/businesses/{business}/payments", method: "post")
                checked.insert("post /api/v1/businesses/{business}/payments")
                #expect(checked.count == validator.operations.count, "untested: \(validator.operations.subtracting(checked))")
            }
        }

        /// The validator is a safety net: it must fail on an answer outside the schema.
        @Test func theValidatorRefusesWhatTheSchemaDoesNotSay() throws {
            let validator = try SchemaValidator(document: OpenAPIDocument.bytes)
            func check(_ json: String, _ schema: JSONValue) throws -> [String] {
                validator.errors(try JSONValue.parse(Array(json.utf8)), schema)
            }
            let money: JSONValue = ["$ref": "#/components/schemas/Money"]
            #expect(try check("{\"amount\": 1.25, \"currency\": \"USD\"}", money).isEmpty)
            #expect(!(try check("{\"amount\": 1, \"currency\": \"USD\", \"extra\": 1}", money)).isEmpty)
            #expect(!(try check("{\"amount\": \"1\", \"currency\": \"USD\"}", money)).isEmpty)
            #expect(!(try check("{\"amount\": 1}", money)).isEmpty)
            #expect(!(try check("{\"amount\": 1, \"currency\": \"usd\"}", money)).isEmpty)
            let length: JSONValue = ["$ref": "#/components/schemas/RunwayLength"]
            #expect(!(try check("{\"label\": \"13+\", \"first_negative_week\": \"x\"}", length)).isEmpty)
            #expect(!(try check("{\"label\": \"13+\", \"first_negative_week\": 1.5}", length)).isEmpty)
            #expect(try check("{\"label\": \"13+\", \"first_negative_week\": null}", length).isEmpty)
            #expect(!(try check("{\"level\": \"warm\", \"refreshed_now\": false}", ["$ref": "#/components/schemas/Freshness"])).isEmpty)
            #expect(!(try check("{\"level\": \"fresh\", \"refreshed_now\": 0}", ["$ref": "#/components/schemas/Freshness"])).isEmpty)
            #expect(!(try check("[1, \"x\"]", ["type": "array", "items": ["type": "integer"]])).isEmpty)
            #expect(!(try check("\"2026-13-01\"", ["type": "string", "format": "date"])).isEmpty)
            #expect(!(try check("\"yesterday\"", ["type": "string", "format": "date-time"])).isEmpty)
        }
    }
}

/// The part of JSON Schema (2020-12) the document uses: type, properties, required,
/// additionalProperties, items, enum, pattern, oneOf, $ref, format date and date-time, minimum,
/// maximum. Values are read with RowCol's exact parser, so booleans, integers and decimals differ
/// as they do on the wire.
struct SchemaValidator {
    let document: JSONValue
    let schemas: [String: JSONValue]

    init(document bytes: ByteBuffer) throws {
        document = try JSONValue.parse(bytes.readableBytesView)
        schemas = try #require(document["components"]?["schemas"]?.objectValue)
    }

    var operations: Set<String> {
        var all: Set<String> = []
        for (path, methods) in document["paths"]?.objectValue ?? [:] {
            for method in methods.objectValue?.keys ?? [:].keys { all.insert("\(method) \(path)") }
        }
        return all
    }

    /// Records a test issue for an answer its operation does not document, or that breaks its schema.
    func check(_ answer: TestResponse, path: String, method: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let operation = try #require(document["paths"]?[path]?[method], "\(method) \(path) undocumented", sourceLocation: sourceLocation)
        let code = String(answer.status.code)
        let response = try #require(operation["responses"]?[code],
                                    "\(method) \(path) answered \(code), undocumented: \(String(buffer: answer.body).prefix(300))",
                                    sourceLocation: sourceLocation)
        let schema = try #require(response["content"]?["application/json"]?["schema"], sourceLocation: sourceLocation)
        #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true, "\(path)", sourceLocation: sourceLocation)
        let value = try JSONValue.parse(answer.body.readableBytesView)
        let problems = errors(value, schema)
        #expect(problems.isEmpty, "\(method) \(path) \(code): \(problems.prefix(5))", sourceLocation: sourceLocation)
    }

    func errors(_ value: JSONValue, _ schema: JSONValue, at location: String = "$") -> [String] {
        guard case .object(let schema) = schema else { return [] }
        if let ref = schema["$ref"]?.stringValue {
            let name = String(ref.dropFirst("#/components/schemas/".count))
            guard let target = schemas[name] else { return ["\(location): dangling $ref \(ref)"] }
            return errors(value, target, at: location)
        }
        if let options = schema["oneOf"]?.arrayValue {
            let matching = options.filter { errors(value, $0, at: location).isEmpty }.count
            return matching == 1 ? [] : ["\(location): matches \(matching) of oneOf, not 1"]
        }
        if let type = schema["type"]?.stringValue, !Self.isType(value, type) {
            return ["\(location): expected \(type), got \(String(describing: value).prefix(80))"]
        }
        var problems: [String] = []
        if let choices = schema["enum"]?.arrayValue, !choices.contains(value) {
            problems.append("\(location): \(value) not in the enum")
        }
        if case .string(let text) = value {
            if let pattern = schema["pattern"]?.stringValue, text.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(location): \"\(text)\" does not match \(pattern)")
            }
            switch schema["format"]?.stringValue {
            case "date"?: if LocalDate(text) == nil { problems.append("\(location): \"\(text)\" is not a date") }
            case "date-time"?: if Timestamp(text) == nil { problems.append("\(location): \"\(text)\" is not RFC 3339") }
            default: break
            }
        }
        if case .number(let number) = value {
            if let minimum = schema["minimum"]?.decimalValue, number < minimum { problems.append("\(location): below \(minimum)") }
            if let maximum = schema["maximum"]?.decimalValue, number > maximum { problems.append("\(location): above \(maximum)") }
        }
        if case .object(let object) = value {
            let properties = schema["properties"]?.objectValue ?? [:]
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                problems.append("\(location): missing \(name)")
            }
            for (key, item) in object {
                if let property = properties[key] {
                    problems += errors(item, property, at: "\(location).\(key)")
                } else if case .bool(false)? = schema["additionalProperties"] {
                    problems.append("\(location): undocumented field \(key)")
                } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                    problems += errors(item, additional, at: "\(location).\(key)")
                }
            }
        }
        if case .array(let array) = value, let items = schema["items"] {
            for (index, item) in array.enumerated() { problems += errors(item, items, at: "\(location)[\(index)]") }
        }
        return problems
    }

    static func isType(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("number", .number):
            return true
        case ("integer", .number(let number)): return number.rounded(scale: 0) == number
        default: return false
        }
    }
}
