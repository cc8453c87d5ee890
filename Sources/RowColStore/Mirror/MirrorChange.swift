import Foundation
import RowColDomain
import RowColJSON

/// One change to the mirror, carried inside the log line that explains it.
///
/// Because every change to a mirror document travels in a log line's payload, the mirror is a
/// pure function of the log: `rowcol rebuild` replays these and gets the same files.
public struct MirrorChange: Hashable, Sendable, Codable {
    public enum Operation: String, Hashable, Sendable, Codable {
        case upsert
        case delete
    }

    public var entity: EntityKind
    public var id: EntityID
    public var operation: Operation
    /// QBO's `SyncToken` of the version carried.
    public var sourceVersion: String?
    /// QBO's `MetaData.LastUpdatedTime`, as QBO wrote it.
    public var updatedAt: String?
    /// The domain view (the kind's value: a `Bill`, an `Invoice`, a `CustomerPayment`, …) as JSON.
    public var data: JSONValue?
    /// The QBO body as received.
    public var qbo: JSONValue?

    public init(
        entity: EntityKind, id: EntityID, operation: Operation, sourceVersion: String? = nil,
        updatedAt: String? = nil, data: JSONValue? = nil, qbo: JSONValue? = nil
    ) {
        self.entity = entity
        self.id = id
        self.operation = operation
        self.sourceVersion = sourceVersion
        self.updatedAt = updatedAt
        self.data = data
        self.qbo = qbo
    }

    /// An upsert of a domain value with the QBO body it came from.
    public static func upsert(
        _ entity: EntityKind, id: EntityID, value: some Encodable, qbo: JSONValue?,
        sourceVersion: String?, updatedAt: String?
    ) throws -> MirrorChange {
        MirrorChange(
            entity: entity, id: id, operation: .upsert, sourceVersion: sourceVersion, updatedAt: updatedAt,
            data: try JSONValue(encoding: value), qbo: qbo)
    }

    /// A deletion (QBO reported the entity deleted, or a full query no longer lists it).
    public static func delete(_ entity: EntityKind, id: EntityID) -> MirrorChange {
        MirrorChange(entity: entity, id: id, operation: .delete)
    }

    enum CodingKeys: String, CodingKey {
        case entity, id, data, qbo
        case operation = "op"
        case sourceVersion = "source_version"
        case updatedAt = "updated_at"
    }
}
