import Foundation
import RowColDomain

/// Open amounts by how overdue they are on the as-of date.
///
/// An item due on the as-of date is not overdue; one due the day before is 1 day overdue.
public struct AgingBuckets: Hashable, Sendable, Codable {
    /// Due on or after the as-of date.
    public var notDue: Money
    /// 1 to 30 days overdue.
    public var overdue1To30: Money
    /// 31 to 60 days overdue.
    public var overdue31To60: Money
    /// 61 to 90 days overdue.
    public var overdue61To90: Money
    /// More than 90 days overdue.
    public var overdueOver90: Money

    /// Bucket amounts, in the home currency.
    public init(notDue: Money, overdue1To30: Money, overdue31To60: Money, overdue61To90: Money, overdueOver90: Money) {
        self.notDue = notDue
        self.overdue1To30 = overdue1To30
        self.overdue31To60 = overdue31To60
        self.overdue61To90 = overdue61To90
        self.overdueOver90 = overdueOver90
    }

    /// The bucket names in display order, with their amounts.
    public var labelled: [(label: String, amount: Money)] {
        [("Not yet due", notDue), ("1-30 days overdue", overdue1To30), ("31-60 days overdue", overdue31To60),
         ("61-90 days overdue", overdue61To90), ("90+ days overdue", overdueOver90)]
    }

    enum CodingKeys: String, CodingKey {
        case notDue = "not_due"
        case overdue1To30 = "overdue_1_30"
        case overdue31To60 = "overdue_31_60"
        case overdue61To90 = "overdue_61_90"
        case overdueOver90 = "overdue_91_plus"
    }
}

/// Accounts payable or receivable: open items by due date, their total, their aging.
public struct AgingSummary: Hashable, Sendable, Codable {
    /// One open bill or invoice.
    public struct Item: Hashable, Sendable, Codable {
        /// The bill's or invoice's QBO id.
        public var id: EntityID
        /// The vendor of a bill or the customer of an invoice.
        public var party: PartyRef
        /// QBO's document number, when it has one.
        public var docNumber: String?
        /// The due date, else the transaction date; `nil` when QBO gave neither.
        public var dueDate: LocalDate?
        /// Days past due on the as-of date; 0 when not overdue.
        public var daysOverdue: Int
        /// The open balance in the item's own currency.
        public var balance: Money
        /// The open balance in the home currency; `nil` when its currency had no rate.
        public var homeBalance: Money?
        /// For a bill: the part of its balance that scheduled payments will settle (home currency).
        public var scheduled: Money?
        /// What the projection counts for this item itself (home currency), scheduled payments
        /// excluded, after any haircut; `nil` when it is not projected (after week 13, excluded, unconverted).
        public var projected: Money?
        /// The day the cash is expected to move (never before the as-of date).
        public var expectedOn: LocalDate?
        /// Why it is expected then (and, for a haircut, why only part of it).
        public var basis: ProjectionBasis?
        /// The projection week (1…13) of ``expectedOn``; `nil` when expected after week 13, excluded or unconverted.
        public var week: Int?
        /// How many days after the due date the counterparty usually pays (or is paid): its own
        /// median, else the business's; `nil` without enough history. The tray chases an invoice
        /// only once it is later than this.
        public var usualDaysLate: Int?

        /// One open item's figures.
        public init(
            id: EntityID, party: PartyRef, docNumber: String?, dueDate: LocalDate?, daysOverdue: Int,
            balance: Money, homeBalance: Money?, scheduled: Money?, projected: Money?, week: Int?,
            expectedOn: LocalDate? = nil, basis: ProjectionBasis? = nil, usualDaysLate: Int? = nil
        ) {
            self.id = id
            self.party = party
            self.docNumber = docNumber
            self.dueDate = dueDate
            self.daysOverdue = daysOverdue
            self.balance = balance
            self.homeBalance = homeBalance
            self.scheduled = scheduled
            self.projected = projected
            self.week = week
            self.expectedOn = expectedOn
            self.basis = basis
            self.usualDaysLate = usualDaysLate
        }

        enum CodingKeys: String, CodingKey {
            case id, party, balance, scheduled, projected, week, basis
            case usualDaysLate = "usual_days_late"
            case expectedOn = "expected_on"
            case docNumber = "doc_number"
            case dueDate = "due_date"
            case daysOverdue = "days_overdue"
            case homeBalance = "home_balance"
        }
    }

    /// Σ open balances (balance > 0) in the home currency.
    public var openTotal: Money
    /// The overdue part of ``openTotal``.
    public var overdueTotal: Money
    /// The part of ``openTotal`` expected after week 13: owed, but outside the projection.
    public var beyondHorizon: Money
    /// The part of ``openTotal`` the plan excludes from the projection.
    public var excluded: Money
    /// The part of ``openTotal`` not expected because of collection haircuts (very overdue
    /// invoices, a scenario's AR haircut).
    public var haircut: Money
    /// Σ negative balances (vendor credits, credit notes): shown, never projected, so the runway
    /// does not lean on money that may never come back as cash.
    public var credits: Money
    /// ``openTotal`` by how overdue it is.
    public var buckets: AgingBuckets
    /// Open items by due date (undated first), then id.
    public var items: [Item]

    /// A summary's figures.
    public init(openTotal: Money, overdueTotal: Money, beyondHorizon: Money, credits: Money,
                buckets: AgingBuckets, items: [Item], excluded: Money? = nil, haircut: Money? = nil) {
        self.openTotal = openTotal
        self.overdueTotal = overdueTotal
        self.beyondHorizon = beyondHorizon
        self.excluded = excluded ?? Money(0, openTotal.currency)
        self.haircut = haircut ?? Money(0, openTotal.currency)
        self.credits = credits
        self.buckets = buckets
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case credits, buckets, items, excluded, haircut
        case openTotal = "open_total"
        case overdueTotal = "overdue_total"
        case beyondHorizon = "beyond_horizon"
    }
}
