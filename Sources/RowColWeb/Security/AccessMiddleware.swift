import Foundation
import HTTPTypes
import Hummingbird
import RowCol

/// Applies the ``AccessPolicy`` to every request before it reaches a route.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = WorkbenchContext
    let policy: AccessPolicy
    /// Paths that authenticate themselves (the webhook intake checks Intuit's signature).
    let selfAuthenticating: Set<String>

    /// The largest form body read to find a CSRF field (forms here carry a few short fields).
    static let maxFormBody = 64 * 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if selfAuthenticating.contains(request.uri.path) {
            context.authentication = .webhookSignature
            return try await next(request, context)
        }
        guard policy.isAllowed(host: request.head.authority) else {
            throw WorkbenchError(
                .misdirectedRequest, "host_refused",
                "this server answers only to http://127.0.0.1:\(policy.port) (the Host header named another server)")
        }
        let changesState = !(request.method == .get || request.method == .head)
        if changesState, let origin = request.headers[.origin], !policy.isAllowed(origin: origin) {
            throw WorkbenchError(.forbidden, "origin_refused", "requests from another origin cannot change anything here")
        }
        if let authorization = request.headers[.authorization] {
            guard authorization.hasPrefix("Bearer "), policy.matchesToken(authorization.dropFirst("Bearer ".count)) else {
                throw Self.unauthorized("the Bearer token is not this server's")
            }
            context.authentication = .bearer
            return try await next(request, context)
        }
        if request.method == .get, let given = Self.queryToken(request.uri.query) {
            guard policy.matchesToken(given) else { throw Self.unauthorized("the token in the URL is not this server's") }
            return Self.enter(request, policy: policy)
        }
        guard let cookie = request.cookies[policy.cookieName], policy.matchesToken(cookie.value) else {
            throw Self.unauthorized("open the URL `rowcol serve` printed (it carries the token), or send Authorization: Bearer")
        }
        context.authentication = .cookie
        guard changesState else { return try await next(request, context) }
        if let header = request.headers[Self.csrfHeader] {
            guard policy.matchesCSRF(header) else { throw Self.csrfFailed }
            return try await next(request, context)
        }
        // A form posted with JavaScript off: the field sits in the body, which is read here and handed on.
        var request = request
        let type = request.headers[.contentType] ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else { throw Self.csrfFailed }
        let body = try await request.collectBody(upTo: Self.maxFormBody)
        let fields = try FormFields(parsing: Substring(String(buffer: body)), what: "form")
        guard let field = fields["csrf_token"], policy.matchesCSRF(field) else { throw Self.csrfFailed }
        return try await next(request, context)
    }

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    static let csrfFailed = WorkbenchError(
        .forbidden, "csrf_failed",
        "this change needs the page's CSRF token (X-CSRF-Token header or csrf_token field); reload the page and try again")

    static func unauthorized(_ message: String) -> WorkbenchError {
        WorkbenchError(.unauthorized, "unauthorized", message, headers: [.wwwAuthenticate: "Bearer realm=\"rowcol\""])
    }

    /// The `token` query parameter, if any.
    static func queryToken(_ query: String?) -> String? {
        guard let query, let fields = try? FormFields(parsing: Substring(query), what: "query") else { return nil }
        return fields["token"]
    }

    /// Sets the session cookie and sends the browser to the same page without the token, so the
    /// token leaves the address bar (and never reaches a Referer or a screenshot).
    static func enter(_ request: Request, policy: AccessPolicy) -> Response {
        var kept: [String] = []
        for part in (request.uri.query ?? "").split(separator: "&") where !part.hasPrefix("token=") { kept.append(String(part)) }
        let location = request.uri.path + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        response.setCookie(Cookie(name: policy.cookieName, value: policy.token, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }
}
