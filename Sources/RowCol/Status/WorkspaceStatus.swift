import Foundation
import RowColDomain
import RowColStore
import RowColSync

/// The state of one business as `rowcol status` shows it; read without taking any lock.
public struct BusinessStatus: Sendable, Codable {
    public var business: BusinessID
    public var displayName: String?
    public var realmID: String
    /// `active`, `expired`, `revoked`, or `not connected`.
    public var connection: String
    /// Freshness per kind (`bill`, `invoice`, `balance`).
    public var freshness: [String: Freshness]
    /// Documents in the mirror per kind.
    public var documents: [String: Int]
    public var pendingWrites: Int
    /// The last log seq applied to this business's mirror.
    public var checkpoint: LogSeq
    public var flags: [HygieneFlag]
    /// Conditions of the business remembered so they are announced once (the cash-floor breach).
    public var alerts: [BusinessAlert] = []

    enum CodingKeys: String, CodingKey {
        case business, connection, freshness, documents, checkpoint, flags, alerts
        case displayName = "display_name"
        case realmID = "realm_id"
        case pendingWrites = "pending_writes"
    }
}

/// Freshness, hygiene and pending writes of an advisor's businesses.
public enum WorkspaceStatus {
    /// Reads the status of every business of `advisor` (no lock: safe while a sync runs).
    public static func read(
        workspace: Workspace, advisor: AdvisorID, environment: [String: String] = ProcessInfo.processInfo.environment,
        now: Date = Date()
    ) throws -> [BusinessStatus] {
        let configuration = try RowColConfiguration.sync(workspace: workspace, environment: environment)
        let connections = Connections(workspace: workspace, advisor: advisor)
        let reader = workspace.mirrorReader(for: advisor)
        return try workspace.businesses(of: advisor).map { business in
            let ref = BusinessRef(advisor: advisor, business: business)
            let info = try workspace.business(ref)
            let state = try workspace.businessState(ref)
            var freshness: [String: Freshness] = [:]
            var documents: [String: Int] = [:]
            var flags: [HygieneFlag]
            var alerts: [BusinessAlert] = []
            do {
                let sync = try BusinessSyncState(stored: state.sync, business: business)
                flags = sync.flagsInForce(for: nil, business: business, configuration: configuration, now: now)
                alerts = sync.alerts
                for entity in MirroredEntities.fetched {
                    freshness[entity.kind.rawValue] = sync.freshness(of: entity.kind, configuration: configuration, now: now)
                }
            } catch {
                // A damaged sync section is shown, never hidden: the next sync of this business says the same.
                flags = [HygieneFlag(code: .syncFailed, business: business, since: now, message: "\(error)")]
            }
            for kind in EntityKind.allCases { documents[kind.rawValue] = try reader.count(kind, of: ref) }
            let pending = try reader.payments(of: ref).filter { $0.state == .pending }.count
            var status = BusinessStatus(
                business: business, displayName: info.displayName, realmID: info.realmID,
                connection: connections.status(of: business) ?? "not connected", freshness: freshness,
                documents: documents, pendingWrites: pending, checkpoint: state.checkpoint, flags: flags)
            status.alerts = alerts
            return status
        }
    }

    /// Every payment still waiting to be sent, across the advisor's businesses (no lock).
    public static func outbox(workspace: Workspace, advisor: AdvisorID) throws -> [BillPayment] {
        let reader = workspace.mirrorReader(for: advisor)
        return try workspace.businesses(of: advisor).flatMap { business in
            try reader.payments(of: BusinessRef(advisor: advisor, business: business)).filter { $0.state == .pending }
        }
    }
}
