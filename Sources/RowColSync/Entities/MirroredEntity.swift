import Foundation
import QBO
import RowColDomain
import RowColJSON
import RowColStore

/// How RowCol keeps one kind of mirrored entity fresh.
public enum RefreshStyle: Sendable, Hashable {
    /// QBO's change feed (CDC) while the cursor is young, a full paged query otherwise; ids the
    /// mirror has and a full query no longer lists become deletions.
    case changeFeed
    /// Fetched whole every time, with this query condition: few rows whose changes QBO does not
    /// date (an Account's LastUpdatedTime does not move with its balance).
    case whole(condition: String)
    /// RowCol's own writes: never fetched as such; reconciliation confirms them in QBO.
    case ownWrites
}

/// A soft TTL and where it can be overridden (DESIGN §8).
public struct TTLSetting: Sendable, Hashable {
    /// The environment variable, e.g. `SYNC_CACHE_TTL_BILLS`.
    public let environment: String
    /// The key in `rowcol.json`'s `policy`, e.g. `cache_ttl_bills`.
    public let file: String
    public let defaultTTL: Duration
}

/// One row of the table of mirrored entities (DESIGN §5): everything the sync layer knows about a
/// kind, so that no code elsewhere asks `kind == .bill ? … : …`.
///
/// Adding a mirrored entity is a new row in ``MirroredEntities``, a case of `EntityKind` (its
/// folder), a domain type, its QBO DTO and its mapping, and the sandbox's support for it; the store
/// (documents, log, verify, rebuild, backup) and `MirrorReading.values(_:as:of:)` reads need nothing more.
public struct MirroredEntity: Sendable {
    public let kind: EntityKind
    /// The QBO entity name: in queries, CDC (`entities=`) and webhooks.
    public let qboName: String
    public let refresh: RefreshStyle
    /// The soft TTL, or nil when the kind follows another's freshness.
    public let ttl: TTLSetting?
    /// The kind whose freshness this one shares (RowCol's payments are as fresh as the bills).
    public let freshnessKind: EntityKind
    /// Reads one QBO body into the mirror change it causes (nil for RowCol's own writes).
    let change: (@Sendable (JSONValue) throws -> MirrorChange)?
    /// Pages through every row of the kind (optionally with a condition), as mirror changes
    /// (nil for RowCol's own writes).
    let pages: (@Sendable (QBOClient, _ condition: String?) -> AsyncThrowingStream<MirrorPage, any Error>)?

    /// A row for the DTO `E`, mapped by `map`.
    static func make<E: QBOEntity>(
        _ kind: EntityKind, _ dto: E.Type, refresh: RefreshStyle, ttl: TTLSetting?, freshnessKind: EntityKind? = nil,
        map: @escaping @Sendable (E) throws -> MirrorChange
    ) -> MirroredEntity {
        MirroredEntity(
            kind: kind, qboName: E.entityName, refresh: refresh, ttl: ttl, freshnessKind: freshnessKind ?? kind,
            change: { try map(E(json: $0)) },
            pages: { client, condition in
                let source = client.queryPages(E.self, where: condition, orderBy: "Id")
                let iterator = PageIterator(source.makeAsyncIterator())
                let pages = PrefetchingPages {
                    guard let page = try await iterator.next() else { return nil }
                    return MirrorPage(changes: try page.items.map(map), time: page.time)
                }
                return AsyncThrowingStream(unfolding: { try await pages.next() })
            })
    }

    /// Whether a sync fetches this kind from QBO.
    public var isFetched: Bool { refresh != .ownWrites }
}

/// The iterator of a page stream, shared with the unfolding closure that drives it. An
/// `AsyncThrowingStream(unfolding:)` never calls its closure concurrently, so the iterator is
/// only ever used by one task at a time.
private final class PageIterator<Element: Sendable>: @unchecked Sendable {
    private var base: AsyncThrowingStream<Element, any Error>.Iterator
    init(_ base: AsyncThrowingStream<Element, any Error>.Iterator) { self.base = base }
    func next() async throws -> Element? { try await base.next() }
}

/// Pages fetched one ahead: while the sync logs and writes page n, page n + 1 is fetched and mapped,
/// so the network, QBO's (or the sandbox's) time and the disk overlap instead of adding up. One
/// page at most is held ahead, so memory stays bounded by two pages whatever the company's size.
/// A page fetched ahead and never asked for (the sync failed or stopped) is dropped unlogged: it
/// changed nothing.
private final class PrefetchingPages: @unchecked Sendable {
    private let fetch: @Sendable () async throws -> MirrorPage?
    /// The fetch of the next page, started when the previous one was handed out. `next()` is only
    /// called by the stream's unfolding closure, never concurrently, so no lock guards it.
    private var ahead: Task<MirrorPage?, any Error>?

    init(fetch: @escaping @Sendable () async throws -> MirrorPage?) { self.fetch = fetch }

    deinit { ahead?.cancel() }

    func next() async throws -> MirrorPage? {
        let task = ahead ?? Task { [fetch] in try await fetch() }
        ahead = nil
        let page = try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
        if page != nil { ahead = Task { [fetch] in try await fetch() } }
        return page
    }
}

/// One page of a full query, as mirror changes.
struct MirrorPage: Sendable {
    var changes: [MirrorChange]
    /// The server time of the answer (the next CDC cursor).
    var time: String?
}

/// The table of mirrored entities: the only place that lists the kinds.
public enum MirroredEntities {
    public static let bill = MirroredEntity.make(
        .bill, QBOBill.self, refresh: .changeFeed,
        ttl: TTLSetting(environment: "SYNC_CACHE_TTL_BILLS", file: "cache_ttl_bills", defaultTTL: .seconds(900)),
        map: QBOMapping.change)

    public static let invoice = MirroredEntity.make(
        .invoice, QBOInvoice.self, refresh: .changeFeed,
        ttl: TTLSetting(environment: "SYNC_CACHE_TTL_INVOICES", file: "cache_ttl_invoices", defaultTTL: .seconds(900)),
        map: QBOMapping.change)

    public static let balance = MirroredEntity.make(
        .balance, QBOAccount.self, refresh: .whole(condition: "AccountType = 'Bank'"),
        ttl: TTLSetting(environment: "SYNC_CACHE_TTL_BALANCES", file: "cache_ttl_balances", defaultTTL: .seconds(120)),
        map: QBOMapping.change)

    /// RowCol's own bill payments (`mirror/payments/`): confirmed against QBO's BillPayments.
    public static let payment = MirroredEntity(
        kind: .payment, qboName: QBOBillPayment.entityName, refresh: .ownWrites, ttl: nil, freshnessKind: .bill,
        change: nil, pages: nil)

    /// Money received from customers (QBO `Payment`), with the invoices each settles.
    public static let customerPayment = MirroredEntity.make(
        .customerPayment, QBOPayment.self, refresh: .changeFeed,
        ttl: TTLSetting(
            environment: "SYNC_CACHE_TTL_CUSTOMER_PAYMENTS", file: "cache_ttl_customer_payments",
            defaultTTL: .seconds(900)),
        map: QBOMapping.change)

    /// Every QBO `BillPayment`, whoever made it: when each bill was actually paid.
    public static let billPayment = MirroredEntity.make(
        .billPayment, QBOBillPayment.self, refresh: .changeFeed,
        ttl: TTLSetting(
            environment: "SYNC_CACHE_TTL_BILL_PAYMENTS", file: "cache_ttl_bill_payments", defaultTTL: .seconds(900)),
        map: QBOMapping.change)

    /// Checks, cash and card expenses that never were bills (QBO `Purchase`).
    public static let purchase = MirroredEntity.make(
        .purchase, QBOPurchase.self, refresh: .changeFeed,
        ttl: TTLSetting(
            environment: "SYNC_CACHE_TTL_PURCHASES", file: "cache_ttl_purchases", defaultTTL: .seconds(900)),
        map: QBOMapping.change)

    /// Every row, in the order syncs visit them. RowCol's own payments come before the mirror of
    /// every BillPayment, so a `BillPayment` webhook (``named(_:)``) runs a reconciliation, whose
    /// one CDC request covers both.
    public static let all: [MirroredEntity] = [bill, invoice, balance, payment, customerPayment, billPayment, purchase]

    /// The row of `kind`.
    public static subscript(kind: EntityKind) -> MirroredEntity {
        // Every EntityKind has a row: the table is checked whole by a test.
        all.first { $0.kind == kind }!
    }

    /// The kinds a sync fetches from QBO.
    public static var fetched: [MirroredEntity] { all.filter(\.isFetched) }

    /// What a reconciliation visits: RowCol's own writes (whose confirmation runs one CDC request
    /// for every change-feed kind) and the kinds fetched whole.
    public static var reconciled: [MirroredEntity] {
        all.filter { if case .changeFeed = $0.refresh { false } else { true } }
    }

    /// The kinds whose changes QBO's change feed carries.
    public static var changeFeed: [MirroredEntity] { all.filter { $0.refresh == .changeFeed } }

    /// The row a QBO entity name (from a webhook or CDC, any case) refers to, if RowCol mirrors it.
    public static func named(_ qboName: String) -> MirroredEntity? {
        all.first { $0.qboName.caseInsensitiveCompare(qboName) == .orderedSame }
    }
}
