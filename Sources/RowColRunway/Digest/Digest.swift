import Foundation
import RowColDomain

/// One mirrored value as it was before and after one log line changed it: what the digest is
/// computed from. The composition root derives these by replaying the integration log.
public struct DigestTransition: Hashable, Sendable {
    /// A mirrored domain value.
    public enum Value: Hashable, Sendable {
        case bill(Bill)
        case invoice(Invoice)
        case balance(AccountBalance)
        case payment(BillPayment)
    }

    /// The seq of the log line that made the change.
    public var seq: UInt64
    /// When that line was appended.
    public var at: Date
    public var business: BusinessID
    /// The value before the line (`nil`: new).
    public var before: Value?
    /// The value after it (`nil`: deleted).
    public var after: Value?

    public init(seq: UInt64, at: Date, business: BusinessID, before: Value?, after: Value?) {
        self.seq = seq
        self.at = at
        self.business = business
        self.before = before
        self.after = after
    }
}

/// What changed in an advisor's businesses since a date, per business, each line with the log
/// seq that explains it (DESIGN §6): new, changed, paid and deleted bills and invoices, RowCol's
/// payments as they move (scheduled, sent, confirmed, rejected), cash moves per bank account,
/// flags raised since, a cash-floor breach first seen since, and the runway then and now.
///
/// Built by ``init(advisor:since:sinceDate:asOf:sections:lineLimit:)`` from ``DigestTransition``s and
/// snapshots; rendered for mail or chat by ``DigestReport``.
public struct Digest: Hashable, Sendable, Codable {
    /// What a line says happened; stable strings.
    public struct Kind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public static let billNew = Kind(rawValue: "bill.new")
        public static let billChanged = Kind(rawValue: "bill.changed")
        public static let billPaid = Kind(rawValue: "bill.paid")
        public static let billDeleted = Kind(rawValue: "bill.deleted")
        public static let invoiceNew = Kind(rawValue: "invoice.new")
        public static let invoiceChanged = Kind(rawValue: "invoice.changed")
        public static let invoicePaid = Kind(rawValue: "invoice.paid")
        public static let invoiceDeleted = Kind(rawValue: "invoice.deleted")
        public static let paymentScheduled = Kind(rawValue: "payment.scheduled")
        public static let paymentSent = Kind(rawValue: "payment.sent")
        public static let paymentConfirmed = Kind(rawValue: "payment.confirmed")
        public static let paymentRejected = Kind(rawValue: "payment.rejected")
        public static let cashMoved = Kind(rawValue: "cash.moved")
        public static let flagRaised = Kind(rawValue: "flag.raised")
        /// A cash-floor breach first seen since the start (``FloorAlert/since``).
        public static let alertRaised = Kind(rawValue: "alert.raised")

        /// Every kind, in the order a report lists them.
        public static let all: [Kind] = [
            .billNew, .billChanged, .billPaid, .billDeleted, .invoiceNew, .invoiceChanged, .invoicePaid,
            .invoiceDeleted, .paymentScheduled, .paymentSent, .paymentConfirmed, .paymentRejected, .cashMoved,
            .flagRaised, .alertRaised,
        ]
    }

    /// One thing that happened.
    public struct Line: Hashable, Sendable, Codable {
        /// The log line behind it; `nil` only for flags and alerts, which live in `state.json`, not the log.
        public var seq: UInt64?
        public var at: Date
        public var kind: Kind
        /// The bill, invoice, payment or account concerned (the flag's code for a flag).
        public var id: String
        /// What happened, in words.
        public var text: String
        /// The amount that matters to the line (a balance, a payment, a cash move), in its own currency.
        public var amount: Money?
    }

    /// The runway at a moment, in brief.
    public struct RunwaySummary: Hashable, Sendable, Codable {
        public var asOfDate: LocalDate
        public var cash: Money
        public var weeksOfRunway: RunwayLength
        public var lowestWeek: LowestWeek

        public init(_ snapshot: RunwaySnapshot) {
            asOfDate = snapshot.asOfDate
            cash = snapshot.cash.total
            weeksOfRunway = snapshot.weeksOfRunway
            lowestWeek = snapshot.lowestWeek
        }

        enum CodingKeys: String, CodingKey {
            case cash
            case asOfDate = "as_of_date"
            case weeksOfRunway = "weeks_of_runway"
            case lowestWeek = "lowest_week"
        }
    }

    /// The inputs of one business's section.
    public struct SectionInput: Sendable {
        public var business: RunwayBusiness
        /// Every transition of the business after the digest's start, in log order.
        public var transitions: [DigestTransition]
        /// The business's snapshot now (its flags give the flags raised since).
        public var now: RunwaySnapshot
        /// Its snapshot as the mirror stood at the start, when the log reaches back that far.
        public var then: RunwaySnapshot?

        public init(business: RunwayBusiness, transitions: [DigestTransition], now: RunwaySnapshot, then: RunwaySnapshot?) {
            self.business = business
            self.transitions = transitions
            self.now = now
            self.then = then
        }
    }

    /// One business's changes.
    public struct Section: Hashable, Sendable, Codable {
        public var business: RunwayBusiness
        /// Lines per kind (all of them, also those cut by the line limit).
        public var counts: [String: Int]
        /// The lines, in log order (flags last), at most the digest's line limit.
        public var lines: [Line]
        /// How many lines the limit left out.
        public var omitted: Int
        /// The runway at the start and now.
        public var runwayThen: RunwaySummary?
        public var runwayNow: RunwaySummary

        enum CodingKeys: String, CodingKey {
            case business, counts, lines, omitted
            case runwayThen = "runway_then"
            case runwayNow = "runway_now"
        }
    }

    public var advisor: AdvisorID
    /// The start as asked for: a date, or an instant in RFC 3339.
    public var since: String
    /// The start as an instant (a date starts at 00:00 UTC).
    public var sinceInstant: Date
    public var asOf: Date
    /// The businesses, by id.
    public var businesses: [Section]

    /// - Parameters:
    ///   - since: the start as the caller wrote it.
    ///   - sinceInstant: the start; transitions before it are not in the digest.
    ///   - lineLimit: the most lines kept per business (counts stay exact).
    public init(advisor: AdvisorID, since: String, sinceInstant: Date, asOf: Date, sections: [SectionInput], lineLimit: Int = 200) {
        self.advisor = advisor
        self.since = since
        self.sinceInstant = sinceInstant
        self.asOf = asOf
        businesses = sections.sorted { $0.business.business < $1.business.business }.map { input in
            var lines = input.transitions.filter { $0.at >= sinceInstant }.sorted { $0.seq < $1.seq }.compactMap(Self.line)
            for flag in input.now.flags where flag.since >= sinceInstant {
                lines.append(Line(seq: nil, at: flag.since, kind: .flagRaised, id: flag.code.rawValue,
                                  text: "\(flag.code) raised: \(flag.message)", amount: nil))
            }
            let alert = input.now.alert
            if let breach = alert.breach, let since = alert.since, since >= sinceInstant {
                lines.append(Line(seq: nil, at: since, kind: .alertRaised, id: BusinessAlert.belowFloor,
                                  text: "new alert: " + FloorAlerts.message(breach, floor: alert.floor),
                                  amount: breach.shortfall))
            }
            var counts: [String: Int] = [:]
            for line in lines { counts[line.kind.rawValue, default: 0] += 1 }
            let kept = Array(lines.prefix(max(0, lineLimit)))
            return Section(
                business: input.business, counts: counts, lines: kept, omitted: lines.count - kept.count,
                runwayThen: input.then.map(RunwaySummary.init), runwayNow: RunwaySummary(input.now))
        }
    }

    /// The line a transition makes; `nil` when the domain value did not change (only QBO's body did).
    static func line(_ transition: DigestTransition) -> Line? {
        let make = { (kind: Kind, id: String, text: String, amount: Money?) in
            Line(seq: transition.seq, at: transition.at, kind: kind, id: id, text: text, amount: amount)
        }
        switch (transition.before, transition.after) {
        case (nil, nil):
            return nil
        case (let before?, let after?) where before == after:
            return nil
        case (.bill(let before)?, .bill(let after)?):
            let name = describe(bill: after)
            if before.isOpen && !after.isOpen { return make(.billPaid, after.id.rawValue, "\(name) paid in full", before.balance) }
            return make(.billChanged, after.id.rawValue, "\(name): \(changes(before: before, after: after))", after.balance)
        case (nil, .bill(let bill)?):
            return make(.billNew, bill.id.rawValue, "new \(describe(bill: bill)), \(DisplayFormat.money(bill.balance)) open"
                + (bill.effectiveDueDate.map { ", due \($0)" } ?? ""), bill.balance)
        case (.bill(let bill)?, nil):
            return make(.billDeleted, bill.id.rawValue, "\(describe(bill: bill)) deleted in QBO", bill.balance)
        case (.invoice(let before)?, .invoice(let after)?):
            let name = describe(invoice: after)
            if before.isOpen && !after.isOpen {
                return make(.invoicePaid, after.id.rawValue, "\(name) paid in full", before.balance)
            }
            return make(.invoiceChanged, after.id.rawValue, "\(name): \(changes(before: before, after: after))", after.balance)
        case (nil, .invoice(let invoice)?):
            return make(.invoiceNew, invoice.id.rawValue,
                        "new \(describe(invoice: invoice)), \(DisplayFormat.money(invoice.balance)) open"
                            + (invoice.effectiveDueDate.map { ", due \($0)" } ?? ""), invoice.balance)
        case (.invoice(let invoice)?, nil):
            return make(.invoiceDeleted, invoice.id.rawValue, "\(describe(invoice: invoice)) deleted in QBO", invoice.balance)
        case (let before, .payment(let payment)?):
            let previous: PaymentState? = if case .payment(let old)? = before { old.state } else { nil }
            guard previous != payment.state else { return nil }
            let what = "payment of bill \(payment.billID)" + (payment.vendor.map { " to \($0.displayName)" } ?? "")
                + ", \(DisplayFormat.money(payment.amount)) on \(payment.payOn)"
            switch payment.state {
            case .pending: return make(.paymentScheduled, payment.id.rawValue, "\(what) scheduled", payment.amount)
            case .sent:
                return make(.paymentSent, payment.id.rawValue,
                            "\(what) sent to QBO" + (payment.qboID.map { " (BillPayment \($0))" } ?? ""), payment.amount)
            case .confirmed: return make(.paymentConfirmed, payment.id.rawValue, "\(what) confirmed in QBO", payment.amount)
            case .rejected:
                return make(.paymentRejected, payment.id.rawValue,
                            "\(what) rejected" + (payment.failure.map { ": \($0)" } ?? ""), payment.amount)
            }
        case (.balance(let before)?, .balance(let after)?):
            guard before.currentBalance != after.currentBalance else { return nil }
            let delta = Money(after.currentBalance.amount - before.currentBalance.amount, after.currentBalance.currency)
            return make(.cashMoved, after.id.rawValue,
                        "\(after.name): \(DisplayFormat.amount(before.currentBalance.amount)) → "
                            + "\(DisplayFormat.money(after.currentBalance)) (\(delta.isNegative ? "" : "+")\(DisplayFormat.amount(delta.amount)))",
                        delta)
        case (nil, .balance(let account)?):
            return make(.cashMoved, account.id.rawValue, "\(account.name): \(DisplayFormat.money(account.currentBalance)) (account added)",
                        account.currentBalance)
        case (.balance(let account)?, nil):
            return make(.cashMoved, account.id.rawValue, "\(account.name) removed (it held \(DisplayFormat.money(account.currentBalance)))",
                        account.currentBalance.negated)
        default:
            return nil
        }
    }

    static func describe(bill: Bill) -> String {
        "bill " + (bill.docNumber.map { "\($0) (id \(bill.id))" } ?? bill.id.rawValue) + " from \(bill.vendor.displayName)"
    }

    static func describe(invoice: Invoice) -> String {
        "invoice " + (invoice.docNumber.map { "\($0) (id \(invoice.id))" } ?? invoice.id.rawValue) + " to \(invoice.customer.displayName)"
    }

    static func changes(before: Bill, after: Bill) -> String {
        changes(balance: (before.balance, after.balance), total: (before.total, after.total),
                due: (before.effectiveDueDate, after.effectiveDueDate))
    }

    static func changes(before: Invoice, after: Invoice) -> String {
        changes(balance: (before.balance, after.balance), total: (before.total, after.total),
                due: (before.effectiveDueDate, after.effectiveDueDate))
    }

    static func changes(balance: (Money, Money), total: (Money, Money), due: (LocalDate?, LocalDate?)) -> String {
        var parts: [String] = []
        if balance.0 != balance.1 {
            parts.append("open \(DisplayFormat.amount(balance.0.amount)) → \(DisplayFormat.money(balance.1))"
                + (balance.1.amount < balance.0.amount ? " (part paid)" : ""))
        }
        if total.0 != total.1 { parts.append("total \(DisplayFormat.amount(total.0.amount)) → \(DisplayFormat.money(total.1))") }
        if due.0 != due.1 { parts.append("due \(due.0?.description ?? "none") → \(due.1?.description ?? "none")") }
        return parts.isEmpty ? "details changed in QBO" : parts.joined(separator: ", ")
    }

    enum CodingKeys: String, CodingKey {
        case advisor = "advisor_id"
        case since
        case sinceInstant = "since_instant"
        case asOf = "as_of"
        case businesses
    }
}
