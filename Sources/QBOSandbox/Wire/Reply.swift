import Foundation

/// One HTTP answer of the sandbox, independent of the server library.
struct Reply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    static func json(_ value: WireJSON, status: Int = 200, headers: [String: String] = [:]) -> Reply {
        var all = headers
        all["Content-Type"] = "application/json;charset=UTF-8"
        return Reply(status: status, headers: all, body: value.data())
    }

    static func redirect(to location: String) -> Reply {
        Reply(status: 302, headers: ["Location": location], body: Data())
    }

    static func empty(status: Int = 200) -> Reply {
        Reply(status: status, headers: [:], body: Data())
    }
}

/// How a fault is spelled on the wire: QBO uses three shapes (QBO-WIRE.md, Faults).
enum FaultFormat: String, Sendable, Codable {
    /// `{"Fault": {"Error": [...], "type"}, "time"}`
    case json
    /// `<IntuitResponse><Fault type=…><Error code=…>…</IntuitResponse>`
    case xml
    /// The API gateway's lower-case `{"fault": {"error": [...], "type"}, "time": <epoch ms>}`.
    case gateway
}

/// A QBO fault the sandbox answers with; it renders itself in any of the three wire shapes.
struct QBOFault: Error, Sendable {
    var httpStatus: Int
    var code: String
    var type: String
    var message: String
    var detail: String
    var element: String = ""
    var format: FaultFormat = .json
    var headers: [String: String] = [:]

    /// Messages carry no control characters (a statement's newline or NUL is echoed as a space),
    /// and an echoed value is cut short, so a fault stays one readable line.
    static func clean(_ text: String) -> String {
        let scalars = text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : $0 }
        var result = String(String.UnicodeScalarView(scalars))
        if result.count > 1_000 { result = String(result.prefix(1_000)) + "…" }
        return result
    }

    func reply(nowMs: Int64) -> Reply {
        let message = Self.clean(message), detail = Self.clean(detail)
        switch format {
        case .json:
            let error: WireJSON = ["Message": .string(message), "Detail": .string(detail), "code": .string(code),
                                   "element": .string(element)]
            let body: WireJSON = ["Fault": ["Error": [error], "type": .string(type)],
                                  "time": .string(WireTime.format(nowMs, milliseconds: true))]
            return .json(body, status: httpStatus, headers: headers)
        case .gateway:
            let error: WireJSON = ["message": .string(message), "detail": .string(detail), "code": .string(code)]
            let body: WireJSON = ["warnings": .null, "intuitObject": .null,
                                  "fault": ["error": [error], "type": .string(type)],
                                  "report": .null, "queryResponse": .null, "batchItemResponse": [],
                                  "attachableResponse": [], "syncErrorResponse": .null, "requestId": .null,
                                  "time": .number(Decimal(nowMs)), "status": .null, "cdcresponse": []]
            return .json(body, status: httpStatus, headers: headers)
        case .xml:
            let xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="\(WireTime.format(nowMs, milliseconds: true))">
              <Fault type="\(Self.escape(type))">
                <Error code="\(Self.escape(code))" element="\(Self.escape(element))">
                  <Message>\(Self.escape(message))</Message>
                  <Detail>\(Self.escape(detail))</Detail>
                </Error>
              </Fault>
            </IntuitResponse>

            """
            var all = headers
            all["Content-Type"] = "application/xml;charset=UTF-8"
            return Reply(status: httpStatus, headers: all, body: Data(xml.utf8))
        }
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    // MARK: The faults QBO answers with

    static func invalidQuery(_ detail: String) -> QBOFault {
        QBOFault(httpStatus: 400, code: "4001", type: "ValidationFault", message: "Invalid query",
                 detail: "QueryValidationError: \(detail)")
    }

    static func notQueryable(_ property: String) -> QBOFault {
        invalidQuery("property '\(property.prefix(100))' is not queryable")
    }

    /// QBO's 4000, from its query grammar's parser (fixture fault_query_parser.json), on one line.
    static func parserError(found: String, column: Int, expecting: String) -> QBOFault {
        let shown = found.count > 60 ? String(found.prefix(60)) + "…" : found
        return QBOFault(httpStatus: 400, code: "4000", type: "ValidationFault", message: "Error parsing query",
                        detail: "QueryParserError: Encountered \"\(shown)\" at line 1, column \(column). Was expecting: \(expecting)")
    }

    static func notFound(_ entity: String, _ id: String) -> QBOFault {
        QBOFault(httpStatus: 400, code: "610", type: "ValidationFault", message: "Object Not Found",
                 detail: "Object Not Found : Something you're trying to use has been made inactive or deleted: \(entity) \(id)")
    }

    static func stale(_ entity: String, _ id: String, current: Int) -> QBOFault {
        QBOFault(httpStatus: 400, code: "5010", type: "ValidationFault", message: "Stale Object Error",
                 detail: "Stale Object Error : You and another user were working on the same thing. \(entity) \(id) is at SyncToken \(current): read it again and retry.")
    }

    static func missing(_ element: String) -> QBOFault {
        QBOFault(httpStatus: 400, code: "2020", type: "ValidationFault", message: "Required param missing, need to supply the required value for the API",
                 detail: "Required parameter \(element) is missing in the request", element: element)
    }

    static func invalidReference(_ what: String, element: String = "") -> QBOFault {
        QBOFault(httpStatus: 400, code: "2500", type: "ValidationFault", message: "Invalid Reference Id",
                 detail: "Invalid Reference Id : \(what)", element: element)
    }

    static func business(_ detail: String, element: String = "") -> QBOFault {
        QBOFault(httpStatus: 400, code: "6000", type: "ValidationFault",
                 message: "A business validation error has occurred while processing your request",
                 detail: "Business Validation Error: \(detail)", element: element)
    }

    static func badRequest(_ detail: String, element: String = "") -> QBOFault {
        QBOFault(httpStatus: 400, code: "2010", type: "ValidationFault", message: "Request has invalid or unsupported property",
                 detail: detail, element: element)
    }

    static func unsupported(_ detail: String, element: String = "") -> QBOFault {
        QBOFault(httpStatus: 400, code: "500", type: "ValidationFault", message: "Unsupported Operation", detail: detail,
                 element: element)
    }

    static func authentication(_ detail: String, format: FaultFormat = .gateway) -> QBOFault {
        QBOFault(httpStatus: 401, code: "3200", type: format == .gateway ? "AUTHENTICATION" : "AuthenticationFault",
                 message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail: detail, format: format)
    }

    static func forbidden(_ detail: String) -> QBOFault {
        QBOFault(httpStatus: 403, code: "3100", type: "AuthorizationFault",
                 message: "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403", detail: detail)
    }

    static func throttled(format: FaultFormat, retryAfter: Int?) -> QBOFault {
        QBOFault(httpStatus: 429, code: "3001", type: format == .xml ? "SERVICE" : "ThrottleExceeded",
                 message: "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                 detail: "The request limit was reached.  Try again later", format: format,
                 headers: retryAfter.map { ["Retry-After": String($0)] } ?? [:])
    }

    static func system(status: Int) -> QBOFault {
        QBOFault(httpStatus: status, code: "10000", type: "SystemFault",
                 message: "An application error has occurred while processing your request",
                 detail: "System Failure Error: the sandbox was told to fail this request (HTTP \(status))")
    }
}

/// An error of the sandbox's control API or OAuth endpoints (not a QBO fault).
struct ControlError: Error, Sendable {
    var status: Int
    var error: String
    var description: String

    func reply() -> Reply {
        .json(["error": .string(error), "error_description": .string(description)], status: status)
    }
}
