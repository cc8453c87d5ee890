import Foundation
import RowColJSON

/// An object QBO reports as deleted: only its id and when it went.
public struct QBODeletedObject: Hashable, Sendable {
    public var entity: String
    public var id: String
    /// `MetaData.LastUpdatedTime` as sent, when present.
    public var lastUpdatedTime: String?

    init(json: JSONValue, entity: String) throws {
        let fields = try QBOFields(json, entity: entity)
        self.entity = entity
        self.id = try fields.requiredString("Id")
        self.lastUpdatedTime = try fields.metaData()?.lastUpdatedTime
    }
}

/// The changes of one entity type in a CDC answer.
public struct QBOCDCChanges: Sendable {
    /// Objects created or changed, whole, as received.
    public var changed: [JSONValue]
    /// Objects deleted (`status: "Deleted"` stubs).
    public var deleted: [QBODeletedObject]

    /// The changed objects decoded as `E`.
    public func decoded<E: QBOEntity>(as type: E.Type) throws -> [E] {
        try changed.map(E.init(json:))
    }
}

/// The answer to a CDC call.
public struct QBOCDCResult: Sendable {
    /// The server time of the answer: the cursor for the next CDC call.
    public var time: String
    /// Changes per entity name (`Bill`, `Invoice`, `BillPayment`); entities without changes are absent.
    public var entities: [String: QBOCDCChanges]

    /// The changes of `entity`, empty when there are none.
    public func changes(for entity: String) -> QBOCDCChanges {
        entities[entity] ?? QBOCDCChanges(changed: [], deleted: [])
    }

    /// Parses `{"CDCResponse": [{"QueryResponse": [{"Bill": [...]}, …]}], "time"}`.
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/decoding`` on another shape.
    public init(json: JSONValue) throws {
        guard let time = json["time"]?.stringValue else {
            throw QBOError(.decoding, message: "The CDC answer has no time; it cannot serve as the next cursor.")
        }
        guard let responses = json["CDCResponse"]?.arrayValue else {
            throw QBOError(.decoding, message: "The CDC answer has no CDCResponse array.")
        }
        var entities: [String: QBOCDCChanges] = [:]
        for response in responses {
            for query in response["QueryResponse"]?.arrayValue ?? [] {
                guard let object = query.objectValue else {
                    throw QBOError(.decoding, message: "A CDC QueryResponse entry is not an object.")
                }
                for (name, value) in object where name.first?.isUppercase == true {
                    guard let rows = value.arrayValue else {
                        throw QBOError(.decoding, message: "CDC QueryResponse.\(name) is not an array.")
                    }
                    var changes = entities[name] ?? QBOCDCChanges(changed: [], deleted: [])
                    for row in rows {
                        if row["status"]?.stringValue == "Deleted" {
                            changes.deleted.append(try QBODeletedObject(json: row, entity: name))
                        } else {
                            changes.changed.append(row)
                        }
                    }
                    entities[name] = changes
                }
            }
        }
        self.time = time
        self.entities = entities
    }
}
