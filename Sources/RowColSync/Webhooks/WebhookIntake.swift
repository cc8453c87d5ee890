import Crypto
import Foundation
import RowColDomain
import RowColJSON

/// A hint that QBO changed an entity: refresh it soon. Webhooks carry ids only, arrive at least
/// once and unordered, so a hint never carries data.
public struct RefreshHint: Hashable, Sendable, Codable {
    public var realmID: String
    /// The QBO entity name (`Bill`, `Invoice`, `BillPayment`, `Account`, …).
    public var entityName: String
    public var entityID: String
    /// `Create`, `Update`, `Delete`, `Void`, … as QBO named it.
    public var operation: String
    /// When QBO says the change happened, as sent.
    public var lastUpdated: String?

    public init(realmID: String, entityName: String, entityID: String, operation: String, lastUpdated: String?) {
        self.realmID = realmID
        self.entityName = entityName
        self.entityID = entityID
        self.operation = operation
        self.lastUpdated = lastUpdated
    }

    /// The mirrored kind this hint refreshes, if RowCol mirrors it.
    public var entityKind: EntityKind? { MirroredEntities.named(entityName)?.kind }

    enum CodingKeys: String, CodingKey {
        case operation
        case realmID = "realm_id"
        case entityName = "entity"
        case entityID = "entity_id"
        case lastUpdated = "last_updated"
    }
}

/// Why a webhook delivery was refused.
public struct WebhookError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: String, Hashable, Sendable {
        case missingSignature = "missing intuit-signature header"
        case badSignature = "intuit-signature does not match the body"
        case malformedBody = "body is neither a legacy nor a CloudEvents notification"
    }

    public let reason: Reason
    public let detail: String?

    public init(reason: Reason, detail: String?) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { detail.map { "\(reason.rawValue): \($0)" } ?? reason.rawValue }
}

/// Verifies and parses QBO webhook deliveries into deduplicated ``RefreshHint``s.
///
/// The signature is checked first, over the raw bytes, in constant time; only a verified body is
/// parsed. Both body formats are accepted: the legacy `eventNotifications` object and the
/// CloudEvents array. A hint already seen (same realm, entity, id, operation and time) is dropped,
/// so a redelivery is harmless.
public actor WebhookIntake {
    // The verifier token's bytes; SymmetricKey is not Sendable, so the key is built per check.
    private nonisolated let keyBytes: Data
    private var seen: Set<RefreshHint> = []
    private var seenOrder: [RefreshHint] = []
    private let memory: Int

    /// - Parameters:
    ///   - verifierToken: the app's webhook verifier token from the Intuit developer portal.
    ///   - memory: how many recent hints to remember for deduplication.
    public init(verifierToken: String, memory: Int = 10_000) {
        keyBytes = Data(verifierToken.utf8)
        self.memory = memory
    }

    /// Whether `signature` (base64, from the `intuit-signature` header) signs `body`.
    public nonisolated func isValid(signature: String?, body: Data) -> Bool {
        guard let signature, let expected = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces))
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: body, using: SymmetricKey(data: keyBytes))
    }

    /// Verifies and parses a delivery, returning only the hints not seen before.
    /// - Throws: ``WebhookError`` when the signature is missing or wrong, or the body malformed.
    public func receive(signature: String?, body: Data) throws(WebhookError) -> [RefreshHint] {
        guard let signature, !signature.isEmpty else { throw WebhookError(reason: .missingSignature, detail: nil) }
        guard isValid(signature: signature, body: body) else { throw WebhookError(reason: .badSignature, detail: nil) }
        let hints = try Self.parse(body)
        var fresh: [RefreshHint] = []
        for hint in hints where !seen.contains(hint) {
            seen.insert(hint)
            seenOrder.append(hint)
            fresh.append(hint)
        }
        if seenOrder.count > memory {
            let excess = seenOrder.count - memory
            for old in seenOrder.prefix(excess) { seen.remove(old) }
            seenOrder.removeFirst(excess)
        }
        return fresh
    }

    /// Parses a legacy or CloudEvents body (no signature check).
    public static func parse(_ body: Data) throws(WebhookError) -> [RefreshHint] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            throw WebhookError(reason: .malformedBody, detail: "not JSON")
        }
        switch value {
        case .object(let object):
            guard let notifications = object["eventNotifications"]?.arrayValue else {
                throw WebhookError(reason: .malformedBody, detail: "object without eventNotifications")
            }
            var hints: [RefreshHint] = []
            for notification in notifications {
                guard let realm = notification["realmId"]?.stringValue,
                    let entities = notification["dataChangeEvent"]?["entities"]?.arrayValue
                else { throw WebhookError(reason: .malformedBody, detail: "notification without realmId or entities") }
                for entity in entities {
                    guard let name = entity["name"]?.stringValue, let id = entity["id"]?.stringValue,
                        let operation = entity["operation"]?.stringValue
                    else { throw WebhookError(reason: .malformedBody, detail: "entity without name, id or operation") }
                    hints.append(
                        RefreshHint(realmID: realm, entityName: name, entityID: id, operation: operation,
                                    lastUpdated: entity["lastUpdated"]?.stringValue))
                }
            }
            return hints
        case .array(let events):
            return try events.map { event throws(WebhookError) in
                // type: qbo.<entity>.<verb>.v1
                guard let type = event["type"]?.stringValue, let realm = event["intuitaccountid"]?.stringValue,
                    let id = event["intuitentityid"]?.stringValue
                else { throw WebhookError(reason: .malformedBody, detail: "CloudEvent without type, intuitaccountid or intuitentityid") }
                let parts = type.split(separator: ".")
                guard parts.count >= 3, parts[0] == "qbo" else {
                    throw WebhookError(reason: .malformedBody, detail: "CloudEvent type \"\(type)\" is not qbo.<entity>.<verb>")
                }
                return RefreshHint(
                    realmID: realm, entityName: String(parts[1]), entityID: id,
                    operation: String(parts[2]).capitalized, lastUpdated: event["time"]?.stringValue)
            }
        default:
            throw WebhookError(reason: .malformedBody, detail: "neither an object nor an array")
        }
    }
}
