import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RowCol

/// The outermost layer: turns every error into an answer (JSON or a page), adds the security
/// headers to every answer, and logs one line per request — advisor, business, operation, status,
/// duration — naming the route, never the URL (which may carry the token).
struct ResponseMiddleware: RouterMiddleware {
    typealias Context = WorkbenchContext
    let advisor: AdvisorID
    let logger: Logger
    let operations: [String: String]

    /// No script, style, image or connection from anywhere but this server; no framing; forms post here only.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        var failure: String?
        var reason: String?
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
            failure = (error as? WorkbenchError)?.code ?? "http_error"
            reason = (error as? WorkbenchError)?.message
        } catch {
            let mapped = Self.map(error)
            response = try mapped.response(from: request, context: context)
            failure = mapped.code
            reason = mapped.message
            if mapped.status == .internalServerError {
                logger.error("request failed", metadata: ["operation": .string(operation(request, context)), "error": "\(error)"])
            }
        }
        Self.secure(&response.headers, api: request.uri.path.hasPrefix("/api/"))
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "advisor": .string(advisor.rawValue), "operation": .string(operation(request, context)),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.1f", milliseconds)),
        ]
        if let business = context.parameters.get("business") { metadata["business"] = .string(Self.printable(business)) }
        if let failure { metadata["error"] = .string(failure) }
        // Why a request was refused, at debug level: the messages name what was wrong in the
        // request (escaped), never the token.
        if let reason, logger.logLevel <= .debug { metadata["reason"] = .string(reason) }
        logger.info("\(request.method) \(operation(request, context)) \(response.status.code)", metadata: metadata)
        return response
    }

    /// The route's operation name (`api.snapshot`), from its template, never from the URL itself.
    func operation(_ request: Request, _ context: Context) -> String {
        guard let template = context.endpointPath, template != "NotFound" else { return "not_found" }
        return operations["\(request.method.rawValue) \(template)"] ?? template
    }

    static func secure(_ headers: inout HTTPFields, api: Bool) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        // same-origin, not no-referrer: under no-referrer a browser posts a plain form with
        // `Origin: null`, which the origin check must refuse; nothing leaves for another origin either way.
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "same-origin"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }

    /// Errors from below the web layer, as answers: a missing business is a 404 (whoever owns it),
    /// a bad id a 404 naming the rule, anything else a 500 whose message names the cause.
    static func map(_ error: any Error) -> WorkbenchError {
        if let error = error as? WorkbenchError { return error }
        if let error = error as? StoreError, error.code == .notFound { return .notFound(error.message) }
        if let error = error as? StoreError, error.code == .busy {
            return WorkbenchError(.serviceUnavailable, "busy", error.message + "; try again when it is done",
                                  headers: [.retryAfter: "5"])
        }
        if let error = error as? IdentifierError { return .notFound(error.message) }
        if let error = error as? ConfigurationError {
            return WorkbenchError(.internalServerError, "configuration", error.description)
        }
        return WorkbenchError(.internalServerError, "internal", "the workbench could not answer: \(error)")
    }

    /// A value from the URL made safe for one log line.
    static func printable(_ text: String) -> String {
        IdentifierError(kind: "", value: text, reason: "").printableValue
    }
}
