import Foundation
import RowColJSON
import Testing
@testable import QBO

/// Hostile and broken bodies fed to every decoder of the client (issue 7).
///
/// Each target runs ``FuzzBudget/cases`` deterministic cases built from the recorded fixtures.
/// Passing proves three things: nothing crashed (a crash kills the test process), nothing hung (the
/// suite's time limit), and every rejection was the typed ``QBOError`` with a message that names
/// what was wrong.
@Suite(.timeLimit(FuzzBudget.isLong ? .minutes(120) : .minutes(5)))
struct FuzzTests {
    static let gatewayFault = #"{"warnings":null,"intuitObject":null,"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Token expired: 1234","code":"3200","element":null}],"type":"AUTHENTICATION"},"report":null,"queryResponse":null,"batchItemResponse":[],"attachableResponse":[],"syncErrorResponse":null,"requestId":null,"time":1700000000000,"status":null,"cdcresponse":[]}"#

    /// XML a hostile server could send: entity expansion bombs and external entities.
    static let hostileXML = [
        #"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]><IntuitResponse><Fault type="ValidationFault"><Error code="1"><Message>&i;</Message></Error></Fault></IntuitResponse>"#,
        #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><IntuitResponse><Fault type="ValidationFault"><Error code="1"><Message>&x;</Message></Error></Fault></IntuitResponse>"#,
        #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Bill><Id>1</Id><DocNumber>&x;</DocNumber></Bill>"#,
    ]

    static func fixtures(_ folder: String, ext: String) throws -> [Data] {
        try Fixture.names(in: folder).filter { $0.hasSuffix(ext) }.map { try Fixture.data("\(folder)/\($0)") }
    }

    /// Checks that `error` is the typed error a caller can act on, with a message naming the problem.
    static func check(_ error: any Error, code: QBOError.Code, case index: Int, into report: inout FuzzReport) {
        guard let error = error as? QBOError else {
            report.breach(index, "threw \(type(of: error)) instead of QBOError: \(error)")
            return
        }
        if error.code != code { report.breach(index, "code \(error.code) instead of \(code): \(error.message)") }
        if error.message.trimmingCharacters(in: .whitespacesAndNewlines).count < 10 {
            report.breach(index, "the message \"\(error.message)\" does not say what was wrong")
        }
    }

    /// Runs `body` on every case and records what happened.
    /// The loop runs on a thread of its own: CPU-bound work on the test run's cooperative pool (two
    /// threads on these machines) would starve the tests that serve HTTP at the same time.
    static func run(
        _ target: String, seed: UInt64, seeds: [Data], _ body: @escaping @Sendable (Int, inout Mutator, inout FuzzReport) -> Void
    ) async -> FuzzReport {
        let report = await withCheckedContinuation { (continuation: CheckedContinuation<FuzzReport, Never>) in
            Thread {
                var mutator = Mutator(seed: seed, seeds: seeds)
                var report = FuzzReport(target: target)
                report.elapsed = ContinuousClock().measure {
                    for index in 0..<FuzzBudget.cases {
                        body(index, &mutator, &report)
                    }
                }
                continuation.resume(returning: report)
            }.start()
        }
        print("fuzz \(report)")
        return report
    }

    /// Parses `data` and, if it is JSON, decodes it with `decode`; every failure must be `.decoding`.
    static func decodeBody(_ data: Data, index: Int, report: inout FuzzReport, _ decode: (JSONValue) throws -> Void) {
        let json: JSONValue
        do {
            json = try QBOJSONBody.parse(data)
        } catch {
            report.rejected += 1
            check(error, code: .decoding, case: index, into: &report)
            return
        }
        do {
            try decode(json)
            report.accepted += 1
        } catch {
            report.rejected += 1
            check(error, code: .decoding, case: index, into: &report)
        }
    }

    /// Entities: byte mutations of every JSON fixture, and structural mutations of the parsed trees
    /// (a value of another type, a key removed), so the DTO decoders see well-formed but wrong JSON.
    func fuzzEntity<E: QBOEntity>(_ type: E.Type, seed: UInt64) async throws {
        let seeds = try Self.fixtures("json", ext: ".json")
        let trees = try seeds.map { try QBOJSONBody.parse($0) }
        let report = await Self.run("\(E.entityName) init(json:)", seed: seed, seeds: seeds) { index, mutator, report in
            if index % 2 == 0 {
                var tree = trees[index / 2 % trees.count]
                for _ in 0..<(1 + mutator.int(4)) { tree = mutator.mutateTree(tree) }
                do {
                    let entity = try E(json: tree)
                    report.accepted += 1
                    if entity.raw != tree { report.breach(index, "raw is not the body as received") }
                } catch {
                    report.rejected += 1
                    Self.check(error, code: .decoding, case: index, into: &report)
                }
            } else {
                Self.decodeBody(mutator.input(index), index: index, report: &report) { json in _ = try E(json: json) }
            }
        }
        #expect(report.breaches.isEmpty, "\(report)\n\(report.breaches.joined(separator: "\n"))")
        #expect(report.rejected > 0)
    }

    @Test func billDecoder() async throws { try await fuzzEntity(QBOBill.self, seed: 1) }
    @Test func invoiceDecoder() async throws { try await fuzzEntity(QBOInvoice.self, seed: 2) }
    @Test func accountDecoder() async throws { try await fuzzEntity(QBOAccount.self, seed: 3) }
    @Test func billPaymentDecoder() async throws { try await fuzzEntity(QBOBillPayment.self, seed: 4) }

    @Test func cdcResult() async throws {
        let bill = try QBOJSONBody.parse(Fixture.data("json/bill_open_balance.json"))
        let payment = try QBOJSONBody.parse(Fixture.data("json/billpayment_check.json"))
        let invoice = try QBOJSONBody.parse(Fixture.data("json/invoice_open.json"))
        let body: JSONValue = [
            "CDCResponse": [["QueryResponse": [
                ["Bill": [bill, ["Id": "65", "status": "Deleted", "domain": "QBO", "MetaData": ["LastUpdatedTime": "2016-04-13T07:34:31-07:00"]]],
                 "startPosition": 1, "maxResults": 2],
                ["BillPayment": [payment], "Invoice": [invoice]],
                [:],
            ]]],
            "time": "2026-11-28T03:00:00.000-08:00",
        ]
        let fromXML = try QBOXMLBody.json(Fixture.data("xml/change_data_capture_response.xml"))
        let trees = [body, fromXML]
        let seeds = trees.map { Data($0.serialized(.compact)) }
        let report = await Self.run("QBOCDCResult", seed: 5, seeds: seeds) { index, mutator, report in
            let decode: (JSONValue) throws -> Void = { json in
                let result = try QBOCDCResult(json: json)
                _ = try result.changes(for: "Bill").decoded(as: QBOBill.self)
                _ = try result.changes(for: "Invoice").decoded(as: QBOInvoice.self)
                _ = try result.changes(for: "BillPayment").decoded(as: QBOBillPayment.self)
            }
            if index % 2 == 0 {
                var tree = trees[index / 2 % trees.count]
                for _ in 0..<(1 + mutator.int(4)) { tree = mutator.mutateTree(tree) }
                do {
                    try decode(tree)
                    report.accepted += 1
                } catch {
                    report.rejected += 1
                    Self.check(error, code: .decoding, case: index, into: &report)
                }
            } else {
                Self.decodeBody(mutator.input(index), index: index, report: &report, decode)
            }
        }
        #expect(report.breaches.isEmpty, "\(report)\n\(report.breaches.joined(separator: "\n"))")
    }

    /// Faults in all three shapes (JSON, XML, the gateway's lower-case JSON), plus hostile XML.
    @Test func faultParser() async throws {
        let seeds = try Self.fixtures("json", ext: ".json") + Self.fixtures("xml", ext: ".xml")
            + [Data(Self.gatewayFault.utf8)] + Self.hostileXML.map { Data($0.utf8) }
        let report = await Self.run("QBOFaultParser", seed: 6, seeds: seeds) { index, mutator, report in
            let data = mutator.input(index)
            do {
                if case .faults(let faults) = try QBOFaultParser.parse(data) {
                    if faults.isEmpty { report.breach(index, "a fault body with no faults") }
                    // Whatever the faults say, classifying them must not fail.
                    _ = QBOError.fromResponse(status: 400, intuitTID: nil, faults: faults, retryAfter: nil)
                }
                report.accepted += 1
            } catch {
                report.rejected += 1
                Self.check(error, code: .decoding, case: index, into: &report)
            }
        }
        #expect(report.breaches.isEmpty, "\(report)\n\(report.breaches.joined(separator: "\n"))")
        #expect(report.rejected > 0)
    }

    /// XML entity answers converted to the JSON shape, then decoded.
    @Test func xmlBodies() async throws {
        let seeds = try Self.fixtures("xml", ext: ".xml") + Self.hostileXML.map { Data($0.utf8) }
        let report = await Self.run("QBOXMLBody", seed: 7, seeds: seeds) { index, mutator, report in
            let data = mutator.input(index)
            do {
                let json = try QBOXMLBody.json(data)
                if let bill = json["Bill"] { _ = try QBOBill(json: bill) }
                if let invoice = json["Invoice"] { _ = try QBOInvoice(json: invoice) }
                if let account = json["Account"] { _ = try QBOAccount(json: account) }
                if let payment = json["BillPayment"] { _ = try QBOBillPayment(json: payment) }
                if json["CDCResponse"] != nil { _ = try QBOCDCResult(json: json) }
                if let text = json["Bill"]?["DocNumber"]?.stringValue, text.contains("root:") {
                    report.breach(index, "an external entity was resolved: the file's content reached the body")
                }
                report.accepted += 1
            } catch {
                report.rejected += 1
                Self.check(error, code: .decoding, case: index, into: &report)
            }
        }
        #expect(report.breaches.isEmpty, "\(report)\n\(report.breaches.joined(separator: "\n"))")
    }

    @Test func oauthTokenResponse() async throws {
        let seeds = try Self.fixtures("oauth", ext: ".json")
        let report = await Self.run("QBOTokenResponse", seed: 8, seeds: seeds) { index, mutator, report in
            let data = mutator.input(index)
            do {
                let response = try QBOTokenResponse(jsonData: data)
                report.accepted += 1
                for secret in [response.accessToken, response.refreshToken] where secret.count >= 8 {
                    if "\(response)".contains(secret) || String(reflecting: response).contains(secret) {
                        report.breach(index, "a token appears in the printed answer")
                    }
                }
            } catch {
                report.rejected += 1
                Self.check(error, code: .decoding, case: index, into: &report)
            }
        }
        #expect(report.breaches.isEmpty, "\(report)\n\(report.breaches.joined(separator: "\n"))")
        #expect(report.accepted > 0 && report.rejected > 0)
    }

    /// A corrupt token file is a `.tokenStore` error that never quotes the file's secrets.
    @Test func tokenFiles() async throws {
        // Thousands of rewrites: in memory where the machine has it, since disk discards dominate otherwise.
        let shm = URL(fileURLWithPath: "/dev/shm")
        let base = FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        let folder = base.appendingPathComponent("rowcol-fuzz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = QBOTokenStore.file(folder.appendingPathComponent("tokens.json"))
        let secret = "refresh-SECRET-0123456789"
        try store.save(QBOTokenSet(realmID: "9130350000000001", accessToken: "access-SECRET-0123456789",
                                   accessTokenExpiresAt: Date(timeIntervalSince1970: 1_800_000_000), refreshToken: secret,
                                   refreshTokenExpiresAt: nil, status: .active, updatedAt: Date(timeIntervalSince1970: 1_790_000_000)))
        let valid = try Data(contentsOf: URL(fileURLWithPath: store.location))
        var withRefreshExpiry = try #require(String(data: valid, encoding: .utf8))
        withRefreshExpiry = withRefreshExpiry.replacingOccurrences(of: "\"status\"", with: "\"refresh_token_expires_at\" : \"2027-01-01T00:00:00.000Z\",\n  \"status\"")
        let seeds = [valid, Data(withRefreshExpiry.utf8)]
        #expect(try store.load() != nil)
        let report = await Self.run("QBOTokenStore.load", seed: 9, seeds: seeds) { index, mutator, report in
            do {
                try mutator.input(index).write(to: URL(fileURLWithPath: store.location))
                _ = try store.load()
                report.accepted += 1
            } catch {
                report.rejected += 1
                Self.check(error, code: .tokenStore, case: index, into: &report)
                if "\(error)".contains(secret) { report.breach(index, "the error quotes the refresh token") }
            }
        }
        #expect(report.breaches.isEmpty, "\(report)\n\(report.breaches.joined(separator: "\n"))")
        #expect(report.accepted > 0 && report.rejected > 0)
    }

    // MARK: Nesting far past any real body

    static func expectCode(_ code: QBOError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected a QBOError.\(code), nothing was thrown", sourceLocation: sourceLocation)
        } catch {
            #expect((error as? QBOError)?.code == code, "\(error)", sourceLocation: sourceLocation)
        }
    }

    static func nested(_ depth: Int, open: String, close: String, core: String = "1") -> Data {
        Data((String(repeating: open, count: depth) + core + String(repeating: close, count: depth)).utf8)
    }

    @Test(arguments: [("[", "]"), ("{\"a\":", "}")])
    func tenThousandLevelsAreRefusedWithADecodingError(open: String, close: String) throws {
        let body = Self.nested(10_000, open: open, close: close)
        let error = try #require(throws: QBOError.self) { try QBOJSONBody.parse(body) }
        #expect(error.code == .decoding)
        #expect(error.message.contains("nesting deeper than 512"))
        Self.expectCode(.decoding) { _ = try QBOFaultParser.parse(body) }
        Self.expectCode(.decoding) { _ = try QBOTokenResponse(jsonData: body) }
        // 500 levels is within the limit, so depth alone does not refuse a body.
        #expect(try QBOJSONBody.parse(Self.nested(500, open: open, close: close)) != .null)
    }

    @Test func deeplyNestedTokenFileIsACorruptFileNotACrash() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rowcol-fuzz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = QBOTokenStore.file(folder.appendingPathComponent("tokens.json"))
        try Self.nested(10_000, open: "{\"access_token\":", close: "}", core: "\"x\"").write(to: URL(fileURLWithPath: store.location))
        Self.expectCode(.tokenStore) { _ = try store.load() }
        try Self.nested(10_000, open: "[", close: "]").write(to: URL(fileURLWithPath: store.location))
        Self.expectCode(.tokenStore) { _ = try store.load() }
    }

    /// The fault parser reads XML without recursion, so depth alone is no reason to refuse a fault;
    /// the entity converter recurses, so it refuses bodies deeper than 512 with a decoding error.
    @Test func tenThousandLevelsOfXMLAreReadOrRefusedWithoutACrash() throws {
        let faults = Self.nested(10_000, open: "<Fault>", close: "</Fault>", core: "<Error code=\"1\"><Message>deep</Message></Error>")
        if case .faults(let found) = try QBOFaultParser.parse(faults) {
            #expect(found.map(\.message) == ["deep"])
        } else {
            Issue.record("the fault was not found")
        }
        let error = try #require(throws: QBOError.self) { try QBOXMLBody.json(Self.nested(10_000, open: "<Bill>", close: "</Bill>")) }
        #expect(error.code == .decoding)
        #expect(error.message.contains("deeper than 512"))
        #expect(try QBOXMLBody.json(Self.nested(500, open: "<Bill>", close: "</Bill>"))["Bill"] != nil)
    }

    /// FoundationXML traps on an element name that is not UTF-8; the parsers refuse such bytes first.
    @Test(arguments: [[0xC7], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80]] as [[UInt8]])
    func invalidUTF8InXMLIsADecodingError(bad: [UInt8]) throws {
        let body = Data("<IntuitResponse><Fault type=\"ValidationFault\"><Error code=\"1\"><Message>m</Message></Error></Fault><CDCRespons".utf8)
            + Data(bad) + Data("/></IntuitResponse>".utf8)
        let error = try #require(throws: QBOError.self) { try QBOFaultParser.parse(body) }
        #expect(error.code == .decoding)
        #expect(error.message.contains("not valid UTF-8"))
        Self.expectCode(.decoding) { _ = try QBOXMLBody.json(Data("<Bill><Id".utf8) + Data(bad) + Data(">1</Id></Bill>".utf8)) }
    }

    /// FoundationXML dereferences NULL on a processing instruction without data, also one coming
    /// from an entity; the parsers refuse instructions and DOCTYPEs first.
    @Test(arguments: ["<?xml?><a/>", "<?xmlfoo?><a/>", "<a><?foo?></a>", "<?xml version=\"1.0\"?><?xml?><IntuitResponse/>",
                      "<!DOCTYPE a [<!ENTITY e \"&#60;?foo?&#62;\">]><IntuitResponse>&e;</IntuitResponse>"])
    func processingInstructionsAndDoctypesAreDecodingErrors(xml: String) throws {
        Self.expectCode(.decoding) { _ = try QBOFaultParser.parse(Data(xml.utf8)) }
        Self.expectCode(.decoding) { _ = try QBOXMLBody.json(Data(xml.utf8)) }
        // The declaration QBO sends still passes.
        let declared = Data("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<IntuitResponse><Fault type=\"ValidationFault\"><Error code=\"4001\"><Message>m</Message></Error></Fault></IntuitResponse>".utf8)
        guard case .faults(let faults) = try QBOFaultParser.parse(declared) else {
            Issue.record("the declared fault was not read")
            return
        }
        #expect(faults.map(\.code) == ["4001"])
    }

    @Test func entityExpansionAndExternalEntitiesDoNotLeakOrExplode() throws {
        for xml in Self.hostileXML {
            do {
                switch try QBOFaultParser.parse(Data(xml.utf8)) {
                case .faults(let faults):
                    #expect(faults.allSatisfy { !$0.message.contains("root:") && $0.message.utf8.count < 1_000_000 })
                default: break
                }
            } catch {
                #expect((error as? QBOError)?.code == .decoding)
            }
        }
        do {
            let json = try QBOXMLBody.json(Data(Self.hostileXML[2].utf8))
            #expect(json["Bill"]?["DocNumber"]?.stringValue?.contains("root:") != true)
        } catch {
            #expect((error as? QBOError)?.code == .decoding)
        }
    }
}
