import Foundation
import QBO
import RowColDomain
import RowColJSON
import RowColStore

/// Fetches one business's entities from QBO and records them through a ``RefreshSession``:
/// CDC while the cursor is young, a full paged query otherwise (DESIGN §5).
public struct QBORefresher: Sendable {
    public let client: QBOClient
    /// How far back a cursor may be for CDC (QBO allows 30 days; keep a margin).
    public var cdcLimit: TimeInterval = 29 * 86_400
    /// Re-read this much before the cursor, since clocks and commits are not perfectly ordered.
    public var overlap: TimeInterval = 60
    /// QBO returns at most this many objects per entity in one CDC answer.
    public var cdcCap = 1000

    public init(client: QBOClient) { self.client = client }

    /// Brings one kind up to date as its row of ``MirroredEntities`` says: CDC since the cursor or
    /// a full query, a whole fetch, or (RowCol's own payments) a reconciliation.
    public func refresh(_ kind: EntityKind, session: RefreshSession) async throws {
        let entity = MirroredEntities[kind]
        switch entity.refresh {
        case .changeFeed:
            let operation = "\(kind).refresh"
            if let since = cdcStart(for: kind, session: session) {
                if let time = try await incremental(entities: [entity], since: since, operation: operation,
                                                    session: session) {
                    await session.advanceCursor(kind, to: time)
                    return
                }
            } else if session.state.cursor(kind) != nil {
                await session.raise(.reconFullResync, entity: kind,
                                    message: "the \(kind) cursor was older than 30 days; a full query replaced CDC")
            }
            try await fullRefresh(entity, operation: operation, session: session)
        case .whole(let condition):
            try await refreshWhole(entity, condition: condition, session: session)
        case .ownWrites:
            try await reconcile(session: session)
        }
    }

    /// Nightly reconciliation: one CDC request for every change-feed kind and RowCol's payments
    /// since the oldest cursor; payments seen in QBO become `confirmed`. Falls back to full
    /// queries when a cursor is missing or too old, or when the CDC answer is capped.
    public func reconcile(session: RefreshSession) async throws {
        let entities = MirroredEntities.changeFeed
        let starts = entities.map { cdcStart(for: $0.kind, session: session) }
        if starts.allSatisfy({ $0 != nil }), let since = starts.compactMap({ $0 }).min() {
            if let time = try await incremental(entities: entities, confirmingPayments: true, since: since,
                                                operation: "recon", session: session) {
                for entity in entities {
                    await session.advanceCursor(entity.kind, to: time)
                    await session.markRefreshed(entity.kind)
                }
                return
            }
        }
        for entity in entities {
            if session.state.cursor(entity.kind) != nil, cdcStart(for: entity.kind, session: session) == nil {
                await session.raise(.reconFullResync, entity: entity.kind,
                                    message: "the \(entity.kind) cursor was older than 30 days; a full query replaced CDC")
            }
            try await fullRefresh(entity, operation: "\(entity.kind).recon", session: session)
            await session.markRefreshed(entity.kind)
        }
        var ours: [QBOBillPayment] = []
        for try await page in client.queryPages(QBOBillPayment.self, orderBy: "Id") {
            ours += page.items.filter { $0.privateNote?.contains("rowcol:rc1-") == true }
        }
        try await confirmPayments(ours, session: session)
    }

    // MARK: Steps

    /// Where CDC should start for `kind`, or nil when a full query is needed.
    func cdcStart(for kind: EntityKind, session: RefreshSession) -> Date? {
        guard let cursor = session.state.cursor(kind), let date = Timestamp(cursor)?.date else { return nil }
        guard session.now.timeIntervalSince(date) < cdcLimit else { return nil }
        return date.addingTimeInterval(-overlap)
    }

    /// Follows the change feed from `since` to now and records what changed. A capped answer
    /// (1000 objects of one entity) is continued from the newest `LastUpdatedTime` received, the
    /// window split until an answer is complete; returns the cursor for next time, or nil when the
    /// feed stops advancing (the caller then runs a full query).
    /// - Parameter confirmingPayments: also ask for BillPayments, and confirm RowCol's own.
    func incremental(entities: [MirroredEntity], confirmingPayments: Bool = false, since start: Date,
                     operation: String, session: RefreshSession) async throws -> String? {
        var names = entities.map(\.qboName)
        // RowCol's payments are confirmed from the BillPayments, which may be mirrored already.
        if confirmingPayments, !names.contains(MirroredEntities.payment.qboName) {
            names.append(MirroredEntities.payment.qboName)
        }
        var since = start
        for _ in 0..<1000 {
            let result = try await client.changes(entities: names, since: since)
            try await recordCDC(result, entities: entities, operation: operation, session: session)
            if confirmingPayments {
                let payments = result.changes(for: MirroredEntities.payment.qboName)
                try await confirmPayments(payments.decoded(as: QBOBillPayment.self), session: session)
            }
            var capped: [Date] = []
            for name in names {
                let changes = result.changes(for: name)
                guard changes.changed.count + changes.deleted.count >= cdcCap else { continue }
                let times = changes.changed.compactMap { $0["MetaData"]?["LastUpdatedTime"]?.stringValue }
                    + changes.deleted.compactMap(\.lastUpdatedTime)
                guard let newest = times.compactMap({ Timestamp($0)?.date }).max(), newest > since else { return nil }
                capped.append(newest)
            }
            guard let next = capped.min() else { return result.time }
            since = next
        }
        return nil
    }

    /// Records the CDC changes of `entities`.
    func recordCDC(_ result: QBOCDCResult, entities: [MirroredEntity], operation: String,
                   session: RefreshSession) async throws {
        for entity in entities {
            guard let change = entity.change else { continue }
            let changes = result.changes(for: entity.qboName)
            var mirror = try changes.changed.map(change)
            mirror += try changes.deleted.map { try QBOMapping.deletion(entity.kind, $0) }
            let line = operation == "recon" ? "\(entity.kind).recon" : operation
            try await session.record(operation: line, changes: latestPerID(mirror),
                                     detail: .object(["mode": "cdc", "time": .string(result.time)]))
        }
    }

    /// Pages through every entity of a kind; ids the mirror had when the refresh began but QBO no
    /// longer lists become deletions.
    ///
    /// The ids are read before the first page, so nothing waits for the pages' lines at the end:
    /// the deletions are enqueued behind them and the caller may fetch the next kind while they
    /// are written. An id another writer adds meanwhile is not one QBO could have listed, and is kept.
    func fullRefresh(_ entity: MirroredEntity, operation: String, session: RefreshSession) async throws {
        guard let pages = entity.pages else { return }
        let kind = entity.kind
        let known = try await session.mirrorIDs(kind)
        var seen = Set<EntityID>()
        var firstTime: String?
        var pageNumber = 0
        for try await page in pages(client, nil) {
            pageNumber += 1
            firstTime = firstTime ?? page.time
            seen.formUnion(page.changes.map(\.id))
            // Enqueued: this page is deduplicated and encoded while the previous one is synced.
            try await session.enqueue(operation: operation, changes: page.changes,
                                      detail: .object(["mode": "full", "page": .number(Decimal(pageNumber))]))
        }
        let missing = known.subtracting(seen).sorted()
        if !missing.isEmpty {
            try await session.enqueue(operation: operation, changes: missing.map { .delete(kind, id: $0) },
                                      detail: .object(["mode": "full", "missing": .number(Decimal(missing.count))]))
        }
        await session.advanceCursor(kind, to: firstTime ?? Timestamp(session.now).description)
    }

    /// Fetches a kind whole (bank balances: few, and undated when they move), one log line.
    func refreshWhole(_ entity: MirroredEntity, condition: String, session: RefreshSession) async throws {
        guard let pages = entity.pages else { return }
        var changes: [MirrorChange] = []
        for try await page in pages(client, condition) { changes += page.changes }
        let seen = Set(changes.map(\.id))
        let missing = try await session.mirrorIDs(entity.kind).subtracting(seen).sorted()
        try await session.record(
            operation: "\(entity.kind).refresh", changes: changes + missing.map { .delete(entity.kind, id: $0) },
            detail: .object(["mode": "full"]))
    }

    /// Marks RowCol's payments that QBO now shows as `confirmed`.
    func confirmPayments(_ payments: [QBOBillPayment], session: RefreshSession) async throws {
        var changes: [MirrorChange] = []
        for payment in payments {
            guard let note = payment.privateNote, let range = note.range(of: "rowcol:") else { continue }
            let key = String(note[range.upperBound...].prefix(while: { !$0.isWhitespace }))
            guard let id = EntityID(rawValue: key),
                var known = try await session.mirrorPayment(id), known.state != .confirmed
            else { continue }
            known.state = .confirmed
            known.qboID = payment.id
            known.failure = nil
            changes.append(try .upsert(.payment, id: id, value: known, qbo: payment.raw,
                                       sourceVersion: payment.syncToken, updatedAt: payment.metaData?.lastUpdatedTime))
        }
        if !changes.isEmpty {
            try await session.record(operation: "billpayment.recon", changes: changes)
        }
    }

    /// Keeps the last change per id (an overlap can return one entity twice).
    func latestPerID(_ changes: [MirrorChange]) -> [MirrorChange] {
        var index: [EntityID: Int] = [:]
        var result: [MirrorChange] = []
        for change in changes {
            if let at = index[change.id] {
                let current = result[at]
                if (Int(change.sourceVersion ?? "") ?? 0) >= (Int(current.sourceVersion ?? "") ?? 0) { result[at] = change }
            } else {
                index[change.id] = result.count
                result.append(change)
            }
        }
        return result
    }
}
