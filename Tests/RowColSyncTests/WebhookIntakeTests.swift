import Crypto
import Foundation
import RowColDomain
import RowColSync
import Testing

struct WebhookIntakeTests {
    static func sign(_ body: Data, token: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(token.utf8)))).base64EncodedString()
    }

    @Test func acceptsIntuitsPublishedVector() async {
        let intake = WebhookIntake(verifierToken: "verify_me")
        #expect(intake.isValid(signature: "nfPLN16u3vMvv08ghDs+dOkLuirEVDy5wAeG/lmM2OA=", body: Data(#"{"stuff":"5"}"#.utf8)))
        #expect(!intake.isValid(signature: "nfPLN16u3vMvv08ghDs+dOkLuirEVDy5wAeG/lmM2OA=", body: Data(#"{"stuff":"6"}"#.utf8)))
        #expect(!intake.isValid(signature: "not base64!", body: Data(#"{"stuff":"5"}"#.utf8)))
    }

    static let legacy = Data("""
        {"eventNotifications":[{"realmId":"9130","dataChangeEvent":{"entities":[
        {"name":"Bill","id":"145","operation":"Update","lastUpdated":"2026-11-27T10:00:00.000Z"},
        {"name":"Invoice","id":"7","operation":"Delete","lastUpdated":"2026-11-27T10:00:01.000Z"}]}}]}
        """.utf8)

    @Test func parsesLegacyBodiesIntoHints() async throws {
        let intake = WebhookIntake(verifierToken: "secret")
        let hints = try await intake.receive(signature: Self.sign(Self.legacy, token: "secret"), body: Self.legacy)
        #expect(hints.count == 2)
        #expect(hints[0] == RefreshHint(realmID: "9130", entityName: "Bill", entityID: "145", operation: "Update",
                                        lastUpdated: "2026-11-27T10:00:00.000Z"))
        #expect(hints[0].entityKind == .bill)
        #expect(hints[1].entityKind == .invoice)
        #expect(hints[1].operation == "Delete")
    }

    @Test func parsesCloudEventsBodies() async throws {
        let body = Data("""
            [{"specversion":"1.0","id":"e1","type":"qbo.bill.updated.v1","time":"2026-11-27T10:00:00Z",
              "intuitentityid":"145","intuitaccountid":"9130","source":"intuit"},
             {"specversion":"1.0","id":"e2","type":"qbo.billpayment.created.v1","time":"2026-11-27T10:00:02Z",
              "intuitentityid":"9","intuitaccountid":"9130"}]
            """.utf8)
        let intake = WebhookIntake(verifierToken: "secret")
        let hints = try await intake.receive(signature: Self.sign(body, token: "secret"), body: body)
        #expect(hints.map(\.entityKind) == [.bill, .payment])
        #expect(hints.map(\.entityID) == ["145", "9"])
        #expect(hints.allSatisfy { $0.realmID == "9130" })
    }

    @Test func refusesTamperedBodiesAndMissingSignatures() async {
        let intake = WebhookIntake(verifierToken: "secret")
        let signature = Self.sign(Self.legacy, token: "secret")
        var tampered = Self.legacy
        tampered[tampered.startIndex + 40] ^= 0x01
        await #expect(throws: WebhookError(reason: .badSignature, detail: nil)) {
            try await intake.receive(signature: signature, body: tampered)
        }
        await #expect(throws: WebhookError(reason: .missingSignature, detail: nil)) {
            try await intake.receive(signature: nil, body: Self.legacy)
        }
        await #expect(throws: WebhookError(reason: .badSignature, detail: nil)) {
            try await intake.receive(signature: Self.sign(Self.legacy, token: "other"), body: Self.legacy)
        }
    }

    @Test func replaysAreHarmless() async throws {
        let intake = WebhookIntake(verifierToken: "secret")
        let signature = Self.sign(Self.legacy, token: "secret")
        #expect(try await intake.receive(signature: signature, body: Self.legacy).count == 2)
        #expect(try await intake.receive(signature: signature, body: Self.legacy).isEmpty)
    }

    @Test(arguments: [#"{"nope":1}"#, "[1,2]", "not json", #"[{"type":"other.bill.x","intuitaccountid":"1","intuitentityid":"2"}]"#])
    func malformedSignedBodiesAreRefusedClearly(_ text: String) async {
        let body = Data(text.utf8)
        let intake = WebhookIntake(verifierToken: "secret")
        do {
            _ = try await intake.receive(signature: Self.sign(body, token: "secret"), body: body)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.reason == .malformedBody)
        }
    }
}
