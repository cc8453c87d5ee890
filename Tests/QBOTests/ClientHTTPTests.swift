import Foundation
import RowColJSON
import Testing
@testable import QBO

/// The client over real loopback HTTP against ``LoopbackQBO``.
@Suite(.serialized) struct ClientHTTPTests {
    final class Exchanges: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [QBOExchange] = []
        func append(_ exchange: QBOExchange) { lock.withLock { items.append(exchange) } }
        var all: [QBOExchange] { lock.withLock { items } }
    }

    struct Setup {
        let qbo: LoopbackQBO
        let folder: URL
        let tokenFile: URL
        let oauth: QBOOAuthClient
        let manager: QBOTokenManager
        let clock: QBOManualClock
        let exchanges: Exchanges

        func client(retry: QBORetryPolicy = QBORetryPolicy(random: { 0.5 }),
                    breaker: QBOCircuitBreaker.Settings = .init(), manager: QBOTokenManager? = nil,
                    endpoints: QBOEndpoints? = nil) async -> QBOClient {
            let exchanges = self.exchanges
            let configuration = QBOClientConfiguration(retry: retry, circuitBreaker: breaker, registry: QBORealmRegistry(),
                                                       clock: clock, observer: { exchanges.append($0) })
            let local = await qbo.endpoints
            return QBOClient(realmID: "9130", endpoints: endpoints ?? local, tokens: manager ?? self.manager,
                             configuration: configuration)
        }
    }

    static func withLoopback(_ body: (Setup) async throws -> Void) async throws {
        let qbo = LoopbackQBO()
        try await qbo.start()
        let folder = try TokenStoreTests.temporaryFolder()
        let tokenFile = folder.appendingPathComponent("secrets/advisor-1/business-1.json")
        let oauth = QBOOAuthClient(endpoints: await qbo.endpoints,
                                   credentials: QBOAppCredentials(clientID: "client", clientSecret: "secret", redirectURI: "http://localhost/cb"))
        let manager = QBOTokenManager(store: QBOTokenStore.file(tokenFile), oauth: oauth)
        try await manager.connect(code: "good-code", realmID: "9130")
        do {
            try await body(Setup(qbo: qbo, folder: folder, tokenFile: tokenFile, oauth: oauth, manager: manager,
                                 clock: QBOManualClock(), exchanges: Exchanges()))
        } catch {
            await qbo.stop()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        await qbo.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func codeFlowWritesTheTokenFileAndCallsCarryTheBearerAndMinorVersion() async throws {
        try await Self.withLoopback { setup in
            let stored = try #require(try QBOTokenStore.file(setup.tokenFile).load())
            #expect(stored.accessToken == "access-1")
            #expect(stored.refreshToken == "refresh-1")
            #expect(stored.realmID == "9130")
            #expect(stored.status == .active)
            let token = try #require(await setup.qbo.seen.first)
            #expect(token.headers["authorization"] == "Basic " + Data("client:secret".utf8).base64EncodedString())
            #expect(token.headers["content-type"] == "application/x-www-form-urlencoded")

            await setup.qbo.setBills(3)
            let client = await setup.client()
            #expect(try await client.count(QBOBill.self) == 3)
            let request = try #require(await setup.qbo.apiRequests().last)
            #expect(request.query["minorversion"] == "75")
            #expect(request.headers["authorization"] == "Bearer access-1")
            #expect(request.headers["accept"] == "application/json")
            #expect(request.headers["content-type"] == "application/text")
            #expect(String(decoding: request.body, as: UTF8.self) == "SELECT COUNT(*) FROM Bill")
            #expect(setup.exchanges.all.map(\.status) == [200])
            #expect(setup.exchanges.all.first?.intuitTID != nil)
            #expect(setup.exchanges.all.first?.path == "/v3/company/9130/query")
        }
    }

    @Test func a401RefreshesOnceWithRotationAndRetries() async throws {
        try await Self.withLoopback { setup in
            await setup.qbo.setBills(1)
            await setup.qbo.expireAccessToken()
            let client = await setup.client()
            #expect(try await client.count(QBOBill.self) == 1)
            let stored = try #require(try QBOTokenStore.file(setup.tokenFile).load())
            #expect(stored.refreshToken == "refresh-2")
            #expect(stored.accessToken == "access-2")
            #expect(await setup.qbo.refreshCalls == 1)
            #expect(setup.exchanges.all.map(\.status) == [401, 200])
        }
    }

    @Test func twoStoresRefreshingAtOnceSpendTheRefreshTokenOnce() async throws {
        try await Self.withLoopback { setup in
            await setup.qbo.setRefreshDelay(0.2)
            await setup.qbo.expireAccessToken()
            await setup.qbo.setBills(2)
            // Two managers with separate store instances on the same file, as two processes would have.
            let first = QBOTokenManager(store: QBOTokenStore.file(setup.tokenFile), oauth: setup.oauth)
            let second = QBOTokenManager(store: QBOTokenStore.file(setup.tokenFile), oauth: setup.oauth)
            let clientA = await setup.client(manager: first)
            let clientB = await setup.client(manager: second)
            async let a = clientA.count(QBOBill.self)
            async let b = clientB.count(QBOBill.self)
            let (countA, countB) = try await (a, b)
            #expect(countA == 2 && countB == 2)
            #expect(await setup.qbo.refreshCalls == 1, "the second refresher must reuse the first one's tokens")
            let stored = try #require(try QBOTokenStore.file(setup.tokenFile).load())
            #expect(stored.status == .active)
            #expect(stored.refreshToken == (await setup.qbo.refreshToken))
        }
    }

    @Test func invalidGrantIsReconnectRequiredAndMarksTheFileRevoked() async throws {
        try await Self.withLoopback { setup in
            await setup.qbo.expireAccessToken()
            // Another party spends the refresh token first.
            _ = try await setup.oauth.refresh(refreshToken: "refresh-1")
            let client = await setup.client()
            let error = await #expect(throws: QBOError.self) { try await client.count(QBOBill.self) }
            #expect(error?.code == .reconnectRequired)
            #expect(error?.httpStatus == 400)
            #expect(try QBOTokenStore.file(setup.tokenFile).load()?.status == .revoked)
            // Later calls fail fast, without a network call.
            let before = await setup.qbo.seen.count
            await #expect(throws: QBOError.self) { try await setup.manager.accessToken() }
            #expect(await setup.qbo.seen.count == before)
        }
    }

    @Test func aLargeCompanyIsStreamedPageByPage() async throws {
        try await Self.withLoopback { setup in
            await setup.qbo.setBills(2500)
            let client = await setup.client()
            var pages: [Int] = []
            var ids = Set<String>()
            var total = Decimal(0)
            for try await page in client.queryPages(QBOBill.self, orderBy: "Id") {
                pages.append(page.items.count)
                for bill in page.items {
                    ids.insert(bill.id)
                    total += bill.balance ?? 0
                }
            }
            #expect(pages == [1000, 1000, 500])
            #expect(ids.count == 2500)
            #expect(total == Decimal(2500 * 2501 / 2) + Decimal(string: "625")!)
            let statements = await setup.qbo.apiRequests().map { String(decoding: $0.body, as: UTF8.self) }
            #expect(statements == ["SELECT * FROM Bill ORDERBY Id STARTPOSITION 1 MAXRESULTS 1000",
                                   "SELECT * FROM Bill ORDERBY Id STARTPOSITION 1001 MAXRESULTS 1000",
                                   "SELECT * FROM Bill ORDERBY Id STARTPOSITION 2001 MAXRESULTS 1000"])
        }
    }

    @Test func cdcReturnsChangesDeletionsAndTheCursor() async throws {
        try await Self.withLoopback { setup in
            let client = await setup.client()
            let result = try await client.changes(changedSince: "2026-11-27T00:00:00-08:00")
            #expect(result.time == "2026-11-28T01:02:03.456-08:00")
            #expect(try result.changes(for: "Bill").decoded(as: QBOBill.self).map(\.id) == ["7"])
            #expect(result.changes(for: "Bill").deleted.map(\.id) == ["8"])
            let request = try #require(await setup.qbo.apiRequests().last)
            #expect(request.method == "GET")
            #expect(request.query["entities"] == "Bill,Invoice,BillPayment")
            #expect(request.query["changedSince"] == "2026-11-27T00:00:00-08:00")
        }
    }

    static let paymentBody: JSONValue = [
        "VendorRef": ["value": "40"], "PayType": "Check", "CheckPayment": ["BankAccountRef": ["value": "35"]],
        "TotalAmt": .number(Decimal(string: "900.10")!), "Line": [["Amount": .number(Decimal(string: "900.10")!), "LinkedTxn": [["TxnId": "24", "TxnType": "Bill"]]]],
    ]

    @Test func theSameRequestIDTwiceMakesOnePayment() async throws {
        try await Self.withLoopback { setup in
            let client = await setup.client()
            let first = try await client.createBillPayment(Self.paymentBody, requestID: "approve-24-1")
            let second = try await client.createBillPayment(Self.paymentBody, requestID: "approve-24-1")
            #expect(first.id == second.id)
            #expect(first.totalAmt == Decimal(string: "900.10"))
            #expect(first.paidBillIDs == ["24"])
            #expect(await setup.qbo.paymentCount == 1)
            #expect(await setup.qbo.apiRequests().last?.query["requestid"] == "approve-24-1")
            await #expect(throws: QBOError.self) {
                _ = try await client.createBillPayment(Self.paymentBody, requestID: String(repeating: "x", count: 51))
            }
        }
    }

    @Test func aStaleSyncTokenIsAStaleObjectError() async throws {
        try await Self.withLoopback { setup in
            let client = await setup.client()
            let updated = try await client.sparseUpdate(QBOBill.self, id: "7", syncToken: "0", fields: ["DueDate": "2026-12-24"])
            #expect(updated.syncToken == "1")
            #expect(updated.dueDate?.description == "2026-12-24")
            let sent = try QBOJSONBody.parse(#require(await setup.qbo.apiRequests().last).body)
            #expect(sent["sparse"] == true)
            let error = await #expect(throws: QBOError.self) {
                _ = try await client.sparseUpdate(QBOBill.self, id: "7", syncToken: "0", fields: ["DueDate": "2026-12-31"])
            }
            #expect(error?.code == .staleObject)
            #expect(error?.httpStatus == 400)
            #expect(error?.intuitTID?.hasPrefix("tid-") == true)
            #expect(setup.exchanges.all.count == 2, "validation faults are never retried")
        }
    }

    @Test func throttlingIsRetriedWithinBoundsThenSurfaces() async throws {
        try await Self.withLoopback { setup in
            let throttled = try Fixture.data("xml/too_many_requests_error.xml")
            await setup.qbo.setBills(1)
            await setup.qbo.script([(429, ["Retry-After": "2"], throttled), (429, [:], throttled)])
            let client = await setup.client(retry: QBORetryPolicy(maxAttempts: 4, baseDelay: 1, maxDelay: 30, random: { 1 }))
            #expect(try await client.count(QBOBill.self) == 1)
            // Retry-After first, then full jitter pinned to its ceiling (1 · 2^1).
            #expect(setup.clock.sleeps == [2, 2])
            #expect(setup.exchanges.all.map(\.attempt) == [1, 2, 3])

            await setup.qbo.script(Array(repeating: (429, [:], throttled), count: 10))
            let error = await #expect(throws: QBOError.self) { try await client.count(QBOBill.self) }
            #expect(error?.code == .throttled)
            #expect(error?.faults.first?.code == "3001")
            #expect(error?.intuitTID != nil)
            #expect(setup.exchanges.all.count == 3 + 4, "four attempts in all, then the error")
        }
    }

    @Test func aCreateIsRetriedOnlyWhenQBOProvablyDidNotProcessIt() async throws {
        try await Self.withLoopback { setup in
            let generic = try Fixture.data("xml/generic_error.xml")
            let throttled = try Fixture.data("xml/throttle_exceeded_error.xml")
            await setup.qbo.script([(503, [:], generic)])
            let client = await setup.client()
            let error = await #expect(throws: QBOError.self) { _ = try await client.createBillPayment(Self.paymentBody, requestID: nil) }
            #expect(error?.code == .serviceUnavailable)
            #expect(error?.faults.first?.code == "10000")
            #expect(setup.exchanges.all.count == 1)

            // A 503 may come after QBO committed the write, and its requestid replay is not
            // trusted: the client must not send it again by itself.
            await setup.qbo.script([(503, [:], generic)])
            let unknown = await #expect(throws: QBOError.self) {
                _ = try await client.createBillPayment(Self.paymentBody, requestID: "approve-2")
            }
            #expect(unknown?.code == .serviceUnavailable)
            #expect(setup.exchanges.all.count == 2)

            // A 429 proves QBO did not process it: that one is retried.
            await setup.qbo.script([(429, [:], throttled)])
            let payment = try await client.createBillPayment(Self.paymentBody, requestID: "approve-3")
            #expect(!payment.id.isEmpty)
            #expect(setup.exchanges.all.count == 4)
        }
    }

    @Test func faultsInEveryShapeAndMalformedBodiesOverHTTP() async throws {
        try await Self.withLoopback { setup in
            let client = await setup.client(retry: .disabled)
            await setup.qbo.script([
                (400, ["Content-Type": "application/xml"], try Fixture.data("xml/query_validation_error.xml")),
                (200, [:], try Fixture.data("json/fault_duplicate_name.json")),
                (200, ["Content-Type": "text/html"], Data("<!DOCTYPE html><html><body>Oops".utf8)),
                (200, [:], Data(#"{"QueryResponse": {"totalCount": 1"#.utf8)),
                (200, [:], Data()),
            ])
            var codes: [QBOError.Code] = []
            for _ in 0..<5 {
                do { _ = try await client.count(QBOBill.self) } catch let error as QBOError { codes.append(error.code) }
            }
            #expect(codes == [.validation, .validation, .decoding, .decoding, .decoding])
        }
    }

    @Test func refusedConnectionsAreTransportErrorsAndOpenTheBreaker() async throws {
        try await Self.withLoopback { setup in
            // A port nobody listens on: bind one, note it, close it.
            let closed = LoopbackQBO()
            try await closed.start()
            let deadURL = await closed.baseURL
            await closed.stop()
            let client = await setup.client(retry: .disabled, breaker: .init(failureThreshold: 2, coolDown: 60),
                                            endpoints: .local(deadURL))
            for _ in 0..<2 {
                let error = await #expect(throws: QBOError.self) { try await client.count(QBOBill.self) }
                #expect(error?.code == .transport)
                #expect(error?.transportReason == .refused)
            }
            let open = await #expect(throws: QBOError.self) { try await client.count(QBOBill.self) }
            #expect(open?.code == .circuitOpen)
            #expect(setup.exchanges.all.count == 2, "an open circuit sends nothing")
        }
    }

    @Test func anExpiredRefreshTokenNeedsAReconnectWithoutACall() async throws {
        try await Self.withLoopback { setup in
            let store = QBOTokenStore.file(setup.tokenFile)
            var tokens = try #require(try store.load())
            tokens.accessTokenExpiresAt = Date(timeIntervalSince1970: 0)
            tokens.refreshTokenExpiresAt = Date(timeIntervalSince1970: 1)
            try store.save(tokens)
            let before = await setup.qbo.seen.count
            let manager = QBOTokenManager(store: store, oauth: setup.oauth)
            let error = await #expect(throws: QBOError.self) { _ = try await manager.accessToken() }
            #expect(error?.code == .reconnectRequired)
            #expect(try store.load()?.status == .expired)
            #expect(await setup.qbo.seen.count == before)
        }
    }

    @Test func idsThatWouldLeaveThePathAreRefused() async throws {
        try await Self.withLoopback { setup in
            let client = await setup.client()
            for id in ["../query", "a/b", "", "1?x=2"] {
                let error = await #expect(throws: QBOError.self) { _ = try await client.read(QBOBill.self, id: id) }
                #expect(error?.code == .invalidArgument)
            }
            #expect(await setup.qbo.apiRequests().isEmpty)
        }
    }
}
