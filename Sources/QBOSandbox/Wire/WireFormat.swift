import Foundation

/// JSON or XML, as the request's `Accept` header asks. Without one QBO answers XML (its JSON is
/// opt-in with `Accept: application/json`), and so does the sandbox.
enum WireFormat: Sendable, Equatable {
    case json
    case xml

    init(accept: String?) {
        let lower = accept?.lowercased() ?? ""
        switch (lower.range(of: "json"), lower.range(of: "xml")) {
        case (let json?, let xml?): self = json.lowerBound < xml.lowerBound ? .json : .xml
        case (_?, nil): self = .json
        default: self = .xml
        }
    }

    func reply(_ answer: WireJSON, status: Int = 200) -> Reply {
        switch self {
        case .json: return .json(answer, status: status)
        case .xml: return Reply(status: status, headers: ["Content-Type": "application/xml;charset=UTF-8"], body: WireXML.document(answer))
        }
    }

    /// A fault in this format; the gateway's own shapes (401 lower-case JSON, 429 XML) stay as QBO sends them.
    func fault(_ error: any Error, nowMs: Int64) -> Reply {
        guard var fault = error as? QBOFault else { return error.reply(nowMs: nowMs) }
        if self == .xml, fault.format == .json { fault.format = .xml }
        return fault.reply(nowMs: nowMs)
    }
}
