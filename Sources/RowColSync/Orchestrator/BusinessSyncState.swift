import Foundation
import RowColDomain
import RowColJSON

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
    /// Conditions of the business remembered so they are announced once (the floor breach).
    public var alerts: [BusinessAlert] = []

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        refreshedAt = try container.decodeIfPresent([String: Date].self, forKey: .refreshedAt) ?? [:]
        cursors = try container.decodeIfPresent([String: String].self, forKey: .cursors) ?? [:]
        flags = try container.decodeIfPresent([HygieneFlag].self, forKey: .flags) ?? []
        // Absent in sections written before alerts were remembered.
        alerts = try container.decodeIfPresent([BusinessAlert].self, forKey: .alerts) ?? []
    }

    /// The alert remembered under `code`, if any.
    public func alert(_ code: String) -> BusinessAlert? { alerts.first { $0.code == code } }

    /// Remembers `code` as in force with `message` (keeping its first `since`), or forgets it
    /// when `message` is nil. Returns whether anything changed.
    @discardableResult
    public mutating func remember(_ code: String, message: String?, at now: Date) -> Bool {
        let index = alerts.firstIndex { $0.code == code }
        switch (index, message) {
        case (nil, nil):
            return false
        case (let index?, nil):
            alerts.remove(at: index)
        case (nil, let message?):
            alerts.append(BusinessAlert(code: code, since: now, message: message))
        case (let index?, let message?):
            guard alerts[index].message != message else { return false }
            alerts[index].message = message
        }
        return true
    }

    /// Reads the `sync` section of `state.json` as stored (`null` or `{}` when never written).
    /// - Throws: ``SyncError`` `.corruptState` naming the business when it cannot be read.
    public init(stored: JSONValue, business: BusinessID) throws {
        switch stored {
        case .null: self.init()
        case .object(let object) where object.isEmpty: self.init()
        default:
            do {
                self = try stored.decode(BusinessSyncState.self)
            } catch {
                throw SyncError.corruptState(business: business, detail: "\(error)")
            }
        }
    }

    /// How fresh the mirror's copy of `kind` is at `now` (a kind that follows another's freshness,
    /// such as RowCol's payments, is measured by that one's TTL).
    public func freshness(of kind: EntityKind, configuration: SyncConfiguration, now: Date, refreshedNow: Bool = false)
        -> Freshness
    {
        Freshness.classify(
            refreshedAt: refreshedAt(kind), now: now, softTTL: configuration.softTTL(for: kind),
            hardTTL: configuration.hardTTL, refreshedNow: refreshedNow)
    }

    /// The flags in force for `entity` (every kind when nil), with the staleness flags the mirror's
    /// age implies at `now`, each dated from when it became true. The one place they are derived:
    /// answers, `rowcol status` and the web pages all read them here.
    public func flagsInForce(
        for entity: EntityKind?, business: BusinessID, configuration: SyncConfiguration, now: Date
    ) -> [HygieneFlag] {
        var flags = flags(for: entity)
        let kinds = entity.map { [MirroredEntities[$0].freshnessKind] } ?? MirroredEntities.fetched.map(\.kind)
        for kind in kinds {
            let freshness = freshness(of: kind, configuration: configuration, now: now)
            let ttl = configuration.softTTL(for: kind)
            switch freshness.level {
            case .fresh: break
            case .stale:
                flags.append(HygieneFlag(
                    code: .mirrorStale, business: business, entity: kind,
                    since: freshness.refreshedAt!.addingTimeInterval(ttl.seconds),
                    message: "\(kind) mirror is older than \(Int(ttl.seconds)) s; run `rowcol sync` to refresh it"))
            case .staleHard:
                flags.append(HygieneFlag(
                    code: .mirrorStaleHard, business: business, entity: kind,
                    since: freshness.refreshedAt!.addingTimeInterval(configuration.hardTTL.seconds),
                    message: "\(kind) mirror is older than \(Int(configuration.hardTTL.seconds)) s; figures may be out of date"))
            case .never:
                // Never synced: true since the business was connected; its state does not say when.
                flags.append(HygieneFlag(
                    code: .mirrorStaleHard, business: business, entity: kind, since: now,
                    message: "\(kind) was never synced from QBO; run `rowcol sync`"))
            }
        }
        return flags
    }

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
        case cursors, flags, alerts
        case refreshedAt = "refreshed_at"
    }
}
