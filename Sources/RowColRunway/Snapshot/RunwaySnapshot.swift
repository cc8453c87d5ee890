import Foundation
import RowColDomain

/// One business's runway at one moment: cash on hand, what is owed and expected, the 13-week
/// projection, how long the cash lasts, and everything the reader needs to trust it (the freshness
/// of each input, every hygiene flag, every warning).
///
/// Build one with ``RunwayCalculator/snapshot(inputs:)``; its `Codable` form is the stable
/// snake_case shape documented in `Sources/RowColRunway/JSON.md`. Every amount is a
/// ``Money`` in ``homeCurrency`` unless it is an original amount of a foreign item (then it says
/// its own currency). Nothing is rounded: rounding happens when a report displays it.
public struct RunwaySnapshot: Hashable, Sendable, Codable {
    /// The version of the JSON shape; bumped only when a field changes meaning or disappears.
    ///
    /// - 2: items land on their expected date (learned timing, the plan, a scenario), not their
    ///   due date; the weeks also hold recurring flows and planned items.
    public static let currentSchemaVersion = 2

    /// The JSON shape's version (``currentSchemaVersion`` when built by this library).
    public var schemaVersion: Int
    /// The business described, with its display name.
    public var business: RunwayBusiness
    /// The instant the inputs were read.
    public var asOf: Date
    /// The first day of week 1.
    public var asOfDate: LocalDate
    /// The currency of every total.
    public var homeCurrency: CurrencyCode
    /// How the 13 weeks are cut, in words (see ``RunwayCalendar``).
    public var weekRule: String
    /// Cash on hand and the accounts behind it.
    public var cash: CashOnHand
    /// Accounts payable: open bills.
    public var payables: AgingSummary
    /// Accounts receivable: open invoices.
    public var receivables: AgingSummary
    /// The 13 weeks of the projection, week 1 first.
    public var weeks: [ProjectionWeek]
    /// The week with the lowest closing balance.
    public var lowestWeek: LowestWeek
    /// The first week whose closing goes below zero, or "13+".
    public var weeksOfRunway: RunwayLength
    /// The burn figure, with its method named.
    public var burn: Burn
    /// Every scheduled payment passed in, by pay-on day, with what the projection did with it.
    public var scheduledPayments: [ScheduledPayment]
    /// How fresh each input was when read.
    public var freshness: RunwayInputs.InputFreshness
    /// Every hygiene flag passed in, in the order given.
    public var flags: [HygieneFlag]
    /// What the reader should know about the arithmetic (see ``RunwayWarning/Code``).
    public var warnings: [RunwayWarning]
    /// The valid rates the caller gave, by currency.
    public var rates: [ExchangeRate]
    /// Per foreign currency without a rate: the amounts left out of every total.
    public var unconverted: [UnconvertedAmounts]
    /// Recurring flows, detected or from the plan, by key.
    public var recurring: [RecurringFlow]
    /// One-off items of the plan and the scenario, by date then id.
    public var oneOffs: [PlannedFlow]
    /// What the plan did: applied, none, or invalid (then the numbers are without it).
    public var plan: PlanSummary
    /// The cash floor and the first week below it.
    public var alert: FloorAlert

    /// Assembles a snapshot from its parts; ``RunwayCalculator/snapshot(inputs:)`` is the usual way to get one.
    public init(
        business: RunwayBusiness, asOf: Date, asOfDate: LocalDate, homeCurrency: CurrencyCode,
        weekRule: String, cash: CashOnHand, payables: AgingSummary, receivables: AgingSummary,
        weeks: [ProjectionWeek], lowestWeek: LowestWeek, weeksOfRunway: RunwayLength, burn: Burn,
        scheduledPayments: [ScheduledPayment], freshness: RunwayInputs.InputFreshness, flags: [HygieneFlag],
        warnings: [RunwayWarning], rates: [ExchangeRate], unconverted: [UnconvertedAmounts],
        recurring: [RecurringFlow] = [], oneOffs: [PlannedFlow] = [],
        plan: PlanSummary = PlanSummary(state: .none, scenario: nil, scenarios: [], problem: nil),
        alert: FloorAlert? = nil, schemaVersion: Int = RunwaySnapshot.currentSchemaVersion
    ) {
        self.schemaVersion = schemaVersion
        self.business = business
        self.asOf = asOf
        self.asOfDate = asOfDate
        self.homeCurrency = homeCurrency
        self.weekRule = weekRule
        self.cash = cash
        self.payables = payables
        self.receivables = receivables
        self.weeks = weeks
        self.lowestWeek = lowestWeek
        self.weeksOfRunway = weeksOfRunway
        self.burn = burn
        self.scheduledPayments = scheduledPayments
        self.freshness = freshness
        self.flags = flags
        self.warnings = warnings
        self.rates = rates
        self.unconverted = unconverted
        self.recurring = recurring
        self.oneOffs = oneOffs
        self.plan = plan
        self.alert = alert ?? FloorAlert(floor: Money(0, homeCurrency), breach: nil)
    }

    enum CodingKeys: String, CodingKey {
        case business, cash, weeks, burn, freshness, flags, warnings, rates, unconverted, recurring, plan, alert
        case oneOffs = "one_offs"
        case schemaVersion = "schema_version"
        case asOf = "as_of"
        case asOfDate = "as_of_date"
        case homeCurrency = "home_currency"
        case weekRule = "week_rule"
        case payables = "ap"
        case receivables = "ar"
        case lowestWeek = "lowest_week"
        case weeksOfRunway = "weeks_of_runway"
        case scheduledPayments = "scheduled_payments"
    }
}

/// The business a snapshot describes: its advisor, its id and the name people know it by.
public struct RunwayBusiness: Hashable, Sendable, Codable {
    /// The advisor the business belongs to.
    public var advisor: AdvisorID
    /// The business's id in the workspace.
    public var business: BusinessID
    /// The name people know the business by.
    public var name: String

    /// Names the business `ref` as `name`.
    public init(ref: BusinessRef, name: String) {
        advisor = ref.advisor
        business = ref.business
        self.name = name
    }

    /// The advisor/business key.
    public var ref: BusinessRef { BusinessRef(advisor: advisor, business: business) }

    enum CodingKeys: String, CodingKey {
        case name
        case advisor = "advisor_id"
        case business = "business_id"
    }
}

/// A rate the snapshot converted with: one unit of ``currency`` is ``rate`` units of the home currency.
public struct ExchangeRate: Hashable, Sendable, Codable {
    /// The foreign currency.
    public var currency: CurrencyCode
    /// Home-currency units per one unit of ``currency``.
    public var rate: Decimal

    /// A rate of `rate` home units per unit of `currency`.
    public init(currency: CurrencyCode, rate: Decimal) {
        self.currency = currency
        self.rate = rate
    }
}

/// Amounts in one currency that had no rate, kept apart from the totals in their own currency.
public struct UnconvertedAmounts: Hashable, Sendable, Codable {
    /// The currency that had no rate.
    public var currency: CurrencyCode
    /// Σ balances of active bank accounts in this currency.
    public var cash: Money
    /// Σ open bill balances.
    public var payables: Money
    /// Σ open invoice balances.
    public var receivables: Money
    /// Σ projected scheduled payments.
    public var payments: Money

    /// The left-out sums of one currency.
    public init(currency: CurrencyCode, cash: Money, payables: Money, receivables: Money, payments: Money) {
        self.currency = currency
        self.cash = cash
        self.payables = payables
        self.receivables = receivables
        self.payments = payments
    }

    enum CodingKeys: String, CodingKey {
        case currency, cash, payments
        case payables = "ap"
        case receivables = "ar"
    }
}
