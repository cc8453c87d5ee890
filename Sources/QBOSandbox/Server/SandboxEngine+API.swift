import Foundation

extension SandboxEngine {
    func api(_ request: SandboxRequest, realm: String, rest: [String]) -> (Outcome, inFlightRealm: String?) {
        let endpoint = "\(request.method) \(rest.first?.lowercased() ?? "")"
        requestCounts[realm, default: [:]][endpoint, default: 0] += 1
        let now = self.now
        let head = rest.first?.lowercased() ?? ""
        let isWrite = request.method == "POST" && EntityName(caseInsensitive: head) != nil
        let repeats = isWrite && request.query["requestid"].map { companies[realm]?.replies[$0] != nil } == true
        let faults = takeFaults(for: FaultTarget(realm: realm, path: head, isWrite: isWrite, repeatsRequestId: repeats))
        if let (kind, _, _) = faults.answer, kind.phase == .instead {
            return (insteadReply(kind, retryAfter: faults.retryAfter, now: now), nil)
        }
        let bearer = request.headers["authorization"].flatMap { header -> String? in
            guard header.lowercased().hasPrefix("bearer ") else { return nil }
            return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        if let refusal = authority.refusal(bearer, realm: realm, now: now) {
            return (.reply(QBOFault.authentication(refusal).reply(nowMs: now)), nil)
        }
        guard companies[realm] != nil else {
            let fault = QBOFault(httpStatus: 403, code: "3100", type: "AuthorizationFault", message: "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                                 detail: "realm \(realm) does not exist in this sandbox")
            return (.reply(fault.reply(nowMs: now)), nil)
        }
        if throttleEnabled {
            var window = windows[realm, default: []].filter { $0 > now - 60_000 }
            let busy = inFlight[realm, default: 0] >= maxConcurrent
            if window.count >= requestsPerMinute || busy {
                throttled += 1
                windows[realm] = window
                let wait = busy ? 1 : Int(((window.first ?? now) + 60_000 - now + 999) / 1000)
                return (.reply(QBOFault.throttled(format: .xml, retryAfter: max(1, wait)).reply(nowMs: now)), nil)
            }
            window.append(now)
            windows[realm] = window
        }
        inFlight[realm, default: 0] += 1
        let format = WireFormat(accept: request.headers["accept"])
        let reply: Reply
        do {
            reply = try route(request, realm: realm, rest: rest, now: now, missReplay: faults.missReplay, format: format)
        } catch {
            reply = format.fault(error, nowMs: now)
        }
        var answered = reply
        answered.headers["intuit_tid"] = UUID().uuidString.lowercased()
        return (afterProcessing(answered, faults: faults, now: now), realm)
    }

    private func route(_ request: SandboxRequest, realm: String, rest: [String], now: Int64,
                       missReplay: Bool, format: WireFormat) throws(QBOFault) -> Reply {
        let time = WireJSON.string(WireTime.format(now, milliseconds: true))
        let head = rest[0].lowercased()
        switch (request.method, head) {
        case ("GET", "query"), ("POST", "query"):
            var answer = try runQuery(Self.statement(of: request), realm: realm, now: now).objectValue!
            answer["time"] = time
            return format.reply(.object(answer))
        case ("GET", "cdc"):
            return format.reply(try cdc(request, realm: realm, now: now))
        case ("GET", "companyinfo"), ("GET", "preferences"):
            let singleton = head == "companyinfo" ? companies[realm]!.companyInfo() : companies[realm]!.preferences()
            // CompanyInfo is read as companyinfo/{realm}; its Id is 1, as in QBO.
            if head == "companyinfo", rest.count == 2, rest[1] != realm, rest[1] != "1" { throw .notFound("CompanyInfo", rest[1]) }
            return format.reply([head == "companyinfo" ? "CompanyInfo" : "Preferences": singleton.rendered(), "time": time])
        default:
            break
        }
        guard let entity = EntityName(caseInsensitive: head) else {
            if let known = EntityCatalog.entry(named: head) {
                // An entity QBO has and the sandbox holds none of: reads find nothing, writes are not emulated.
                if request.method == "GET" { throw .notFound(known.name, rest.count > 1 ? rest[1] : "") }
                throw .unsupported("Operation \(request.method) \(known.name) is not supported by the sandbox: it holds no \(known.name) entities (see the coverage table in its README).")
            }
            throw .unsupported("Operation Could not find resource for relative : /\(rest.joined(separator: "/")) of full path: \(request.path) is not supported.")
        }
        if request.method == "GET" {
            guard rest.count == 2, let id = Int(rest[1]), let record = companies[realm]!.record(entity, id) else {
                throw .notFound(entity.rawValue, rest.count > 1 ? rest[1] : "")
            }
            return format.reply([entity.rawValue: record.rendered(), "time": time])
        }
        guard request.method == "POST", rest.count == 1 else {
            throw .unsupported("Operation \(request.method) \(request.path) is not supported.")
        }
        let requestId = request.query["requestid"]
        if let requestId, !missReplay, let stored = companies[realm]!.replies[requestId] {
            replays += 1
            // Stored as JSON; a replay answers in the format this request asks for.
            guard format == .xml, let answer = WireJSON.parse(stored.body) else {
                return Reply(status: stored.status, headers: ["Content-Type": "application/json;charset=UTF-8"], body: stored.body)
            }
            return format.reply(answer)
        }
        let body = try Self.entityBody(of: request, entity: entity)
        let operation = request.query["operation"]?.lowercased()
        let answer: WireJSON
        switch (operation, request.query["include"]?.lowercased()) {
        case ("delete", _):
            let record = try companies[realm]!.apiDelete(entity, body: body, now: now)
            let stub: WireJSON = entity.isList ? record.rendered() : ["Id": .string(String(record.id)), "status": "Deleted", "domain": "QBO"]
            answer = [entity.rawValue: stub, "time": time]
        case ("update", "void"), ("void", _):
            answer = [entity.rawValue: try companies[realm]!.void(entity, body: body, now: now).rendered(), "time": time]
        case (nil, _), ("create", _), ("update", _):
            let creates = body["Id"] == nil
            let record = try companies[realm]!.write(entity, body: body, now: now)
            if creates && entity == .billPayment { countBillPayment(record, realm: realm) }
            if creates && entity == .payment { paymentsCreated += 1 }
            if creates && entity == .purchase { purchasesCreated += 1 }
            answer = [entity.rawValue: record.rendered(), "time": time]
        case (let other?, _):
            throw .unsupported("Operation \(other) is not supported.")
        }
        // A missed replay keeps the first answer: the requestid still names the original write.
        if let requestId, companies[realm]!.replies[requestId] == nil {
            companies[realm]!.replies[requestId] = StoredReply(status: 200, body: answer.data())
        }
        return format.reply(answer)
    }

    /// The statement of a query request, however the client sent it: `?query=` on a GET (or a
    /// POST), or the body of a POST as `application/text`, `text/plain` or any other text type,
    /// or as a form (`application/x-www-form-urlencoded`, `query=…`).
    static func statement(of request: SandboxRequest) throws(QBOFault) -> String {
        var text = request.query["query"]
        if request.method == "POST", !request.body.isEmpty {
            let body = String(decoding: request.body, as: UTF8.self)
            let type = request.headers["content-type"]?.lowercased() ?? ""
            text = type.contains("x-www-form-urlencoded") ? FormEncoding.fields(Substring(body))["query"] ?? text : body
        }
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .parserError(found: "<EOF>", column: 1, expecting: "SELECT: send ?query=SELECT … or the statement as the body")
        }
        return text
    }

    /// A query over the company, including its two singletons.
    func runQuery(_ text: String, realm: String, now: Int64) throws(QBOFault) -> WireJSON {
        let query = try Query.parse(text, today: WireTime.formatDate(day: WireTime.localDay(now)))
        let company = companies[realm]!
        switch query.entityName {
        case "CompanyInfo": return Company.run(query, over: [company.companyInfo()])
        case "Preferences": return Company.run(query, over: [company.preferences()])
        default: return company.run(query)
        }
    }

    /// The entity fields of a write, from JSON or XML (`Content-Type: application/xml`, or a body
    /// that starts with `<`).
    static func entityBody(of request: SandboxRequest, entity: EntityName) throws(QBOFault) -> [String: WireJSON] {
        let type = request.headers["content-type"]?.lowercased() ?? ""
        let first = request.body.first { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) }
        if type.contains("xml") || first == UInt8(ascii: "<") {
            let (name, fields) = try WireXML.entity(from: request.body)
            guard name.lowercased() == entity.rawValue.lowercased() else {
                throw .badRequest("the XML body holds a <\(name)>, not the <\(entity.rawValue)> this URL writes")
            }
            return fields
        }
        guard let body = WireJSON.parse(request.body)?.objectValue else {
            throw .badRequest("the body must be a JSON object with the \(entity.rawValue) fields (or XML with Content-Type: application/xml)")
        }
        return body
    }

    private func countBillPayment(_ payment: Record, realm: String) {
        billPaymentsCreated += 1
        var bills = Set<String>()
        for line in payment.body["Line"]?.arrayValue ?? [] {
            for link in line["LinkedTxn"]?.arrayValue ?? [] {
                if let id = link["TxnId"]?.lenientText { bills.insert(id) }
            }
        }
        for bill in bills { billPaymentsByBill[realm, default: [:]][bill, default: 0] += 1 }
    }

    private func cdc(_ request: SandboxRequest, realm: String, now: Int64) throws(QBOFault) -> WireJSON {
        guard let list = request.query["entities"], !list.isEmpty else { throw .missing("entities") }
        var entries: [CatalogEntry] = []
        for name in list.split(separator: ",") {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let entry = EntityCatalog.entry(named: trimmed) else {
                throw .badRequest("unknown entity \(trimmed) in entities=\(list)")
            }
            entries.append(entry)
        }
        guard let sinceText = request.query["changedSince"] else { throw .missing("changedSince") }
        guard let since = WireTime.parse(sinceText) else {
            throw .badRequest("changedSince \(sinceText) is not an ISO 8601 date-time such as 2026-01-31T12:00:00-08:00")
        }
        guard since >= now - 30 * WireTime.dayMs else {
            throw QBOFault(httpStatus: 400, code: "2040", type: "ValidationFault", message: "Invalid changedSince",
                           detail: "changedSince \(sinceText) is more than 30 days ago: run a full query instead", element: "changedSince")
        }
        // Oldest first across entities, so a capped answer leaves only newer changes for the next call.
        var changes: [(time: Int64, entity: Int, value: WireJSON)] = []
        for entity in entries.compactMap(\.held) { companies[realm]!.tables[entity]?.buildUpdatedIndex() }
        let company = companies[realm]!
        for (position, entry) in entries.enumerated() {
            // Entities the sandbox holds none of have no changes: their part of the answer is empty.
            guard let entity = entry.held, let table = company.tables[entity] else { continue }
            for record in table.changed(since: since) {
                changes.append((record.updated, position, record.rendered()))
            }
            for (id, deletedAt) in table.deleted where deletedAt >= since {
                changes.append((deletedAt, position, ["Id": .string(String(id)), "status": "Deleted",
                                                      "MetaData": ["LastUpdatedTime": .string(WireTime.format(deletedAt))]]))
            }
        }
        changes.sort { $0.time < $1.time }
        if changes.count > 1000 { changes.removeLast(changes.count - 1000) }
        let responses: [WireJSON] = entries.enumerated().map { position, entry in
            let values = changes.filter { $0.entity == position }.map(\.value)
            guard !values.isEmpty else { return [:] }
            return [entry.name: .array(values), "startPosition": 1, "maxResults": .number(Decimal(values.count))]
        }
        return ["CDCResponse": [["QueryResponse": .array(responses)]],
                "time": .string(WireTime.format(now, milliseconds: true))]
    }
}

extension Error {
    func reply(nowMs: Int64) -> Reply {
        if let fault = self as? QBOFault { return fault.reply(nowMs: nowMs) }
        return reply()
    }
}
