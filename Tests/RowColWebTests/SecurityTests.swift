import Hummingbird
import NIOCore
import QBOSandbox
import RowColTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import RowCol
@testable import RowColWeb
import Testing

extension WebTests {
    /// The access model of DESIGN §11: token, Host, CSRF, origin, the advisor's own businesses only,
    /// hostile ids, no secret in any answer, read-only.
    @Suite struct SecurityTests {
        @Test func withoutTheTokenNothingIsAnswered() async throws {
            let fixture = try await WebFixture.shared()
            let workbench = try fixture.workbench()
            try await withRouter(workbench) { web in
                var checked = 0
                for route in workbench.routes where !route.path.contains("{") {
                    for auth in [WebClient.Auth.none, .wrongToken] {
                        let answer = route.method == .get ? try await web.get(route.path, auth) : try await web.post(route.path, auth, json: "{}")
                        #expect(answer.status == .unauthorized, "\(route.method) \(route.path) with \(auth)")
                        #expect(answer.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                        checked += 1
                    }
                }
                #expect(checked >= 20)
                let api = try await web.get("/api/v1/console", .none)
                #expect(try api.object()["error"] != nil)
                #expect(try await web.get("/", .none).text.contains("<h1>401"))
                #expect(try await web.get("/api/v1/console", .none, headers: [.cookie: "rowcol_8040=guess"]).status == .unauthorized)
                #expect(try await web.get("/?token=guess", .none).status == .unauthorized)
            }
        }

        @Test func theTokenInTheURLBecomesACookieAndLeavesTheAddressBar() async throws {
            let fixture = try await WebFixture.shared()
            let workbench = try fixture.workbench()
            try await withRouter(workbench) { web in
                let entry = try await web.get("/businesses/acme?week=2&token=\(WebFixture.token)", .none)
                #expect(entry.status == .seeOther)
                #expect(entry.headers[.location] == "/businesses/acme?week=2")
                let cookie = try #require(entry.headers[.setCookie])
                #expect(cookie.hasPrefix("rowcol_8040=\(WebFixture.token);"))
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
                let page = try await web.get("/businesses/acme?week=2", .none, headers: [.cookie: String(cookie.prefix { $0 != ";" })])
                #expect(page.status == .ok)
                #expect(!page.text.contains(WebFixture.token))
            }
        }

        @Test func aCookieRequestThatChangesSomethingNeedsTheCSRFTokenABearerOneDoesNot() async throws {
            let fixture = try await WebFixture.shared()
            let paymentsBefore = try await fixture.paymentsCreated()
            let workbench = try fixture.workbench()
            let bill = try #require(try fixture.openBills("acme").first)
            let body = "{\"bill_id\":\"\(bill.id)\",\"amount\":\"1.00\",\"pay_on\":\"2026-12-01\"}"
            try await withRouter(workbench) { web in
                for (uri, json) in [("/api/v1/businesses/acme/payments", body), ("/api/v1/sync", "{}"), ("/api/v1/businesses/acme/sync", "{}")] {
                    let refused = try await web.post(uri, .cookie, json: json, headers: [HTTPField.Name("Idempotency-Key")!: "k-\(uri.count)"])
                    #expect(refused.status == .forbidden, "\(uri)")
                    #expect(try refused.object()["error"].map { "\($0)" }?.contains("csrf_failed") == true)
                    let wrong = try await web.post(uri, .cookie, json: json, headers: [
                        HTTPField.Name("Idempotency-Key")!: "k-\(uri.count)", HTTPField.Name("X-CSRF-Token")!: "forged",
                    ])
                    #expect(wrong.status == .forbidden, "\(uri)")
                }
                #expect(try await fixture.paymentsCreated() == paymentsBefore)
                let form = try await web.post("/sync", .cookie, form: "business=acme")
                #expect(form.status == .forbidden)
                let formWrong = try await web.post("/sync", .cookie, form: "business=acme&csrf_token=forged")
                #expect(formWrong.status == .forbidden)

                let bearer = try await web.post("/api/v1/businesses/acme/sync", .bearer)
                #expect(bearer.status == .ok)
                let withHeader = try await web.post("/api/v1/businesses/acme/sync", .cookieWithCSRF)
                #expect(withHeader.status == .ok)
                let withField = try await web.post("/sync", .cookie, form: "business=acme&csrf_token=\(workbench.policy.csrfToken)")
                #expect(withField.status == .seeOther)
                #expect(withField.headers[.location]?.hasPrefix("/businesses/acme?notice=") == true)
            }
        }

        @Test func aRequestFromAnotherOriginCannotChangeAnything() async throws {
            let fixture = try await WebFixture.shared()
            let workbench = try fixture.workbench()
            try await withRouter(workbench) { web in
                let foreign = try await web.post("/api/v1/businesses/acme/sync", .cookieWithCSRF, headers: [.origin: "http://evil.example"])
                #expect(foreign.status == .forbidden)
                #expect(foreign.text.contains("origin_refused"))
                let own = try await web.post("/api/v1/businesses/acme/sync", .cookieWithCSRF, headers: [.origin: "http://127.0.0.1:8040"])
                #expect(own.status == .ok)
            }
        }

        @Test func anotherAdvisorsBusinessIsA404LikeOneThatDoesNotExist() async throws {
            let fixture = try await WebFixture.shared()
            let paymentsBefore = try await fixture.paymentsCreated()
            try await withRouter(try fixture.workbench()) { web in
                for suffix in ["snapshot", "weeks/1", "bills", "invoices", "payments"] {
                    let other = try await web.get("/api/v1/businesses/carl/\(suffix)")
                    let missing = try await web.get("/api/v1/businesses/nobody/\(suffix)")
                    #expect(other.status == .notFound, "\(suffix)")
                    #expect(missing.status == .notFound, "\(suffix)")
                    #expect(other.text.replacingOccurrences(of: "carl", with: "nobody") == missing.text, "no hint that carl exists")
                }
                #expect(try await web.get("/businesses/carl", .cookie).status == .notFound)
                #expect(try await web.post("/api/v1/businesses/carl/sync").status == .notFound)
                let pay = try await web.post("/api/v1/businesses/carl/payments", json: "{\"bill_id\":\"1\",\"amount\":1,\"pay_on\":\"2026-12-01\"}",
                                             headers: [HTTPField.Name("Idempotency-Key")!: "carl-1"])
                #expect(pay.status == .notFound)
            }
            #expect(try await fixture.paymentsCreated() == paymentsBefore)
        }

        @Test(arguments: [
            "..", "..%2F..%2Fsecrets", "%2e%2e", ".hidden", "a%00b", "%C3%A9t%C3%A9", String(repeating: "x", count: 65), "a%20b", "%3Cscript%3E",
            "acme%2F..%2Fbolt",
        ])
        func hostileBusinessIdsAreA404ThatLeaksNothing(id: String) async throws {
            let fixture = try await WebFixture.shared()
            let secrets = try fixture.secrets()
            try await withRouter(try fixture.workbench()) { web in
                for uri in ["/api/v1/businesses/\(id)/snapshot", "/businesses/\(id)", "/api/v1/businesses/\(id)/weeks/1"] {
                    let answer = try await web.get(uri, .cookie)
                    #expect(answer.status == .notFound, "\(uri) → \(answer.status)")
                    #expect(!answer.text.contains("<script>"))
                    for secret in secrets { #expect(!answer.text.contains(secret)) }
                }
                let post = try await web.post("/api/v1/businesses/\(id)/payments", json: "{\"bill_id\":\"1\",\"amount\":1,\"pay_on\":\"2026-12-01\"}",
                                              headers: [HTTPField.Name("Idempotency-Key")!: "hostile"])
                #expect(post.status == .notFound)
            }
        }

        @Test func hostileBodiesAreRefusedNamingTheField() async throws {
            let fixture = try await WebFixture.shared()
            let paymentsBefore = try await fixture.paymentsCreated()
            try await withRouter(try fixture.workbench()) { web in
                for (body, word) in [
                    ("not json", "not JSON"), ("[1]", "object"), ("{\"bill_id\":\"../x\",\"amount\":1,\"pay_on\":\"2026-12-01\"}", "bill_id"),
                    ("{\"bill_id\":\"1\",\"amount\":\"1e3\",\"pay_on\":\"2026-12-01\"}", "amount"),
                    ("{\"bill_id\":\"1\",\"amount\":\"0.001\",\"pay_on\":\"2026-12-01\"}", "two decimals"),
                    ("{\"bill_id\":\"1\",\"amount\":-5,\"pay_on\":\"2026-12-01\"}", "more than zero"),
                    ("{\"bill_id\":\"1\",\"amount\":true,\"pay_on\":\"2026-12-01\"}", "amount"),
                    ("{\"bill_id\":\"1\",\"amount\":1,\"pay_on\":\"2026-02-30\"}", "pay_on"),
                    ("{\"bill_id\":\"1\",\"amount\":1}", "pay_on"), ("{\"amount\":1,\"pay_on\":\"2026-12-01\"}", "bill_id"),
                    ("{\"bill_id\":\"1\",\"amount\":1,\"pay_on\":\"2026-12-01\",\"evil\":1}", "evil"),
                ] {
                    let answer = try await web.post("/api/v1/businesses/acme/payments", json: body, headers: [HTTPField.Name("Idempotency-Key")!: "b-\(body.hashValue)"])
                    #expect(answer.status == .badRequest, "\(body) → \(answer.status)")
                    #expect(answer.text.contains(word), "\(body): \(answer.text)")
                }
                let noKey = try await web.post("/api/v1/businesses/acme/payments", json: "{\"bill_id\":\"1\",\"amount\":1,\"pay_on\":\"2026-12-01\"}")
                #expect(noKey.status == .badRequest && noKey.text.contains("Idempotency-Key"))
                let badKey = try await web.post("/api/v1/businesses/acme/payments", json: "{}", headers: [HTTPField.Name("Idempotency-Key")!: "a b"])
                #expect(badKey.status == .badRequest && badKey.text.contains("Idempotency-Key"))
            }
            #expect(try await fixture.paymentsCreated() == paymentsBefore)
        }

        /// Crawls every GET route with real ids and checks no OAuth token, client secret or the serve
        /// token appears in any page or answer.
        @Test func noSecretAppearsInAnyPageOrAnswer() async throws {
            let fixture = try await WebFixture.shared()
            let workbench = try fixture.workbench(planning: MemoryPlanning())
            let secrets = try fixture.secrets() + [WebFixture.token]
            #expect(secrets.count >= 7)
            try await withRouter(workbench) { web in
                let seq = (try await web.get("/api/v1/log").json() as? [[String: Any]])?.first?["seq"] as? Int ?? 1
                var crawled = 0
                for route in workbench.routes where route.method == .get && route.path != "/events" {
                    let uri = route.path.replacingOccurrences(of: "{business}", with: "acme")
                        .replacingOccurrences(of: "{week}", with: "1").replacingOccurrences(of: "{seq}", with: String(seq))
                    let answer = try await web.get(uri, .cookie)
                    #expect(answer.status == .ok || answer.status == .noContent, "\(uri)")
                    for secret in secrets { #expect(!answer.text.contains(secret), "\(uri) shows a secret") }
                    for header in answer.headers { for secret in secrets { #expect(!header.value.contains(secret), "\(uri) header") } }
                    crawled += 1
                }
                #expect(crawled >= 20)
            }
        }

        @Test func aReadOnlyWorkbenchShowsEverythingAndChangesNothing() async throws {
            let fixture = try await WebFixture.shared()
            let paymentsBefore = try await fixture.paymentsCreated()
            let workbench = try fixture.workbench(readOnly: true, environment: ["SYNC_SCHEDULER_ENABLED": "true"])
            #expect(!workbench.schedulerEnabled)
            let bill = try #require(try fixture.openBills("acme").first)
            try await withRouter(workbench) { web in
                #expect(try await web.post("/api/v1/sync").status == .forbidden)
                let pay = try await web.post("/api/v1/businesses/acme/payments",
                                             json: "{\"bill_id\":\"\(bill.id)\",\"amount\":\"1.00\",\"pay_on\":\"2026-12-01\"}",
                                             headers: [HTTPField.Name("Idempotency-Key")!: "ro"])
                #expect(pay.status == .forbidden && pay.text.contains("read_only"))
                let tray = try await web.get("/tray?days=365", .cookie).text
                #expect(tray.contains("Bills to pay"))
                #expect(!tray.contains("action=\"/tray/pay\""))
                #expect(!(try await web.get("/", .cookie).text.contains("action=\"/sync\"")))
                #expect(try await web.get("/api/v1/status").object()["read_only"] as? Bool == true)
            }
            #expect(try await fixture.paymentsCreated() == paymentsBefore)
        }

        /// Over a real socket: the Host header must name this server (DNS rebinding), and a request
        /// without one is refused.
        @Test func aForeignOrMissingHostIsRefused() async throws {
            let fixture = try await WebFixture.shared()
            let running = try await fixture.workbench().start()
            let port = running.port
            func get(_ host: String?) async throws -> RawHTTP.Answer {
                try await RawHTTP.exchange(port: port, "GET /api/v1/console HTTP/1.1\r\n" + (host.map { "Host: \($0)\r\n" } ?? "")
                    + "Authorization: Bearer \(WebFixture.token)\r\nConnection: close\r\n\r\n")
            }
            for host in ["evil.example", "evil.example:\(port)", "127.0.0.1:1", "127.0.0.2:\(port)", "localhost.evil.example:\(port)"] {
                let answer = try await get(host)
                #expect(answer.status == 421, "Host \(host) → \(answer.status)")
                #expect(!answer.body.contains("rows"))
            }
            let missing = try await get(nil).status
            #expect(missing == 400 || missing == 421, "no Host → \(missing)")
            for host in ["127.0.0.1:\(port)", "localhost:\(port)", "LOCALHOST:\(port)"] {
                let status = try await get(host).status
                #expect(status == 200, "Host \(host)")
            }
            await running.stop()
        }
    }
}
