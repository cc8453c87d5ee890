import Foundation
import RowColDomain

/// Everything a runway snapshot is computed from: domain values as the mirror holds them, how
/// fresh they are, the flags raised while reading them, the as-of moment and the exchange rates.
///
/// The calculator reads no clock and no file: "today" is ``asOfDate`` and nothing else.
///
/// ```swift
/// let inputs = RunwayInputs(
///     business: ref, businessName: "Acme Plumbing", asOf: now, homeCurrency: .usd,
///     bills: bills.items, invoices: invoices.items, balances: balances.items, payments: payments,
///     freshness: .init(bills: bills.freshness, invoices: invoices.freshness, balances: balances.freshness),
///     flags: bills.flags + invoices.flags + balances.flags)
/// let snapshot = RunwayCalculator.snapshot(inputs: inputs)
/// ```
public struct RunwayInputs: Hashable, Sendable {
    /// How fresh the mirror's copy of each input kind was when it was read.
    public struct InputFreshness: Hashable, Sendable, Codable {
        /// Freshness of the bills mirror.
        public var bills: Freshness
        /// Freshness of the invoices mirror.
        public var invoices: Freshness
        /// Freshness of the balances mirror.
        public var balances: Freshness

        /// Groups the freshness of the three inputs.
        public init(bills: Freshness, invoices: Freshness, balances: Freshness) {
            self.bills = bills
            self.invoices = invoices
            self.balances = balances
        }

        /// All three inputs as never fetched: what a snapshot of an unsynced business honestly says.
        public static let never = InputFreshness(
            bills: Freshness(refreshedAt: nil, level: .never),
            invoices: Freshness(refreshedAt: nil, level: .never),
            balances: Freshness(refreshedAt: nil, level: .never))
    }

    /// The advisor and business the inputs belong to.
    public var business: BusinessRef
    /// The business's display name, as a person knows it.
    public var businessName: String
    /// The instant the snapshot describes (the time the inputs were read).
    public var asOf: Date
    /// The day the projection starts on; week 1 is this day and the six after it.
    public var asOfDate: LocalDate
    /// The currency every total is expressed in.
    public var homeCurrency: CurrencyCode
    /// The business's bills as mirrored; only open ones (balance > 0) are projected.
    public var bills: [Bill]
    /// The business's invoices as mirrored; only open ones (balance > 0) are projected.
    public var invoices: [Invoice]
    /// Account balances; only active `Bank` accounts count as cash.
    public var balances: [AccountBalance]
    /// Bill payments scheduled through RowCol; rejected ones are ignored.
    public var payments: [BillPayment]
    /// How fresh each input was; copied into the snapshot as is.
    public var freshness: InputFreshness
    /// Every hygiene flag raised while reading the inputs; the snapshot carries them all.
    public var flags: [HygieneFlag]
    /// Exchange rates into the home currency: how many units of ``homeCurrency`` one unit of the
    /// key currency buys. Amounts in a currency without a (positive) rate are reported apart, never
    /// summed.
    public var rates: [CurrencyCode: Decimal]
    /// What the business's past says about timing: paid invoices, paid bills, purchases.
    /// Empty: every item is expected on its due date and nothing recurs.
    public var history: RunwayHistory
    /// The advisor's plan; `nil` or empty changes nothing.
    public var plan: RunwayPlan?
    /// Why the plan could not be read, when it could not: the snapshot is computed without it
    /// and carries a `plan.invalid` flag with this message.
    public var planProblem: PlanError?
    /// The plan's scenario to apply; `nil` (or `"base"`) for none.
    public var scenario: String?
    /// The timing model's knobs (the plan's `timing` overrides them).
    public var policy: TimingPolicy
    /// The alerts remembered in the business's state (``FloorAlerts``): a breach found in this
    /// projection that was already seen carries that first sighting as ``FloorAlert/since``.
    public var alerts: [BusinessAlert] = []

    /// - Parameters:
    ///   - asOfDate: the first day of week 1; defaults to the UTC date of `asOf`.
    public init(
        business: BusinessRef, businessName: String, asOf: Date, asOfDate: LocalDate? = nil,
        homeCurrency: CurrencyCode, bills: [Bill] = [], invoices: [Invoice] = [],
        balances: [AccountBalance] = [], payments: [BillPayment] = [],
        freshness: InputFreshness = .never, flags: [HygieneFlag] = [], rates: [CurrencyCode: Decimal] = [:],
        history: RunwayHistory = .empty, plan: RunwayPlan? = nil, planProblem: PlanError? = nil,
        scenario: String? = nil, policy: TimingPolicy = .standard, alerts: [BusinessAlert] = []
    ) {
        self.business = business
        self.businessName = businessName
        self.asOf = asOf
        self.asOfDate = asOfDate ?? LocalDate(asOf)
        self.homeCurrency = homeCurrency
        self.bills = bills
        self.invoices = invoices
        self.balances = balances
        self.payments = payments
        self.freshness = freshness
        self.flags = flags
        self.rates = rates
        self.history = history
        self.plan = plan
        self.planProblem = planProblem
        self.scenario = scenario
        self.policy = policy
        self.alerts = alerts
    }
}
