import Foundation
import RowColDomain

/// All businesses of one advisor, one row each, the most at risk first.
///
/// Risk order: the soonest week below the cash floor first (the plan's `cash_floor`, else 0; no
/// breach last), then fewest weeks of runway ("13+" last), then the lowest closing balance of the
/// projection, then the most hygiene flags (a business whose numbers are least trustworthy comes
/// before an equal one that is well synced), then more warnings, then business id so the order is
/// stable. Closing balances are compared as numbers even when businesses keep books in different
/// home currencies; each row shows its own currency.
public struct AdvisorConsole: Hashable, Sendable, Codable {
    /// One business in the console.
    public struct Row: Hashable, Sendable, Codable {
        /// 1 for the business most at risk.
        public var rank: Int
        /// The business and its name.
        public var business: RunwayBusiness
        /// The currency of this row's amounts.
        public var homeCurrency: CurrencyCode
        /// Cash on hand.
        public var cashOnHand: Money
        /// Open bills (AP).
        public var payablesTotal: Money
        /// Open invoices (AR).
        public var receivablesTotal: Money
        /// The overdue part of AP.
        public var overduePayables: Money
        /// The overdue part of AR.
        public var overdueReceivables: Money
        /// The week with the lowest closing.
        public var lowestWeek: LowestWeek
        /// The first week closing below zero, or "13+".
        public var weeksOfRunway: RunwayLength
        /// The cash floor and the first week below it.
        public var alert: FloorAlert
        /// The burn figure and its method.
        public var burn: Burn
        /// The flag codes of the snapshot, sorted and without repeats.
        public var flagCodes: [String]
        /// How many hygiene flags the snapshot carries.
        public var flagCount: Int
        /// The warning codes of the snapshot, sorted and without repeats.
        public var warningCodes: [String]
        /// How many runway warnings the snapshot carries.
        public var warningCount: Int
        /// The stalest level among the snapshot's inputs (`never` > `stale_hard` > `stale` > `fresh`).
        public var freshness: Freshness.Level

        /// The row of `snapshot` at position `rank`.
        public init(rank: Int, snapshot: RunwaySnapshot) {
            self.rank = rank
            business = snapshot.business
            homeCurrency = snapshot.homeCurrency
            cashOnHand = snapshot.cash.total
            payablesTotal = snapshot.payables.openTotal
            receivablesTotal = snapshot.receivables.openTotal
            overduePayables = snapshot.payables.overdueTotal
            overdueReceivables = snapshot.receivables.overdueTotal
            lowestWeek = snapshot.lowestWeek
            weeksOfRunway = snapshot.weeksOfRunway
            alert = snapshot.alert
            burn = snapshot.burn
            flagCodes = Array(Set(snapshot.flags.map(\.code.rawValue))).sorted()
            flagCount = snapshot.flags.count
            warningCodes = Array(Set(snapshot.warnings.map(\.code.rawValue))).sorted()
            warningCount = snapshot.warnings.count
            let levels = [snapshot.freshness.bills.level, snapshot.freshness.invoices.level, snapshot.freshness.balances.level]
            freshness = levels.max { Self.staleness($0) < Self.staleness($1) } ?? .fresh
        }

        static func staleness(_ level: Freshness.Level) -> Int {
            switch level {
            case .fresh: 0
            case .stale: 1
            case .staleHard: 2
            case .never: 3
            }
        }

        enum CodingKeys: String, CodingKey {
            case rank, business, burn, freshness, alert
            case homeCurrency = "home_currency"
            case cashOnHand = "cash_on_hand"
            case payablesTotal = "ap_total"
            case receivablesTotal = "ar_total"
            case overduePayables = "ap_overdue"
            case overdueReceivables = "ar_overdue"
            case lowestWeek = "lowest_week"
            case weeksOfRunway = "weeks_of_runway"
            case flagCodes = "flag_codes"
            case flagCount = "flag_count"
            case warningCodes = "warning_codes"
            case warningCount = "warning_count"
        }
    }

    /// The JSON shape's version (same as the snapshot's).
    public var schemaVersion: Int
    /// The advisor whose businesses these are.
    public var advisor: AdvisorID
    /// When the console was assembled (the caller's clock, passed in).
    public var asOf: Date
    /// The businesses, most at risk first.
    public var rows: [Row]

    /// Ranks the snapshots of one advisor's businesses.
    /// - Throws: ``AdvisorConsoleError`` when a snapshot belongs to another advisor or a business
    ///   appears twice: an advisor's console never shows, or double-counts, someone else's data.
    public init(advisor: AdvisorID, asOf: Date, snapshots: [RunwaySnapshot]) throws(AdvisorConsoleError) {
        var seen: Set<BusinessID> = []
        for snapshot in snapshots {
            guard snapshot.business.advisor == advisor else {
                throw AdvisorConsoleError(
                    message: "the snapshot of \(snapshot.business.ref) belongs to advisor \(snapshot.business.advisor), "
                        + "not \(advisor); build each advisor's console from its own businesses only")
            }
            guard seen.insert(snapshot.business.business).inserted else {
                throw AdvisorConsoleError(
                    message: "business \(snapshot.business.ref) appears twice; pass one snapshot per business")
            }
        }
        let ranked = snapshots.sorted(by: Self.isRiskier)
        schemaVersion = RunwaySnapshot.currentSchemaVersion
        self.advisor = advisor
        self.asOf = asOf
        rows = ranked.enumerated().map { Row(rank: $0.offset + 1, snapshot: $0.element) }
    }

    /// Whether `lhs` is more at risk than `rhs` (the console's order).
    public static func isRiskier(_ lhs: RunwaySnapshot, than rhs: RunwaySnapshot) -> Bool {
        if lhs.alert.rankingWeeks != rhs.alert.rankingWeeks { return lhs.alert.rankingWeeks < rhs.alert.rankingWeeks }
        if lhs.weeksOfRunway.rankingWeeks != rhs.weeksOfRunway.rankingWeeks {
            return lhs.weeksOfRunway.rankingWeeks < rhs.weeksOfRunway.rankingWeeks
        }
        if lhs.lowestWeek.closing.amount != rhs.lowestWeek.closing.amount {
            return lhs.lowestWeek.closing.amount < rhs.lowestWeek.closing.amount
        }
        if lhs.flags.count != rhs.flags.count { return lhs.flags.count > rhs.flags.count }
        if lhs.warnings.count != rhs.warnings.count { return lhs.warnings.count > rhs.warnings.count }
        return lhs.business.business < rhs.business.business
    }

    enum CodingKeys: String, CodingKey {
        case advisor = "advisor_id"
        case asOf = "as_of"
        case rows
        case schemaVersion = "schema_version"
    }
}

/// An advisor console could not be assembled; the message says which snapshot and why.
public struct AdvisorConsoleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong and what to do.
    public let message: String
    /// An error with its message.
    public init(message: String) { self.message = message }
    public var description: String { message }
}
