import Foundation
@testable import QBOSandbox
import Testing

/// Seeded history (`"history_months"`): the counts stay the totals, the older items are settled
/// by real payments whose links and balances agree, the parties' habits and the recurring
/// purchases can be read back from the data, and 0 months is the seeding there always was.
@Suite struct HistoryTests {
    static func day(_ text: Any?) -> Int64? {
        (text as? String).flatMap { WireTime.parse($0) }.map { WireTime.localDay($0) }
    }

    static func median(_ values: [Int64]) -> Int64? {
        let sorted = values.sorted()
        return sorted.isEmpty ? nil : sorted[sorted.count / 2]
    }

    /// Every row of an entity, page by page (1000 at most per page, as QBO answers).
    static func all(_ client: Client, _ realm: String, _ entity: String, token: String) async throws -> [[String: Any]] {
        var rows: [[String: Any]] = []
        while true {
            let page = try await client.rows(realm, "SELECT * FROM \(entity) STARTPOSITION \(rows.count + 1) MAXRESULTS 1000", token: token)
            rows += page
            if page.count < 1000 { return rows }
        }
    }

    @Test func aDefaultCompanyHasAYearOfHistoryAndKeepsTheCountsAsTotals() async throws {
        try await withSandbox { client in
            let summary = try await client.control.createRealm("950", seed: 4)
            #expect(summary.historyMonths == 12)
            #expect(summary.bills == 50 && summary.invoices == 30, "the counts are the totals: \(summary)")
            #expect(summary.payments > 10 && summary.billPayments > 20 && summary.purchases > 80, "\(summary)")
            #expect(try await client.control.realms().first?.purchases == summary.purchases)
            let token = try await client.tokens("950").access
            let bills = try await Self.all(client, "950", "Bill", token: token)
            let today = try #require(Self.day(try await client.query("950", "SELECT COUNT(*) FROM Bill", token: token).json["time"]))
            let dates = bills.compactMap { Self.day($0["TxnDate"]) }
            #expect(dates.count == 50)
            #expect(dates.allSatisfy { $0 < today && $0 >= today - 366 }, "dated within the year before today")
            #expect(dates.contains { $0 < today - 270 } && dates.contains { $0 > today - 90 }, "spread over the months")
            let open = bills.filter { ($0.decimal("Balance") ?? 0) > 0 }
            #expect(!open.isEmpty && open.count < 25, "the older ones are paid, some stay open: \(open.count) open")
            let stats = try await client.control.stats()
            #expect(stats.paymentsCreated == 0 && stats.purchasesCreated == 0 && stats.billPaymentsCreated == 0,
                    "seeded history is not counted as API writes")
        }
    }

    @Test func paymentsLinksAndBalancesAgreeEverywhere() async throws {
        try await withSandbox { client in
            try await client.seed("951", seed: 11, bills: 400, invoices: 300, accounts: 2, historyMonths: 12)
            let token = try await client.tokens("951").access
            for (document, settlement, linkType) in [("Invoice", "Payment", "Payment"), ("Bill", "BillPayment", "BillPaymentCheck")] {
                let documents = try await Self.all(client, "951", document, token: token)
                let settlements = try await Self.all(client, "951", settlement, token: token)
                #expect(!settlements.isEmpty)
                var applied: [String: Decimal] = [:], linkedBy: [String: Set<String>] = [:]
                var partyOf: [String: String] = [:]
                for row in documents {
                    let id = row["Id"] as! String
                    partyOf[id] = (row[document == "Bill" ? "VendorRef" : "CustomerRef"] as? [String: Any])?["value"] as? String
                }
                for payment in settlements {
                    let paymentId = payment["Id"] as! String
                    let party = (payment[document == "Bill" ? "VendorRef" : "CustomerRef"] as? [String: Any])?["value"] as? String
                    var sum = Decimal(0)
                    for line in payment.objects("Line") {
                        let link = try #require(line.objects("LinkedTxn").first)
                        let documentId = try #require(link["TxnId"] as? String)
                        #expect(link["TxnType"] as? String == document)
                        #expect(partyOf[documentId] == party, "\(settlement) \(paymentId) settles a \(document) of its own party")
                        #expect(Int(paymentId)! > Int(documentId)!, "ids follow the order things happened")
                        applied[documentId, default: 0] += line.decimal("Amount") ?? 0
                        linkedBy[documentId, default: []].insert(paymentId)
                        sum += line.decimal("Amount") ?? 0
                    }
                    #expect(payment.decimal("TotalAmt") == sum)
                }
                var checked = 0
                for row in documents {
                    let id = row["Id"] as! String
                    let total = try #require(row.decimal("TotalAmt")), balance = try #require(row.decimal("Balance"))
                    #expect(total - balance == applied[id] ?? 0, "\(document) \(id): paid = total − balance")
                    let links = row.objects("LinkedTxn").filter { $0["TxnType"] as? String == linkType }.compactMap { $0["TxnId"] as? String }
                    #expect(Set(links) == linkedBy[id] ?? [], "\(document) \(id) links exactly the payments that settle it")
                    #expect(row["SyncToken"] as? String == String(links.count), "one SyncToken per payment")
                    checked += 1
                }
                #expect(checked == documents.count && checked > 100)
            }
            let accounts = try await Self.all(client, "951", "Account", token: token)
            func balance(_ type: String) -> Decimal? { accounts.first { $0["AccountType"] as? String == type }?.decimal("CurrentBalance") }
            let invoices = try await Self.all(client, "951", "Invoice", token: token)
            let bills = try await Self.all(client, "951", "Bill", token: token)
            #expect(balance("Accounts Receivable") == invoices.reduce(Decimal(0)) { $0 + ($1.decimal("Balance") ?? 0) })
            #expect(balance("Accounts Payable") == -bills.reduce(Decimal(0)) { $0 + ($1.decimal("Balance") ?? 0) })
        }
    }

    @Test func theOpenItemsAroundTodayAreOverdueDueLaterAndPartlyPaid() async throws {
        try await withSandbox { client in
            try await client.seed("952", seed: 5, bills: 600, invoices: 400, accounts: 2, historyMonths: 12)
            let token = try await client.tokens("952").access
            let time = try #require(try await client.query("952", "SELECT COUNT(*) FROM Bill", token: token).json["time"])
            let today = try #require(Self.day(time))
            for entity in ["Bill", "Invoice"] {
                let open = try await client.rows("952", "SELECT * FROM \(entity) WHERE Balance > '0' MAXRESULTS 1000", token: token)
                let due = open.compactMap { Self.day($0["DueDate"]) }
                #expect(due.contains { $0 < today }, "\(entity): some overdue")
                #expect(due.contains { $0 >= today }, "\(entity): some not due yet")
                #expect(open.contains { $0.decimal("Balance")! < $0.decimal("TotalAmt")! }, "\(entity): some partly paid")
            }
            let far = try await client.rows("952", "SELECT * FROM Bill WHERE Balance > '0' AND DueDate > '\(WireTime.formatDate(day: today + 60))'", token: token)
            #expect(!far.isEmpty, "some bills due months out")
            let stale = try await client.rows("952", "SELECT * FROM Invoice WHERE Balance > '0' AND DueDate < '\(WireTime.formatDate(day: today - 90))'", token: token)
            #expect(!stale.isEmpty, "an erratic customer now and then never pays: very overdue invoices")
        }
    }

    @Test func eachPartysHabitShowsInWhenItsDocumentsWerePaid() async throws {
        try await withSandbox { client in
            try await client.seed("953", seed: 8, bills: 800, invoices: 600, accounts: 2, historyMonths: 12)
            let token = try await client.tokens("953").access
            let history = try await client.control.history(realm: "953")
            func habits(_ key: String) -> [String: String] {
                Dictionary(uniqueKeysWithValues: (history[key]?.arrayValue ?? []).compactMap { party in
                    party["id"]?.stringValue.map { ($0, party["habit"]?.stringValue ?? "") }
                })
            }
            let customerHabits = habits("customers"), vendorHabits = habits("vendors")
            #expect(Set(customerHabits.values) == ["on_time", "late", "erratic"])
            #expect(Set(vendorHabits.values).isSuperset(of: ["early", "prompt", "behind"]))
            // Days from the due date to each payment, per habit.
            func lateness(_ document: String, _ settlement: String, _ party: String, _ habitOf: [String: String]) async throws -> [String: [Int64]] {
                let due = Dictionary(uniqueKeysWithValues: try await Self.all(client, "953", document, token: token).map {
                    ($0["Id"] as! String, Self.day($0["DueDate"])!)
                })
                var days: [String: [Int64]] = [:]
                for payment in try await Self.all(client, "953", settlement, token: token) {
                    let habit = habitOf[(payment[party] as? [String: Any])?["value"] as? String ?? ""] ?? "?"
                    for line in payment.objects("Line") {
                        let id = line.objects("LinkedTxn").first?["TxnId"] as? String ?? ""
                        days[habit, default: []].append(Self.day(payment["TxnDate"])! - due[id]!)
                    }
                }
                return days
            }
            let customers = try await lateness("Invoice", "Payment", "CustomerRef", customerHabits)
            // A payment due on a weekend lands on the Monday: up to two days more.
            #expect(Self.median(customers["on_time"] ?? []).map { (-3...4).contains($0) } == true, "\(customers["on_time"] ?? [])")
            #expect(Self.median(customers["late"] ?? []).map { (17...27).contains($0) } == true, "about three weeks late")
            let erratic = customers["erratic"] ?? []
            #expect((erratic.max() ?? 0) - (erratic.min() ?? 0) > 30, "erratic payers spread over weeks")
            let vendors = try await lateness("Bill", "BillPayment", "VendorRef", vendorHabits)
            #expect(Self.median(vendors["early"] ?? []).map { $0 < 0 } == true, "paid before the due date")
            #expect(Self.median(vendors["prompt"] ?? []).map { (-1...3).contains($0) } == true)
            #expect(Self.median(vendors["behind"] ?? []).map { $0 >= 8 } == true, "paid late")
        }
    }

    @Test func recurringPurchasesComeAtTheirCadenceAndOneOffsBesideThem() async throws {
        try await withSandbox { client in
            try await client.seed("954", seed: 2, bills: 200, invoices: 100, accounts: 2, historyMonths: 12)
            let token = try await client.tokens("954").access
            let history = try await client.control.history(realm: "954")
            let series = history["series"]?.arrayValue ?? []
            #expect(Set(series.compactMap { $0["name"]?.stringValue }) == ["rent", "payroll", "supplies", "insurance", "telephone", "utilities"])
            let gaps: [String: ClosedRange<Int64>] = ["weekly": 7...21, "biweekly": 14...14, "monthly": 26...33, "quarterly": 88...94]
            var checked = 0
            for entry in series {
                let payee = try #require(entry["payee_id"]?.stringValue)
                let entity = try #require(entry["entity"]?.stringValue)
                let party = entity == "Bill" ? "VendorRef" : "EntityRef"
                let rows = try await client.rows("954", "SELECT * FROM \(entity) WHERE \(party) = '\(payee)' ORDERBY TxnDate MAXRESULTS 1000", token: token)
                #expect(rows.count == entry["occurrences"]?.intValue, "\(entry)")
                let days = rows.compactMap { Self.day($0["TxnDate"]) }
                let cadence = try #require(entry["cadence"]?.stringValue)
                let range = try #require(gaps[cadence])
                for (a, b) in zip(days, days.dropFirst()) {
                    #expect(range.contains(b - a), "\(entry["name"]?.stringValue ?? ""): \(b - a) days apart")
                    checked += 1
                }
                let amounts = Set(rows.compactMap { $0.decimal("TotalAmt") })
                if ["rent", "insurance"].contains(entry["name"]?.stringValue) { #expect(amounts.count == 1, "a fixed amount") }
                if entity == "Purchase" {
                    #expect(rows.allSatisfy { $0["PaymentType"] as? String == entry["payment_type"]?.stringValue })
                }
            }
            #expect(checked > 80)
            let purchases = try await Self.all(client, "954", "Purchase", token: token)
            let seriesPayees = Set(series.compactMap { $0["payee_id"]?.stringValue })
            let oneOffs = purchases.filter { !seriesPayees.contains(($0["EntityRef"] as? [String: Any])?["value"] as? String ?? "") }
            #expect(oneOffs.count == history["one_off_purchases"]?.intValue)
            #expect(oneOffs.contains { $0["EntityRef"] == nil }, "a card receipt without a payee, as recorded")
            #expect(Set(purchases.compactMap { $0["PaymentType"] as? String }) == ["Cash", "Check", "CreditCard"])
        }
    }

    @Test func theCheckingBalanceIsTheSumOfItsHistoryAndNeverWentBelowACushion() async throws {
        try await withSandbox { client in
            try await client.seed("955", seed: 6, bills: 300, invoices: 200, accounts: 2, historyMonths: 12)
            let token = try await client.tokens("955").access
            let checking = try #require(try await client.rows("955", "SELECT * FROM Account WHERE Name = 'Checking'", token: token).first)
            let id = try #require(checking["Id"] as? String)
            var flows: [(Int64, Decimal)] = []
            for payment in try await Self.all(client, "955", "Payment", token: token)
            where (payment["DepositToAccountRef"] as? [String: Any])?["value"] as? String == id {
                flows.append((WireTime.parse(payment.object("MetaData")["CreateTime"] as! String)!, payment.decimal("TotalAmt")!))
            }
            for payment in try await Self.all(client, "955", "BillPayment", token: token)
            where (payment.object("CheckPayment")["BankAccountRef"] as? [String: Any])?["value"] as? String == id {
                flows.append((WireTime.parse(payment.object("MetaData")["CreateTime"] as! String)!, -payment.decimal("TotalAmt")!))
            }
            for purchase in try await Self.all(client, "955", "Purchase", token: token)
            where (purchase["AccountRef"] as? [String: Any])?["value"] as? String == id {
                flows.append((WireTime.parse(purchase.object("MetaData")["CreateTime"] as! String)!, -purchase.decimal("TotalAmt")!))
            }
            #expect(flows.count > 100)
            // Walking back from today's balance through every flow: the balance never dipped below $5,000.
            var balance = try #require(checking.decimal("CurrentBalance"))
            var lowest = balance
            for (_, amount) in flows.sorted(by: { $0.0 > $1.0 }) {
                balance -= amount
                lowest = min(lowest, balance)
            }
            #expect(lowest >= 5_000, "lowest \(lowest)")
        }
    }

    @Test func cdcShowsTheRecentPaymentsAndPurchases() async throws {
        try await withSandbox { client in
            try await client.seed("956", seed: 3, bills: 200, invoices: 150, accounts: 2, historyMonths: 6)
            let token = try await client.tokens("956").access
            let time = try #require(try await client.query("956", "SELECT COUNT(*) FROM Bill", token: token).json["time"] as? String)
            let since = WireTime.format(WireTime.parse(time)! - 20 * WireTime.dayMs)
            let encoded = since.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let cdc = try await client.api("GET", "956", "cdc?entities=Payment,Purchase,BillPayment,Invoice&changedSince=\(encoded)", token: token)
            let responses = (cdc.json["CDCResponse"] as? [[String: Any]])?.first?.objects("QueryResponse") ?? []
            #expect(responses.count == 4, "\(cdc.text.prefix(300))")
            var compared = 0
            for (position, entity) in ["Payment", "Purchase", "BillPayment", "Invoice"].enumerated() {
                let changed = Set(responses[position].objects(entity).compactMap { $0["Id"] as? String })
                let queried = try await client.rows("956", "SELECT * FROM \(entity) WHERE MetaData.LastUpdatedTime >= '\(since)' MAXRESULTS 1000", token: token)
                #expect(!changed.isEmpty && changed == Set(queried.compactMap { $0["Id"] as? String }), "\(entity)")
                compared += 1
            }
            #expect(compared == 4)
        }
    }

    @Test func theSameSeedAndDayGiveTheSameHistoryAndAnotherSeedAnother() async throws {
        let now = WireTime.parse("2026-06-15T10:00:00-07:00")!
        let a = Seeder.company(SeedRequest(realm: "1", seed: 9, bills: 120, invoices: 80, accounts: 2, historyMonths: 12), now: now)
        let b = Seeder.company(SeedRequest(realm: "1", seed: 9, bills: 120, invoices: 80, accounts: 2, historyMonths: 12), now: now)
        let c = Seeder.company(SeedRequest(realm: "1", seed: 10, bills: 120, invoices: 80, accounts: 2, historyMonths: 12), now: now)
        #expect(Self.digest(a, EntityName.allCases) == Self.digest(b, EntityName.allCases))
        #expect(Self.digest(a, EntityName.allCases) != Self.digest(c, EntityName.allCases))
        #expect(a.count(.payment) > 0 && a.count(.purchase) > 0)
    }

    /// Digests of Seeder.company(..., now: 1_790_000_000_000) computed with the sources of commit
    /// f844ba4, before history existed: without history the seeding is byte for byte what it was.
    @Test(arguments: [(7, 20, 10, 2, "235eaeca44778449"), (42, 500, 300, 3, "1db4599c27dc23c"), (1, 50, 30, 2, "25cf96501bc4129f")])
    func withoutHistoryTheCompanyIsByteForByteTheSeedingThereAlwaysWas(_ seed: Int, _ bills: Int, _ invoices: Int, _ accounts: Int,
                                                                       _ digest: String) {
        let company = Seeder.company(SeedRequest(realm: "9", seed: UInt64(seed), bills: bills, invoices: invoices, accounts: accounts,
                                                 historyMonths: 0), now: 1_790_000_000_000)
        #expect(Self.digest(company, [.bill, .invoice, .account, .billPayment, .vendor, .customer]) == digest)
        #expect(company.count(.payment) == 0 && company.count(.purchase) == 0 && company.history == nil)
    }

    @Test(arguments: [(-1, "history_months"), (121, "history_months")])
    func aMonthCountOutsideZeroToAHundredAndTwentyIsRefused(_ months: Int, _ field: String) async throws {
        try await withSandbox { client in
            let answer = try await client.send("POST", "/__sandbox/realms", json: ["realm": "957", "history_months": months])
            #expect(answer.status == 400 && (answer.json["error_description"] as? String)?.contains(field) == true, "\(answer.text)")
            #expect(try await client.control.realms().isEmpty)
        }
    }

    @Test func aCompanyWithoutBillsInvoicesOrBankAccountsStillGetsItsHistory() async throws {
        try await withSandbox { client in
            let summary = try await client.control.createRealm("958", bills: 0, invoices: 0, accounts: 0, historyMonths: 3)
            #expect(summary.bills == 0 && summary.invoices == 0 && summary.payments == 0 && summary.purchases > 10, "\(summary)")
            let token = try await client.tokens("958").access
            let types = Set(try await client.rows("958", "SELECT * FROM Purchase", token: token).compactMap { $0["PaymentType"] as? String })
            #expect(types == ["CreditCard"], "no bank account: everything goes on the card")
            do {
                _ = try await client.control.history(realm: "959")
                Issue.record("an unknown realm has a history")
            } catch let error as QBOSandboxControlError {
                #expect(error.status == 404)
            }
            try await client.control.createRealm("959", bills: 2, historyMonths: 0)
            await #expect(throws: QBOSandboxControlError.self) { _ = try await client.control.history(realm: "959") }
        }
    }

    /// FNV-1a over every record as rendered, table by table in Id order, and the next id.
    static func digest(_ company: Company, _ entities: [EntityName]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        for entity in entities {
            guard let table = company.tables[entity] else { continue }
            for id in table.orderedIds { mix(table.records[id]!.rendered().serialized()) }
        }
        mix(String(company.nextId))
        return String(hash, radix: 16)
    }
}
