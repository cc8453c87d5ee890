import Foundation
import RowColDomain
import RowColJSON

/// A failed exchange with QBO, reduced to what the orchestrator decides with.
public struct RemoteFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The hygiene flag the failure raises.
    public var flag: HygieneFlag.Code
    /// One line a person can act on.
    public var message: String
    /// Whether the remote side may have acted (a write timed out, the connection dropped after
    /// sending): such a write must be looked for in QBO before it is sent again.
    public var ambiguous: Bool
    /// The HTTP status, when there was an answer.
    public var httpCode: Int?
    /// The fault as JSON for the log (code, message, detail, element, intuit_tid).
    public var fault: JSONValue?

    public init(flag: HygieneFlag.Code, message: String, ambiguous: Bool = false, httpCode: Int? = nil,
                fault: JSONValue? = nil) {
        self.flag = flag
        self.message = message
        self.ambiguous = ambiguous
        self.httpCode = httpCode
        self.fault = fault
    }

    /// Whether a write that failed this way is final (QBO refused it) rather than worth retrying.
    public var isFinalRejection: Bool { flag == .writeRejected || flag == .writeConflict }

    public var description: String { "\(flag): \(message)" }
}
