import Foundation
import RowColDomain

/// Which way money moves.
public enum FlowDirection: String, Hashable, Sendable, Codable, CaseIterable {
    /// Money coming in (a receipt).
    case inflow = "in"
    /// Money going out (a disbursement).
    case outflow = "out"
}

/// The advisor's own assumptions about one business, kept in `plan.json` beside its mirror and
/// never taken from QBO: expected dates and exclusions of open invoices and bills, one-off items
/// (a loan, a tax payment), edits of recurring flows, a cash floor, and named scenarios.
///
/// Every amount is in the business's home currency. Maps are keyed by id, so the file has one
/// stable order (keys sorted) and `git diff` shows exactly what the advisor changed:
///
/// ```json
/// {
///   "bills": {"55": {"exclude": true, "note": "disputed"}},
///   "cash_floor": 5000,
///   "invoices": {"130": {"expect_on": "2026-12-20", "note": "promised by phone"}},
///   "one_offs": {"loan": {"amount": 25000, "direction": "in", "name": "SBA loan", "on": "2027-01-05"}},
///   "recurring": {
///     "account:61": {"action": "ignore"},
///     "insurance": {"action": "add", "amount": 2400, "cadence": "quarterly", "direction": "out",
///                   "name": "Hartford insurance", "next_on": "2027-01-15"},
///     "vendor:56": {"action": "change", "amount": 3600}
///   },
///   "scenarios": {"slow": {"ar_delay_days": 14, "ar_haircut_percent": 10,
///                          "delayed_bills": {"55": {"days": 30}},
///                          "extra_items": {"tax": {"amount": 8000, "direction": "out", "name": "Q4 tax", "on": "2027-01-15"}}}},
///   "schema_version": 1,
///   "timing": {"haircut_after_days": 120, "haircut_percent": 40}
/// }
/// ```
///
/// Read one with ``decode(from:)`` (every problem is a ``PlanError`` naming the path and the
/// field); check a value built in code with ``validate()``.
public struct RunwayPlan: Hashable, Sendable {
    /// The version of the file's shape this library writes and the newest it reads.
    public static let currentSchemaVersion = 1
    /// The name that means "no scenario" wherever a scenario is named.
    public static let baseScenario = "base"

    /// The file's shape version.
    public var schemaVersion: Int
    /// The week whose projected closing goes below this (home currency) raises the alert; `nil`: 0.
    public var cashFloor: Decimal?
    /// Per open invoice id: an expected date or an exclusion.
    public var invoices: [String: ItemOverride]
    /// Per open bill id: an expected date or an exclusion.
    public var bills: [String: ItemOverride]
    /// One-off items by id.
    public var oneOffs: [String: PlannedItem]
    /// Recurring edits: `vendor:<id>` / `account:<id>` keys ignore or change a detected series; other
    /// keys add a series of the advisor's own.
    public var recurring: [String: RecurringEdit]
    /// Named scenarios.
    public var scenarios: [String: Scenario]
    /// Overrides of the timing model's knobs.
    public var timing: Timing?

    /// A plan; the empty plan changes nothing.
    public init(
        schemaVersion: Int = RunwayPlan.currentSchemaVersion, cashFloor: Decimal? = nil,
        invoices: [String: ItemOverride] = [:], bills: [String: ItemOverride] = [:],
        oneOffs: [String: PlannedItem] = [:], recurring: [String: RecurringEdit] = [:],
        scenarios: [String: Scenario] = [:], timing: Timing? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.cashFloor = cashFloor
        self.invoices = invoices
        self.bills = bills
        self.oneOffs = oneOffs
        self.recurring = recurring
        self.scenarios = scenarios
        self.timing = timing
    }

    /// The plan that changes nothing.
    public static let empty = RunwayPlan()

    /// Whether the plan holds nothing.
    public var isEmpty: Bool { self == RunwayPlan(schemaVersion: schemaVersion) }

    /// An open item's expected date or exclusion.
    public struct ItemOverride: Hashable, Sendable {
        /// The day the cash is expected to move.
        public var expectOn: LocalDate?
        /// Left out of the projection (still in the totals and the aging: it is still owed).
        public var exclude: Bool
        /// The advisor's reason.
        public var note: String?

        /// An override.
        public init(expectOn: LocalDate? = nil, exclude: Bool = false, note: String? = nil) {
            self.expectOn = expectOn
            self.exclude = exclude
            self.note = note
        }
    }

    /// A one-off receipt or disbursement the books do not hold yet (a loan, a tax payment, a sale).
    public struct PlannedItem: Hashable, Sendable {
        /// What it is.
        public var name: String
        /// In or out.
        public var direction: FlowDirection
        /// The amount, positive, in the home currency.
        public var amount: Decimal
        /// The day the cash moves.
        public var on: LocalDate
        /// The advisor's note.
        public var note: String?

        /// A one-off item.
        public init(name: String, direction: FlowDirection, amount: Decimal, on: LocalDate, note: String? = nil) {
            self.name = name
            self.direction = direction
            self.amount = amount
            self.on = on
            self.note = note
        }
    }

    /// An edit of recurring flows.
    public struct RecurringEdit: Hashable, Sendable {
        /// What the edit does.
        public enum Action: String, Hashable, Sendable, CaseIterable {
            /// Drop a detected series from the projection.
            case ignore
            /// Change a detected series' amount, cadence or next date.
            case change
            /// Add a series of the advisor's own.
            case add
        }

        /// What the edit does.
        public var action: Action
        /// For `add`: what the series is.
        public var name: String?
        /// For `add`: in or out.
        public var direction: FlowDirection?
        /// For `add`, optional for `change`: how often.
        public var cadence: Cadence?
        /// For `add`, optional for `change`: the amount of each occurrence (home currency).
        public var amount: Decimal?
        /// For `add`, optional for `change`: the next occurrence; the others follow the cadence.
        public var nextOn: LocalDate?
        /// The last day an occurrence may fall on.
        public var until: LocalDate?
        /// The advisor's note.
        public var note: String?

        /// An edit.
        public init(action: Action, name: String? = nil, direction: FlowDirection? = nil, cadence: Cadence? = nil,
                    amount: Decimal? = nil, nextOn: LocalDate? = nil, until: LocalDate? = nil, note: String? = nil) {
            self.action = action
            self.name = name
            self.direction = direction
            self.cadence = cadence
            self.amount = amount
            self.nextOn = nextOn
            self.until = until
            self.note = note
        }

        /// Ignore a detected series.
        public static func ignore(note: String? = nil) -> RecurringEdit { RecurringEdit(action: .ignore, note: note) }
    }

    /// A named "what if" applied on top of the plan.
    public struct Scenario: Hashable, Sendable {
        /// Every open invoice is expected this many days later (negative: earlier).
        public var arDelayDays: Int?
        /// This share (percent, 0…100) of every projected invoice receipt is not expected.
        public var arHaircutPercent: Decimal?
        /// Per bill id: paid later by some days, or on a date.
        public var delayedBills: [String: BillDelay]
        /// One-off items that exist only in this scenario.
        public var extraItems: [String: PlannedItem]
        /// The advisor's note.
        public var note: String?

        /// A scenario.
        public init(arDelayDays: Int? = nil, arHaircutPercent: Decimal? = nil, delayedBills: [String: BillDelay] = [:],
                    extraItems: [String: PlannedItem] = [:], note: String? = nil) {
            self.arDelayDays = arDelayDays
            self.arHaircutPercent = arHaircutPercent
            self.delayedBills = delayedBills
            self.extraItems = extraItems
            self.note = note
        }
    }

    /// How a scenario moves a bill: by a number of days, or to a date (exactly one of them).
    public struct BillDelay: Hashable, Sendable {
        /// Days later than the base projection.
        public var days: Int?
        /// The day it is paid.
        public var on: LocalDate?

        /// A delay.
        public init(days: Int? = nil, on: LocalDate? = nil) {
            self.days = days
            self.on = on
        }
    }

    /// Overrides of ``TimingPolicy``'s knobs for this business.
    public struct Timing: Hashable, Sendable {
        /// Invoices more than this many days overdue get the haircut.
        public var haircutAfterDays: Int?
        /// The share (percent) of a very overdue invoice not expected.
        public var haircutPercent: Decimal?
        /// The fewest paid items before a lateness is trusted.
        public var minimumSample: Int?
        /// How many of a counterparty's latest paid items its lateness is the median of.
        public var historyWindow: Int?

        /// Timing overrides.
        public init(haircutAfterDays: Int? = nil, haircutPercent: Decimal? = nil, minimumSample: Int? = nil,
                    historyWindow: Int? = nil) {
            self.haircutAfterDays = haircutAfterDays
            self.haircutPercent = haircutPercent
            self.minimumSample = minimumSample
            self.historyWindow = historyWindow
        }

        /// `policy` with these overrides applied.
        public func applied(to policy: TimingPolicy) -> TimingPolicy {
            var policy = policy
            if let haircutAfterDays { policy.haircutAfterDays = haircutAfterDays }
            if let haircutPercent { policy.haircutPercent = haircutPercent }
            if let minimumSample { policy.minimumSample = minimumSample }
            if let historyWindow { policy.partyWindow = historyWindow }
            return policy
        }
    }
}

/// Whether an override concerns an invoice or a bill.
public enum PlanItemKind: String, Hashable, Sendable, CaseIterable {
    /// An open invoice (AR).
    case invoice
    /// An open bill (AP).
    case bill
}
