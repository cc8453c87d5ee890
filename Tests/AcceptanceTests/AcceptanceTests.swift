import Foundation
import QBOSandbox
@testable import RowCol
import Testing

/// The acceptance tests of DESIGN §9 and issue 4, end to end over loopback HTTP against the sandbox.
@Suite(.serialized) struct AcceptanceTests {
    // MARK: 1. STRICT beats cache

    @Test func strictBeatsCacheAndUpdatesTheMirror() async throws {
        let (sandbox, books, realm) = try await connectedAcme(bills: 10, invoices: 8)
        defer { Task { await sandbox.stop() }; books.remove() }
        let session = try await books.session()
        let acme = books.business("acme")
        _ = try await session.sync(strict: true)

        let bill = try #require(try session.store.reader.bills(of: acme).first(where: \.isOpen))
        let invoice = try #require(try session.store.reader.invoices(of: acme).first(where: \.isOpen))
        try await sandbox.call("PATCH", "__sandbox/realms/\(realm)/bill/\(bill.id)", ["DueDate": "2031-01-15"])
        try await sandbox.call("PATCH", "__sandbox/realms/\(realm)/invoice/\(invoice.id)", ["DueDate": "2031-02-20"])

        // Within the TTL a cached read does not see the change…
        let cached = try await session.gateways.list(ListBillsQuery(business: acme, hint: .cachedOK))
        #expect(cached.items.first(where: { $0.id == bill.id })?.dueDate == bill.dueDate)
        #expect(!cached.freshness.refreshedNow)
        // …a strict read goes to QBO, logs, updates the mirror file and answers from it.
        let strict = try await session.gateways.list(ListBillsQuery(business: acme, hint: .strict))
        #expect(strict.freshness.refreshedNow)
        #expect(strict.items.first(where: { $0.id == bill.id })?.dueDate == LocalDate("2031-01-15"))
        let strictInvoices = try await session.gateways.list(ListInvoicesQuery(business: acme, hint: .strict))
        #expect(strictInvoices.items.first(where: { $0.id == invoice.id })?.dueDate == LocalDate("2031-02-20"))
        let document = try #require(books.document("acme", "bills", bill.id.rawValue))
        #expect((document["data"] as? [String: Any])?["due_date"] as? String == "2031-01-15")
        await session.close()
    }

    // MARK: 2. Idempotent bill payment

    @Test func twoIdenticalApprovalsMakeOnePaymentInQBO() async throws {
        let (sandbox, books, realm) = try await connectedAcme(bills: 10, invoices: 2)
        defer { Task { await sandbox.stop() }; books.remove() }
        let session = try await books.session()
        let acme = books.business("acme")
        _ = try await session.sync(strict: true)
        let bill = try #require(try session.store.reader.bills(of: acme).first(where: \.isOpen))
        let amount = Money(1, bill.balance.currency)
        let day = try #require(LocalDate("2026-12-01"))

        // QBO's requestid replay fails: only RowCol's own deduplication stands between the two approvals.
        try await sandbox.call("POST", "__sandbox/faults", ["path": "billpayment", "kind": "requestid_miss", "rate": 1])
        let first = try await session.gateways.schedulePayment(business: acme, billID: bill.id, amount: amount, payOn: day, fromAccountID: nil)
        let second = try await session.gateways.schedulePayment(business: acme, billID: bill.id, amount: amount, payOn: day, fromAccountID: nil)
        #expect(first.state == .sent)
        #expect(second.id == first.id)
        #expect(second.qboID == first.qboID)
        #expect(try await sandbox.paymentsCreated() == 1)
        let remote = try await sandbox.entity(realm, "bill", bill.id.rawValue)
        #expect("\(remote["Balance"]!)" == "\(bill.balance.amount - 1)")
        await session.close()
    }

    @Test func twoProcessesApprovingAtOnceMakeOnePayment() async throws {
        let (sandbox, books, _) = try await connectedAcme(bills: 10, invoices: 2)
        defer { Task { await sandbox.stop() }; books.remove() }
        let base = ["--workspace", books.folder.path, "--advisor", "ada"]
        let sync = try await rowcol(["sync", "--strict"] + base)
        #expect(sync.status == 0, "\(sync.stderr)")
        let bill = try #require(try books.workspace.mirrorReader(for: books.advisor).bills(of: books.business("acme")).first(where: \.isOpen))
        let pay = ["pay"] + base + ["--business", "acme", "--bill", bill.id.rawValue, "--amount", "2.50", "--on", "2026-12-02"]
        try await sandbox.call("POST", "__sandbox/faults", ["path": "billpayment", "kind": "requestid_miss", "rate": 1])
        let a = try RowcolProcess(pay)
        let b = try RowcolProcess(pay)
        let (runA, runB) = await (a.wait(), b.wait())
        #expect(runA.status == 0, "\(runA.stderr)")
        #expect(runB.status == 0, "\(runB.stderr)")
        let idA = runA.stdout.split(separator: " ").dropFirst().first
        #expect(idA != nil && idA == runB.stdout.split(separator: " ").dropFirst().first)
        #expect(try await sandbox.paymentsCreated() == 1)
    }

    // MARK: 3. Throttle hygiene

    @Test func persistentThrottlingIsRetriedWithinBoundsThenFlagged() async throws {
        let (sandbox, books, realm) = try await connectedAcme(bills: 5, invoices: 5)
        defer { Task { await sandbox.stop() }; books.remove() }
        let clock = SleepRecordingClock()
        let session = try await books.session(attempts: 3, clock: clock, maxDelay: 30)
        let acme = books.business("acme")
        _ = try await session.sync(strict: true)
        let before = try await sandbox.stats()
        let sleptBefore = clock.sleeps.count

        try await sandbox.call("POST", "__sandbox/faults", ["realm": realm, "kind": "429", "count": 50, "retry_after": 7])
        let answer = try await session.gateways.list(ListBillsQuery(business: acme, hint: .strict))
        #expect(answer.items.count == 5)  // the mirror still answers
        #expect(!answer.freshness.refreshedNow)
        let flag = try #require(answer.flags.first { $0.code == .railThrottled })
        #expect(flag.entity == .bill)
        #expect(flag.business == acme.business)
        let after = try await sandbox.stats()
        let sent = (after["throttled"] as? Int ?? 0) - (before["throttled"] as? Int ?? 0)
            + (after["faults_injected"] as? Int ?? 0) - (before["faults_injected"] as? Int ?? 0)
        #expect(sent == 3, "one call and exactly two retries (three attempts in all), got \(sent)")
        // Each retry waited what QBO's Retry-After asked, not the client's own backoff.
        #expect(Array(clock.sleeps.dropFirst(sleptBefore)) == [7, 7])

        // The flag clears once QBO answers again.
        try await sandbox.call("DELETE", "__sandbox/faults")
        let healed = try await session.gateways.list(ListBillsQuery(business: acme, hint: .strict))
        #expect(healed.freshness.refreshedNow)
        #expect(!healed.flags.contains { $0.code == .railThrottled })
        await session.close()
    }

    // MARK: 4. Recon without webhook

    @Test func reconLogsInboundAndTheMirrorFollowsQBOIncludingDeletions() async throws {
        let (sandbox, books, realm) = try await connectedAcme(bills: 12, invoices: 6)
        defer { Task { await sandbox.stop() }; books.remove() }
        let session = try await books.session()
        let acme = books.business("acme")
        _ = try await session.sync(strict: true)
        let bill = try #require(try session.store.reader.bills(of: acme).sorted { $0.id < $1.id }.first)
        let invoice = try #require(try session.store.reader.invoices(of: acme).sorted { $0.id < $1.id }.last)
        let linesBefore = try books.logLines().count

        try await sandbox.call("PATCH", "__sandbox/realms/\(realm)/bill/\(bill.id)", ["DocNumber": "RECON-1"])
        try await sandbox.call("DELETE", "__sandbox/realms/\(realm)/invoice/\(invoice.id)")
        let reports = try await session.recon()
        #expect(reports.first?.synced == true)

        let newLines = try books.logLines().dropFirst(linesBefore)
        #expect(newLines.contains { $0["direction"] as? String == "INBOUND" && $0["operation"] as? String == "bill.recon" })
        #expect(newLines.contains { $0["direction"] as? String == "INBOUND" && $0["operation"] as? String == "invoice.recon" })
        #expect(try session.store.reader.bill(bill.id, of: acme)?.docNumber == "RECON-1")
        #expect(try session.store.reader.invoice(invoice.id, of: acme) == nil)
        #expect(books.document("acme", "invoices", invoice.id.rawValue) == nil)
        #expect(try books.workspace.verify().isEmpty)
        await session.close()
    }

    // MARK: 5. Stale mirror hygiene

    @Test func aHardTTLBreachIsFlaggedAndTheLastKnownMirrorReturned() async throws {
        let sandbox = try await Sandbox.start()
        let books = try Books()
        defer { books.remove() }
        let realm = freshRealm()
        try await sandbox.seed(realm, bills: 7, invoices: 3)
        try await books.connect("acme", realm: realm, sandbox: sandbox)
        let first = try await books.session()
        _ = try await first.sync(strict: true)
        await first.close()
        await sandbox.stop()

        let tomorrow = Date().addingTimeInterval(25 * 3600)
        let session = try await books.session(now: { tomorrow }, attempts: 1)
        let answer = try await session.gateways.list(ListBillsQuery(business: books.business("acme"), hint: .cachedOK))
        #expect(answer.items.count == 7)
        #expect(answer.freshness.level == .staleHard)
        #expect(answer.flags.contains { $0.code == .mirrorStaleHard && $0.entity == .bill })
        #expect(answer.flags.contains { $0.code == .railOffline })
        await session.close()
    }

    // MARK: Offline, outbox and recovery

    @Test func offlineReadsComeFromTheMirrorAndAQueuedPaymentIsSentOnceLater() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("rowcol-sandbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let sandbox = try await Sandbox.start(data: data)
        let port = UInt16(sandbox.url.port!)
        let books = try Books()
        defer { books.remove() }
        let realm = freshRealm()
        try await sandbox.seed(realm, bills: 6, invoices: 3)
        try await books.connect("acme", realm: realm, sandbox: sandbox)
        let base = ["--workspace", books.folder.path, "--advisor", "ada"]
        #expect(try await rowcol(["sync", "--strict"] + base).status == 0)
        await sandbox.stop()

        let offline = try await rowcol(["bills", "--business", "acme", "--strict", "--json"] + base)
        #expect(offline.status == 0, "\(offline.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(offline.stdout.utf8)) as? [String: Any])
        #expect((answer["items"] as? [Any])?.count == 6)
        #expect((answer["flags"] as? [[String: Any]])?.contains { $0["code"] as? String == "rail.offline" } == true)

        let bill = try #require(try books.workspace.mirrorReader(for: books.advisor).bills(of: books.business("acme")).first(where: \.isOpen))
        let pay = ["pay", "--business", "acme", "--bill", bill.id.rawValue, "--amount", "1.00", "--on", "2026-12-03"] + base
        let queued = try await rowcol(pay + ["--json"])
        #expect(queued.status == 4, "queued has an exit code of its own: \(queued.stderr)")
        #expect(queued.stdout.contains("\"state\" : \"pending\""))
        let queuedText = try await rowcol(pay)
        #expect(queuedText.status == 4)
        #expect(queuedText.stdout.contains("queued"), "\(queuedText.stdout)")
        #expect(queuedText.stdout.contains("Do not pay it again"), "\(queuedText.stdout)")
        let outbox = try await rowcol(["outbox"] + base)
        #expect(outbox.stdout.contains(bill.id.rawValue))

        let back = try await Sandbox.start(port: port, data: data)
        defer { Task { await back.stop() } }
        let sync = try await rowcol(["sync"] + base)
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        #expect(try await back.paymentsCreated() == 1)
        let again = try await rowcol(["sync", "--strict"] + base)
        #expect(again.status == 0)
        let repeatPay = try await rowcol(pay)
        #expect(repeatPay.stdout.contains("sent") || repeatPay.stdout.contains("confirmed"))
        #expect(try await back.paymentsCreated() == 1)
        #expect(try await rowcol(["outbox"] + base).stdout.contains("outbox empty"))
    }

    @Test(arguments: ["write.after_intent", "write.after_call"])
    func aPaymentKilledMidwayIsNeverPaidTwice(_ failpoint: String) async throws {
        let (sandbox, books, _) = try await connectedAcme(bills: 6, invoices: 2)
        defer { Task { await sandbox.stop() }; books.remove() }
        let base = ["--workspace", books.folder.path, "--advisor", "ada"]
        #expect(try await rowcol(["sync", "--strict"] + base).status == 0)
        let bill = try #require(try books.workspace.mirrorReader(for: books.advisor).bills(of: books.business("acme")).first(where: \.isOpen))
        let pay = ["pay", "--business", "acme", "--bill", bill.id.rawValue, "--amount", "3.00", "--on", "2026-12-04"] + base

        let killed = try await rowcol(pay, environment: ["ROWCOL_FAILPOINT": failpoint])
        #expect(killed.killed)
        #expect(try await rowcol(["recover", "--workspace", books.folder.path]).status == 0)
        #expect(try await rowcol(["verify", "--workspace", books.folder.path]).status == 0)
        let rerun = try await rowcol(pay)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains(" sent"))
        #expect(try await sandbox.paymentsCreated() == 1)
        let verify = try await rowcol(["verify", "--workspace", books.folder.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func aSyncKilledMidwayConvergesOnRerun() async throws {
        let (sandbox, books, _) = try await connectedAcme(bills: 30, invoices: 10)
        defer { Task { await sandbox.stop() }; books.remove() }
        let base = ["--workspace", books.folder.path, "--advisor", "ada"]
        for failpoint in ["log.after_sync", "mirror.between_renames", "checkpoint.before"] {
            let killed = try await rowcol(["sync", "--strict"] + base, environment: ["ROWCOL_FAILPOINT": failpoint])
            #expect(killed.killed, "\(failpoint) did not fire")
            let recover = try await rowcol(["recover", "--workspace", books.folder.path])
            #expect(recover.status == 0, "\(recover.stderr)")
            let verify = try await rowcol(["verify", "--workspace", books.folder.path])
            #expect(verify.status == 0, "after \(failpoint): \(verify.stdout)\(verify.stderr)")
        }
        #expect(try await rowcol(["sync", "--strict"] + base).status == 0)
        #expect(try books.workspace.mirrorReader(for: books.advisor).bills(of: books.business("acme")).count == 30)
        #expect(try await rowcol(["verify", "--workspace", books.folder.path]).status == 0)
    }

    // MARK: Connections

    @Test func anExpiredAccessTokenIsRefreshedAndTheCallSucceeds() async throws {
        let (sandbox, books, _) = try await connectedAcme(bills: 4, invoices: 2)
        defer { Task { await sandbox.stop() }; books.remove() }
        let tokenFile = books.folder.appendingPathComponent("secrets/ada/acme.json")
        let before = try String(contentsOf: tokenFile, encoding: .utf8)
        try await sandbox.call("POST", "__sandbox/clock", ["advance_seconds": 7200])

        let session = try await books.session()
        let reports = try await session.sync(strict: true)
        #expect(reports.first?.synced == true)
        #expect(reports.first?.flags.isEmpty == true)
        #expect(try String(contentsOf: tokenFile, encoding: .utf8) != before, "the rotated tokens are saved")
        await session.close()
    }

    @Test func aRevokedConnectionAsksToReconnectWhileOtherBusinessesSync() async throws {
        let sandbox = try await Sandbox.start()
        defer { Task { await sandbox.stop() } }
        let books = try Books()
        defer { books.remove() }
        let (realmA, realmB) = (freshRealm(), freshRealm())
        try await sandbox.seed(realmA, seed: 1, bills: 4, invoices: 2)
        try await sandbox.seed(realmB, seed: 2, bills: 5, invoices: 2)
        try await books.connect("alpha", realm: realmA, sandbox: sandbox)
        try await books.connect("beta", realm: realmB, sandbox: sandbox)
        try await sandbox.call("POST", "__sandbox/realms/\(realmA)/connections/revoke")

        let base = ["--workspace", books.folder.path, "--advisor", "ada"]
        let sync = try await rowcol(["sync", "--strict", "--json"] + base)
        #expect(sync.status == 3, "\(sync.stdout)\(sync.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(sync.stdout.utf8)) as? [[String: Any]])
        let alpha = try #require(reports.first { $0["business"] as? String == "alpha" })
        let beta = try #require(reports.first { $0["business"] as? String == "beta" })
        #expect(alpha["synced"] as? Bool == false)
        #expect((alpha["flags"] as? [[String: Any]])?.contains { $0["code"] as? String == "auth.reconnect_required" } == true)
        #expect(beta["synced"] as? Bool == true)
        #expect(try books.workspace.mirrorReader(for: books.advisor).bills(of: books.business("beta")).count == 5)
    }

    @Test func aSecondStrictSyncWithNothingChangedWritesNoMirrorFile() async throws {
        let (sandbox, books, _) = try await connectedAcme(bills: 15, invoices: 5)
        defer { Task { await sandbox.stop() }; books.remove() }
        let base = ["--workspace", books.folder.path, "--advisor", "ada"]
        #expect(try await rowcol(["sync", "--strict"] + base).status == 0)
        let mirror = books.folder.appendingPathComponent("advisors/ada/businesses/acme/mirror")
        let before = try snapshotTree(mirror)
        let linesBefore = try books.logLines().count
        #expect(try await rowcol(["sync", "--strict"] + base).status == 0)
        #expect(try snapshotTree(mirror) == before)
        #expect(try books.logLines().count == linesBefore)
    }
}

/// Path → (inode, modification time, bytes) of every file below `folder`.
func snapshotTree(_ folder: URL) throws -> [String: String] {
    var result: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    while let relative = enumerator?.nextObject() as? String {
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(relative).path)
        guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
        result[relative] = "\(attributes[.systemFileNumber] ?? "")|\(attributes[.modificationDate] ?? "")|\(attributes[.size] ?? "")"
    }
    return result
}
