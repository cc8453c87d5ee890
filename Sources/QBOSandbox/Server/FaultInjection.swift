import Foundation

/// The faults `POST /__sandbox/faults` can inject, and when in a request's life each one acts.
enum FaultKind: String, Sendable, CaseIterable {
    case throttle = "429"
    case system500 = "500"
    case system503 = "503"
    case timeout
    case drop
    case unauthorized = "401"
    case unauthorizedXML = "xml401"
    case forbidden = "403"
    case staleObject = "5010"
    case requestidMiss = "requestid_miss"
    case dropAfterCommit = "drop_after_commit"
    case stallAfterCommit = "stall_after_commit"
    case statusAfterCommit = "status_after_commit"

    enum Phase {
        /// Answers in place of the request, which is not processed.
        case instead
        /// The request is processed, then its answer is held (`timeout`) — on any request.
        case held
        /// Makes a repeated `requestid` look new, so the write is applied again.
        case replay
        /// The write is processed, then its answer is lost or replaced — on writes only.
        case afterCommit
    }

    var phase: Phase {
        switch self {
        case .throttle, .system500, .system503, .drop, .unauthorized, .unauthorizedXML, .forbidden, .staleObject: .instead
        case .timeout: .held
        case .requestidMiss: .replay
        case .dropAfterCommit, .stallAfterCommit, .statusAfterCommit: .afterCommit
        }
    }

    /// A fault of this kind can act on the request (a read is never "after commit").
    func applies(to target: FaultTarget) -> Bool {
        switch phase {
        case .instead, .held: true
        case .replay: target.isWrite && target.repeatsRequestId
        case .afterCommit: target.isWrite
        }
    }
}

/// What fault matching knows of a request.
struct FaultTarget: Sendable {
    /// The company, when the request names one (API calls; token calls through their code or refresh token).
    var realm: String?
    /// `token` for the token endpoint, else the first segment after `/v3/company/{realm}/`, lower case.
    var path: String
    /// A POST that changes the company (entity writes) or the connection (token grants).
    var isWrite: Bool
    /// A write whose `requestid` already has a stored answer.
    var repeatsRequestId: Bool
}

/// One fault injected through `POST /__sandbox/faults`.
struct Injection: Sendable {
    /// One scripted answer: a fault, or `nil` to let the request through untouched ("ok").
    typealias Step = FaultKind?

    var realm: String?
    var path: String?
    var kind: FaultKind?
    var remaining: Int?
    var rate: Double?
    var holdSeconds: Double?
    var status: Int?
    /// For `429`: the `Retry-After` header to send, in seconds.
    var retryAfter: Int?
    var sequence: [Step]?

    /// The step this injection would take for its next matching request.
    var nextStep: Step { sequence?.first ?? kind }

    func matches(_ target: FaultTarget) -> Bool {
        guard realm == nil || realm == target.realm else { return false }
        // Without a path an injection means the Accounting API only, as it always did: the token
        // endpoint is hit only when asked for by name.
        if let path { return path == target.path }
        return target.path != "token"
    }

    func rendered() -> WireJSON {
        var object: [String: WireJSON] = [:]
        if let kind { object["kind"] = .string(kind.rawValue) }
        if let sequence { object["sequence"] = .array(sequence.map { .string($0?.rawValue ?? "ok") }) }
        if let realm { object["realm"] = .string(realm) }
        if let path { object["path"] = .string(path) }
        if let remaining { object["count"] = .number(Decimal(remaining)) }
        if let rate { object["rate"] = .string(String(rate)) }
        if let holdSeconds { object["hold_seconds"] = .string(String(holdSeconds)) }
        if let status { object["status"] = .number(Decimal(status)) }
        if let retryAfter { object["retry_after"] = .number(Decimal(retryAfter)) }
        return .object(object)
    }
}

/// The faults chosen for one request: at most one that shapes the answer, and whether its
/// `requestid` replay is missed. Both may act together (a missed replay whose answer is then dropped).
struct ChosenFaults: Sendable {
    var answer: (kind: FaultKind, holdSeconds: Double?, status: Int?)?
    var missReplay = false
    /// The `Retry-After` of a chosen `429`.
    var retryAfter: Int?
    /// A sequence's "ok" step was taken: the request passes, but the step is spent.
    var passedThrough = false
    var count: Int { (answer == nil ? 0 : 1) + (missReplay ? 1 : 0) }
}

/// The paths a fault can name: the token endpoint and the Accounting API's first segments.
enum FaultPath {
    static let nonEntity = ["token", "query", "cdc", "companyinfo", "preferences"]
    static var all: [String] { nonEntity + EntityName.allCases.map(\.segment) }
}

extension SandboxEngine {
    /// Takes the faults that act on this request, spending counts and sequence steps. Injections are
    /// looked at in the order they were made; one that cannot act on the request (an after-commit
    /// fault on a read) is left for a later one.
    func takeFaults(for target: FaultTarget) -> ChosenFaults {
        var chosen = ChosenFaults()
        var index = 0
        while index < injections.count {
            let injection = injections[index]
            guard injection.matches(target) else { index += 1; continue }
            let step = injection.nextStep
            let isReplayStep = step?.phase == .replay
            let slotFree = isReplayStep ? !chosen.missReplay : (chosen.answer == nil && !chosen.passedThrough)
            guard slotFree, step?.applies(to: target) ?? true else { index += 1; continue }
            if let rate = injection.rate {
                guard Double(faultGenerator.next() % 1_000_000) / 1_000_000 < rate else { index += 1; continue }
            } else if injection.sequence != nil {
                injections[index].sequence!.removeFirst()
                if injections[index].sequence!.isEmpty { injections.remove(at: index); index -= 1 }
            } else if let remaining = injection.remaining {
                if remaining <= 1 { injections.remove(at: index); index -= 1 } else { injections[index].remaining = remaining - 1 }
            }
            index += 1
            switch step {
            case nil: chosen.passedThrough = true
            case .requestidMiss?: chosen.missReplay = true
            case let kind?:
                chosen.answer = (kind, injection.holdSeconds, injection.status)
                chosen.retryAfter = injection.retryAfter
            }
        }
        faultsInjected += chosen.count
        if chosen.missReplay { requestidMisses += 1 }
        if let (kind, _, _) = chosen.answer { faultsByKind[kind.rawValue, default: 0] += 1 }
        return chosen
    }

    /// The answer an "instead" fault gives in place of the request.
    func insteadReply(_ kind: FaultKind, retryAfter: Int? = nil, now: Int64) -> Outcome {
        let refusal = "Token expired: the sandbox was told to refuse this token"
        switch kind {
        case .throttle: return .reply(QBOFault.throttled(format: .json, retryAfter: retryAfter).reply(nowMs: now))
        case .system500: return .reply(QBOFault.system(status: 500).reply(nowMs: now))
        case .system503: return .reply(QBOFault.system(status: 503).reply(nowMs: now))
        case .unauthorized: return .reply(QBOFault.authentication(refusal).reply(nowMs: now))
        case .unauthorizedXML: return .reply(QBOFault.authentication(refusal, format: .xml).reply(nowMs: now))
        case .forbidden: return .reply(QBOFault.forbidden("the sandbox was told to refuse this request").reply(nowMs: now))
        case .staleObject: return .reply(QBOFault.stale("object", "(injected)", current: 1).reply(nowMs: now))
        default: return .drop
        }
    }

    /// Applies the chosen answer fault to a processed request's answer.
    func afterProcessing(_ reply: Reply, faults: ChosenFaults, now: Int64) -> Outcome {
        guard let (kind, hold, status) = faults.answer else { return .reply(reply) }
        switch kind {
        case .timeout, .stallAfterCommit: return .hold(reply, seconds: hold ?? options.timeoutHoldSeconds)
        case .dropAfterCommit: return .drop
        case .statusAfterCommit:
            var failure = QBOFault.system(status: status ?? 500).reply(nowMs: now)
            failure.headers["intuit_tid"] = reply.headers["intuit_tid"]
            return .reply(failure)
        default: return .reply(reply)
        }
    }

    /// Reads `POST /__sandbox/faults`; every mistake is a 400 that names the field.
    func parseInjection(_ fields: [String: WireJSON]) throws(ControlError) -> Injection {
        func invalid(_ description: String) -> ControlError {
            ControlError(status: 400, error: "invalid_request", description: description)
        }
        let kindNames = FaultKind.allCases.map(\.rawValue).joined(separator: ", ")
        var injection = Injection(realm: fields["realm"]?.lenientText)
        switch (fields["kind"], fields["sequence"]) {
        case (let kind?, nil):
            guard let text = kind.lenientText, let parsed = FaultKind(rawValue: text) else {
                throw invalid("kind \(fields["kind"]?.lenientText ?? "(not a string)") is unknown: kind must be one of \(kindNames)")
            }
            injection.kind = parsed
        case (nil, let sequence?):
            guard let steps = sequence.arrayValue, !steps.isEmpty else {
                throw invalid("sequence must be a non-empty array of kinds or \"ok\", e.g. [\"drop_after_commit\", \"503\", \"ok\"]")
            }
            injection.sequence = try steps.enumerated().map { position, step throws(ControlError) -> Injection.Step in
                guard let text = step.lenientText else { throw invalid("sequence[\(position)] is not a string") }
                if text == "ok" { return nil }
                guard let kind = FaultKind(rawValue: text) else {
                    throw invalid("sequence[\(position)] \(text) is unknown: each step is \"ok\" or one of \(kindNames)")
                }
                return kind
            }
            guard fields["count"] == nil, fields["rate"] == nil else {
                throw invalid("a sequence scripts the next matching requests one by one: send no count or rate with it")
            }
        case (nil, nil): throw invalid("send kind (one of \(kindNames)) or sequence")
        case (_?, _?): throw invalid("send kind or sequence, not both")
        }
        if let path = fields["path"] {
            guard let text = path.lenientText?.lowercased(), FaultPath.all.contains(text) else {
                throw invalid("path \(path.lenientText ?? "(not a string)") is unknown: path must be one of \(FaultPath.all.joined(separator: ", "))")
            }
            injection.path = text
        }
        let kinds = Set((injection.sequence ?? [injection.kind]).compactMap { $0 })
        if let status = fields["status"] {
            guard kinds.contains(.statusAfterCommit) else {
                throw invalid("status goes with status_after_commit only")
            }
            guard let text = status.lenientText, let code = Int(text), code == 500 || code == 503 else {
                throw invalid("status must be 500 or 503, not \(status.lenientText ?? "(not a number)")")
            }
            injection.status = code
        } else if kinds.contains(.statusAfterCommit) {
            throw invalid("status_after_commit needs \"status\": 500 or 503")
        }
        if kinds.contains(.requestidMiss), let path = injection.path, FaultPath.nonEntity.contains(path) {
            throw invalid("requestid_miss acts on entity writes with a requestid; path \(path) has none")
        }
        if let retryAfter = fields["retry_after"] {
            guard kinds.contains(.throttle) else { throw invalid("retry_after goes with 429 only") }
            guard let text = retryAfter.lenientText, let seconds = Int(text), (1...3600).contains(seconds) else {
                throw invalid("retry_after must be a whole number of seconds in 1...3600")
            }
            injection.retryAfter = seconds
        }
        if let hold = fields["hold_seconds"] {
            guard let value = hold.decimalValue.map({ NSDecimalNumber(decimal: $0).doubleValue }), value > 0, value <= 3600 else {
                throw invalid("hold_seconds must be a number of seconds in (0, 3600]")
            }
            injection.holdSeconds = value
        }
        if injection.sequence == nil {
            if let rate = fields["rate"] {
                guard let value = rate.decimalValue.map({ NSDecimalNumber(decimal: $0).doubleValue }), value > 0, value <= 1 else {
                    throw invalid("rate must be in (0, 1]")
                }
                injection.rate = value
            } else {
                injection.remaining = 1
                if let count = fields["count"] {
                    guard let text = count.lenientText, let value = Int(text), (1...1_000_000).contains(value) else {
                        throw invalid("count must be a whole number in 1...1000000")
                    }
                    injection.remaining = value
                }
            }
        }
        return injection
    }
}
