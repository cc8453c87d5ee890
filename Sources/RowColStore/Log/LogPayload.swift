import Foundation
import RowColJSON

/// What a log line carries besides its header fields.
public struct LogPayload: Hashable, Sendable, Codable {
    /// The mirror changes this line explains (applied in order after the line is durable).
    public var changes: [MirrorChange]
    /// The request body or parameters sent, for OUTBOUND lines (never credentials).
    public var request: JSONValue?
    /// The response body or a summary of it.
    public var response: JSONValue?
    /// The fault, when the call failed.
    public var fault: JSONValue?
    /// Anything else worth keeping (cursor, counts, …).
    public var detail: JSONValue?

    public init(
        changes: [MirrorChange] = [], request: JSONValue? = nil, response: JSONValue? = nil,
        fault: JSONValue? = nil, detail: JSONValue? = nil
    ) {
        self.changes = changes
        self.request = request
        self.response = response
        self.fault = fault
        self.detail = detail
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        changes = try container.decodeIfPresent([MirrorChange].self, forKey: .changes) ?? []
        request = try container.decodeIfPresent(JSONValue.self, forKey: .request)
        response = try container.decodeIfPresent(JSONValue.self, forKey: .response)
        fault = try container.decodeIfPresent(JSONValue.self, forKey: .fault)
        detail = try container.decodeIfPresent(JSONValue.self, forKey: .detail)
    }
}
