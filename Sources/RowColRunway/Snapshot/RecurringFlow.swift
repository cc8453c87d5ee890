import Foundation
import RowColDomain

/// A recurring flow the projection counts: detected from the history (rent, payroll, supplies,
/// insurance) or added by the plan, with its occurrences over the 13 weeks.
public struct RecurringFlow: Hashable, Sendable, Codable {
    /// One projected occurrence.
    public struct Occurrence: Hashable, Sendable, Codable {
        /// The day the cash moves.
        public var on: LocalDate
        /// The projection week (1…13).
        public var week: Int
        /// The amount (home currency); counted in the week unless ``coveredBy`` is set.
        public var amount: Money
        /// The open bill that already stands for this occurrence (same vendor, same period): the
        /// bill is projected, the occurrence is not, so nothing is counted twice.
        public var coveredBy: EntityID?

        /// An occurrence.
        public init(on: LocalDate, week: Int, amount: Money, coveredBy: EntityID? = nil) {
            self.on = on
            self.week = week
            self.amount = amount
            self.coveredBy = coveredBy
        }

        enum CodingKeys: String, CodingKey {
            case on, week, amount
            case coveredBy = "covered_by"
        }
    }

    /// The series' key: `vendor:<id>` or `account:<id>` when detected, the plan's id when added.
    /// Plan edits (`rowcol plan recurring`) name a series by it.
    public var key: String
    /// Who is paid (or pays): the vendor, the expense account, or the plan's name.
    public var party: PartyRef
    /// In or out.
    public var direction: FlowDirection
    /// How often.
    public var cadence: Cadence
    /// The typical amount of one occurrence (home currency).
    public var amount: Money
    /// The first occurrence in the projection; `nil` when none is projected (stopped, ignored, later).
    public var nextOn: LocalDate?
    /// Why: detected (with the figures) or set by the plan.
    public var basis: ProjectionBasis
    /// Of the latest ``ofLast`` periods, how many had a payment (detected series only).
    public var seenIn: Int?
    /// How many of the latest periods ``seenIn`` counts over.
    public var ofLast: Int?
    /// The occurrences within the 13 weeks.
    public var occurrences: [Occurrence]
    /// Σ the occurrences counted (those not covered by a bill).
    public var projected: Money

    /// A recurring flow.
    public init(key: String, party: PartyRef, direction: FlowDirection, cadence: Cadence, amount: Money,
                nextOn: LocalDate?, basis: ProjectionBasis, seenIn: Int?, ofLast: Int?, occurrences: [Occurrence],
                projected: Money) {
        self.key = key
        self.party = party
        self.direction = direction
        self.cadence = cadence
        self.amount = amount
        self.nextOn = nextOn
        self.basis = basis
        self.seenIn = seenIn
        self.ofLast = ofLast
        self.occurrences = occurrences
        self.projected = projected
    }

    enum CodingKeys: String, CodingKey {
        case key, party, direction, cadence, amount, basis, occurrences, projected
        case nextOn = "next_on"
        case seenIn = "seen_in"
        case ofLast = "of_last"
    }
}

/// A one-off item of the plan or of the scenario: a loan, a tax payment, a sale the books do not hold yet.
public struct PlannedFlow: Hashable, Sendable, Codable {
    /// The item's id in the plan.
    public var id: String
    /// What it is.
    public var name: String
    /// In or out.
    public var direction: FlowDirection
    /// The amount (home currency).
    public var amount: Money
    /// The day the cash moves.
    public var on: LocalDate
    /// The projection week; `nil` when after week 13 or before the as-of date (then not counted).
    public var week: Int?
    /// `plan` or `scenario`, with the note.
    public var basis: ProjectionBasis

    /// A planned item.
    public init(id: String, name: String, direction: FlowDirection, amount: Money, on: LocalDate, week: Int?,
                basis: ProjectionBasis) {
        self.id = id
        self.name = name
        self.direction = direction
        self.amount = amount
        self.on = on
        self.week = week
        self.basis = basis
    }
}

/// What the plan did to the snapshot.
public struct PlanSummary: Hashable, Sendable, Codable {
    /// Whether a plan was applied.
    public enum State: String, Hashable, Sendable, Codable {
        /// There is no `plan.json`, or it holds nothing.
        case none
        /// The plan was applied.
        case applied
        /// `plan.json` could not be read: the numbers are computed without it (see ``problem``
        /// and the `plan.invalid` flag).
        case invalid
    }

    /// Whether a plan was applied.
    public var state: State
    /// The scenario the snapshot was computed for; `nil` for the base.
    public var scenario: String?
    /// The scenarios the plan offers.
    public var scenarios: [String]
    /// What is wrong with `plan.json`, when ``state`` is `invalid`.
    public var problem: String?

    /// A summary.
    public init(state: State, scenario: String?, scenarios: [String], problem: String?) {
        self.state = state
        self.scenario = scenario
        self.scenarios = scenarios
        self.problem = problem
    }
}

/// The cash-floor alert: the first week whose projected closing goes below the floor.
public struct FloorAlert: Hashable, Sendable, Codable {
    /// The first week below the floor.
    public struct Breach: Hashable, Sendable, Codable {
        /// The week (1…13).
        public var week: Int
        /// Its first day.
        public var start: LocalDate
        /// Its projected closing.
        public var closing: Money
        /// Floor − closing: how much is missing.
        public var shortfall: Money

        /// A breach.
        public init(week: Int, start: LocalDate, closing: Money, shortfall: Money) {
            self.week = week
            self.start = start
            self.closing = closing
            self.shortfall = shortfall
        }
    }

    /// The floor (home currency): the plan's `cash_floor`, else 0.
    public var floor: Money
    /// The first week below it; `nil` when no week is.
    public var breach: Breach?
    /// When this breach was first seen, as the business's state remembers it (after each sync and
    /// plan edit); `nil` without a breach, or for one not evaluated yet.
    public var since: Date?

    /// An alert.
    public init(floor: Money, breach: Breach?, since: Date? = nil) {
        self.floor = floor
        self.breach = breach
        self.since = since
    }

    /// A number that orders businesses from the soonest breach ("none" ranks as 14).
    public var rankingWeeks: Int { breach?.week ?? RunwayCalendar.weekCount + 1 }
}
