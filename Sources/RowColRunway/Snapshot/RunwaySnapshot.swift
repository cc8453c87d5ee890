import Foundation
import RowColDomain

/// One business's runway at one moment: cash on hand, what is owed and expected, the 13-week
/// projection, how long the cash lasts, and everything the reader needs to trust it (the freshness
/// of each input, every hygiene flag, every warning).
///
/// Build one with ``RunwayCalculator/snapshot(inputs:)``; encode it with ``RunwayJSON`` for the
/// stable snake_case shape documented in `Sources/RowColRunway/JSON.md`. Every amount is a
/// ``Money`` in ``homeCurrency`` unless it is an original amount of a foreign item (then it says
/// its own currency). Nothing is rounded: rounding happens when a report displays it.
public struct RunwaySnapshot: Hashable, Sendable, Codable {
    /// The version of the JSON shape; bumped only when a field changes meaning or disappears.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var business: RunwayBusiness
    /// The instant the inputs were read.
    public var asOf: Date
    /// The first day of week 1.
    public var asOfDate: LocalDate
    public var homeCurrency: CurrencyCode
    /// How the 13 weeks are cut, in words (see ``RunwayCalendar``).
    public var weekRule: String
    public var cash: CashOnHand
    /// Accounts payable: open bills.
    public var payables: AgingSummary
    /// Accounts receivable: open invoices.
    public var receivables: AgingSummary
    /// The 13 weeks of the projection, week 1 first.
    public var weeks: [ProjectionWeek]
    public var lowestWeek: LowestWeek
    public var weeksOfRunway: RunwayLength
    public var burn: Burn
    public var scheduledPayments: [ScheduledPayment]
    public var freshness: RunwayInputs.InputFreshness
    /// Every hygiene flag passed in, in the order given.
    public var flags: [HygieneFlag]
    public var warnings: [RunwayWarning]
    /// The valid rates the caller gave, by currency.
    public var rates: [ExchangeRate]
    /// Per foreign currency without a rate: the amounts left out of every total.
    public var unconverted: [UnconvertedAmounts]

    public init(
        business: RunwayBusiness, asOf: Date, asOfDate: LocalDate, homeCurrency: CurrencyCode,
        weekRule: String, cash: CashOnHand, payables: AgingSummary, receivables: AgingSummary,
        weeks: [ProjectionWeek], lowestWeek: LowestWeek, weeksOfRunway: RunwayLength, burn: Burn,
        scheduledPayments: [ScheduledPayment], freshness: RunwayInputs.InputFreshness, flags: [HygieneFlag],
        warnings: [RunwayWarning], rates: [ExchangeRate], unconverted: [UnconvertedAmounts],
        schemaVersion: Int = RunwaySnapshot.currentSchemaVersion
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
    }

    enum CodingKeys: String, CodingKey {
        case business, cash, weeks, burn, freshness, flags, warnings, rates, unconverted
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
    public var advisor: AdvisorID
    public var business: BusinessID
    public var name: String

    public init(ref: BusinessRef, name: String) {
        advisor = ref.advisor
        business = ref.business
        self.name = name
    }

    public var ref: BusinessRef { BusinessRef(advisor: advisor, business: business) }

    enum CodingKeys: String, CodingKey {
        case name
        case advisor = "advisor_id"
        case business = "business_id"
    }
}

/// A rate the snapshot converted with: one unit of ``currency`` is ``rate`` units of the home currency.
public struct ExchangeRate: Hashable, Sendable, Codable {
    public var currency: CurrencyCode
    public var rate: Decimal

    public init(currency: CurrencyCode, rate: Decimal) {
        self.currency = currency
        self.rate = rate
    }
}

/// Amounts in one currency that had no rate, kept apart from the totals in their own currency.
public struct UnconvertedAmounts: Hashable, Sendable, Codable {
    public var currency: CurrencyCode
    /// Σ balances of active bank accounts in this currency.
    public var cash: Money
    /// Σ open bill balances.
    public var payables: Money
    /// Σ open invoice balances.
    public var receivables: Money
    /// Σ projected scheduled payments.
    public var payments: Money

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
