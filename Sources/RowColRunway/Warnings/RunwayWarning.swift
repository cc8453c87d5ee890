import Foundation
import RowColDomain

/// Something about the runway's own arithmetic the reader should know: an amount left out of the
/// totals, an assumption made for a missing date.
///
/// Hygiene flags (``HygieneFlag``) speak about the mirror and the wire; warnings speak about the
/// numbers. Their codes are stable strings, all starting with `runway.`.
public struct RunwayWarning: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A stable warning code.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        /// Amounts in a currency with no exchange rate were left out of every total and listed
        /// apart in ``RunwaySnapshot/unconverted``.
        public static let currencyUnconverted = Code(rawValue: "runway.currency_unconverted")
        /// A rate was given that is zero or negative; it was ignored.
        public static let invalidRate = Code(rawValue: "runway.invalid_rate")
        /// The business has no active bank account: cash on hand is zero.
        public static let noBankAccount = Code(rawValue: "runway.no_bank_account")
        /// An open bill or invoice has neither a due date nor a transaction date: it was placed in week 1.
        public static let missingDueDate = Code(rawValue: "runway.missing_due_date")
        /// Scheduled payments of a bill exceed its open balance (the mirror may already show them
        /// applied): the bill adds nothing more to the projection, the payments are still projected.
        public static let paymentExceedsBill = Code(rawValue: "runway.payment_exceeds_bill")
        /// A scheduled payment is in another currency than its bill, so it could not come off the
        /// bill's balance; both are projected.
        public static let paymentCurrencyMismatch = Code(rawValue: "runway.payment_currency_mismatch")

        /// A projected closing goes below the cash floor (the plan's `cash_floor`, else 0).
        public static let belowFloor = Code(rawValue: "runway.below_floor")
        /// The plan names invoices or bills that are not open any more (paid or deleted since):
        /// its entries for them do nothing.
        public static let planUnknownItem = Code(rawValue: "runway.plan_unknown_item")
        /// A one-off item of the plan or scenario is dated before the as-of date: left out.
        public static let planItemPast = Code(rawValue: "runway.plan_item_past")
        /// The plan ignores or changes a recurring series that is not detected (any more).
        public static let planUnknownRecurring = Code(rawValue: "runway.plan_unknown_recurring")
        /// The scenario asked for is not in the plan: the snapshot is the base.
        public static let unknownScenario = Code(rawValue: "runway.unknown_scenario")

        /// Every code this version raises.
        public static let all: [Code] = [
            .currencyUnconverted, .invalidRate, .noBankAccount, .missingDueDate, .paymentExceedsBill,
            .paymentCurrencyMismatch, .belowFloor, .planUnknownItem, .planItemPast, .planUnknownRecurring,
            .unknownScenario,
        ]
    }

    /// The stable code.
    public var code: Code
    /// One line a person can act on.
    public var message: String
    /// The currency concerned, when the warning is about one.
    public var currency: CurrencyCode?
    /// The ids of the entities concerned (bills, invoices, payments, accounts), sorted.
    public var ids: [String]

    /// A warning with its code, message and what it concerns.
    public init(code: Code, message: String, currency: CurrencyCode? = nil, ids: [String] = []) {
        self.code = code
        self.message = message
        self.currency = currency
        self.ids = ids
    }

    public var description: String { "\(code): \(message)" }

    enum CodingKeys: String, CodingKey {
        case code, message, currency, ids
    }
}
