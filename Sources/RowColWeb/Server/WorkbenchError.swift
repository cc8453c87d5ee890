import Foundation
import Hummingbird
import RowCol

/// An error the workbench answers with: a status, a stable code and a message that says what was
/// wrong and what to do. It renders itself as JSON under `/api/` and as a small page elsewhere.
public struct WorkbenchError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
    /// The HTTP status answered.
    public let status: HTTPResponse.Status
    /// A stable code such as `not_found` or `csrf_failed`.
    public let code: String
    /// What went wrong and what to do, for a person.
    public let message: String
    /// Extra headers (`WWW-Authenticate` on a 401).
    let headers: HTTPFields

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func badRequest(_ message: String) -> WorkbenchError { WorkbenchError(.badRequest, "bad_request", message) }
    static func notFound(_ message: String) -> WorkbenchError { WorkbenchError(.notFound, "not_found", message) }
    static func unprocessable(_ message: String) -> WorkbenchError {
        WorkbenchError(.unprocessableContent, "unprocessable", message)
    }
    /// A 404, not a 5xx: the server works as configured, it only has no plan to show or change.
    static let plansUnavailable = WorkbenchError(
        .notFound, "plans_unavailable",
        "this workbench was started without plans (WorkbenchOptions.planning): it has no plan or scenario, only the base projection")
    static let readOnly = WorkbenchError(
        .forbidden, "read_only", "this workbench was started with --read-only: it shows, it does not change anything")

    /// The answer: JSON `{"error": {"code", "message"}}` for the API, a page for a browser.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        let body: String
        if request.uri.path.hasPrefix("/api/") || request.uri.path.hasPrefix("/webhooks/") {
            fields[.contentType] = "application/json; charset=utf-8"
            let error: JSONValue = ["error": ["code": .string(code), "message": .string(message)]]
            body = String(decoding: error.serialized(.pretty), as: UTF8.self) + "\n"
        } else {
            fields[.contentType] = "text/html; charset=utf-8"
            body = Page.error(status: Int(status.code), title: status.reasonPhrase, message: message)
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
