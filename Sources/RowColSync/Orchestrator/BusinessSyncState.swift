import Foundation
import RowColDomain

/// What the sync layer remembers about one business between runs: when each entity kind last
/// heard from QBO, the CDC cursor and the hygiene flags in force.
///
/// Persisted as the `sync` section of the business's `state.json`, written atomically with the
/// store's checkpoint, so a cursor never runs ahead of the mirror it describes.
public struct BusinessSyncState: Hashable, Sendable, Codable {
    /// Last successful refresh per entity kind (keyed by ``EntityKind`` raw value).
    public var refreshedAt: [String: Date] = [:]
    /// The server `time` of the last good CDC or full query: the next `changedSince`, per kind.
    public var cursors: [String: String] = [:]
    /// The hygiene flags in force, oldest first.
    public var flags: [HygieneFlag] = []

    public init() {}

    public func refreshedAt(_ kind: EntityKind) -> Date? { refreshedAt[kind.rawValue] }

    public func cursor(_ kind: EntityKind) -> String? { cursors[kind.rawValue] }

    /// Raises `code` for `entity`, keeping the original `since` when it is already in force.
    public mutating func raise(_ code: HygieneFlag.Code, business: BusinessID, entity: EntityKind?, at now: Date,
                               message: String) {
        if let index = flags.firstIndex(where: { $0.code == code && $0.entity == entity }) {
            flags[index].message = message
        } else {
            flags.append(HygieneFlag(code: code, business: business, entity: entity, since: now, message: message))
        }
    }

    /// Clears the flags among `codes` raised for `entity` (and, when `entity` is nil, for any entity).
    public mutating func clear(_ codes: Set<HygieneFlag.Code>, entity: EntityKind?) {
        flags.removeAll { codes.contains($0.code) && (entity == nil || $0.entity == entity || $0.entity == nil) }
    }

    /// The flags about `entity` or about the whole business.
    public func flags(for entity: EntityKind?) -> [HygieneFlag] {
        flags.filter { entity == nil || $0.entity == nil || $0.entity == entity }
    }

    /// The flags a successful exchange with QBO proves over.
    public static let railFlags: Set<HygieneFlag.Code> = [
        .railOffline, .railThrottled, .railUnavailable, .authReconnectRequired, .authForbidden,
    ]

    enum CodingKeys: String, CodingKey {
        case cursors, flags
        case refreshedAt = "refreshed_at"
    }
}
