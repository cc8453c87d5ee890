import Foundation

/// A request as the engine sees it, independent of the HTTP library.
struct SandboxRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    /// Header names in lower case.
    var headers: [String: String]
    var body: Data
}

/// What the HTTP layer does with a request.
enum Outcome: Sendable {
    case reply(Reply)
    /// Answer only after a pause (the injected `timeout`): the work is done, the client may have given up.
    case hold(Reply, seconds: Double)
    /// Close the connection without any answer.
    case drop
}

/// The whole sandbox state; one actor, so every request sees a consistent company.
actor SandboxEngine {
    let options: QBOSandboxOptions
    var baseURL = ""
    var companies: [String: Company] = [:]
    var realmOrder: [String] = []
    var authority: TokenAuthority
    var clockOffsetMs: Int64 = 0
    var injections: [Injection] = []
    /// Bumped by `DELETE /__sandbox/faults`: every answer held before it is let go at once.
    private(set) var releases = 0

    func releaseHeldAnswers() { releases += 1 }
    var faultGenerator: SeededGenerator
    var throttleEnabled: Bool
    var requestsPerMinute: Int
    var maxConcurrent: Int
    var windows: [String: [Int64]] = [:]
    var inFlight: [String: Int] = [:]
    var billPaymentsCreated = 0
    /// Customer payments and purchases created through the API (seeded ones are not counted).
    var paymentsCreated = 0
    var purchasesCreated = 0
    var replays = 0
    var throttled = 0
    var faultsInjected = 0
    var requestidMisses = 0
    /// Answer-shaping faults that acted, per kind (a missed replay is counted in `requestidMisses`).
    var faultsByKind: [String: Int] = [:]
    /// Bill payments created per realm and bill (duplicates from a missed replay included).
    var billPaymentsByBill: [String: [String: Int]] = [:]
    var requestCounts: [String: [String: Int]] = [:]

    init(options: QBOSandboxOptions) {
        self.options = options
        authority = TokenAuthority(accessLifetime: Int64(options.accessTokenLifetime),
                                   refreshLifetime: Int64(options.refreshTokenLifetime))
        faultGenerator = SeededGenerator(seed: options.faultSeed)
        throttleEnabled = options.throttleEnabled
        requestsPerMinute = options.requestsPerMinute
        maxConcurrent = options.maxConcurrentRequests
    }

    func setBaseURL(_ url: String) { baseURL = url }

    /// The sandbox's clock: the machine's time moved by `POST /__sandbox/clock`.
    var now: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) + clockOffsetMs }

    func handle(_ request: SandboxRequest) -> (Outcome, inFlightRealm: String?) {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        do {
            switch (request.method, parts.first ?? "") {
            case ("GET", ".well-known") where parts.count == 2 && parts[1] == "openid_configuration":
                return (.reply(discovery()), nil)
            case (_, "connect") where parts == ["connect", "oauth2"]:
                return (.reply(try authorize(request)), nil)
            case ("POST", "oauth2") where parts == ["oauth2", "v1", "tokens", "bearer"]:
                return (tokenWithFaults(request), nil)
            case ("POST", "v2") where parts == ["v2", "oauth2", "tokens", "revoke"]:
                return (.reply(try revoke(request)), nil)
            case (_, "__sandbox"):
                return (.reply(try control(request, Array(parts.dropFirst()))), nil)
            case (_, "v3") where parts.count >= 4 && parts[1] == "company":
                return api(request, realm: parts[2], rest: Array(parts.dropFirst(3)))
            default:
                return (.reply(ControlError(status: 404, error: "not_found",
                                            description: "\(request.method) \(request.path) is not a QBO or sandbox endpoint").reply()), nil)
            }
        } catch {
            return (.reply(error.reply()), nil)
        }
    }

    func finish(realm: String) {
        inFlight[realm, default: 1] -= 1
    }

    // MARK: Persistence

    struct Persisted: Codable {
        var version = 1
        var clockOffsetMs: Int64
        var realmOrder: [String]
        var companies: [Company]
        var authority: TokenAuthority
        var billPaymentsCreated: Int
        var billPaymentsByBill: [String: [String: Int]]?
        var paymentsCreated: Int?
        var purchasesCreated: Int?
    }

    static let stateFileName = "qbo-sandbox-state.json"

    func load(from directory: URL) throws {
        let file = directory.appendingPathComponent(Self.stateFileName)
        guard FileManager.default.fileExists(atPath: file.path) else { return }
        let state = try JSONDecoder().decode(Persisted.self, from: Data(contentsOf: file))
        clockOffsetMs = state.clockOffsetMs
        realmOrder = state.realmOrder
        companies = Dictionary(uniqueKeysWithValues: state.companies.map { ($0.realm, $0) })
        authority = state.authority
        authority.accessLifetime = Int64(options.accessTokenLifetime)
        authority.refreshLifetime = Int64(options.refreshTokenLifetime)
        billPaymentsCreated = state.billPaymentsCreated
        billPaymentsByBill = state.billPaymentsByBill ?? [:]
        paymentsCreated = state.paymentsCreated ?? 0
        purchasesCreated = state.purchasesCreated ?? 0
    }

    func save(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        authority.prune(now: now)
        let state = Persisted(clockOffsetMs: clockOffsetMs, realmOrder: realmOrder,
                              companies: realmOrder.compactMap { companies[$0] }, authority: authority,
                              billPaymentsCreated: billPaymentsCreated, billPaymentsByBill: billPaymentsByBill,
                              paymentsCreated: paymentsCreated, purchasesCreated: purchasesCreated)
        let data = try JSONEncoder().encode(state)
        let file = directory.appendingPathComponent(Self.stateFileName)
        let temporary = directory.appendingPathComponent(Self.stateFileName + ".tmp")
        try data.write(to: temporary)
        // rename(2) replaces the old state atomically: a crash leaves the old or the new file, never half of one.
        guard rename(temporary.path, file.path) == 0 else {
            throw QBOSandboxError("cannot rename \(temporary.path) to \(file.path): \(String(cString: strerror(errno)))")
        }
    }
}

extension Error {
    func reply() -> Reply {
        if let error = self as? ControlError { return error.reply() }
        if let fault = self as? QBOFault { return fault.reply(nowMs: Int64(Date().timeIntervalSince1970 * 1000)) }
        return ControlError(status: 500, error: "server_error", description: "\(self)").reply()
    }
}
