import Foundation

/// The one error the QBO client throws.
///
/// Built like GRDB's `DatabaseError`: a ``Code`` says what kind of failure it is, and the error
/// carries everything needed to report it to a person or to Intuit support: the HTTP status, the
/// `intuit_tid` response header, the QBO faults and a message saying what to do.
///
/// Match on the code with a `catch` pattern:
///
/// ```swift
/// do {
///     _ = try await client.read(QBOBill.self, id: "42")
/// } catch QBOError.Code.staleObject {
///     // someone else changed the bill: read it again
/// } catch QBOError.Code.reconnectRequired {
///     // the refresh token was refused: the user must connect the company again
/// }
/// ```
public struct QBOError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added: switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: String, Sendable {
            case throttled, authentication, authorization, validation, notFound, staleObject
            case serviceUnavailable, transport, decoding, reconnectRequired, circuitOpen
            case tokenStore, invalidArgument
        }
        let kind: Kind

        /// HTTP 429 or fault 3001: slow down, then retry.
        public static let throttled = Code(kind: .throttled)
        /// HTTP 401 or fault 100/3200 that a token refresh did not cure.
        public static let authentication = Code(kind: .authentication)
        /// HTTP 403 or fault 120/3100: the connected user may not do this.
        public static let authorization = Code(kind: .authorization)
        /// A request QBO refused as invalid (2xxx, 4001, 6xxx, other 4xx); never retried.
        public static let validation = Code(kind: .validation)
        /// Fault 610 or HTTP 404.
        public static let notFound = Code(kind: .notFound)
        /// Fault 5010: the SyncToken sent is not the current one.
        public static let staleObject = Code(kind: .staleObject)
        /// HTTP 5xx or fault 10000.
        public static let serviceUnavailable = Code(kind: .serviceUnavailable)
        /// The request did not get an answer: timeout, connection refused, reset or dropped.
        public static let transport = Code(kind: .transport)
        /// An answer arrived but is not what QBO sends: truncated JSON, wrong types, an HTML page.
        public static let decoding = Code(kind: .decoding)
        /// The refresh token was refused (`invalid_grant`) or revoked: connect the company again.
        public static let reconnectRequired = Code(kind: .reconnectRequired)
        /// The circuit breaker of the realm is open after repeated failures; no request was sent.
        public static let circuitOpen = Code(kind: .circuitOpen)
        /// The token file could not be read or written.
        public static let tokenStore = Code(kind: .tokenStore)
        /// The caller passed a value the client cannot send (for example a request id over 50 characters).
        public static let invalidArgument = Code(kind: .invalidArgument)

        public var description: String { kind.rawValue }

        /// Lets `catch QBOError.Code.throttled` match a thrown ``QBOError``.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? QBOError)?.code == code
        }
    }

    /// Why a ``Code/transport`` error happened.
    public enum TransportReason: String, Sendable, Hashable {
        case timeout, refused, dropped, other
    }

    public var code: Code
    /// A sentence naming what went wrong and what to do.
    public var message: String
    /// The HTTP status of the answer, if one arrived.
    public var httpStatus: Int?
    /// The `intuit_tid` header of the answer: quote it to Intuit support.
    public var intuitTID: String?
    /// The faults QBO sent, in order.
    public var faults: [QBOFault]
    /// For transport errors, what happened to the connection.
    public var transportReason: TransportReason?
    /// The `Retry-After` the server asked for, in seconds.
    public var retryAfter: Double?
    /// A description of the lower-level error, if any.
    public var underlying: String?

    public init(_ code: Code, message: String, httpStatus: Int? = nil, intuitTID: String? = nil,
                faults: [QBOFault] = [], transportReason: TransportReason? = nil,
                retryAfter: Double? = nil, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.intuitTID = intuitTID
        self.faults = faults
        self.transportReason = transportReason
        self.retryAfter = retryAfter
        self.underlying = underlying
    }

    /// True for the failures worth retrying with backoff: throttling, 5xx and lost connections.
    public var isTransient: Bool {
        code == .throttled || code == .serviceUnavailable || code == .transport
    }

    public var description: String {
        var text = "QBOError.\(code): \(message)"
        if let httpStatus { text += " [HTTP \(httpStatus)]" }
        if let intuitTID { text += " [intuit_tid \(intuitTID)]" }
        for fault in faults {
            text += " [fault \(fault.code): \(fault.message)\(fault.detail.map { " — \($0)" } ?? "")\(fault.element.map { " (element \($0))" } ?? "")]"
        }
        if let underlying { text += " [cause: \(underlying)]" }
        return text
    }
}

extension QBOError {
    /// Classifies a QBO answer that carries faults or a non-2xx status.
    static func fromResponse(status: Int, intuitTID: String?, faults: [QBOFault], retryAfter: Double?) -> QBOError {
        let code = classify(status: status, faults: faults)
        let first = faults.first
        let what = first.map { "QBO fault \($0.code) \"\($0.message)\"\($0.detail.map { ": \($0)" } ?? "")" } ?? "HTTP \(status)"
        let advice: String
        switch code {
        case .throttled: advice = "QBO is throttling this company; wait and retry later."
        case .authentication: advice = "The access token was refused; refresh the token or connect again."
        case .authorization: advice = "The connected QBO user lacks permission for this operation."
        case .validation: advice = "QBO refused the request as invalid; fix the request, do not retry it as is."
        case .notFound: advice = "The object does not exist in QBO (deleted or wrong id)."
        case .staleObject: advice = "The object changed in QBO since it was read; read it again and reapply the change."
        case .serviceUnavailable: advice = "QBO is failing or unavailable; retry later."
        default: advice = "See the faults for details."
        }
        return QBOError(code, message: "\(what). \(advice)", httpStatus: status, intuitTID: intuitTID,
                        faults: faults, retryAfter: retryAfter)
    }

    static func classify(status: Int, faults: [QBOFault]) -> Code {
        for fault in faults {
            switch fault.numericCode {
            case 3001?: return .throttled
            case 100?, 3200?: return .authentication
            case 120?, 3100?: return .authorization
            case 610?: return .notFound
            case 5010?: return .staleObject
            case 10000?: return .serviceUnavailable
            default: break
            }
            let type = fault.type?.lowercased() ?? ""
            if type.hasPrefix("authentication") { return .authentication }
            if type.hasPrefix("authorization") { return .authorization }
        }
        switch status {
        case 429: return .throttled
        case 401: return .authentication
        case 403: return .authorization
        case 404: return .notFound
        case 500...599: return .serviceUnavailable
        default:
            if faults.contains(where: { $0.type?.lowercased() == "systemfault" }) { return .serviceUnavailable }
            return .validation
        }
    }
}
