import Foundation

extension SandboxEngine {
    func control(_ request: SandboxRequest, _ parts: [String]) throws -> Reply {
        let body = request.body.isEmpty ? WireJSON.object([:]) : WireJSON.parse(request.body)
        guard let body, let fields = body.objectValue else {
            throw ControlError(status: 400, error: "invalid_request", description: "the body must be a JSON object")
        }
        switch (request.method, parts.first ?? "") {
        case ("POST", "realms") where parts.count == 1:
            return try createRealm(fields)
        case ("GET", "realms") where parts.count == 1:
            return .json(["realms": .array(realmOrder.compactMap { realm in companies[realm].map { summary($0) } })])
        case (_, "realms") where parts.count >= 3:
            let realm = parts[1]
            guard companies[realm] != nil else {
                throw ControlError(status: 404, error: "unknown_realm", description: "realm \(realm) does not exist: create it with POST /__sandbox/realms")
            }
            return try realmControl(request.method, realm: realm, Array(parts.dropFirst(2)), fields: fields)
        case ("POST", "faults"):
            return try injectFault(fields)
        case ("DELETE", "faults"):
            injections.removeAll()
            releaseHeldAnswers()
            return .json(["faults": []])
        case ("GET", "faults"):
            return .json(["faults": .array(injections.map { $0.rendered() })])
        case ("GET", "stats"):
            return .json(stats())
        case ("GET", "clock"):
            return .json(clock())
        case ("POST", "clock"):
            guard let seconds = fields["advance_seconds"]?.decimalValue, seconds >= 0 else {
                throw ControlError(status: 400, error: "invalid_request", description: "send {\"advance_seconds\": N} with N ≥ 0: the clock only moves forward")
            }
            clockOffsetMs += Int64(truncating: (seconds * 1000) as NSDecimalNumber)
            return .json(clock())
        case ("POST", "throttle"):
            if let enabled = fields["enabled"]?.boolValue { throttleEnabled = enabled }
            if let perMinute = fields["per_minute"]?.decimalValue { requestsPerMinute = Int(truncating: perMinute as NSDecimalNumber) }
            if let concurrent = fields["concurrent"]?.decimalValue { maxConcurrent = Int(truncating: concurrent as NSDecimalNumber) }
            windows.removeAll()
            return .json(["enabled": .bool(throttleEnabled), "per_minute": .number(Decimal(requestsPerMinute)),
                          "concurrent": .number(Decimal(maxConcurrent))])
        case ("POST", "save"):
            guard let directory = options.dataDirectory else {
                throw ControlError(status: 409, error: "no_data_directory", description: "the sandbox was started without a data directory")
            }
            try save(to: directory)
            return .json(["saved": .string(directory.path)])
        default:
            throw ControlError(status: 404, error: "not_found", description: "\(request.method) \(request.path) is not a control endpoint (see QBOSandbox README)")
        }
    }

    private func clock() -> WireJSON {
        ["now": .string(WireTime.format(now, milliseconds: true)), "offset_seconds": .number(Decimal(clockOffsetMs) / 1000)]
    }

    private func summary(_ company: Company) -> WireJSON {
        ["realm": .string(company.realm), "name": .string(company.name),
         "bills": .number(Decimal(company.count(.bill))), "invoices": .number(Decimal(company.count(.invoice))),
         "accounts": .number(Decimal(company.count(.account))), "billpayments": .number(Decimal(company.count(.billPayment))),
         "vendors": .number(Decimal(company.count(.vendor))), "customers": .number(Decimal(company.count(.customer))),
         "payments": .number(Decimal(company.count(.payment))), "purchases": .number(Decimal(company.count(.purchase))),
         "history_months": .number(Decimal(company.historyMonths ?? 0))]
    }

    private func integer(_ fields: [String: WireJSON], _ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let field = fields[key] else { return value }
        guard let decimal = field.decimalValue, let number = Int(exactly: NSDecimalNumber(decimal: decimal).doubleValue),
              range.contains(number) else {
            throw ControlError(status: 400, error: "invalid_request", description: "\(key) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    private func createRealm(_ fields: [String: WireJSON]) throws -> Reply {
        let realm = fields["realm"]?.lenientText ?? String(9_130_350_000_000_000 + companies.count + 1)
        guard realm.range(of: "^[A-Za-z0-9_-]{1,64}$", options: .regularExpression) != nil else {
            throw ControlError(status: 400, error: "invalid_request", description: "realm must match [A-Za-z0-9_-]{1,64}")
        }
        guard companies[realm] == nil else {
            throw ControlError(status: 409, error: "realm_exists", description: "realm \(realm) already exists: choose another id")
        }
        let seed = try integer(fields, "seed", default: 1, range: 0...Int.max)
        let request = SeedRequest(realm: realm, seed: UInt64(seed),
                                  bills: try integer(fields, "bills", default: 50, range: 0...1_000_000),
                                  invoices: try integer(fields, "invoices", default: 30, range: 0...1_000_000),
                                  accounts: try integer(fields, "accounts", default: 2, range: 0...100),
                                  historyMonths: try integer(fields, "history_months", default: 12, range: 0...120))
        let company = Seeder.company(request, now: now)
        companies[realm] = company
        realmOrder.append(realm)
        return .json(summary(company), status: 201)
    }

    private func realmControl(_ method: String, realm: String, _ parts: [String], fields: [String: WireJSON]) throws -> Reply {
        let now = self.now
        switch (method, parts.first ?? "") {
        case ("POST", "tokens") where parts.count == 1:
            let clientId = fields["client_id"]?.stringValue ?? options.clients.keys.sorted().first ?? "sandbox-client"
            guard var answer = authority.issue(realm: realm, clientId: clientId, now: now).objectValue else { return .empty() }
            answer["realmId"] = .string(realm)
            return .json(.object(answer))
        case ("GET", "history") where parts.count == 1:
            guard let history = companies[realm]!.history else {
                throw ControlError(status: 404, error: "no_history", description: "realm \(realm) was seeded without history (history_months 0)")
            }
            return .json(history.rendered())
        case ("POST", "connections") where parts == ["connections", "revoke"]:
            authority.revokeAll { $0.realm == realm }
            return .json(["realm": .string(realm), "revoked": true])
        case (_, let segment) where parts.count == 2:
            guard let entity = EntityName(caseInsensitive: segment) else {
                throw ControlError(status: 404, error: "unknown_entity", description: "\(segment) is not one of \(EntityName.allCases.map(\.segment).joined(separator: ", "))")
            }
            guard let id = Int(parts[1]) else {
                throw ControlError(status: 400, error: "invalid_request", description: "\(parts[1]) is not an entity id")
            }
            let record: Record
            switch method {
            case "PATCH": record = try companies[realm]!.patch(entity, id: id, fields: fields, now: now)
            case "DELETE": record = try companies[realm]!.delete(entity, id: id, now: now)
            case "GET":
                guard let found = companies[realm]!.record(entity, id) else { throw QBOFault.notFound(entity.rawValue, String(id)) }
                record = found
            default:
                throw ControlError(status: 405, error: "method_not_allowed", description: "use GET, PATCH or DELETE on an entity")
            }
            return .json([entity.rawValue: record.rendered()])
        default:
            throw ControlError(status: 404, error: "not_found", description: "unknown realm control endpoint /\(parts.joined(separator: "/"))")
        }
    }

    private func injectFault(_ fields: [String: WireJSON]) throws -> Reply {
        let injection = try parseInjection(fields)
        injections.append(injection)
        var answer = injection.rendered().objectValue ?? [:]
        answer["queued"] = .number(Decimal(injections.count))
        return .json(.object(answer), status: 201)
    }

    func stats() -> WireJSON {
        var requests: [String: WireJSON] = [:]
        for (realm, counts) in requestCounts {
            requests[realm] = .object(counts.mapValues { .number(Decimal($0)) })
        }
        let byBill = billPaymentsByBill.mapValues { bills in WireJSON.object(bills.mapValues { .number(Decimal($0)) }) }
        return ["billpayments_created": .number(Decimal(billPaymentsCreated)), "requestid_replays": .number(Decimal(replays)),
                "payments_created": .number(Decimal(paymentsCreated)), "purchases_created": .number(Decimal(purchasesCreated)),
                "requestid_misses": .number(Decimal(requestidMisses)), "billpayments_by_bill": .object(byBill),
                "throttled": .number(Decimal(throttled)), "faults_injected": .number(Decimal(faultsInjected)),
                "faults_by_kind": .object(faultsByKind.mapValues { .number(Decimal($0)) }),
                "requests": .object(requests)]
    }
}
