import Foundation
import RowColDomain
import RowColJSON
import RowColRunway

/// Small builders so each test states only the numbers it checks.
enum Fixture {
    static let advisor = AdvisorID(rawValue: "adv-1")!
    static let business = BusinessRef(advisor: advisor, business: BusinessID(rawValue: "acme")!)
    /// A Monday; week 1 is 2026-11-30 … 2026-12-06, week 2 starts 2026-12-07, week 3 2026-12-14.
    static let asOfDate = LocalDate("2026-11-30")!
    static let asOf = Date(timeIntervalSince1970: 1_796_026_500)  // 2026-11-30T08:15:00Z
    static let eur = CurrencyCode(rawValue: "EUR")!

    static func day(_ offset: Int) -> LocalDate { asOfDate.adding(days: offset) }

    static func usd(_ text: String) -> Money { Money(text, .usd)! }

    static func id(_ text: String) -> EntityID { EntityID(rawValue: text)! }

    static func bank(_ id: String, _ balance: Money, name: String? = nil, active: Bool = true,
                     type: String = "Bank") -> AccountBalance {
        AccountBalance(id: self.id(id), name: name ?? "Account \(id)", accountType: type, currentBalance: balance, active: active)
    }

    static func bill(_ id: String, due: LocalDate?, balance: Money, total: Money? = nil, vendor: String = "Vendor",
                     txnDate: LocalDate? = nil) -> Bill {
        Bill(id: self.id(id), vendor: PartyRef(id: "v-\(id)", name: vendor), docNumber: "B-\(id)", txnDate: txnDate,
             dueDate: due, total: total ?? balance, balance: balance)
    }

    static func invoice(_ id: String, due: LocalDate?, balance: Money, customer: String = "Customer") -> Invoice {
        Invoice(id: self.id(id), customer: PartyRef(id: "c-\(id)", name: customer), docNumber: "I-\(id)",
                dueDate: due, total: balance, balance: balance)
    }

    static func payment(_ id: String, bill: String, amount: Money, payOn: LocalDate, state: PaymentState = .pending)
        -> BillPayment
    {
        BillPayment(id: self.id(id), billID: self.id(bill), amount: amount, payOn: payOn, state: state, idemKey: "k-\(id)")
    }

    static func inputs(
        name: String = "Acme Plumbing", business: BusinessRef = Fixture.business, bills: [Bill] = [],
        invoices: [Invoice] = [], balances: [AccountBalance] = [], payments: [BillPayment] = [],
        flags: [HygieneFlag] = [], rates: [CurrencyCode: Decimal] = [:], history: RunwayHistory = .empty,
        plan: RunwayPlan? = nil, planProblem: PlanError? = nil, scenario: String? = nil, policy: TimingPolicy = .standard
    ) -> RunwayInputs {
        RunwayInputs(
            business: business, businessName: name, asOf: asOf, homeCurrency: .usd, bills: bills, invoices: invoices,
            balances: balances, payments: payments,
            freshness: .init(bills: Freshness(refreshedAt: asOf, level: .fresh),
                             invoices: Freshness(refreshedAt: asOf, level: .fresh),
                             balances: Freshness(refreshedAt: asOf.addingTimeInterval(-600), level: .stale)),
            flags: flags, rates: rates, history: history, plan: plan, planProblem: planProblem, scenario: scenario,
            policy: policy)
    }

    static func snapshot(
        name: String = "Acme Plumbing", business: BusinessRef = Fixture.business, bills: [Bill] = [],
        invoices: [Invoice] = [], balances: [AccountBalance] = [], payments: [BillPayment] = [],
        flags: [HygieneFlag] = [], rates: [CurrencyCode: Decimal] = [:], history: RunwayHistory = .empty,
        plan: RunwayPlan? = nil, planProblem: PlanError? = nil, scenario: String? = nil, policy: TimingPolicy = .standard
    ) -> RunwaySnapshot {
        RunwayCalculator.snapshot(inputs: inputs(
            name: name, business: business, bills: bills, invoices: invoices, balances: balances, payments: payments,
            flags: flags, rates: rates, history: history, plan: plan, planProblem: planProblem, scenario: scenario,
            policy: policy))
    }
}

extension RunwaySnapshot {
    /// Closing balances of the 13 weeks, as decimal text.
    var closings: [String] { weeks.map { $0.closing.decimalText } }
    var disbursementsByWeek: [String] { weeks.map { $0.disbursements.decimalText } }
    var receiptsByWeek: [String] { weeks.map { $0.receipts.decimalText } }
    var warningCodes: [RunwayWarning.Code] { warnings.map(\.code) }
}

/// A value's `--json` text as the CLI prints it (the JSON leaf's pretty encoder, final newline).
func jsonText(_ value: some Encodable) throws -> String {
    String(decoding: try JSONEncoder(layout: .pretty).encode(value), as: UTF8.self) + "\n"
}
