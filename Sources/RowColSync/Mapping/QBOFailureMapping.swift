import Foundation
import QBO
import RowColDomain
import RowColJSON

/// Maps the QBO client's errors to hygiene flags (the table of DESIGN §5).
public enum QBOFailureMapping {
    public static func classify(_ error: any Error) -> RemoteFailure {
        guard let error = error as? QBOError else {
            if let mapping = error as? QBOMappingError {
                return RemoteFailure(flag: .railUnavailable, message: mapping.description)
            }
            return RemoteFailure(flag: .railOffline, message: "QBO could not be reached: \(error)", ambiguous: true)
        }
        let tid = error.intuitTID.map { " (intuit_tid \($0))" } ?? ""
        let fault = faultJSON(error)
        func failure(_ flag: HygieneFlag.Code, _ text: String, ambiguous: Bool = false) -> RemoteFailure {
            RemoteFailure(flag: flag, message: text + tid, ambiguous: ambiguous, httpCode: error.httpStatus, fault: fault)
        }
        switch error.code {
        case .throttled:
            return failure(.railThrottled, "QBO throttled the requests (429) and retries ran out; sync again in a minute")
        case .authentication, .reconnectRequired, .tokenStore:
            return failure(.authReconnectRequired, "QBO refused the connection: \(error.message); run `rowcol connect` again")
        case .authorization:
            return failure(.authForbidden, "QBO refused access (403): \(error.message); check the connected user's rights")
        case .serviceUnavailable, .circuitOpen:
            return failure(.railUnavailable, "QBO is unavailable: \(error.message)", ambiguous: true)
        case .decoding:
            return failure(.railUnavailable, "QBO sent an unreadable answer: \(error.message)", ambiguous: true)
        case .transport:
            // A refused connection never reached QBO; a timeout or a dropped connection may have.
            return failure(.railOffline, "QBO could not be reached: \(error.message)",
                           ambiguous: error.transportReason != .refused)
        case .staleObject:
            return failure(.writeConflict, "QBO has a newer version: \(error.message)")
        case .validation, .notFound, .invalidArgument:
            return failure(.writeRejected, "QBO rejected the request: \(faultSummary(error))")
        default:
            return failure(.railUnavailable, "QBO call failed: \(error.message)", ambiguous: true)
        }
    }

    static func faultSummary(_ error: QBOError) -> String {
        guard let first = error.faults.first else { return error.message }
        var text = "fault \(first.code): \(first.message)"
        if let detail = first.detail, !detail.isEmpty { text += " — \(detail)" }
        return text
    }

    static func faultJSON(_ error: QBOError) -> JSONValue {
        var object: [String: JSONValue] = ["kind": .string(error.code.description), "message": .string(error.message)]
        if let status = error.httpStatus { object["http_status"] = .number(Decimal(status)) }
        if let tid = error.intuitTID { object["intuit_tid"] = .string(tid) }
        if !error.faults.isEmpty {
            object["faults"] = .array(error.faults.map { fault in
                var entry: [String: JSONValue] = ["code": .string(fault.code), "message": .string(fault.message)]
                if let detail = fault.detail { entry["detail"] = .string(detail) }
                if let element = fault.element { entry["element"] = .string(element) }
                return .object(entry)
            })
        }
        return .object(object)
    }
}
