import Foundation

/// A typed client of the sandbox's control API (`/__sandbox/…`): create companies, mint tokens,
/// change data behind a client's back, inject faults, move the clock, read the counters — for your
/// own tests, in process or against `rowcol sandbox serve`.
///
/// ```swift
/// let sandbox = try await QBOSandboxServer.start()
/// let control = sandbox.control
/// try await control.createRealm("123", bills: 500)
/// let tokens = try await control.tokens(realm: "123")
/// try await control.injectFault(.init(.dropAfterCommit, realm: "123", path: "billpayment"))
/// // … run your QBO client with tokens.accessToken against sandbox.baseURL …
/// let paid = try await control.stats().billPaymentsByBill["123"]?["42"]   // payments of bill 42
/// ```
///
/// Every call throws ``QBOSandboxControlError`` when the sandbox refuses it (its `code` and
/// `message` are the sandbox's own words), and the transport's error when it cannot be reached.
public struct QBOSandboxControl: Sendable {
    /// Where the sandbox answers, as ``QBOSandboxServer/baseURL`` gives it.
    public let baseURL: URL
    private let transport: ControlTransport

    /// - Parameters:
    ///   - baseURL: the sandbox, for example `http://127.0.0.1:8080`.
    ///   - timeout: seconds each call may take.
    public init(baseURL: URL, timeout: TimeInterval = 30) {
        self.baseURL = baseURL
        transport = ControlTransport(timeout: timeout)
    }

    // MARK: Companies and tokens

    /// A company as the control API summarises it.
    public struct RealmSummary: Sendable, Equatable {
        /// The company id (`realmId`).
        public var realm: String
        /// `CompanyInfo.CompanyName`.
        public var name: String
        /// How many of each kind it holds (deleted ones not counted; inactive ones are).
        public var bills: Int
        public var invoices: Int
        public var accounts: Int
        public var billPayments: Int
        public var vendors: Int
        public var customers: Int
        /// Customer payments (`Payment`).
        public var payments: Int
        /// Expenses paid at once by check, cash or card (`Purchase`).
        public var purchases: Int
        /// The months of history it was seeded with (0: today's open items only).
        public var historyMonths: Int
    }

    /// Creates a company with deterministic data: the same seed on the same day gives the same data.
    ///
    /// With history (the default), the bills and invoices are spread over the months, the older ones
    /// paid through BillPayment and Payment records according to each party's habit, and recurring
    /// and one-off purchases come on top; without (`historyMonths: 0`), every bill and invoice is
    /// dated within the last 90 days, as the sandbox always seeded.
    ///
    /// ```swift
    /// try await control.createRealm("123", bills: 500, invoices: 200)                    // a year of history
    /// try await control.createRealm("124", bills: 40, historyMonths: 0)                  // open items only
    /// ```
    /// - Parameters:
    ///   - realm: its id (`[A-Za-z0-9_-]{1,64}`); `nil` lets the sandbox choose one.
    ///   - seed: decides vendors, habits, amounts, dates.
    ///   - bills, invoices, accounts: how many the company holds in all (accounts are the bank accounts;
    ///     A/P, A/R, a credit card and expense accounts come with them).
    ///   - historyMonths: months of history, 0...120; `nil` takes the sandbox's default, 12.
    /// - Throws: ``QBOSandboxControlError`` 409 `realm_exists` when the realm exists, 400 for a bad id or count.
    @discardableResult
    public func createRealm(_ realm: String? = nil, seed: Int = 1, bills: Int = 50, invoices: Int = 30,
                            accounts: Int = 2, historyMonths: Int? = nil) async throws -> RealmSummary {
        var body: [String: WireJSON] = ["seed": .number(Decimal(seed)), "bills": .number(Decimal(bills)),
                                        "invoices": .number(Decimal(invoices)), "accounts": .number(Decimal(accounts))]
        if let realm { body["realm"] = .string(realm) }
        if let historyMonths { body["history_months"] = .number(Decimal(historyMonths)) }
        return try Self.summary(try await call("POST", "realms", body: .object(body)))
    }

    /// Every company, in the order they were created.
    public func realms() async throws -> [RealmSummary] {
        try (try await call("GET", "realms")["realms"]?.arrayValue ?? []).map(Self.summary)
    }

    /// An access and a refresh token for a company, as Intuit's OAuth playground hands them out.
    public struct Tokens: Sendable, Equatable {
        /// For `Authorization: Bearer …` on the Accounting API.
        public var accessToken: String
        /// For the token endpoint's `refresh_token` grant; it rotates on every refresh.
        public var refreshToken: String
        /// Seconds the access token lives.
        public var expiresIn: Int
        /// The company the tokens open.
        public var realm: String
    }

    /// Mints tokens for a company without the OAuth redirect dance.
    /// - Parameter clientID: the OAuth client they are issued to; the sandbox's first client by default.
    public func tokens(realm: String, clientID: String? = nil) async throws -> Tokens {
        let body: WireJSON = clientID.map { ["client_id": .string($0)] } ?? [:]
        let answer = try await call("POST", "realms/\(try Self.segment(realm))/tokens", body: body)
        guard let access = answer["access_token"]?.stringValue, let refresh = answer["refresh_token"]?.stringValue else {
            throw QBOSandboxControlError(status: 200, error: "decoding", description: "the tokens answer has no access_token or refresh_token")
        }
        return Tokens(accessToken: access, refreshToken: refresh, expiresIn: Self.int(answer["expires_in"]) ?? 0, realm: realm)
    }

    /// What a company's seeded history holds: each customer's and vendor's habit
    /// (`on_time`, `late`, `erratic`; `early`, `prompt`, `behind`) and terms, and the recurring
    /// series (rent, payroll, …) with their cadence and typical amount — the truth to compare what a
    /// forecast learns from the data with.
    /// - Throws: ``QBOSandboxControlError`` 404 `no_history` for a company seeded with `historyMonths: 0`.
    public func history(realm: String) async throws -> QBOSandboxJSON {
        QBOSandboxJSON(try await call("GET", "realms/\(try Self.segment(realm))/history"))
    }

    /// Revokes every token of a company, as when its owner disconnects the app.
    public func revokeConnections(realm: String) async throws {
        _ = try await call("POST", "realms/\(try Self.segment(realm))/connections/revoke")
    }

    // MARK: Entities behind the client's back

    /// The kinds the control API can read, change and delete.
    public enum Entity: String, Sendable, CaseIterable {
        /// `Bill`
        case bill
        /// `Invoice`
        case invoice
        /// `Account`; deleting makes it inactive.
        case account
        /// `BillPayment`; deleting reverses its effects on the bills and the account.
        case billpayment
        /// `Vendor`; deleting makes it inactive.
        case vendor
        /// `Customer`; deleting makes it inactive.
        case customer
        /// `Payment`; deleting reverses its effects on the invoices and the deposit account.
        case payment
        /// `Purchase`; deleting gives the money back to the account it was paid from.
        case purchase
    }

    /// An entity as QBO renders it (`Id`, `SyncToken`, `MetaData`, …).
    /// - Throws: ``QBOSandboxControlError`` 400 with QBO's fault when it does not exist.
    public func entity(_ kind: Entity, id: String, realm: String) async throws -> QBOSandboxJSON {
        try await entityCall("GET", kind, id: id, realm: realm, body: nil)
    }

    /// Sets top-level fields as a person in QBO's screens would: the SyncToken and
    /// LastUpdatedTime move, so the next CDC reports the change. A `nil` value removes the field.
    /// - Returns: the entity after the change.
    @discardableResult
    public func patch(_ kind: Entity, id: String, realm: String, fields: [String: QBOSandboxJSON]) async throws -> QBOSandboxJSON {
        try await entityCall("PATCH", kind, id: id, realm: realm, body: .object(fields.mapValues(\.wire)))
    }

    /// Deletes a transaction (CDC then reports it deleted), or makes an account, vendor or customer
    /// inactive, as QBO does.
    /// - Returns: the entity as it was (or, for a list entity, as it is now).
    @discardableResult
    public func delete(_ kind: Entity, id: String, realm: String) async throws -> QBOSandboxJSON {
        try await entityCall("DELETE", kind, id: id, realm: realm, body: nil)
    }

    private func entityCall(_ method: String, _ kind: Entity, id: String, realm: String, body: WireJSON?) async throws -> QBOSandboxJSON {
        let answer = try await call(method, "realms/\(try Self.segment(realm))/\(kind.rawValue)/\(try Self.segment(id))", body: body)
        guard let entity = answer.objectValue?.values.first else {
            throw QBOSandboxControlError(status: 200, error: "decoding", description: "the \(kind.rawValue) answer holds no entity")
        }
        return QBOSandboxJSON(entity)
    }

    // MARK: Faults

    /// A fault to inject (see the sandbox README's faults table for what each kind does).
    public struct Fault: Sendable, Equatable {
        /// What a fault does to a request.
        public enum Kind: String, Sendable, CaseIterable {
            /// JSON fault 3001 instead of the answer.
            case throttle = "429"
            /// `SystemFault` 10000 with HTTP 500, instead of the answer.
            case serverError = "500"
            /// `SystemFault` 10000 with HTTP 503, instead of the answer.
            case unavailable = "503"
            /// The request is processed, then its answer is held `holdSeconds`.
            case timeout
            /// The connection closes with no answer; the request is not processed.
            case drop
            /// The gateway's lower-case JSON 3200, instead of the answer.
            case unauthorized = "401"
            /// QBO's XML 3200, instead of the answer.
            case unauthorizedXML = "xml401"
            /// A repeated `requestid` is treated as new: the write is applied again.
            case requestidMiss = "requestid_miss"
            /// The write is applied, then the connection closes with no answer.
            case dropAfterCommit = "drop_after_commit"
            /// The write is applied, then its answer is held `holdSeconds`.
            case stallAfterCommit = "stall_after_commit"
            /// The write is applied, then answered with `status` (500 or 503) and a `SystemFault`.
            case statusAfterCommit = "status_after_commit"
        }

        /// How many matching requests it hits.
        public enum Frequency: Sendable, Equatable {
            /// The next `n` matching requests.
            case count(Int)
            /// Each matching request with this probability (0, 1], until cleared; reproducible by the sandbox's fault seed.
            case rate(Decimal)
            /// The next matching requests one by one: a kind, or `nil` to let one through ("ok").
            case sequence([Kind?])
        }

        /// The kind; ignored for a ``Frequency/sequence(_:)``, whose steps say it.
        public var kind: Kind?
        public var frequency: Frequency
        /// One company only; `nil` for every company.
        public var realm: String?
        /// One operation only: `billpayment`, `bill`, `query`, `cdc`, `token` (the token endpoint), …
        public var path: String?
        /// For ``Kind/timeout`` and ``Kind/stallAfterCommit``.
        public var holdSeconds: Decimal?
        /// For ``Kind/statusAfterCommit``: 500 or 503.
        public var status: Int?

        /// A fault of one kind.
        public init(_ kind: Kind, realm: String? = nil, path: String? = nil, frequency: Frequency = .count(1),
                    holdSeconds: Decimal? = nil, status: Int? = nil) {
            self.kind = kind
            self.frequency = frequency
            self.realm = realm
            self.path = path
            self.holdSeconds = holdSeconds
            self.status = status
        }

        /// A scripted sequence: `.sequence([.dropAfterCommit, .unavailable, nil], path: "billpayment")`.
        public static func sequence(_ steps: [Kind?], realm: String? = nil, path: String? = nil, holdSeconds: Decimal? = nil,
                                    status: Int? = nil) -> Fault {
            var fault = Fault(.drop, realm: realm, path: path, frequency: .sequence(steps), holdSeconds: holdSeconds, status: status)
            fault.kind = nil
            return fault
        }

        var body: WireJSON {
            var object: [String: WireJSON] = [:]
            switch frequency {
            case .count(let count): object["count"] = .number(Decimal(count))
            case .rate(let rate): object["rate"] = .number(rate)
            case .sequence(let steps): object["sequence"] = .array(steps.map { .string($0?.rawValue ?? "ok") })
            }
            if case .sequence = frequency {} else if let kind { object["kind"] = .string(kind.rawValue) }
            if let realm { object["realm"] = .string(realm) }
            if let path { object["path"] = .string(path) }
            if let holdSeconds { object["hold_seconds"] = .number(holdSeconds) }
            if let status { object["status"] = .number(Decimal(status)) }
            return .object(object)
        }
    }

    /// Queues a fault.
    /// - Throws: ``QBOSandboxControlError`` 400 naming the field when the sandbox refuses it
    ///   (a status other than 500/503, an unknown path, `requestid_miss` on a path without writes, …).
    public func injectFault(_ fault: Fault) async throws {
        _ = try await call("POST", "faults", body: fault.body)
    }

    /// The faults still queued, as the sandbox lists them.
    public func faults() async throws -> [QBOSandboxJSON] {
        (try await call("GET", "faults")["faults"]?.arrayValue ?? []).map(QBOSandboxJSON.init)
    }

    /// Removes every queued fault.
    public func clearFaults() async throws {
        _ = try await call("DELETE", "faults")
    }

    // MARK: Counters, clock, throttling, persistence

    /// The sandbox's counters since it started.
    public struct Stats: Sendable, Equatable {
        /// Bill payments created, duplicates from a missed replay included.
        public var billPaymentsCreated: Int
        /// Customer payments created through the API (seeded history not counted).
        public var paymentsCreated: Int
        /// Purchases created through the API (seeded history not counted).
        public var purchasesCreated: Int
        /// realm → bill id → payments created that link the bill, duplicates from a missed replay included.
        public var billPaymentsByBill: [String: [String: Int]]
        /// Writes answered from a stored `requestid` answer.
        public var requestidReplays: Int
        /// Repeated `requestid`s treated as new by a `requestid_miss` fault.
        public var requestidMisses: Int
        /// Requests answered 429 by the rate limits (injected 429s are faults, not counted here).
        public var throttled: Int
        /// Faults that acted on a request.
        public var faultsInjected: Int
        /// realm → `"GET query"`, `"POST billpayment"`, … → count.
        public var requests: [String: [String: Int]]
    }

    /// The counters now.
    public func stats() async throws -> Stats {
        let answer = try await call("GET", "stats")
        func table(_ key: String) -> [String: [String: Int]] {
            (answer[key]?.objectValue ?? [:]).mapValues { ($0.objectValue ?? [:]).compactMapValues(Self.int) }
        }
        return Stats(billPaymentsCreated: Self.int(answer["billpayments_created"]) ?? 0,
                     paymentsCreated: Self.int(answer["payments_created"]) ?? 0, purchasesCreated: Self.int(answer["purchases_created"]) ?? 0,
                     billPaymentsByBill: table("billpayments_by_bill"),
                     requestidReplays: Self.int(answer["requestid_replays"]) ?? 0, requestidMisses: Self.int(answer["requestid_misses"]) ?? 0,
                     throttled: Self.int(answer["throttled"]) ?? 0, faultsInjected: Self.int(answer["faults_injected"]) ?? 0,
                     requests: table("requests"))
    }

    /// The sandbox clock: its time as QBO renders it, and how far it was moved from the machine's.
    public struct Clock: Sendable, Equatable {
        /// `2026-11-27T09:15:02.123-08:00`.
        public var now: String
        /// Seconds the clock was moved forward in all.
        public var offsetSeconds: Decimal
    }

    /// The sandbox clock now.
    public func clock() async throws -> Clock {
        Self.clock(try await call("GET", "clock"))
    }

    /// Moves the sandbox clock forward (token expiry, the throttling window, CDC's 30 days, LastUpdatedTime).
    /// - Throws: ``QBOSandboxControlError`` 400 for a negative amount: the clock only moves forward.
    @discardableResult
    public func advanceClock(seconds: Decimal) async throws -> Clock {
        Self.clock(try await call("POST", "clock", body: ["advance_seconds": .number(seconds)]))
    }

    /// Switches QBO's rate limits on or off, or changes them; `nil` leaves a setting as it is.
    public func setThrottle(enabled: Bool? = nil, perMinute: Int? = nil, concurrent: Int? = nil) async throws {
        var body: [String: WireJSON] = [:]
        if let enabled { body["enabled"] = .bool(enabled) }
        if let perMinute { body["per_minute"] = .number(Decimal(perMinute)) }
        if let concurrent { body["concurrent"] = .number(Decimal(concurrent)) }
        _ = try await call("POST", "throttle", body: .object(body))
    }

    /// Writes the sandbox's state to its data directory now.
    /// - Throws: ``QBOSandboxControlError`` 409 `no_data_directory` when it was started without one.
    public func save() async throws {
        _ = try await call("POST", "save")
    }

    // MARK: Plumbing

    private func call(_ method: String, _ path: String, body: WireJSON? = nil) async throws -> WireJSON {
        let url = baseURL.appendingPathComponent("__sandbox").appendingPathComponent(path)
        let (status, data) = try await transport.send(method, url, body: body?.data() ?? (method == "GET" || method == "DELETE" ? nil : Data("{}".utf8)))
        let answer = WireJSON.parse(data)
        guard (200..<300).contains(status) else {
            throw QBOSandboxControlError(status: status, error: answer?["error"]?.stringValue ?? "http_\(status)",
                                         description: answer?["error_description"]?.stringValue
                                             ?? answer?["Fault"]?["Error"]?.arrayValue?.first?["Detail"]?.stringValue
                                             ?? String(decoding: data.prefix(300), as: UTF8.self))
        }
        guard let answer else {
            throw QBOSandboxControlError(status: status, error: "decoding", description: "\(method) \(path) answered something other than JSON")
        }
        return answer
    }

    /// Ids become path segments: anything that could leave the path is refused before sending.
    private static func segment(_ text: String) throws -> String {
        guard !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }), text != ".", text != ".." else {
            throw QBOSandboxControlError(status: 0, error: "invalid_request", description: "\(text.debugDescription) is not an id: use letters, digits, - _ .")
        }
        return text
    }

    private static func int(_ value: WireJSON?) -> Int? {
        value?.decimalValue.flatMap { Int(exactly: NSDecimalNumber(decimal: $0).doubleValue) }
    }

    private static func summary(_ value: WireJSON) throws -> RealmSummary {
        guard let realm = value["realm"]?.stringValue else {
            throw QBOSandboxControlError(status: 200, error: "decoding", description: "a realm summary has no realm")
        }
        return RealmSummary(realm: realm, name: value["name"]?.stringValue ?? "", bills: int(value["bills"]) ?? 0,
                            invoices: int(value["invoices"]) ?? 0, accounts: int(value["accounts"]) ?? 0,
                            billPayments: int(value["billpayments"]) ?? 0, vendors: int(value["vendors"]) ?? 0,
                            customers: int(value["customers"]) ?? 0, payments: int(value["payments"]) ?? 0,
                            purchases: int(value["purchases"]) ?? 0, historyMonths: int(value["history_months"]) ?? 0)
    }

    private static func clock(_ value: WireJSON) -> Clock {
        Clock(now: value["now"]?.stringValue ?? "", offsetSeconds: value["offset_seconds"]?.decimalValue ?? 0)
    }
}

/// The sandbox refused a control call.
///
/// ```swift
/// do {
///     try await control.createRealm("123")
/// } catch let error as QBOSandboxControlError where error.code == "realm_exists" {
///     // already there: reuse it
/// }
/// ```
public struct QBOSandboxControlError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status (0 when the call was refused before sending).
    public let status: Int
    /// The sandbox's error code: `invalid_request`, `realm_exists`, `unknown_realm`, `not_found`, …
    public let code: String
    /// What was wrong, in the sandbox's words (it names the field and the accepted values).
    public let message: String

    init(status: Int, error: String, description: String) {
        self.status = status
        code = error
        message = description
    }

    /// `sandbox control: HTTP 409 realm_exists: realm 123 already exists: choose another id`.
    public var description: String { "sandbox control: HTTP \(status) \(code): \(message)" }
}

extension QBOSandboxServer {
    /// A client of this sandbox's control API.
    public var control: QBOSandboxControl { QBOSandboxControl(baseURL: baseURL) }
}
