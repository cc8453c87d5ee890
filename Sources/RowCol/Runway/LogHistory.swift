import Foundation
import RowColDomain
import RowColRunway
import RowColStore
import RowColSync

/// One line of the integration log in brief, for people: what crossed the wire, without bodies.
public struct LogLineSummary: Hashable, Sendable, Codable {
    public var seq: LogSeq
    public var at: Date
    public var business: BusinessID
    public var direction: LogDirection
    public var operation: String
    public var phase: LogPhase
    public var status: String?
    public var httpCode: Int?
    public var idemKey: String?
    /// Mirror changes the line carries.
    public var changes: Int
    /// The first few entities changed, as `kind/id`.
    public var entities: [String]

    init(_ entry: LogEntry) {
        seq = entry.seq
        at = entry.at
        business = entry.business
        direction = entry.direction
        operation = entry.operation
        phase = entry.phase
        status = entry.status
        httpCode = entry.httpCode
        idemKey = entry.idemKey
        let changes = entry.payload?.changes ?? []
        self.changes = changes.count
        entities = changes.prefix(Self.entityLimit).map { "\($0.entity)/\($0.id)" }
    }

    /// How many entity names a summary keeps.
    static let entityLimit = 5

    enum CodingKeys: String, CodingKey {
        case seq, at, direction, operation, phase, status, changes, entities
        case business = "business_id"
        case httpCode = "http_code"
        case idemKey = "idem_key"
    }
}

/// An advisor's integration log replayed into what people ask of it: the latest lines in brief
/// (the log page), and every change of every mirrored value with its before and after (the digest).
///
/// Reads without a lock and incrementally: ``refresh()`` reads only the lines appended since the
/// last call, so the log is parsed once per process however often the pages ask.
public actor LogHistory {
    public nonisolated let workspace: Workspace
    public nonisolated let advisor: AdvisorID
    private var lastSeq: LogSeq = .zero
    private var lastStamp: FileStamp?
    private var summaries: [LogLineSummary] = []
    private var transitions: [DigestTransition] = []
    private var current: [Key: DigestTransition.Value] = [:]

    struct Key: Hashable {
        var business: BusinessID
        var kind: EntityKind
        var id: EntityID
    }

    public init(workspace: Workspace, advisor: AdvisorID) {
        self.workspace = workspace
        self.advisor = advisor
    }

    /// Reads the lines appended since the last call (nothing when the log's last segment is unchanged).
    /// - Returns: the last seq read.
    @discardableResult
    public func refresh() throws -> LogSeq {
        let stamp = try workspace.logStamp(of: advisor)
        guard stamp != lastStamp || stamp == nil else { return lastSeq }
        let entries = try LogReader(workspace: workspace, advisor: advisor).entries(after: lastSeq)
        for entry in entries { ingest(entry) }
        lastStamp = stamp
        return lastSeq
    }

    private func ingest(_ entry: LogEntry) {
        lastSeq = entry.seq
        summaries.append(LogLineSummary(entry))
        for change in entry.payload?.changes ?? [] {
            let key = Key(business: entry.business, kind: change.entity, id: change.id)
            let before = current[key]
            let after: DigestTransition.Value?
            switch change.operation {
            case .delete: after = nil
            case .upsert:
                // A value the domain cannot read is left out of the digest rather than failing it.
                guard let data = change.data, let decode = Self.decoders[change.entity], let value = try? decode(data)
                else { continue }
                after = value
            }
            current[key] = after
            transitions.append(DigestTransition(seq: entry.seq.rawValue, at: entry.at, business: entry.business, before: before, after: after))
        }
    }

    /// How a mirrored kind's `data` becomes a domain value; a kind not listed is not in the digest.
    static let decoders: [EntityKind: @Sendable (JSONValue) throws -> DigestTransition.Value] = [
        .bill: { .bill(try $0.decode(Bill.self)) },
        .invoice: { .invoice(try $0.decode(Invoice.self)) },
        .balance: { .balance(try $0.decode(AccountBalance.self)) },
        .payment: { .payment(try $0.decode(BillPayment.self)) },
    ]

    /// One line of the log, whole (bodies included); nil when the log has no line `seq`.
    public func entry(_ seq: LogSeq) throws -> LogEntry? {
        guard seq > .zero else { return nil }
        let entries = try LogReader(workspace: workspace, advisor: advisor)
            .entries(after: LogSeq(seq.rawValue - 1), through: seq)
        return entries.first { $0.seq == seq }
    }

    /// The latest lines in brief, newest first.
    /// - Parameters:
    ///   - business: only this business's lines.
    ///   - before: only lines older than this seq (the next page).
    public func lines(business: BusinessID? = nil, before: LogSeq? = nil, limit: Int = 100) throws -> [LogLineSummary] {
        try refresh()
        var result: [LogLineSummary] = []
        for line in summaries.reversed() {
            if let before, line.seq >= before { continue }
            if let business, line.business != business { continue }
            result.append(line)
            if result.count >= limit { break }
        }
        return result
    }

    /// The transitions of `business` after `instant`, in log order, and the mirror's values as
    /// they stood at `instant` (the current values with those transitions undone).
    public func history(of business: BusinessID, since instant: Date) throws
        -> (transitions: [DigestTransition], valuesThen: [DigestTransition.Value], reachesBack: Bool)
    {
        try refresh()
        let after = transitions.filter { $0.business == business && $0.at >= instant }
        var then = current.filter { $0.key.business == business }
        for transition in after.reversed() {
            let value = transition.before ?? transition.after
            guard let value, let key = Self.key(of: value, business: business) else { continue }
            then[key] = transition.before
        }
        // Before the first line the mirror was empty: a digest that starts earlier compares with nothing.
        let reachesBack = summaries.first.map { $0.at <= instant } ?? false
        let values = then.sorted { ($0.key.kind.rawValue, $0.key.id) < ($1.key.kind.rawValue, $1.key.id) }.compactMap(\.value)
        return (after, values, reachesBack)
    }

    static func key(of value: DigestTransition.Value, business: BusinessID) -> Key? {
        switch value {
        case .bill(let bill): Key(business: business, kind: .bill, id: bill.id)
        case .invoice(let invoice): Key(business: business, kind: .invoice, id: invoice.id)
        case .balance(let account): Key(business: business, kind: .balance, id: account.id)
        case .payment(let payment): Key(business: business, kind: .payment, id: payment.id)
        }
    }

    /// The digest since `instant` for every business of the advisor.
    /// - Parameters:
    ///   - since: the start as the caller wrote it (kept in the answer).
    ///   - snapshots: the snapshot of each business now.
    public func digest(
        since: String, instant: Date, snapshots: [RunwaySnapshot], asOf: Date, lineLimit: Int = 200
    ) throws -> Digest {
        var sections: [Digest.SectionInput] = []
        for snapshot in snapshots {
            let business = snapshot.business.business
            let (after, valuesThen, reachesBack) = try history(of: business, since: instant)
            var then: RunwaySnapshot?
            if reachesBack {
                var inputs = RunwayInputs(
                    business: snapshot.business.ref, businessName: snapshot.business.name, asOf: instant,
                    homeCurrency: snapshot.homeCurrency)
                for value in valuesThen {
                    switch value {
                    case .bill(let bill): if bill.isOpen { inputs.bills.append(bill) }
                    case .invoice(let invoice): if invoice.isOpen { inputs.invoices.append(invoice) }
                    case .balance(let account): inputs.balances.append(account)
                    case .payment(let payment): inputs.payments.append(payment)
                    }
                }
                then = RunwayCalculator.snapshot(inputs: inputs)
            }
            sections.append(Digest.SectionInput(business: snapshot.business, transitions: after, now: snapshot, then: then))
        }
        return Digest(advisor: advisor, since: since, sinceInstant: instant, asOf: asOf, sections: sections, lineLimit: lineLimit)
    }
}

/// Where a digest starts: a date (from 00:00 UTC), an RFC 3339 instant, or by default 7 days ago.
public struct DigestStart: Hashable, Sendable {
    /// As the caller wrote it (a date by default).
    public var text: String
    public var instant: Date

    /// - Throws: ``DigestStartError`` naming the text when it is neither a date nor an instant.
    public init(_ text: String?, now: Date) throws(DigestStartError) {
        guard let text, !text.isEmpty else {
            let date = LocalDate(now).adding(days: -7)
            self.text = date.description
            instant = Self.midnight(date)
            return
        }
        if let date = LocalDate(text) {
            instant = Self.midnight(date)
        } else if let parsed = Timestamp(text)?.date {
            instant = parsed
        } else {
            throw DigestStartError(text: text)
        }
        self.text = text
    }

    static func midnight(_ date: LocalDate) -> Date { Date(timeIntervalSince1970: TimeInterval(date.daysSinceEpoch) * 86_400) }
}

/// A digest start that is neither a date nor an instant.
public struct DigestStartError: Error, Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String {
        "since \"\(IdentifierError(kind: "", value: text, reason: "").printableValue)\" is neither a date (YYYY-MM-DD) "
            + "nor an RFC 3339 instant (2026-11-24T09:00:00Z)"
    }
}
