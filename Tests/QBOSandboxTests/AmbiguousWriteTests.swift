import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QBOSandbox
import Testing

/// The faults that leave a client unsure whether its write happened (issue 11).
@Suite struct AmbiguousWriteTests {
    /// A company with one open bill (balance over 100) and a bank account to pay it from.
    struct Setup {
        var client: Client
        var realm: String
        var token: String
        var bill: [String: Any]
        var billId: String
        var bankId: String

        func pay(_ amount: Int = 10, requestId: String? = nil, timeout: TimeInterval = 30) async throws -> Answer {
            let body: [String: Any] = [
                "VendorRef": bill["VendorRef"]!, "PayType": "Check", "TotalAmt": amount,
                "CheckPayment": ["BankAccountRef": ["value": bankId]],
                "Line": [["Amount": amount, "LinkedTxn": [["TxnId": billId, "TxnType": "Bill"]]]]]
            let path = "/v3/company/\(realm)/billpayment" + (requestId.map { "?requestid=\($0)" } ?? "")
            return try await client.send("POST", path, json: body, headers: ["Authorization": "Bearer \(token)"], timeout: timeout)
        }

        /// A payment on a raw connection, to see exactly what comes back (nothing, for a drop).
        func rawPay(requestId: String? = nil) async throws -> RawExchange {
            let body = #"{"VendorRef": {"value": "\#(vendorId)"}, "PayType": "Check", "TotalAmt": 10, "CheckPayment": {"BankAccountRef": {"value": "\#(bankId)"}}, "Line": [{"Amount": 10, "LinkedTxn": [{"TxnId": "\#(billId)", "TxnType": "Bill"}]}]}"#
            let path = "/v3/company/\(realm)/billpayment" + (requestId.map { "?requestid=\($0)" } ?? "")
            return try await client.rawPOST(path, body: body, headers: ["Authorization": "Bearer \(token)"])
        }

        var vendorId: String { (bill["VendorRef"] as? [String: Any])?["value"] as? String ?? "" }

        func balance() async throws -> Decimal? {
            try await client.api("GET", realm, "bill/\(billId)", token: token).json.object("Bill").decimal("Balance")
        }

        func paymentsOfBill() async throws -> Int? {
            try await client.send("GET", "/__sandbox/stats").json.object("billpayments_by_bill").object(realm)[billId] as? Int
        }

        func inject(_ fault: [String: Any]) async throws {
            var body = fault
            body["realm"] = realm
            let answer = try await client.send("POST", "/__sandbox/faults", json: body)
            #expect(answer.status == 201, "\(answer.text)")
        }
    }

    func setUp(_ client: Client, _ realm: String) async throws -> Setup {
        try await client.seed(realm)
        let token = try await client.tokens(realm).access
        let bill = try #require(try await client.query(realm, "SELECT * FROM Bill WHERE Balance > '100' MAXRESULTS 1", token: token)
            .json.object("QueryResponse").objects("Bill").first)
        let bank = try #require(try await client.query(realm, "SELECT * FROM Account WHERE AccountType = 'Bank'", token: token)
            .json.object("QueryResponse").objects("Account").first)
        return Setup(client: client, realm: realm, token: token, bill: bill, billId: try #require(bill["Id"] as? String),
                     bankId: try #require(bank["Id"] as? String))
    }

    @Test func requestidMissAppliesARepeatedWriteAgainAndIsCountedPerBill() async throws {
        try await withSandbox { client in
            let setup = try await setUp(client, "300")
            let opening = try #require(try await setup.balance())
            let first = try await setup.pay(requestId: "pay-300")
            #expect(first.status == 200, "\(first.text)")
            let firstId = try #require(first.json.object("BillPayment")["Id"] as? String)

            try await setup.inject(["kind": "requestid_miss", "path": "billpayment"])
            let duplicate = try await setup.pay(requestId: "pay-300")
            #expect(duplicate.status == 200)
            let duplicateId = try #require(duplicate.json.object("BillPayment")["Id"] as? String)
            #expect(duplicateId != firstId, "a missed replay creates a second payment")
            #expect(try await setup.balance() == opening - 20)

            let replayed = try await setup.pay(requestId: "pay-300")
            #expect(replayed.json.object("BillPayment")["Id"] as? String == firstId, "count 1: the next repeat replays the first answer")
            #expect(try await setup.balance() == opening - 20)

            let stats = try await client.send("GET", "/__sandbox/stats").json
            #expect(stats.object("billpayments_by_bill").object("300")[setup.billId] as? Int == 2)
            #expect(stats["billpayments_created"] as? Int == 2)
            #expect(stats["requestid_misses"] as? Int == 1)
            #expect(stats["requestid_replays"] as? Int == 1)
        }
    }

    @Test func requestidMissWaitsForARepeatAndLeavesFirstWritesAlone() async throws {
        try await withSandbox { client in
            let setup = try await setUp(client, "301")
            try await setup.inject(["kind": "requestid_miss"])
            // Neither a read nor a first write is a repeat: the fault stays queued.
            #expect(try await client.query("301", "SELECT * FROM Bill", token: setup.token).status == 200)
            #expect(try await setup.pay(requestId: "a").status == 200)
            let queued = try await client.send("GET", "/__sandbox/faults").json.objects("faults")
            #expect(queued.map { $0["kind"] as? String } == ["requestid_miss"])
            #expect(try await setup.pay(requestId: "a").status == 200)
            #expect(try await setup.paymentsOfBill() == 2)
            #expect(try await client.send("GET", "/__sandbox/faults").json.objects("faults").isEmpty)
        }
    }

    @Test func dropAfterCommitAppliesTheWriteThenClosesTheConnection() async throws {
        try await withSandbox { client in
            let setup = try await setUp(client, "302")
            let opening = try #require(try await setup.balance())
            try await setup.inject(["kind": "drop_after_commit"])
            // A read passes by an after-commit fault without spending it.
            #expect(try await client.query("302", "SELECT * FROM Bill", token: setup.token).status == 200)
            let dropped = try await setup.rawPay(requestId: "drop-1")
            #expect(dropped.closedByPeer && dropped.received.isEmpty, "closed with no answer, got \(dropped.received.count) bytes")
            #expect(try await setup.balance() == opening - 10, "the payment was committed before the answer was lost")
            #expect(try await setup.paymentsOfBill() == 1)
            // The retry with the same requestid gets the committed answer: nothing is paid twice.
            let retry = try await setup.pay(requestId: "drop-1")
            #expect(retry.status == 200)
            #expect(try await setup.balance() == opening - 10)
        }
    }

    @Test func stallAfterCommitHoldsTheAnswerOfAnAppliedWrite() async throws {
        try await withSandbox { client in
            let setup = try await setUp(client, "303")
            let opening = try #require(try await setup.balance())
            try await setup.inject(["kind": "stall_after_commit", "hold_seconds": 3])
            await #expect(throws: (any Error).self) { _ = try await setup.pay(timeout: 1) }
            #expect(try await setup.balance() == opening - 10)
            #expect(try await setup.paymentsOfBill() == 1)
        }
    }

    @Test(arguments: [500, 503])
    func statusAfterCommitAnswersASystemFaultForAnAppliedWrite(status: Int) async throws {
        try await withSandbox { client in
            let setup = try await setUp(client, "304")
            let opening = try #require(try await setup.balance())
            try await setup.inject(["kind": "status_after_commit", "status": status])
            let failed = try await setup.pay(requestId: "s-1")
            #expect(failed.status == status)
            #expect(failed.json.object("Fault")["type"] as? String == "SystemFault")
            #expect(failed.json.object("Fault").objects("Error").first?["code"] as? String == "10000")
            #expect(try await setup.balance() == opening - 10)
            let retry = try await setup.pay(requestId: "s-1")
            #expect(retry.status == 200)
            #expect(retry.json.object("BillPayment")["Id"] is String)
            #expect(try await setup.paymentsOfBill() == 1)
        }
    }

    @Test func aPathLimitsAFaultToOneOperation() async throws {
        try await withSandbox { client in
            let setup = try await setUp(client, "305")
            try await setup.inject(["kind": "500", "path": "cdc"])
            try await setup.inject(["kind": "429", "path": "bill"])
            #expect(try await client.query("305", "SELECT * FROM Bill", token: setup.token).status == 200)
            #expect(try await setup.pay().status == 200, "bill is not billpayment")
            #expect(try await client.api("GET", "305", "bill/\(setup.billId)", token: setup.token).status == 429)
            let since = "2020-01-01".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await client.api("GET", "305", "cdc?entities=Bill&changedSince=\(since)", token: setup.token).status == 500)
            #expect(try await client.send("GET", "/__sandbox/stats").json["faults_injected"] as? Int == 2)
        }
    }

    @Test func tokenEndpointFaultsActOnTheRefreshAndAfterCommitLosesARotation() async throws {
        var strict = QBOSandboxOptions()
        strict.previousRefreshTokenGrace = 0
        try await withSandbox(strict) { client in
            try await client.seed("306")
            let refresh = try await client.tokens("306").refresh
            func refreshing(_ token: String) async throws -> Answer {
                try await client.send("POST", "/oauth2/v1/tokens/bearer", form: "grant_type=refresh_token&refresh_token=\(token)",
                                      headers: ["Authorization": client.basic])
            }
            // An API fault without a path leaves the token endpoint alone.
            _ = try await client.send("POST", "/__sandbox/faults", json: ["kind": "503"])
            let untouched = try await refreshing(refresh)
            #expect(untouched.status == 200)
            _ = try await client.send("DELETE", "/__sandbox/faults")
            let second = try #require(untouched.json["refresh_token"] as? String)

            _ = try await client.send("POST", "/__sandbox/faults", json: ["kind": "503", "path": "token", "realm": "306"])
            #expect(try await refreshing(second).status == 503)
            _ = try await client.send("POST", "/__sandbox/faults", json: ["kind": "drop_after_commit", "path": "token"])
            let dropped = try await client.rawPOST("/oauth2/v1/tokens/bearer", body: "grant_type=refresh_token&refresh_token=\(second)",
                                                   contentType: "application/x-www-form-urlencoded",
                                                   headers: ["Authorization": client.basic])
            #expect(dropped.closedByPeer && dropped.received.isEmpty)
            let spent = try await refreshing(second)
            #expect(spent.status == 400, "the lost answer rotated the refresh token: the old one is spent")
            #expect(spent.json["error"] as? String == "invalid_grant")
        }
    }

    @Test func aSequenceScriptsTheNextMatchingRequestsInOrder() async throws {
        try await withSandbox { client in
            let setup = try await setUp(client, "307")
            let opening = try #require(try await setup.balance())
            try await setup.inject(["sequence": ["drop_after_commit", "503", "ok", "status_after_commit"], "status": 500,
                                    "path": "billpayment"])
            let dropped = try await setup.rawPay()
            #expect(dropped.closedByPeer && dropped.received.isEmpty)
            #expect(try await client.query("307", "SELECT * FROM Bill", token: setup.token).status == 200, "another path")
            let refused = try await setup.pay()
            #expect(refused.status == 503)
            #expect(try await setup.pay().status == 200)
            #expect(try await setup.pay().status == 500)
            #expect(try await setup.pay().status == 200, "the sequence is spent")
            // drop_after_commit, ok, status_after_commit and the last one applied; the 503 did not.
            #expect(try await setup.balance() == opening - 40)
            #expect(try await setup.paymentsOfBill() == 4)
            #expect(try await client.send("GET", "/__sandbox/faults").json.objects("faults").isEmpty)
        }
    }

    @Test(arguments: [
        (#"{"kind": "418"}"#, "kind 418 is unknown"),
        (#"{"kind": "500", "path": "payroll"}"#, "path payroll is unknown"),
        (#"{"kind": "status_after_commit"}"#, "needs \"status\""),
        (#"{"kind": "status_after_commit", "status": 502}"#, "status must be 500 or 503"),
        (#"{"kind": "500", "status": 500}"#, "status goes with status_after_commit"),
        (#"{"sequence": ["503", "teapot"]}"#, "sequence[1] teapot is unknown"),
        (#"{"sequence": ["503"], "count": 2}"#, "no count or rate"),
        (#"{"sequence": []}"#, "non-empty array"),
        (#"{"kind": "requestid_miss", "path": "query"}"#, "path query has none"),
        (#"{"kind": "500", "rate": 2}"#, "rate must be in (0, 1]"),
        (#"{"kind": "500", "count": 0}"#, "count must be a whole number"),
        (#"{"kind": "timeout", "hold_seconds": -1}"#, "hold_seconds must be"),
    ])
    func badInjectionsAreRefusedNamingTheField(body: String, message: String) async throws {
        try await withSandbox { client in
            let answer = try await client.send("POST", "/__sandbox/faults", text: body)
            #expect(answer.status == 400)
            let description = answer.json["error_description"] as? String ?? ""
            #expect(description.contains(message), "\(description)")
            #expect(try await client.send("GET", "/__sandbox/faults").json.objects("faults").isEmpty)
        }
    }
}
