import Foundation
import QBOSandbox
import RowCol
import Testing

/// Two `rowcol` processes sync and pay while the sandbox fails about 20% of API requests, a third
/// of those failures after the write was committed (its answer dropped, held past the client's
/// timeout, or replaced by a 5xx), and QBO's `requestid` replay fails for every payment.
///
/// CI pays 40 bills (4 in each of 10 businesses); `ROWCOL_SOAK_BILLS=200` runs the long mode.
@Suite("fault soak")
struct FaultSoakTests {
    static let businessCount = 10

    @Test("under 20% faults: everything converges, each bill is paid once, flags come and go, requests stay bounded")
    func soak() async throws {
        let billCount = Int(ProcessInfo.processInfo.environment["ROWCOL_SOAK_BILLS"] ?? "") ?? 40
        let perBusiness = max(1, billCount / Self.businessCount)
        let temp = try TempFolder("soak")
        defer { temp.remove() }
        var options = QBOSandboxOptions()
        options.timeoutHoldSeconds = 3
        let sandbox = try await QBOSandboxServer.start(options)
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let businesses = (0..<Self.businessCount).map { ("biz\($0)", String(9_800_000 + $0)) }
            // Twice the open bills wanted: the seeder leaves some paid or partly paid.
            let ws = try await ConnectedWorkspace.make(
                in: temp.url, control: control, businesses: businesses, bills: perBusiness * 3)
            let folder = ws.folder
            let first = try await rowcol(folder, ["sync", "--strict", "--json"])
            #expect(first.status == 0, "\(first.output)")

            // The bills to pay: the first open ones of each business, at their full balance.
            var bills: [(business: String, bill: String, amount: String)] = []
            for (business, _) in businesses {
                let listed = try await rowcol(folder, ["bills", "--business", business, "--open", "--json"])
                let items = (try json(listed.stdout) as? [String: Any])?["items"] as? [[String: Any]] ?? []
                for item in items.prefix(perBusiness) {
                    let balance = (item["balance"] as? [String: Any])?["amount"]
                    guard let id = item["id"] as? String, let amount = decimal(balance) else { continue }
                    bills.append((business, id, "\(amount)"))
                }
            }
            #expect(bills.count >= billCount * 3 / 4, "the sandbox seeded too few open bills")
            let requestsBefore = try await requestCount(control)

            // Faults before processing on every kind of call (about 16% of them), and after the commit
            // on most payment writes (each of four kinds at 40%, so about 87% of them: a third of all
            // faults, payments being few among the calls); every repeated requestid is treated as new.
            let before = ["429", "500", "503", "timeout", "drop", "401", "xml401"]
            for kind in before {
                var body: [String: Any] = ["kind": kind, "rate": 0.16 / Double(before.count)]
                if kind == "timeout" { body["hold_seconds"] = 3 }
                try await control.call("POST", "/__sandbox/faults", body)
            }
            let afterCommit: [[String: Any]] = [
                ["kind": "drop_after_commit"], ["kind": "stall_after_commit", "hold_seconds": 3],
                ["kind": "status_after_commit", "status": 503], ["kind": "status_after_commit", "status": 500],
            ]
            for fault in afterCommit {
                try await control.call("POST", "/__sandbox/faults", fault.merging(["path": "billpayment", "rate": 0.4]) { $1 })
            }
            try await control.call("POST", "/__sandbox/faults", ["path": "billpayment", "kind": "requestid_miss", "rate": 1])

            let today = LocalDate(Date()).description
            let payCommands: [[String]] = bills.map { entry in
                ["pay", "--business", entry.business, "--bill", entry.bill, "--amount", entry.amount, "--on", today,
                 "--wait-lock", "300", "--json"]
            }
            // Two processes at a time: each approves every bill once, in opposite orders, and syncs
            // now and then; the second syncs without client retries so that faults show as flags.
            // A two-second timeout: held answers are given up on, and looked for before any resend.
            // A strict sync reads seven kinds per business (the history's three included): syncs every
            // 16 and 10 approvals keep reads and payment writes in the proportion the fault mix is tuned to.
            async let forward = worker(folder, payCommands, syncEvery: 16, environment: ["SYNC_REQUEST_TIMEOUT": "2"])
            async let backward = worker(
                folder, payCommands.reversed(), syncEvery: 10,
                environment: ["SYNC_ENABLE_RETRY": "false", "SYNC_REQUEST_TIMEOUT": "2"])
            let results = try await [forward, backward]
            let invocations = results.reduce(0) { $0 + $1.invocations }
            let flagsDuringFaults = results.flatMap(\.flagCodes)
            for failure in results.flatMap(\.unexpected) { Issue.record("\(failure)") }
            #expect(!flagsDuringFaults.isEmpty, "no hygiene flag was raised while 20% of requests failed")
            let faultStats = try await control.stats()
            let requestsUnderFaults = try await requestCount(control) - requestsBefore
            let byKind = faultStats["faults_by_kind"] as? [String: Int] ?? [:]
            let faulted = byKind.values.reduce(0, +)
            let afterCommitted = byKind.filter { $0.key.hasSuffix("_after_commit") }.values.reduce(0, +)
            let measuredRate = Double(faulted) / Double(max(1, requestsUnderFaults))
            let afterCommitShare = Double(afterCommitted) / Double(max(1, faulted))
            print("fault soak: \(faulted) of \(requestsUnderFaults) API requests faulted (\(percent(measuredRate))), "
                + "\(afterCommitted) after commit (\(percent(afterCommitShare)) of the faults), "
                + "\(faultStats["requestid_misses"] ?? 0) requestid replays missed; by kind: \(byKind.sorted { $0.key < $1.key })")
            #expect((0.14...0.28).contains(measuredRate), "measured fault rate \(measuredRate)")
            #expect((0.25...0.5).contains(afterCommitShare), "after-commit share \(afterCommitShare)")

            // Faults over: one strict sync sends what waits in the outbox, recon confirms it.
            try await control.call("DELETE", "/__sandbox/faults")
            let settle = try await rowcol(folder, ["sync", "--strict", "--json"])
            #expect(settle.status == 0, "\(settle.output)")
            let recon = try await rowcol(folder, ["recon", "--json"])
            #expect(recon.status == 0, "\(recon.output)")
            let status = try await rowcol(folder, ["status", "--json"])
            let statuses = try json(status.stdout) as? [[String: Any]] ?? []
            #expect(statuses.count == Self.businessCount)
            for entry in statuses {
                #expect((entry["flags"] as? [Any])?.isEmpty == true, "flags left after the faults: \(entry)")
                #expect(entry["pending_writes"] as? Int == 0, "payments left in the outbox: \(entry)")
            }
            let verified = try await rowcol(folder, ["verify"])
            #expect(verified.status == 0, "\(verified.output)")

            // Exactly one QBO payment per approved bill, and the mirror equals the sandbox.
            let paidBills = Set(bills.map { "\($0.business)/\($0.bill)" })
            var paymentsPerBill: [String: Int] = [:]
            for (business, realm) in businesses {
                for payment in try await control.query(realm, "BillPayment") {
                    guard (payment["PrivateNote"] as? String)?.contains("rowcol:") == true else { continue }
                    for line in payment["Line"] as? [[String: Any]] ?? [] {
                        for linked in line["LinkedTxn"] as? [[String: Any]] ?? [] {
                            if let id = linked["TxnId"] as? String { paymentsPerBill["\(business)/\(id)", default: 0] += 1 }
                        }
                    }
                }
                let truth = try await control.query(realm, "Bill")
                let mirrored = try await rowcol(folder, ["bills", "--business", business, "--json"])
                let items = (try json(mirrored.stdout) as? [String: Any])?["items"] as? [[String: Any]] ?? []
                let want = Dictionary(uniqueKeysWithValues: truth.compactMap { bill in
                    (bill["Id"] as? String).map { ($0, decimal(bill["Balance"])) }
                })
                let have = Dictionary(uniqueKeysWithValues: items.compactMap { bill in
                    (bill["id"] as? String).map { ($0, decimal((bill["balance"] as? [String: Any])?["amount"])) }
                })
                #expect(want == have, "the mirror of \(business) differs from the sandbox")
            }
            for bill in paidBills { #expect(paymentsPerBill[bill] == 1, "bill \(bill) has \(paymentsPerBill[bill] ?? 0) payments") }
            #expect(Set(paymentsPerBill.keys) == paidBills, "payments for bills nobody approved")
            let stats = try await control.stats()
            #expect(stats["billpayments_created"] as? Int == paidBills.count)

            // No unbounded retry loop: a bounded number of requests per rowcol run.
            let requests = try await requestCount(control) - requestsBefore
            // A strict sync of 10 businesses is about 35 requests and a payment about 2; allow retries.
            let bound = (invocations + 2) * 20
            print("fault soak: \(bills.count) bills, \(invocations) rowcol runs, \(requests) API requests (bound \(bound)), "
                + "\(faulted) faults (\(percent(measuredRate)) of the requests under faults), "
                + "flags seen: \(Set(flagsDuringFaults).sorted())")
            #expect(requests <= bound, "\(requests) API requests for \(invocations) runs")
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }

    struct WorkerResult: Sendable {
        var invocations = 0
        var flagCodes: [String] = []
        var unexpected: [String] = []
    }

    /// Runs the pay commands one after another, with a sync every `syncEvery` of them.
    func worker(_ folder: URL, _ commands: [[String]], syncEvery: Int, environment: [String: String]) async throws
        -> WorkerResult
    {
        var result = WorkerResult()
        for (index, command) in commands.enumerated() {
            let paid = try await rowcol(folder, command, environment: environment)
            result.invocations += 1
            // A payment is sent (exit 0) or queued in the outbox (exit 4); under faults never an error.
            let sent = paid.status == 0 && (paid.stdout.contains("\"sent\"") || paid.stdout.contains("\"confirmed\""))
            let queued = paid.status == 4 && paid.stdout.contains("\"pending\"")
            if !sent && !queued {
                result.unexpected.append("\(command.joined(separator: " ")) → exit \(paid.status): \(paid.output)")
            }
            if index % syncEvery == syncEvery - 1 {
                let synced = try await rowcol(folder, ["sync", "--strict", "--json", "--wait-lock", "300"], environment: environment)
                result.invocations += 1
                guard synced.status == 0 || synced.status == 3,
                    let reports = try? json(synced.stdout) as? [[String: Any]]
                else {
                    result.unexpected.append("sync → exit \(synced.status): \(synced.output)")
                    continue
                }
                for report in reports {
                    for flag in report["flags"] as? [[String: Any]] ?? [] {
                        if let code = flag["code"] as? String { result.flagCodes.append(code) }
                    }
                }
            }
        }
        return result
    }

    func requestCount(_ control: Control) async throws -> Int {
        let perRealm = try await control.stats()["requests"] as? [String: [String: Int]] ?? [:]
        return perRealm.values.reduce(0) { $0 + $1.values.reduce(0, +) }
    }
}

func percent(_ fraction: Double) -> String { "\(Int((fraction * 1000).rounded()) / 10).\(Int((fraction * 1000).rounded()) % 10)%" }
