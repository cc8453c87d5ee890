import Foundation
import RowColDomain

/// A scheduled bill payment as the projection treats it.
public struct ScheduledPayment: Hashable, Sendable, Codable {
    /// What the projection did with the payment.
    public enum Treatment: String, Hashable, Sendable, Codable {
        /// Counted as a disbursement in ``ScheduledPayment/week``.
        case projected
        /// Confirmed in QBO with a pay-on day before the as-of date: the bank balance already
        /// reflects it, so it is not counted again.
        case cleared
        /// QBO refused it: it takes no cash.
        case rejected
        /// Pay-on day after week 13.
        case beyondHorizon = "beyond_horizon"
        /// Its currency had no rate: listed in ``RunwaySnapshot/unconverted`` instead.
        case unconverted
    }

    /// RowCol's id for the payment.
    public var id: PaymentID
    /// The bill it pays.
    public var billID: EntityID
    /// The vendor paid, from the payment or else its bill.
    public var vendor: PartyRef?
    /// The amount in the payment's own currency.
    public var amount: Money
    /// The amount in the home currency; `nil` when its currency had no rate.
    public var homeAmount: Money?
    /// The day the money leaves the bank.
    public var payOn: LocalDate
    /// Where the payment stands in RowCol's write path.
    public var state: PaymentState
    /// What the projection did with it.
    public var treatment: Treatment
    /// The projection week it is counted in (a pay-on day already past lands in week 1).
    public var week: Int?

    /// A payment as the projection treats it.
    public init(id: PaymentID, billID: EntityID, vendor: PartyRef?, amount: Money, homeAmount: Money?,
                payOn: LocalDate, state: PaymentState, treatment: Treatment, week: Int?) {
        self.id = id
        self.billID = billID
        self.vendor = vendor
        self.amount = amount
        self.homeAmount = homeAmount
        self.payOn = payOn
        self.state = state
        self.treatment = treatment
        self.week = week
    }

    enum CodingKeys: String, CodingKey {
        case id, vendor, amount, state, treatment, week
        case billID = "bill_id"
        case homeAmount = "home_amount"
        case payOn = "pay_on"
    }
}
