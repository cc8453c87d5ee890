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

    /// Brings bills or invoices up to date: CDC since the cursor, or a full query.
    public func refresh(_ kind: EntityKind, session: RefreshSession) async throws {
        switch kind {
        case .bill, .invoice:
            let operation = "\(kind).refresh"
            if let since = cdcStart(for: kind, session: session) {
                if let time = try await incremental(entities: [qboName(kind)], kinds: [kind], since: since,
                                                    operation: operation, session: session) {
                    await session.advanceCursor(kind, to: time)
                    return
                }
            } else if session.state.cursor(kind) != nil {
                await session.raise(.reconFullResync, entity: kind,
                                    message: "the \(kind) cursor was older than 30 days; a full query replaced CDC")
            }
            try await fullRefresh(kind, operation: operation, session: session)
        case .balance:
            try await refreshBalances(session: session)
        case .payment:
            try await reconcile(session: session)
        }
    }

    /// Nightly reconciliation: one CDC request for bills, invoices and payments since the oldest
    /// cursor; payments seen in QBO become `confirmed`. Falls back to full queries when a cursor
    /// is missing or too old, or when the CDC answer is capped.
    public func reconcile(session: RefreshSession) async throws {
        let kinds: [EntityKind] = [.bill, .invoice]
        let starts = kinds.map { cdcStart(for: $0, session: session) }
        if starts.allSatisfy({ $0 != nil }), let since = starts.compactMap({ $0 }).min() {
            if let time = try await incremental(entities: ["Bill", "Invoice", "BillPayment"], kinds: kinds, since: since,
                                                operation: "recon", session: session) {
                for kind in kinds {
                    await session.advanceCursor(kind, to: time)
                    await session.markRefreshed(kind)
                }
                return
            }
        }
        for kind in kinds {
            if session.state.cursor(kind) != nil, cdcStart(for: kind, session: session) == nil {
                await session.raise(.reconFullResync, entity: kind,
                                    message: "the \(kind) cursor was older than 30 days; a full query replaced CDC")
            }
            try await fullRefresh(kind, operation: "\(kind).recon", session: session)
            await session.markRefreshed(kind)
        }
        var ours: [QBOBillPayment] = []
        for try await page in client.queryPages(QBOBillPayment.self, orderBy: "Id") {
            ours += page.items.filter { $0.privateNote?.contains("rowcol:rc1-") == true }
        }
        try await confirmPayments(ours, session: session)
    }

    // MARK: Steps

    func qboName(_ kind: EntityKind) -> String { kind == .bill ? "Bill" : "Invoice" }

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
    func incremental(entities: [String], kinds: [EntityKind], since start: Date, operation: String,
                     session: RefreshSession) async throws -> String? {
        var since = start
        for _ in 0..<1000 {
            let result = try await client.changes(entities: entities, since: since)
            try await recordCDC(result, kinds: kinds, operation: operation, session: session)
            if entities.contains("BillPayment") {
                try await confirmPayments(result.changes(for: "BillPayment").decoded(as: QBOBillPayment.self),
                                          session: session)
            }
            var capped: [Date] = []
            for entity in entities {
                let changes = result.changes(for: entity)
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

    /// Records the CDC changes of `kinds`.
    func recordCDC(_ result: QBOCDCResult, kinds: [EntityKind], operation: String, session: RefreshSession) async throws {
        for kind in kinds {
            let changes = result.changes(for: qboName(kind))
            var mirror: [MirrorChange] = []
            for body in changes.changed {
                mirror.append(try change(kind, body))
            }
            mirror += try changes.deleted.map { try QBOMapping.deletion(kind, $0) }
            let line = operation == "recon" ? "\(kind).recon" : operation
            try await session.record(operation: line, changes: latestPerID(mirror),
                                     detail: .object(["mode": "cdc", "time": .string(result.time)]))
        }
    }

    /// Pages through every entity of `kind`; ids the mirror has but QBO no longer lists become deletions.
    func fullRefresh(_ kind: EntityKind, operation: String, session: RefreshSession) async throws {
        var seen = Set<EntityID>()
        var firstTime: String?
        var pageNumber = 0
        if kind == .bill {
            for try await page in client.queryPages(QBOBill.self, orderBy: "Id") {
                pageNumber += 1
                firstTime = firstTime ?? page.time
                let changes = try page.items.map(QBOMapping.change)
                seen.formUnion(changes.map(\.id))
                try await session.record(operation: operation, changes: changes,
                                         detail: .object(["mode": "full", "page": .number(Decimal(pageNumber))]))
            }
        } else {
            for try await page in client.queryPages(QBOInvoice.self, orderBy: "Id") {
                pageNumber += 1
                firstTime = firstTime ?? page.time
                let changes = try page.items.map(QBOMapping.change)
                seen.formUnion(changes.map(\.id))
                try await session.record(operation: operation, changes: changes,
                                         detail: .object(["mode": "full", "page": .number(Decimal(pageNumber))]))
            }
        }
        let missing = try await session.mirrorIDs(kind).subtracting(seen).sorted()
        if !missing.isEmpty {
            try await session.record(operation: operation, changes: missing.map { .delete(kind, id: $0) },
                                     detail: .object(["mode": "full", "missing": .number(Decimal(missing.count))]))
        }
        await session.advanceCursor(kind, to: firstTime ?? Timestamp(session.now).description)
    }

    /// Bank balances are few and an Account's LastUpdatedTime does not move with its balance:
    /// fetch them whole every time.
    func refreshBalances(session: RefreshSession) async throws {
        var changes: [MirrorChange] = []
        for try await page in client.queryPages(QBOAccount.self, where: "AccountType = 'Bank'", orderBy: "Id") {
            changes += try page.items.map(QBOMapping.change)
        }
        let seen = Set(changes.map(\.id))
        let missing = try await session.mirrorIDs(.balance).subtracting(seen).sorted()
        try await session.record(operation: "balance.refresh", changes: changes + missing.map { .delete(.balance, id: $0) },
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

    func change(_ kind: EntityKind, _ body: JSONValue) throws -> MirrorChange {
        kind == .bill ? try QBOMapping.change(QBOBill(json: body)) : try QBOMapping.change(QBOInvoice(json: body))
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
