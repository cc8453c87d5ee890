import Foundation
import RowColDomain

extension BusinessSyncState {
    /// How fresh the mirror's copy of `entity` is at `now` under `configuration`'s TTLs.
    public func freshness(
        of entity: EntityKind, configuration: SyncConfiguration, now: Date, refreshedNow: Bool = false
    ) -> Freshness {
        Freshness.classify(
            refreshedAt: refreshedAt(entity), now: now, softTTL: configuration.softTTL(for: entity),
            hardTTL: configuration.hardTTL, refreshedNow: refreshedNow)
    }

    /// The flags in force for `entity` (every kind when nil), plus the staleness flags its age
    /// implies at `now`: what every answer carries, whether it comes from the writer's orchestrator
    /// or from a lock-free reader.
    public func flagsInForce(
        for entity: EntityKind?, business: BusinessID, configuration: SyncConfiguration, now: Date
    ) -> [HygieneFlag] {
        var flags = flags(for: entity)
        // Payments have no TTL of their own: their freshness is the bills'.
        let kinds = entity.map { [$0 == .payment ? .bill : $0] } ?? [.bill, .invoice, .balance]
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
                flags.append(HygieneFlag(
                    code: .mirrorStaleHard, business: business, entity: kind, since: now,
                    message: "\(kind) was never synced from QBO; run `rowcol sync`"))
            }
        }
        return flags
    }

    /// Decodes the `sync` section of a `state.json` (`.null` or `{}` when never written).
    /// - Throws: ``SyncError/corruptState(business:detail:)`` when the section is unreadable.
    public static func decode(_ raw: JSONValue, business: BusinessID) throws -> BusinessSyncState {
        switch raw {
        case .null: return BusinessSyncState()
        case .object(let object) where object.isEmpty: return BusinessSyncState()
        default:
            do {
                return try raw.decode(BusinessSyncState.self)
            } catch {
                throw SyncError.corruptState(business: business, detail: "\(error)")
            }
        }
    }
}
