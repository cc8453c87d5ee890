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
        let reply: Reply
        do {
            reply = try route(request, realm: realm, rest: rest, now: now, missReplay: faults.missReplay)
        } catch {
            reply = error.reply(nowMs: now)
        }
        var answered = reply
        answered.headers["intuit_tid"] = UUID().uuidString.lowercased()
        return (afterProcessing(answered, faults: faults, now: now), realm)
    }

    private func route(_ request: SandboxRequest, realm: String, rest: [String], now: Int64,
                       missReplay: Bool) throws(QBOFault) -> Reply {
        let time = WireJSON.string(WireTime.format(now, milliseconds: true))
        let head = rest[0].lowercased()
        switch (request.method, head) {
        case ("GET", "query"), ("POST", "query"):
            let text = request.method == "GET" ? request.query["query"] : String(decoding: request.body, as: UTF8.self)
            guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .invalidQuery("no query: send ?query=SELECT … or the statement as the body")
            }
            var answer = companies[realm]!.run(try Query.parse(text)).objectValue!
            answer["time"] = time
            return .json(.object(answer))
        case ("GET", "cdc"):
            return try cdc(request, realm: realm, now: now)
        case ("GET", "companyinfo"):
            let company = companies[realm]!
            return .json(["CompanyInfo": ["CompanyName": .string(company.name), "Id": "1", "SyncToken": "0", "Country": "US",
                                          "domain": "QBO", "sparse": false], "time": time])
        default:
            break
        }
        guard let entity = EntityName(caseInsensitive: head) else {
            throw .unsupported("the sandbox does not serve \(rest[0]): use query, cdc, bill, invoice, account, billpayment, vendor or customer")
        }
        if request.method == "GET" {
            guard rest.count == 2, let id = Int(rest[1]), let record = companies[realm]!.record(entity, id) else {
                throw .notFound(entity.rawValue, rest.count > 1 ? rest[1] : "")
            }
            return .json([entity.rawValue: record.rendered(), "time": time])
        }
        guard request.method == "POST", rest.count == 1 else {
            throw .unsupported("\(request.method) \(request.path) is not supported")
        }
        let requestId = request.query["requestid"]
        if let requestId, !missReplay, let stored = companies[realm]!.replies[requestId] {
            replays += 1
            return Reply(status: stored.status, headers: ["Content-Type": "application/json;charset=UTF-8"], body: stored.body)
        }
        guard let body = WireJSON.parse(request.body)?.objectValue else {
            throw .badRequest("the body must be a JSON object with the \(entity.rawValue) fields")
        }
        let operation = request.query["operation"]?.lowercased()
        let answer: WireJSON
        switch (operation, request.query["include"]?.lowercased()) {
        case ("delete", _):
            let record = try companies[realm]!.apiDelete(entity, body: body, now: now)
            let stub: WireJSON = entity.isList ? record.rendered() : ["Id": .string(String(record.id)), "status": "Deleted", "domain": "QBO"]
            answer = [entity.rawValue: stub, "time": time]
        case ("update", "void"):
            answer = [entity.rawValue: try companies[realm]!.void(entity, body: body, now: now).rendered(), "time": time]
        case (nil, _), ("create", _), ("update", _):
            let creates = body["Id"] == nil
            let record = try companies[realm]!.write(entity, body: body, now: now)
            if creates && entity == .billPayment { countBillPayment(record, realm: realm) }
            answer = [entity.rawValue: record.rendered(), "time": time]
        default:
            throw .unsupported("operation \(operation ?? "") is not supported")
        }
        let reply = Reply.json(answer)
        // A missed replay keeps the first answer: the requestid still names the original write.
        if let requestId, companies[realm]!.replies[requestId] == nil {
            companies[realm]!.replies[requestId] = StoredReply(status: reply.status, body: reply.body)
        }
        return reply
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

    private func cdc(_ request: SandboxRequest, realm: String, now: Int64) throws(QBOFault) -> Reply {
        guard let list = request.query["entities"], !list.isEmpty else { throw .missing("entities") }
        var entities: [EntityName] = []
        for name in list.split(separator: ",") {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let entity = EntityName(caseInsensitive: trimmed) else {
                throw .badRequest("unknown entity \(trimmed) in entities=\(list)")
            }
            entities.append(entity)
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
        for entity in entities { companies[realm]!.tables[entity]?.buildUpdatedIndex() }
        let company = companies[realm]!
        for (position, entity) in entities.enumerated() {
            guard let table = company.tables[entity] else { continue }
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
        let responses: [WireJSON] = entities.enumerated().map { position, entity in
            let values = changes.filter { $0.entity == position }.map(\.value)
            guard !values.isEmpty else { return [:] }
            return [entity.rawValue: .array(values), "startPosition": 1, "maxResults": .number(Decimal(values.count))]
        }
        return .json(["CDCResponse": [["QueryResponse": .array(responses)]],
                      "time": .string(WireTime.format(now, milliseconds: true))])
    }
}

extension Error {
    func reply(nowMs: Int64) -> Reply {
        if let fault = self as? QBOFault { return fault.reply(nowMs: nowMs) }
        return reply()
    }
}
