import Foundation
import RowColDomain
import RowColJSON

/// One mirrored entity as stored in `mirror/<kind>/<id>.json` (DESIGN §4).
public struct MirrorDocument: Hashable, Sendable, Codable {
    public var advisor: AdvisorID
    public var business: BusinessID
    public var entity: EntityKind
    public var id: EntityID
    /// How many times the document changed (1 when created; a recreated document starts again at 1).
    public var version: Int
    /// QBO's `SyncToken`.
    public var sourceVersion: String?
    /// The log line that last changed the document.
    public var logSeq: LogSeq
    /// QBO's `LastUpdatedTime`, as QBO wrote it.
    public var updatedAt: String?
    /// The domain view.
    public var data: JSONValue?
    /// The QBO body as received.
    public var qbo: JSONValue?

    public init(
        advisor: AdvisorID, business: BusinessID, entity: EntityKind, id: EntityID, version: Int,
        sourceVersion: String?, logSeq: LogSeq, updatedAt: String?, data: JSONValue?, qbo: JSONValue?
    ) {
        self.advisor = advisor
        self.business = business
        self.entity = entity
        self.id = id
        self.version = version
        self.sourceVersion = sourceVersion
        self.logSeq = logSeq
        self.updatedAt = updatedAt
        self.data = data
        self.qbo = qbo
    }

    /// Whether `change` would leave the document as it is (same QBO version, time and bodies).
    public func isUnchanged(by change: MirrorChange) -> Bool {
        sourceVersion == change.sourceVersion && updatedAt == change.updatedAt && data == change.data
            && qbo == change.qbo
    }

    /// The domain value held in ``data``.
    public func decodeData<T: Decodable>(_ type: T.Type) throws -> T {
        guard let data else {
            throw StoreError(code: .corruptDocument, message: "mirror document \(entity) \(id) has no data")
        }
        return try data.decode(T.self)
    }

    enum CodingKeys: String, CodingKey {
        case entity, id, version, data, qbo
        case advisor = "advisor_id"
        case business = "business_id"
        case sourceVersion = "source_version"
        case logSeq = "log_seq"
        case updatedAt = "updated_at"
    }

    // Every key is written, null included, so all documents share one shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(advisor, forKey: .advisor)
        try container.encode(business, forKey: .business)
        try container.encode(entity, forKey: .entity)
        try container.encode(id, forKey: .id)
        try container.encode(version, forKey: .version)
        try container.encode(sourceVersion, forKey: .sourceVersion)
        try container.encode(logSeq, forKey: .logSeq)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(data, forKey: .data)
        try container.encode(qbo, forKey: .qbo)
    }
}

/// `state.json` of a business: the mirror's checkpoint and the sync layer's own state, written
/// together atomically.
public struct BusinessState: Hashable, Sendable, Codable {
    /// The last log seq whose effects are durable in this business's mirror.
    public var checkpoint: LogSeq
    /// Cursors, freshness, hygiene: owned by the sync layer, kept as given.
    public var sync: JSONValue

    public init(checkpoint: LogSeq = .zero, sync: JSONValue = .object([:])) {
        self.checkpoint = checkpoint
        self.sync = sync
    }
}
