import Foundation
import FoundationNetworking
import QBOSandbox
import RowColJSON
import Testing
@testable import QBO

/// The client against the QBOSandbox emulator, in process on port 0, over real loopback HTTP.
@Suite(.serialized) struct SandboxClientTests {
    final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    static let plainSession = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)

    struct Harness {
        let sandbox: QBOSandboxServer
        let realm: String
        let endpoints: QBOEndpoints
        let oauth: QBOOAuthClient
        let tokenFile: URL
        let manager: QBOTokenManager
        let clock = QBOManualClock()
        let exchanges = ClientHTTPTests.Exchanges()

        func client(retry: QBORetryPolicy = QBORetryPolicy(random: { 0.5 }), manager: QBOTokenManager? = nil,
                    transport: any QBOHTTPTransport = QBOURLSessionTransport()) -> QBOClient {
            let exchanges = self.exchanges
            return QBOClient(realmID: realm, endpoints: endpoints, tokens: manager ?? self.manager, transport: transport,
                             configuration: QBOClientConfiguration(retry: retry, registry: QBORealmRegistry(), clock: clock,
                                                                   observer: { exchanges.append($0) }))
        }

        /// Calls the sandbox's control API (`/__sandbox/…`).
        @discardableResult
        func control(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> (Int, JSONValue?) {
            var request = URLRequest(url: sandbox.baseURL.appendingPathComponent("__sandbox").appendingPathComponent(path))
            request.httpMethod = method
            if let body {
                request.httpBody = Data(body.serialized(.compact))
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await SandboxClientTests.plainSession.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? QBOJSONBody.parse(data))
        }
    }

    /// Starts a sandbox with one company, connects through the OAuth code flow, runs `body`, stops.
    /// - Parameter historyMonths: the company's months of past (0: every bill and invoice open, no
    ///   customer payments or purchases).
    static func withSandbox(bills: Int = 20, historyMonths: Int = 0, _ body: (Harness) async throws -> Void)
        async throws
    {
        // Strict rotation: a replaced refresh token is refused at once (Intuit allows 24 hours).
        var options = QBOSandboxOptions()
        options.previousRefreshTokenGrace = 0
        let sandbox = try await QBOSandboxServer.start(options)
        let folder = try TokenStoreTests.temporaryFolder()
        do {
            let endpoints = QBOEndpoints.local(sandbox.baseURL)
            let oauth = QBOOAuthClient(endpoints: endpoints, credentials: QBOAppCredentials(
                clientID: "sandbox-client", clientSecret: "sandbox-secret", redirectURI: "http://localhost:9/callback"))
            var seed = URLRequest(url: sandbox.baseURL.appendingPathComponent("__sandbox/realms"))
            seed.httpMethod = "POST"
            let company: JSONValue = ["realm": "9130", "seed": 7, "bills": .number(Decimal(bills)), "invoices": 5,
                                      "accounts": 2, "history_months": .number(Decimal(historyMonths))]
            seed.httpBody = Data(company.serialized(.compact))
            let (_, seeded) = try await plainSession.data(for: seed)
            #expect((seeded as? HTTPURLResponse)?.statusCode == 201)

            // The code flow: the authorize URL redirects back with code, state and realmId.
            let (_, redirect) = try await plainSession.data(from: oauth.authorizationURL(state: "xyz"))
            let location = try #require((redirect as? HTTPURLResponse)?.value(forHTTPHeaderField: "Location"))
            let items = URLComponents(string: location)?.queryItems ?? []
            let code = try #require(items.first { $0.name == "code" }?.value)
            #expect(items.first { $0.name == "state" }?.value == "xyz")
            let realm = try #require(items.first { $0.name == "realmId" }?.value)

            let tokenFile = folder.appendingPathComponent("secrets/advisor-1/business-1.json")
            let manager = QBOTokenManager(store: QBOTokenStore.file(tokenFile), oauth: oauth)
            try await manager.connect(code: code, realmID: realm)
            try await body(Harness(sandbox: sandbox, realm: realm, endpoints: endpoints, oauth: oauth, tokenFile: tokenFile, manager: manager))
        } catch {
            try? await sandbox.stop()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        try await sandbox.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Makes the stored access token look expired, so the next call refreshes.
    static func expireAccessToken(_ file: URL) throws {
        let store = QBOTokenStore.file(file)
        var tokens = try #require(try store.load())
        tokens.accessTokenExpiresAt = Date(timeIntervalSince1970: 0)
        try store.save(tokens)
    }

    @Test func codeFlowThenRefreshRotatesAndTheOldRefreshTokenDies() async throws {
        try await Self.withSandbox { h in
            let first = try #require(try QBOTokenStore.file(h.tokenFile).load())
            #expect(first.realmID == "9130")
            #expect(first.status == .active)
            #expect(try await h.client().count(QBOBill.self) == 20)

            // A fresh manager reads the file, as a new process would.
            try Self.expireAccessToken(h.tokenFile)
            let manager = QBOTokenManager(store: QBOTokenStore.file(h.tokenFile), oauth: h.oauth)
            #expect(try await h.client(manager: manager).count(QBOBill.self) == 20)
            let second = try #require(try QBOTokenStore.file(h.tokenFile).load())
            #expect(second.accessToken != first.accessToken)
            #expect(second.refreshToken != first.refreshToken, "the sandbox rotates refresh tokens")

            let error = await #expect(throws: QBOError.self) { _ = try await h.oauth.refresh(refreshToken: first.refreshToken) }
            #expect(error?.code == .reconnectRequired)
        }
    }

    @Test func twoTokenStoresRefreshingAtOnceKeepTheConnection() async throws {
        try await Self.withSandbox { h in
            try Self.expireAccessToken(h.tokenFile)
            let a = QBOTokenManager(store: QBOTokenStore.file(h.tokenFile), oauth: h.oauth)
            let b = QBOTokenManager(store: QBOTokenStore.file(h.tokenFile), oauth: h.oauth)
            async let countA = h.client(manager: a).count(QBOBill.self)
            async let countB = h.client(manager: b).count(QBOBill.self)
            let counts = try await [countA, countB]
            #expect(counts == [20, 20])
            let stored = try #require(try QBOTokenStore.file(h.tokenFile).load())
            #expect(stored.status == .active)
            // The stored refresh token is the live one: spending it works.
            try Self.expireAccessToken(h.tokenFile)
            let c = QBOTokenManager(store: QBOTokenStore.file(h.tokenFile), oauth: h.oauth)
            #expect(try await h.client(manager: c).count(QBOBill.self) == 20)
        }
    }

    @Test func invalidGrantBecomesReconnectRequired() async throws {
        try await Self.withSandbox { h in
            let stored = try #require(try QBOTokenStore.file(h.tokenFile).load())
            _ = try await h.oauth.refresh(refreshToken: stored.refreshToken)
            try Self.expireAccessToken(h.tokenFile)
            let manager = QBOTokenManager(store: QBOTokenStore.file(h.tokenFile), oauth: h.oauth)
            let error = await #expect(throws: QBOError.self) { _ = try await h.client(manager: manager).count(QBOBill.self) }
            #expect(error?.code == .reconnectRequired)
            #expect(try QBOTokenStore.file(h.tokenFile).load()?.status == .revoked)
        }
    }

    @Test func a2500BillCompanyIsPagedCompletely() async throws {
        try await Self.withSandbox(bills: 2500) { h in
            let client = h.client()
            #expect(try await client.count(QBOBill.self) == 2500)
            var sizes: [Int] = []
            var ids = Set<String>()
            for try await page in client.queryPages(QBOBill.self, orderBy: "Id") {
                sizes.append(page.items.count)
                ids.formUnion(page.items.map(\.id))
                #expect(page.items.allSatisfy { $0.totalAmt != nil && $0.raw["Id"] != nil })
            }
            #expect(sizes == [1000, 1000, 500])
            #expect(ids.count == 2500)
        }
    }

    @Test func cdcReturnsChangesAndDeletions() async throws {
        try await Self.withSandbox { h in
            let client = h.client()
            let bills = try await client.queryAll(QBOBill.self, orderBy: "Id")
            let cursor = try #require(try await client.query("SELECT COUNT(*) FROM Bill")["time"]?.stringValue)
            try await h.control("POST", "clock", ["advance_seconds": 2])
            let (patched, _) = try await h.control("PATCH", "realms/\(h.realm)/bill/\(bills[0].id)", ["DueDate": "2027-01-15"])
            let (deleted, _) = try await h.control("DELETE", "realms/\(h.realm)/bill/\(bills[1].id)")
            #expect(patched == 200 && deleted == 200)

            let result = try await client.changes(changedSince: cursor)
            let changed = try result.changes(for: "Bill").decoded(as: QBOBill.self)
            #expect(changed.map(\.id) == [bills[0].id])
            #expect(changed.first?.dueDate?.description == "2027-01-15")
            #expect(result.changes(for: "Bill").deleted.map(\.id) == [bills[1].id])
            #expect(!result.time.isEmpty)
        }
    }

    @Test func theSandboxsHistoryDecodesInJSONXMLAndCDC() async throws {
        try await Self.withSandbox(bills: 60, historyMonths: 6) { h in
            let client = h.client()
            let payments = try await client.queryAll(QBOPayment.self, orderBy: "Id")
            let billPayments = try await client.queryAll(QBOBillPayment.self, orderBy: "Id")
            let purchases = try await client.queryAll(QBOPurchase.self, orderBy: "Id")
            #expect(payments.count > 3 && billPayments.count > 10 && purchases.count > 30)
            for payment in payments {
                let applied = payment.paidInvoices.reduce(Decimal(0)) { $0 + $1.amount }
                #expect(applied + (payment.unappliedAmt ?? 0) == payment.totalAmt, "Payment \(payment.id)")
                #expect(payment.customerRef != nil && payment.txnDate != nil && payment.depositToAccountRef != nil)
            }
            for payment in billPayments {
                #expect(!payment.paidBillIDs.isEmpty && payment.vendorRef != nil && payment.paymentAccountRef != nil)
                #expect(payment.lines.reduce(Decimal(0)) { $0 + ($1.amount ?? 0) } == payment.totalAmt)
            }
            for purchase in purchases {
                #expect(["Check", "Cash", "CreditCard"].contains(purchase.paymentType ?? ""), "Purchase \(purchase.id)")
                #expect(purchase.lines.reduce(Decimal(0)) { $0 + ($1.amount ?? 0) } == purchase.totalAmt)
                #expect(purchase.lines.allSatisfy { $0.accountRef != nil } && purchase.accountRef != nil)
                if let payee = purchase.entityRef { #expect(purchase.entityType == "Vendor", "\(payee)") }
            }
            #expect(Set(purchases.compactMap(\.paymentType)) == ["Check", "Cash", "CreditCard"])

            // The same entities read as XML (what QBO sends some clients) decode to the same values.
            let token = try #require(try QBOTokenStore.file(h.tokenFile).load()).accessToken
            func xml(_ path: String) async throws -> JSONValue {
                let url = try #require(URL(string: h.sandbox.baseURL.absoluteString + "/v3/company/\(h.realm)/\(path)"))
                var request = URLRequest(url: url)
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                request.setValue("application/xml", forHTTPHeaderField: "Accept")
                let (data, _) = try await Self.plainSession.data(for: request)
                let start = String(decoding: data.prefix(80), as: UTF8.self)
                #expect(data.first == UInt8(ascii: "<"), "\(path) answered \(start)")
                return try QBOClient.interpret(QBOHTTPResponse(status: 200, headers: [:], body: data)).get()
            }
            let payment = try #require(payments.last)
            let fromXML = try QBOClient.entity(QBOPayment.self, in: try await xml("payment/\(payment.id)"))
            #expect(fromXML.paidInvoices.map(\.id) == payment.paidInvoices.map(\.id))
            #expect(fromXML.paidInvoices.map(\.amount) == payment.paidInvoices.map(\.amount))
            #expect(fromXML.totalAmt == payment.totalAmt && fromXML.customerRef == payment.customerRef)
            #expect(fromXML.txnDate == payment.txnDate)
            #expect(fromXML.depositToAccountRef?.value == payment.depositToAccountRef?.value)
            let check = purchases.first { $0.paymentType == "Check" }
            for purchase in [check, purchases.first { $0.paymentType == "CreditCard" }] {
                let purchase = try #require(purchase)
                let again = try QBOClient.entity(QBOPurchase.self, in: try await xml("purchase/\(purchase.id)"))
                #expect(again.totalAmt == purchase.totalAmt && again.paymentType == purchase.paymentType)
                #expect(again.accountRef == purchase.accountRef && again.entityRef == purchase.entityRef)
                #expect(again.entityType == purchase.entityType)
                #expect(again.lines.map(\.accountRef) == purchase.lines.map(\.accountRef))
            }
            let billPayment = try #require(billPayments.last)
            let paidXML = try await xml("billpayment/\(billPayment.id)")
            let paidFromXML = try QBOClient.entity(QBOBillPayment.self, in: paidXML)
            #expect(paidFromXML.paidBillIDs == billPayment.paidBillIDs && paidFromXML.totalAmt == billPayment.totalAmt)

            // CDC carries them too, in JSON and in XML.
            let since = Date().addingTimeInterval(-25 * 86_400)
            let recent = try await client.changes(entities: ["Payment", "Purchase", "BillPayment"], since: since)
            let recentPurchases = try recent.changes(for: "Purchase").decoded(as: QBOPurchase.self)
            #expect(!recentPurchases.isEmpty)
            #expect(Set(recentPurchases.map(\.id)).isSubset(of: Set(purchases.map(\.id))))
            _ = try recent.changes(for: "Payment").decoded(as: QBOPayment.self)
            _ = try recent.changes(for: "BillPayment").decoded(as: QBOBillPayment.self)
            let start = ISO8601DateFormatter().string(from: since)
            let viaXML = try QBOCDCResult(json: try await xml("cdc?entities=Purchase&changedSince=\(start)"))
            let xmlPurchases = try viaXML.changes(for: "Purchase").decoded(as: QBOPurchase.self)
            #expect(xmlPurchases.map(\.id) == recentPurchases.map(\.id))
        }
    }

    static func payment(for bill: QBOBill, bank: QBOAccount, amount: Decimal) -> JSONValue {
        ["VendorRef": ["value": .string(bill.vendorRef?.value ?? "")], "PayType": "Check",
         "CheckPayment": ["BankAccountRef": ["value": .string(bank.id)]], "TotalAmt": .number(amount),
         "Line": [["Amount": .number(amount), "LinkedTxn": [["TxnId": .string(bill.id), "TxnType": "Bill"]]]]]
    }

    @Test func theSameRequestIDTwiceMakesOneBillPaymentAndAStaleSyncTokenIs5010() async throws {
        try await Self.withSandbox { h in
            let client = h.client()
            let bank = try #require(try await client.queryAll(QBOAccount.self, where: "AccountType = 'Bank'").first)
            let bill = try #require(try await client.queryAll(QBOBill.self, where: "Balance > '0'").first)
            let amount = try #require(bill.balance)
            let body = Self.payment(for: bill, bank: bank, amount: amount)
            let first = try await client.createBillPayment(body, requestID: "approve-\(bill.id)")
            let second = try await client.createBillPayment(body, requestID: "approve-\(bill.id)")
            #expect(first.id == second.id)
            #expect(first.totalAmt == amount)
            #expect(try await client.count(QBOBillPayment.self, where: "Id = '\(first.id)'") == 1)
            let paid = try await client.read(QBOBill.self, id: bill.id)
            #expect(paid.balance == 0)
            #expect(paid.linkedTxns.contains { $0.txnID == first.id })

            let stale = try #require(paid.syncToken)
            _ = try await client.sparseUpdate(QBOBill.self, id: bill.id, syncToken: stale, fields: ["PrivateNote": "first"])
            let error = await #expect(throws: QBOError.self) {
                _ = try await client.sparseUpdate(QBOBill.self, id: bill.id, syncToken: stale, fields: ["PrivateNote": "second"])
            }
            #expect(error?.code == .staleObject)
            #expect(error?.faults.first?.code == "5010")
            #expect(error?.intuitTID != nil)

            let missing = await #expect(throws: QBOError.self) { _ = try await client.read(QBOBill.self, id: "999999") }
            #expect(missing?.code == .notFound)
        }
    }

    @Test func injected429sAreRetriedWithinBoundsThenSurfaceAsThrottled() async throws {
        try await Self.withSandbox { h in
            let client = h.client(retry: QBORetryPolicy(maxAttempts: 3, baseDelay: 1, maxDelay: 30, random: { 1 }))
            try await h.control("POST", "faults", ["kind": "429", "count": 2, "realm": .string(h.realm)])
            #expect(try await client.count(QBOBill.self) == 20)
            #expect(h.exchanges.all.map(\.status) == [429, 429, 200])
            #expect(h.clock.sleeps == [1, 2])

            try await h.control("POST", "faults", ["kind": "429", "count": 5, "realm": .string(h.realm)])
            let error = await #expect(throws: QBOError.self) { _ = try await client.count(QBOBill.self) }
            #expect(error?.code == .throttled)
            #expect(error?.httpStatus == 429)
            #expect(h.exchanges.all.count == 6, "three attempts, then the error")
        }
    }

    /// A storage that reads the real file and refuses every write, as a disk that fails its fsync.
    struct UnwritableStorage: QBOTokenStorage {
        let base: any QBOTokenStorage
        var location: String { base.location }
        func read() throws -> Data? { try base.read() }
        func write(_ data: Data) throws { throw CocoaError(.fileWriteUnknown) }
        func withExclusiveLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
            try await base.withExclusiveLock(body)
        }
    }

    @Test func aRotatedTokenThatCannotBeSavedIsNeverUsed() async throws {
        try await Self.withSandbox { h in
            try Self.expireAccessToken(h.tokenFile)
            let before = try Data(contentsOf: h.tokenFile)
            let store = QBOTokenStore(storage: UnwritableStorage(base: QBOTokenStore.file(h.tokenFile).storage))
            let manager = QBOTokenManager(store: store, oauth: h.oauth)
            let error = await #expect(throws: QBOError.self) { _ = try await h.client(manager: manager).count(QBOBill.self) }
            #expect(error?.code == .tokenStore)
            #expect(error?.message.contains("not used") == true, "\(String(describing: error))")
            #expect(h.exchanges.all.isEmpty, "a call went out with a token that is not on disk: \(h.exchanges.all)")
            #expect(try Data(contentsOf: h.tokenFile) == before)
        }
    }

    @Test(arguments: ["401", "xml401"])
    func authenticationFaultsInBothShapesRefreshAndRetry(kind: String) async throws {
        try await Self.withSandbox { h in
            let before = try #require(try QBOTokenStore.file(h.tokenFile).load())
            try await h.control("POST", "faults", ["kind": .string(kind), "count": 1, "realm": .string(h.realm)])
            #expect(try await h.client().count(QBOBill.self) == 20)
            #expect(h.exchanges.all.map(\.status) == [401, 200])
            #expect(try QBOTokenStore.file(h.tokenFile).load()?.refreshToken != before.refreshToken)
        }
    }

    @Test func a5xxIsNotRetriedForACreateWithoutRequestID() async throws {
        try await Self.withSandbox { h in
            let client = h.client()
            let bank = try #require(try await client.queryAll(QBOAccount.self, where: "AccountType = 'Bank'").first)
            let bill = try #require(try await client.queryAll(QBOBill.self, where: "Balance > '0'").first)
            let calls = h.exchanges.all.count
            try await h.control("POST", "faults", ["kind": "503", "count": 1, "realm": .string(h.realm)])
            let error = await #expect(throws: QBOError.self) {
                _ = try await client.createBillPayment(Self.payment(for: bill, bank: bank, amount: 1), requestID: nil)
            }
            #expect(error?.code == .serviceUnavailable)
            #expect(h.exchanges.all.count == calls + 1)
        }
    }

    @Test func droppedConnectionsAndTimeoutsAreTransportErrorsAndRetriedReadsRecover() async throws {
        try await Self.withSandbox { h in
            let client = h.client(retry: .disabled, transport: QBOURLSessionTransport(timeout: 1))
            try await h.control("POST", "faults", ["kind": "drop", "count": 1, "realm": .string(h.realm)])
            let dropped = await #expect(throws: QBOError.self) { _ = try await client.count(QBOBill.self) }
            #expect(dropped?.code == .transport)
            #expect(dropped?.transportReason == .dropped)

            try await h.control("POST", "faults", ["kind": "timeout", "count": 1, "hold_seconds": 3, "realm": .string(h.realm)])
            let timedOut = await #expect(throws: QBOError.self) { _ = try await client.count(QBOBill.self) }
            #expect(timedOut?.code == .transport)
            #expect(timedOut?.transportReason == .timeout)

            let retrying = h.client()
            try await h.control("POST", "faults", ["kind": "drop", "count": 1, "realm": .string(h.realm)])
            #expect(try await retrying.count(QBOBill.self) == 20)
        }
    }
}
