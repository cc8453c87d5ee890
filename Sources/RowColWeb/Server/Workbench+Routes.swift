import Foundation
import HTTPTypes
import Hummingbird
import RowCol

/// One route: method, Hummingbird path template, operation name (logs and the OpenAPI document's
/// `operationId`), and its handler. The router and the OpenAPI test both read ``Workbench/routes``.
struct Route: Sendable {
    let method: HTTPRequest.Method
    let path: String
    let operation: String
    /// Whether the route changes something (refused in read-only mode).
    let writes: Bool
    let handler: @Sendable (Request, WorkbenchContext) async throws -> Response
}

extension Workbench {
    /// The paths that authenticate themselves rather than by token.
    static let webhookPath = "/webhooks/qbo"

    /// Every route the workbench answers.
    var routes: [Route] {
        var routes: [Route] = [
            Route(method: .get, path: "/api/v1/openapi.json", operation: "getOpenAPI", writes: false) { _, _ in
                Self.bytes(OpenAPIDocument.bytes, type: "application/json; charset=utf-8")
            },
            Route(method: .get, path: "/api/v1/console", operation: "getConsole", writes: false) { [data] _, _ in
                let entry = try await data.consoleEntry()
                return Self.bytes(try entry.rendered("json") { try Self.encode(entry.console) }, type: Self.jsonType)
            },
            Route(method: .get, path: "/api/v1/status", operation: "getStatus", writes: false) { [self] _, _ in
                try Self.json(try await status())
            },
            Route(method: .get, path: "/api/v1/tray", operation: "getTray", writes: false) { [self] request, _ in
                try Self.json(try await tray(days: try Self.days(try Self.fields(request))))
            },
            Route(method: .get, path: "/api/v1/digest", operation: "getDigest", writes: false) { [self] request, _ in
                let fields = try Self.fields(request)
                let limit = try Self.integer(fields, "limit", in: 1...100_000) ?? 200
                return try Self.json(try await digest(since: fields["since"], limit: limit).digest)
            },
            Route(method: .get, path: "/api/v1/log", operation: "getLog", writes: false) { [self] request, _ in
                let (business, before, limit) = try logQuery(try Self.fields(request))
                return try Self.json(try await data.history.lines(business: business, before: before, limit: limit))
            },
            Route(method: .get, path: "/api/v1/log/{seq}", operation: "getLogLine", writes: false) { [self] _, context in
                try Self.json(try await logEntry(context))
            },
            Route(method: .post, path: "/api/v1/sync", operation: "syncAll", writes: true) { [self] _, _ in
                try Self.json(try await sync(nil))
            },
            Route(method: .get, path: "/api/v1/businesses/{business}/snapshot", operation: "getSnapshot", writes: false) {
                [data] request, context in
                let entry = try await data.entry(try Self.business(context))
                let scenario = try Self.fields(request)["scenario"]
                let snapshot = try entry.snapshot(scenario: scenario)
                return Self.bytes(try entry.rendered("json|\(scenario ?? "")") { try Self.encode(snapshot) }, type: Self.jsonType)
            },
            Route(method: .get, path: "/api/v1/businesses/{business}/plan", operation: "getPlan", writes: false) {
                [self] _, context in
                let business = try Self.business(context)
                _ = try await data.entry(business)
                guard let planning = options.planning else { throw WorkbenchError.plansUnavailable }
                return try Self.json(try planning.planDocument(of: business, reader: reader))
            },
            Route(method: .post, path: "/api/v1/businesses/{business}/plan", operation: "editPlan", writes: true) {
                [self] request, context in
                var request = request
                let business = try Self.business(context)
                let edit = try PlanEditBody.parse(json: try await request.collectBody(upTo: 64 * 1024))
                return try Self.json(try await plan(edit, business: business))
            },
            Route(method: .get, path: "/api/v1/businesses/{business}/weeks/{week}", operation: "getWeek", writes: false) {
                [data] _, context in
                let snapshot = try await data.entry(try Self.business(context)).snapshot
                guard let text = context.parameters.get("week"), let number = Int(text),
                    let week = snapshot.weeks.first(where: { $0.index == number })
                else { throw WorkbenchError.notFound("the projection has weeks 1 to \(RunwayCalendar.weekCount)") }
                return try Self.json(WeekAnswer(
                    business: snapshot.business, week: week, bills: snapshot.payables.items.filter { $0.week == number },
                    invoices: snapshot.receivables.items.filter { $0.week == number },
                    payments: snapshot.scheduledPayments.filter { $0.week == number && $0.treatment == .projected }))
            },
            Route(method: .get, path: "/api/v1/businesses/{business}/bills", operation: "listOpenBills", writes: false) {
                [data] request, context in
                let snapshot = try await data.entry(try Self.business(context)).snapshot
                return try Self.json(try Self.openItems(snapshot.payables.items, try Self.fields(request)))
            },
            Route(method: .get, path: "/api/v1/businesses/{business}/invoices", operation: "listOpenInvoices", writes: false) {
                [data] request, context in
                let snapshot = try await data.entry(try Self.business(context)).snapshot
                return try Self.json(try Self.openItems(snapshot.receivables.items, try Self.fields(request)))
            },
            Route(method: .get, path: "/api/v1/businesses/{business}/payments", operation: "listPayments", writes: false) {
                [self] _, context in
                let business = try Self.business(context)
                _ = try await data.entry(business)
                return try Self.json(try reader.payments(of: business)
                    .sorted { ($0.payOn, $0.id) < ($1.payOn, $1.id) })
            },
            Route(method: .post, path: "/api/v1/businesses/{business}/payments", operation: "createPayment", writes: true) {
                [self] request, context in
                var request = request
                guard let key = request.headers[Self.idempotencyHeader] else {
                    throw WorkbenchError.badRequest(
                        "the Idempotency-Key header is required: a unique value per payment, sent again unchanged on a retry")
                }
                let idempotencyKey = try PaymentBody.idempotencyKey(key)
                let business = try Self.business(context)
                let body = try await request.collectBody(upTo: 64 * 1024)
                let payment = try PaymentBody.parse(body, business: business)
                let answer = try await pay(payment, key: idempotencyKey)
                return try Self.json(answer, status: Self.status(of: answer))
            },
            Route(method: .post, path: "/api/v1/businesses/{business}/sync", operation: "syncBusiness", writes: true) {
                [self] _, context in
                let business = try Self.business(context)
                guard reader.has(business) else { throw WorkbenchError.notFound("advisor \(advisor) has no business \(business)") }
                return try Self.json(try await sync([business]))
            },
        ]
        routes += pageRoutes
        if let webhooks {
            routes.append(Route(method: .post, path: Self.webhookPath, operation: "webhook", writes: true) { request, _ in
                var request = request
                let body = try await request.collectBody(upTo: 1024 * 1024)
                do {
                    let matched = try await webhooks.receive(
                        signature: request.headers[HTTPField.Name("intuit-signature")!], body: Data(body.readableBytesView))
                    return try Self.json(["accepted": JSONValue.number(Decimal(matched.count))])
                } catch let error as WebhookError {
                    throw WorkbenchError(error.reason == .malformedBody ? .badRequest : .unauthorized, "webhook_refused", error.description)
                }
            })
        }
        return routes
    }

    /// The router: the response and access layers, then every route; writes refused when read-only.
    public func makeRouter() -> Router<WorkbenchContext> {
        let router = Router(context: WorkbenchContext.self)
        let routes = routes
        let operations = Dictionary(routes.map { ("\($0.method.rawValue) \(Self.template($0.path))", $0.operation) },
                                    uniquingKeysWith: { first, _ in first })
        router.add(middleware: ResponseMiddleware(advisor: advisor, logger: logger, operations: operations))
        router.add(middleware: AccessMiddleware(policy: policy, selfAuthenticating: webhooks == nil ? [] : [Self.webhookPath]))
        let readOnly = options.readOnly
        for route in routes {
            router.on(RouterPath(route.path), method: route.method) { request, context -> Response in
                if route.writes && readOnly { throw WorkbenchError.readOnly }
                return try await route.handler(request, context)
            }
        }
        return router
    }

    /// How Hummingbird prints a route's path (`{business}` becomes `:business`).
    static func template(_ path: String) -> String { RouterPath(path).description }

    // MARK: Operations shared by the API and the pages

    func status() async throws -> StatusAnswer {
        let state = await scheduler?.state
        return StatusAnswer(
            advisor: advisor, readOnly: options.readOnly,
            scheduler: .init(enabled: scheduler != nil, nightlyReconHour: reader.configuration.nightlyReconHour,
                             lastRun: state?.lastRun, lastRecon: scheduler == nil ? nil : state?.lastRecon),
            webhooks: webhooks != nil,
            businesses: try WorkspaceStatus.read(workspace: workspace, advisor: advisor, environment: options.environment, now: now()))
    }

    func tray(days: Int?) async throws -> Tray {
        let entries = try await data.allEntries()
        return Tray(advisor: advisor, asOf: now(), snapshots: entries.map(\.snapshot),
                    rules: Tray.Rules(dueWithinDays: days ?? options.trayDays))
    }

    /// The digest since `since` (a date, an RFC 3339 instant, or 7 days ago when nil), and the
    /// date to show in the page's field.
    func digest(since: String?, limit: Int) async throws -> (digest: Digest, field: String) {
        let at = now()
        let start: DigestStart
        do {
            start = try DigestStart(since, now: at)
        } catch {
            throw WorkbenchError.badRequest(error.description)
        }
        let snapshots = try await data.allEntries().map(\.snapshot)
        let digest = try await data.history.digest(
            since: start.text, instant: start.instant, snapshots: snapshots, asOf: at, lineLimit: limit)
        return (digest, LocalDate(start.instant).description)
    }

    /// Applies a plan edit in a writer session of its own; the business's numbers follow at once.
    /// - Throws: 404 without plans or for another advisor's business, 422 when the plan refuses the edit.
    func plan(_ edit: PlanEdit, business: BusinessID) async throws -> JSONValue {
        guard let planning = options.planning else { throw WorkbenchError.plansUnavailable }
        guard reader.has(business) else { throw WorkbenchError.notFound("advisor \(advisor) has no business \(business)") }
        let document: JSONValue
        do {
            document = try await writer.withSession("plan") { session in
                try await planning.apply(edit, to: business, session: session)
            }
        } catch let error as WorkbenchError {
            throw error
        } catch let error as StoreError {
            throw error
        } catch {
            throw WorkbenchError.unprocessable("\(error)")
        }
        await changed([business])
        return document
    }

    /// Syncs (strict: everything from QBO now) in a writer session of its own.
    func sync(_ businesses: [BusinessID]?) async throws -> [BusinessSyncReport] {
        let reports = try await writer.withSession("sync") { session in
            try await session.sync(businesses: businesses, strict: true)
        }
        await changed(reports.map(\.business))
        return reports
    }

    func pay(_ payment: PaymentRequest, key: String) async throws -> PaymentAnswer {
        let answer = try await payments.pay(payment, idempotencyKey: key)
        await changed([payment.business])
        return answer
    }

    /// After this server wrote: fresh numbers at once, and open pages told.
    func changed(_ businesses: [BusinessID]) async {
        await data.invalidate(businesses)
        await watcher.check()
    }

    func logQuery(_ fields: FormFields) throws -> (BusinessID?, LogSeq?, Int) {
        var business: BusinessID?
        if let text = fields["business"], !text.isEmpty {
            guard let id = BusinessID(rawValue: text), reader.has(id) else {
                throw WorkbenchError.notFound("advisor \(advisor) has no business \"\(Self.printable(text))\"")
            }
            business = id
        }
        let before = try Self.integer(fields, "before", in: 1...Int.max).map { LogSeq(UInt64($0)) }
        return (business, before, try Self.integer(fields, "limit", in: 1...1000) ?? 100)
    }

    func logEntry(_ context: WorkbenchContext) async throws -> LogEntry {
        guard let text = context.parameters.get("seq"), let number = UInt64(text), number > 0 else {
            throw WorkbenchError.notFound("a log line is named by its seq, a whole number from 1")
        }
        guard let entry = try await data.history.entry(LogSeq(number)) else {
            throw WorkbenchError.notFound("the log of \(advisor) has no line \(number)")
        }
        return entry
    }

    // MARK: Helpers

    static let jsonType = "application/json; charset=utf-8"
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONEncoder(layout: .pretty).encode(value) + [UInt8(ascii: "\n")])
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: jsonType], body: ResponseBody(byteBuffer: try encode(value)))
    }

    static func bytes(_ buffer: ByteBuffer, type: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: type], body: ResponseBody(byteBuffer: buffer))
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        bytes(ByteBuffer(string: page), type: "text/html; charset=utf-8", status: status)
    }

    /// The query string's fields.
    static func fields(_ request: Request) throws -> FormFields {
        try FormFields(parsing: Substring(request.uri.query ?? ""), what: "query")
    }

    /// The business named in the path. An id that breaks the rules names no business: 404.
    static func business(_ context: WorkbenchContext) throws -> BusinessID {
        let text = context.parameters.get("business") ?? ""
        guard let business = BusinessID(rawValue: text) else {
            throw WorkbenchError.notFound("no business \"\(printable(text))\": business ids are 1 to 64 of A-Z a-z 0-9 . _ -")
        }
        return business
    }

    static func integer(_ fields: FormFields, _ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = fields[name], !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw WorkbenchError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(printable(text))\"")
        }
        return value
    }

    static func days(_ fields: FormFields) throws -> Int? { try integer(fields, "days", in: 0...365) }

    static func printable(_ text: String) -> String { ResponseMiddleware.printable(text) }

    /// Open items, searched (`q`) and sorted (`sort`) as the business page does.
    static func openItems(_ items: [AgingSummary.Item], _ fields: FormFields) throws -> [AgingSummary.Item] {
        let sort = try BusinessPage.View.sort(fields["sort"], name: "sort")
        var list = items
        if let query = fields["q"]?.lowercased(), !query.isEmpty {
            list = list.filter {
                "\($0.id) \($0.party.displayName) \($0.docNumber ?? "") \($0.dueDate?.description ?? "")".lowercased().contains(query)
            }
        }
        return BusinessPage.sorted(list, by: sort)
    }

    /// 201 for a payment QBO took now, 200 for one it already had, 202 queued, 409 rejected.
    static func status(of answer: PaymentAnswer) -> HTTPResponse.Status {
        switch answer.outcome {
        case .sent: answer.replayed ? .ok : .created
        case .queued: .accepted
        case .rejected: .conflict
        }
    }
}
