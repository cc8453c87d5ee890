import Foundation
import Hummingbird
import RowCol
import ServiceLifecycle

extension Workbench {
    var frame: Page.Frame {
        Page.Frame(advisor: advisor, csrfToken: policy.csrfToken, readOnly: options.readOnly, plans: options.planning != nil)
    }

    /// The pages, the forms they post, the event stream and the assets.
    var pageRoutes: [Route] {
        [
            Route(method: .get, path: "/", operation: "page.console", writes: false) { [self] request, _ in
                let fields = try Self.fields(request)
                let view = try ConsolePage.View(fields)
                let notice = await notices.notice(fields["notice"])
                let entry = try await data.consoleEntry()
                let frame = frame
                guard notice == nil else { return Self.html(ConsolePage.render(entry, view: view, frame: frame, notice: notice)) }
                return Self.bytes(entry.rendered("page|" + view.cacheKey) {
                    ByteBuffer(string: ConsolePage.render(entry, view: view, frame: frame, notice: nil))
                }, type: Self.htmlType)
            },
            Route(method: .get, path: "/businesses/{business}", operation: "page.business", writes: false) { [self] request, context in
                let fields = try Self.fields(request)
                let view = try BusinessPage.View(fields)
                let business = try Self.business(context)
                let entry = try await data.entry(business)
                let log = try await data.history.lines(business: business, limit: 20)
                let notice = await notices.notice(fields["notice"])
                let frame = frame
                guard notice == nil else {
                    return Self.html(try BusinessPage.render(entry, log: log, view: view, frame: frame, notice: notice))
                }
                return Self.bytes(try entry.rendered("page|\(log.first?.seq.rawValue ?? 0)|" + view.cacheKey) {
                    ByteBuffer(string: try BusinessPage.render(entry, log: log, view: view, frame: frame, notice: nil))
                }, type: Self.htmlType)
            },
            Route(method: .get, path: "/tray", operation: "page.tray", writes: false) { [self] request, _ in
                let fields = try Self.fields(request)
                let tray = try await tray(days: try Self.days(fields))
                return Self.html(TrayPage.render(tray, frame: frame, today: LocalDate(now()), notice: await notices.notice(fields["notice"])))
            },
            Route(method: .get, path: "/digest", operation: "page.digest", writes: false) { [self] request, _ in
                let fields = try Self.fields(request)
                let (digest, field) = try await digest(since: fields["since"], limit: 200)
                return Self.html(DigestPage.render(digest, frame: frame, sinceField: field))
            },
            Route(method: .get, path: "/status", operation: "page.status", writes: false) { [self] _, _ in
                Self.html(StatusPage.render(try await status(), frame: frame))
            },
            Route(method: .get, path: "/log", operation: "page.log", writes: false) { [self] request, _ in
                let (business, before, limit) = try logQuery(try Self.fields(request))
                let lines = try await data.history.lines(business: business, before: before, limit: limit)
                return Self.html(LogPage.render(lines, business: business, frame: frame, limit: limit))
            },
            Route(method: .get, path: "/log/{seq}", operation: "page.log_line", writes: false) { [self] _, context in
                let entry = try await logEntry(context)
                let pretty = String(decoding: try JSONEncoder(layout: .pretty).encode(entry), as: UTF8.self)
                return Self.html(LogPage.entry(entry, pretty: pretty, frame: frame))
            },
            Route(method: .post, path: "/sync", operation: "page.sync", writes: true) { [self] request, _ in
                var request = request
                let fields = try FormFields(parsing: Substring(String(buffer: try await request.collectBody(upTo: 64 * 1024))), what: "form")
                var business: BusinessID?
                if let text = fields["business"], !text.isEmpty {
                    guard let id = BusinessID(rawValue: text) else {
                        throw WorkbenchError.notFound("no business \"\(Self.printable(text))\"")
                    }
                    guard reader.has(id) else { throw WorkbenchError.notFound("advisor \(advisor) has no business \(id)") }
                    business = id
                }
                let reports = try await sync(business.map { [$0] })
                let lines = reports.map { report in
                    "<strong>\(Page.esc(report.business.rawValue))</strong>: \(report.synced ? "synced" : "not fully synced")"
                        + (report.flags.isEmpty ? "" : " — " + report.flags.map { "<code class=\"flag\">\(Page.esc($0.code.rawValue))</code>" }.joined(separator: " "))
                }
                let id = await notices.post("Sync: " + lines.joined(separator: "; "))
                let target = business.map { "/businesses/\($0.rawValue)" } ?? "/"
                return Response(status: .seeOther, headers: [.location: target + Page.query([("notice", id)])])
            },
            Route(method: .post, path: "/businesses/{business}/plan", operation: "page.plan", writes: true) { [self] request, context in
                var request = request
                let business = try Self.business(context)
                let fields = try FormFields(parsing: Substring(String(buffer: try await request.collectBody(upTo: 64 * 1024))), what: "form")
                let edit = try PlanEditBody.parse(form: fields)
                _ = try await plan(edit, business: business)
                let id = await notices.post("Plan of <strong>\(Page.esc(business.rawValue))</strong>: " + Page.esc(Self.describe(edit)))
                let target = Self.localPath(fields["return_to"]) ?? "/businesses/\(business.rawValue)"
                let (path, fragment) = Self.splitFragment(target)
                let separator = path.contains("?") ? "&" : "?"
                return Response(status: .seeOther, headers: [.location: path + separator + "notice=\(id)" + fragment])
            },
            Route(method: .post, path: "/tray/pay", operation: "page.pay", writes: true) { [self] request, _ in
                var request = request
                let fields = try FormFields(parsing: Substring(String(buffer: try await request.collectBody(upTo: 64 * 1024))), what: "form")
                guard let text = fields["business"], let business = BusinessID(rawValue: text) else {
                    throw WorkbenchError.badRequest("the form names no valid business")
                }
                guard let key = fields["idempotency_key"] else { throw WorkbenchError.badRequest("the form carries no idempotency_key") }
                let payment = try PaymentBody.parse(form: fields, business: business)
                let answer = try await pay(payment, key: try PaymentBody.idempotencyKey(key))
                let id = await notices.post(
                    "Payment of bill <strong>\(Page.esc(payment.billID.rawValue))</strong> (\(Page.esc(business.rawValue))): "
                        + "<strong>\(answer.outcome.rawValue)</strong>\(answer.replayed ? " (already approved)" : "") — \(Page.esc(answer.message))")
                return Response(status: .seeOther, headers: [.location: "/tray" + Page.query([("notice", id)])])
            },
            Route(method: .get, path: "/events", operation: "events", writes: false) { [hub] _, _ in
                let (id, stream) = await hub.subscribe()
                let body = ResponseBody { writer in
                    do {
                        try await writer.write(ByteBuffer(string: ": connected\n\n"))
                        for await event in stream.cancelOnGracefulShutdown() { try await writer.write(ByteBuffer(string: event.wire)) }
                    } catch {
                        // The page went away: found out at the next write (heartbeats come every 15 checks).
                        await hub.unsubscribe(id)
                        throw error
                    }
                    await hub.unsubscribe(id)
                    try await writer.finish(nil)
                }
                return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
            },
            Route(method: .get, path: "/assets/workbench.css", operation: "asset", writes: false) { _, _ in
                Self.asset(Self.css, type: "text/css; charset=utf-8")
            },
            Route(method: .get, path: "/assets/workbench.js", operation: "asset", writes: false) { _, _ in
                Self.asset(Self.js, type: "text/javascript; charset=utf-8")
            },
            Route(method: .get, path: "/favicon.ico", operation: "asset", writes: false) { _, _ in
                Response(status: .noContent)
            },
        ]
    }

    /// `return_to` when it is a path on this server (never another origin: no `//`, no scheme, no backslash).
    static func localPath(_ text: String?) -> String? {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"),
            text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return text
    }

    static func splitFragment(_ target: String) -> (String, String) {
        guard let index = target.firstIndex(of: "#") else { return (target, "") }
        return (String(target[..<index]), String(target[index...]))
    }

    /// An edit in words, for the notice after it.
    static func describe(_ edit: PlanEdit) -> String {
        switch edit {
        case .expect(let item, let on): on.map { "\(item.kind.rawValue) \(item.id) expected on \($0)" } ?? "\(item.kind.rawValue) \(item.id) back on its own date"
        case .exclude(let item, let excluded): "\(item.kind.rawValue) \(item.id) " + (excluded ? "left out" : "counted again")
        case .oneOff(let id, let name, let inflow, let amount, let on):
            "one-off \(id) (\(name)): \(inflow ? "in" : "out") \(Money.format(amount, minimumFractionDigits: 2)) on \(on)"
        case .removeOneOff(let id): "one-off \(id) removed"
        case .floor(let amount): "cash floor " + (amount.map { Money.format($0, minimumFractionDigits: 2) } ?? "back to zero")
        }
    }

    static let htmlType = "text/html; charset=utf-8"
    static let css = ByteBuffer(string: Assets.css)
    static let js = ByteBuffer(string: Assets.js)

    static func asset(_ buffer: ByteBuffer, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=300"], body: ResponseBody(byteBuffer: buffer))
    }
}
