import Foundation
import FlyingFox
import FlyingSocks
@testable import QBO

/// A small QBO stand-in on loopback for the HTTP tests: real sockets, real HTTP, Intuit's paths
/// and recorded payload shapes, with knobs for faults. (The full sandbox is the QBOSandbox module.)
///
/// It reads and writes JSON through Foundation's `JSONSerialization`, never through the client's
/// own JSON code, so that a bug shared by the client's encoder and parser cannot hide here.
actor LoopbackQBO {
    struct Seen: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        var headers: [String: String]
        var body: Data
    }

    let server: HTTPServer
    private(set) var port: UInt16 = 0
    private var task: Task<Void, any Error>?

    // OAuth state: the one valid access token and refresh token, rotated on each refresh.
    var accessToken = "access-0"
    var refreshToken = "refresh-0"
    var generation = 0
    var refreshCalls = 0
    var refreshDelay: Double = 0

    // Company state.
    var billCount = 0
    var payments: [String: [String: Any]] = [:]
    var paymentsByRequestID: [String: String] = [:]
    var billSyncToken = 0
    var seen: [Seen] = []
    /// Answers to send first, one per API request, before normal service.
    var scripted: [(Int, [String: String], Data)] = []

    init() {
        server = HTTPServer(address: .inet(port: 0), timeout: 30, logger: .disabled)
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }
    var endpoints: QBOEndpoints { .local(baseURL) }

    func start() async throws {
        await server.appendRoute("*") { [unowned self] request in
            await self.handle(request)
        }
        let server = self.server
        task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 60)
        if case let .ip4(_, port: port)? = await server.listeningAddress { self.port = port }
    }

    func stop() async {
        await server.stop(timeout: 0)
        task?.cancel()
    }

    func script(_ answers: [(Int, [String: String], Data)]) { scripted = answers }
    func setBills(_ count: Int) { billCount = count }
    func expireAccessToken() { accessToken = "expired-by-server-\(generation)" }
    func setRefreshDelay(_ seconds: Double) { refreshDelay = seconds }

    func apiRequests() -> [Seen] { seen.filter { $0.path.hasPrefix("/v3/") } }

    /// How many payments the stand-in created.
    var paymentCount: Int { payments.count }

    private func respond(_ status: Int, _ body: Data, headers: [String: String] = [:]) -> HTTPResponse {
        var all = HTTPHeaders()
        all[HTTPHeader("intuit_tid")] = "tid-\(seen.count)"
        for (name, value) in headers { all[HTTPHeader(name)] = value }
        return HTTPResponse(statusCode: HTTPStatusCode(status, phrase: "Status"), headers: all, body: body)
    }

    private func json(_ status: Int, _ value: [String: Any]) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("{}".utf8)
        return respond(status, data, headers: ["Content-Type": "application/json"])
    }

    /// An exact decimal for a JSON body (JSONSerialization writes NSDecimalNumber's digits).
    private func amount(_ text: String) -> NSDecimalNumber { NSDecimalNumber(string: text) }

    private func parseObject(_ body: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    private func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let body = (try? await request.bodyData) ?? Data()
        var headers: [String: String] = [:]
        for (name, values) in request.headers { headers[name.rawValue.lowercased()] = values }
        var query: [String: String] = [:]
        for item in request.query { query[item.name] = item.value.removingPercentEncoding ?? item.value }
        seen.append(Seen(method: request.method.rawValue, path: request.path, query: query, headers: headers, body: body))

        switch request.path {
        case "/oauth2/v1/tokens/bearer": return await token(body)
        case "/v2/oauth2/tokens/revoke": return json(200, [:])
        default: break
        }
        guard request.path.hasPrefix("/v3/company/") else { return respond(404, Data("<html>no</html>".utf8)) }
        guard headers["authorization"] == "Bearer \(accessToken)" else {
            return json(401, ["fault": ["error": [["message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                                                   "detail": "Token expired", "code": "3200"]], "type": "AUTHENTICATION"],
                              "time": 1_700_000_000_000])
        }
        if !scripted.isEmpty {
            let (status, extra, data) = scripted.removeFirst()
            return respond(status, data, headers: extra)
        }
        let parts = request.path.split(separator: "/").map(String.init)
        let resource = parts.count > 3 ? parts[3] : ""
        switch (request.method.rawValue, resource) {
        case ("POST", "query"): return queryAnswer(String(decoding: body, as: UTF8.self))
        case ("GET", "cdc"): return cdcAnswer()
        case ("POST", "billpayment"): return billPayment(body, query: query)
        case ("POST", "bill"): return billUpdate(body)
        default: return json(400, ["Fault": ["Error": [["Message": "Unsupported Operation", "code": "500"]], "type": "ValidationFault"]])
        }
    }

    private func token(_ body: Data) async -> HTTPResponse {
        let form = Dictionary(uniqueKeysWithValues: String(decoding: body, as: UTF8.self).split(separator: "&").map { pair -> (String, String) in
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            return (kv[0], kv.count > 1 ? kv[1] : "")
        })
        switch form["grant_type"] {
        case "authorization_code" where form["code"] == "good-code":
            break
        case "refresh_token" where form["refresh_token"] == refreshToken:
            refreshCalls += 1
            if refreshDelay > 0 { try? await Task.sleep(nanoseconds: UInt64(refreshDelay * 1e9)) }
        default:
            return json(400, ["error": "invalid_grant", "error_description": "Token invalid"])
        }
        generation += 1
        accessToken = "access-\(generation)"
        refreshToken = "refresh-\(generation)"
        return json(200, ["token_type": "bearer", "access_token": accessToken, "refresh_token": refreshToken,
                          "expires_in": 3600, "x_refresh_token_expires_in": 8_726_400])
    }

    private func queryAnswer(_ statement: String) -> HTTPResponse {
        let words = statement.split(separator: " ").map(String.init)
        func number(after keyword: String) -> Int? {
            words.firstIndex(of: keyword).flatMap { words.indices.contains($0 + 1) ? Int(words[$0 + 1]) : nil }
        }
        if statement.contains("COUNT(*)") {
            return json(200, ["QueryResponse": ["totalCount": billCount], "time": "2026-11-28T00:00:00.000-08:00"])
        }
        let start = number(after: "STARTPOSITION") ?? 1
        let size = min(1000, number(after: "MAXRESULTS") ?? 100)
        let ids = start <= billCount ? Array(start...min(billCount, start + size - 1)) : []
        var response: [String: Any] = ["startPosition": start, "maxResults": ids.count]
        if !ids.isEmpty {
            response["Bill"] = ids.map { id -> [String: Any] in
                ["Id": String(id), "SyncToken": "0", "TotalAmt": amount("\(id).25"), "Balance": amount("\(id).25"),
                 "DueDate": "2026-12-01", "MetaData": ["LastUpdatedTime": "2026-11-27T10:00:00-08:00"]]
            }
        }
        return json(200, ["QueryResponse": response, "time": "2026-11-28T00:00:00.000-08:00"])
    }

    private func cdcAnswer() -> HTTPResponse {
        // Hand-written, as QBO sends it.
        respond(200, Data("""
            {"CDCResponse":[{"QueryResponse":[{"Bill":[{"Id":"7","SyncToken":"2","TotalAmt":70,"Balance":0},\
            {"Id":"8","status":"Deleted","domain":"QBO","MetaData":{"LastUpdatedTime":"2026-11-27T09:00:00-08:00"}}],\
            "startPosition":1,"maxResults":2},{}]}],"time":"2026-11-28T01:02:03.456-08:00"}
            """.utf8), headers: ["Content-Type": "application/json"])
    }

    private func billPayment(_ body: Data, query: [String: String]) -> HTTPResponse {
        if let requestID = query["requestid"], let existing = paymentsByRequestID[requestID], let payment = payments[existing] {
            return json(200, ["BillPayment": payment, "time": "2026-11-28T00:00:00.000-08:00"])
        }
        guard var object = parseObject(body) else {
            return json(400, ["Fault": ["Error": [["Message": "Request has invalid or unsupported property", "code": "2010"]], "type": "ValidationFault"]])
        }
        let id = String(1000 + payments.count)
        object["Id"] = id
        object["SyncToken"] = "0"
        payments[id] = object
        if let requestID = query["requestid"] { paymentsByRequestID[requestID] = id }
        return json(200, ["BillPayment": object, "time": "2026-11-28T00:00:00.000-08:00"])
    }

    private func billUpdate(_ body: Data) -> HTTPResponse {
        guard var updated = parseObject(body), updated["SyncToken"] as? String == String(billSyncToken) else {
            return json(400, ["Fault": ["Error": [["Message": "Stale Object Error", "Detail": "Stale Object Error : You and another user were working on the same thing.", "code": "5010", "element": ""]], "type": "ValidationFault"],
                              "time": "2026-11-28T00:00:00.000-08:00"])
        }
        billSyncToken += 1
        updated["SyncToken"] = String(billSyncToken)
        return json(200, ["Bill": updated, "time": "2026-11-28T00:00:00.000-08:00"])
    }
}
