import Foundation
import RowColDomain

/// Computes a ``RunwaySnapshot`` from domain values. Pure: no I/O, no clock.
///
/// The rules, in the order they apply:
/// - **Cash on hand** is Σ `CurrentBalance` of the active bank accounts
///   (``AccountBalance/isActiveBank``); an overdraft counts negative. No bank account means zero
///   cash and a ``RunwayWarning/Code/noBankAccount`` warning.
/// - **AP** is the open bills (balance > 0) and **AR** the open invoices, each aged into buckets
///   on the as-of date by its due date (the transaction date when QBO gave none). Negative
///   balances (vendor credits, credit notes) are reported as credits and never projected.
/// - **Timing**: each open item is projected on its expected date (``LatenessModel``): its due
///   date moved by the counterparty's typical lateness learned from ``RunwayInputs/history``, else
///   the business's, else left on the due date; never before the as-of date. Invoices more than
///   ``TimingPolicy/haircutAfterDays`` overdue count only (100 − ``TimingPolicy/haircutPercent``)%.
///   Every item says why in its ``AgingSummary/Item/basis``.
/// - **The plan** (``RunwayInputs/plan``) comes first where it speaks: an item's expected date
///   or exclusion, one-off items, recurring edits, the cash floor. A **scenario** then moves
///   invoices later (`ar_delay_days`), cuts their receipts (`ar_haircut_percent`), moves bills
///   (`delayed_bills`) and adds items (`extra_items`).
/// - **Scheduled payments** that are not rejected take cash out in the week of their pay-on day
///   (a day already past lands in week 1), and their amount comes off their bill's open balance,
///   so the bill is not counted twice. A payment confirmed in QBO whose pay-on day is before the
///   as-of date has already left the bank and already reduced the bill: it is not counted again.
/// - **Recurring outflows** are detected from purchases and paid bills (``RecurringDetector``)
///   and projected on their schedule; an occurrence for which an open bill of the same vendor
///   stands (its expected date within half a period) is not counted, since the bill is.
/// - **Weeks** follow ``RunwayCalendar``: 7-day windows from the as-of date; amounts expected
///   after week 13 stay in the totals but out of the projection.
/// - **The alert**: the first week whose closing goes below the floor (the plan's `cash_floor`,
///   else 0) is ``RunwaySnapshot/alert`` and a ``RunwayWarning/Code/belowFloor`` warning.
/// - **Currencies** are never mixed: an amount in another currency is converted with the caller's
///   rate, or left out of every total and listed in ``RunwaySnapshot/unconverted`` with a
///   ``RunwayWarning/Code/currencyUnconverted`` warning. Plan amounts are in the home currency.
/// - **A broken plan** (``RunwayInputs/planProblem``) is not applied: the snapshot carries a
///   `plan.invalid` flag with the problem, and the numbers without the plan.
public enum RunwayCalculator {
    /// Builds the snapshot of one business.
    public static func snapshot(inputs: RunwayInputs) -> RunwaySnapshot {
        var run = RunwayRun(inputs: inputs)
        return run.build()
    }
}

/// One calculation's working state; internal so the public surface stays a pure function.
struct RunwayRun {
    let inputs: RunwayInputs
    let calendar: RunwayCalendar
    let converter: CurrencyConverter
    let home: CurrencyCode
    let plan: RunwayPlan
    let policy: TimingPolicy
    var scenarioName: String?
    var scenario: RunwayPlan.Scenario?
    var ledger = UnconvertedLedger()
    var warnings: [RunwayWarning] = []
    var receipts = [Decimal](repeating: 0, count: RunwayCalendar.weekCount)
    var disbursements = [Decimal](repeating: 0, count: RunwayCalendar.weekCount)
    /// Open bills per vendor id and open invoices per customer id, with the date each stands for,
    /// so a recurring series does not count them twice.
    var openItemsByParty: [PlanItemKind: [String: [(id: EntityID, natural: LocalDate)]]] = [:]

    init(inputs: RunwayInputs) {
        self.inputs = inputs
        calendar = RunwayCalendar(asOfDate: inputs.asOfDate)
        converter = CurrencyConverter(home: inputs.homeCurrency, rates: inputs.rates)
        home = inputs.homeCurrency
        plan = inputs.planProblem == nil ? inputs.plan ?? .empty : .empty
        policy = plan.timing?.applied(to: inputs.policy) ?? inputs.policy
    }

    var asOf: LocalDate { inputs.asOfDate }

    func money(_ amount: Decimal) -> Money { Money(amount, home) }

    mutating func build() -> RunwaySnapshot {
        for currency in converter.invalidRates {
            warnings.append(RunwayWarning(
                code: .invalidRate,
                message: "the \(currency)→\(home) rate \(inputs.rates[currency].map { "\($0)" } ?? "") is not positive "
                    + "and was ignored; give a rate above zero", currency: currency))
        }
        resolveScenario()
        let cash = cashOnHand()
        let (payments, scheduledByBill) = scheduledPayments()
        let payables = billsSummary(scheduledByBill: scheduledByBill)
        let receivables = invoicesSummary()
        for payment in payments where payment.treatment == .projected {
            if let week = payment.week, let amount = payment.homeAmount?.amount { disbursements[week - 1] += amount }
        }
        checkPlanItems()
        let recurring = recurringFlows()
        let oneOffs = plannedFlows()

        var weeks: [ProjectionWeek] = []
        var opening = cash.total.amount
        for index in 1...RunwayCalendar.weekCount {
            let net = receipts[index - 1] - disbursements[index - 1]
            let closing = opening + net
            weeks.append(ProjectionWeek(
                index: index, start: calendar.start(ofWeek: index), end: calendar.end(ofWeek: index),
                opening: money(opening), receipts: money(receipts[index - 1]),
                disbursements: money(disbursements[index - 1]), net: money(net), closing: money(closing)))
            opening = closing
        }
        var lowest = weeks[0]
        for week in weeks where week.closing.amount < lowest.closing.amount { lowest = week }
        let runway: RunwayLength =
            weeks.first(where: { $0.closing.isNegative }).map { .runsOut(week: $0.index) } ?? .beyondHorizon
        let totalNetOutflow = disbursements.reduce(0, +) - receipts.reduce(0, +)
        let burn = Burn(
            method: .averageWeeklyNetOutflow13Weeks,
            weekly: money((totalNetOutflow / Decimal(RunwayCalendar.weekCount)).rounded(scale: 2)),
            totalNetOutflow: money(totalNetOutflow), weeks: RunwayCalendar.weekCount)
        let alert = floorAlert(weeks)

        var flags = inputs.flags
        if let problem = inputs.planProblem {
            flags.append(HygieneFlag(
                code: .planInvalid, business: inputs.business.business, since: inputs.asOf,
                message: "\(problem) — the runway is computed without the plan until the file is fixed "
                    + "(`rowcol plan show` says the same)"))
        }
        let planState: PlanSummary.State =
            inputs.planProblem != nil ? .invalid : (plan.isEmpty ? .none : .applied)
        let summary = PlanSummary(
            state: planState, scenario: scenarioName, scenarios: plan.scenarioNames,
            problem: inputs.planProblem?.description)

        return RunwaySnapshot(
            business: RunwayBusiness(ref: inputs.business, name: inputs.businessName), asOf: inputs.asOf,
            asOfDate: inputs.asOfDate, homeCurrency: home, weekRule: RunwayCalendar.ruleDescription, cash: cash,
            payables: payables, receivables: receivables, weeks: weeks,
            lowestWeek: LowestWeek(index: lowest.index, start: lowest.start, closing: lowest.closing),
            weeksOfRunway: runway, burn: burn, scheduledPayments: payments, freshness: inputs.freshness,
            flags: flags, warnings: warnings + ledger.warnings(home: home), rates: converter.exchangeRates,
            unconverted: ledger.amounts(), recurring: recurring, oneOffs: oneOffs, plan: summary, alert: alert)
    }

    mutating func resolveScenario() {
        guard let name = inputs.scenario, name != RunwayPlan.baseScenario else { return }
        if let found = plan.scenarios[name] {
            scenarioName = name
            scenario = found
        } else {
            let known = plan.scenarioNames.isEmpty ? "the plan has none" : "the plan has " + plan.scenarioNames.joined(separator: ", ")
            warnings.append(RunwayWarning(
                code: .unknownScenario,
                message: "there is no scenario \"\(name)\" (\(known)); these are the base numbers", ids: [name]))
        }
    }

    mutating func floorAlert(_ weeks: [ProjectionWeek]) -> FloorAlert {
        let floor = plan.cashFloor ?? 0
        guard let week = weeks.first(where: { $0.closing.amount < floor }) else {
            return FloorAlert(floor: money(floor), breach: nil)
        }
        let shortfall = floor - week.closing.amount
        warnings.append(RunwayWarning(
            code: .belowFloor,
            message: "the projected closing falls below the cash floor of \(DisplayFormat.amount(floor)) \(home) in week "
                + "\(week.index) (from \(week.start)): \(DisplayFormat.amount(week.closing.amount)), "
                + "\(DisplayFormat.amount(shortfall)) short"))
        return FloorAlert(
            floor: money(floor),
            breach: FloorAlert.Breach(week: week.index, start: week.start, closing: week.closing, shortfall: money(shortfall)),
            since: inputs.alerts.first { $0.code == BusinessAlert.belowFloor }?.since)
    }

    mutating func cashOnHand() -> CashOnHand {
        let banks = inputs.balances.filter(\.isActiveBank).sorted { ($0.name, $0.id.rawValue) < ($1.name, $1.id.rawValue) }
        if banks.isEmpty {
            warnings.append(RunwayWarning(
                code: .noBankAccount,
                message: "no active bank account was found, so cash on hand is zero; check the business's "
                    + "chart of accounts in QBO or refresh its balances"))
        }
        var total: Decimal = 0
        let accounts = banks.map { account -> CashOnHand.Account in
            let converted = converter.toHome(account.currentBalance)
            if let converted { total += converted.amount } else {
                ledger.add(account.currentBalance, to: .cash, id: account.id.rawValue)
            }
            return CashOnHand.Account(id: account.id, name: account.name, balance: account.currentBalance,
                                      homeBalance: converted)
        }
        return CashOnHand(total: money(total), accounts: accounts)
    }

    /// Classifies every payment and sums, per bill, the amounts that come off its open balance.
    mutating func scheduledPayments() -> ([ScheduledPayment], [EntityID: Money]) {
        var billsByID: [EntityID: Bill] = [:]
        for bill in inputs.bills where billsByID[bill.id] == nil { billsByID[bill.id] = bill }
        var scheduledByBill: [EntityID: Money] = [:]
        var mismatched: [String] = []
        let sorted = inputs.payments.sorted { ($0.payOn, $0.id.rawValue) < ($1.payOn, $1.id.rawValue) }
        let payments = sorted.map { payment -> ScheduledPayment in
            let converted = converter.toHome(payment.amount)
            var week: Int?
            let treatment: ScheduledPayment.Treatment
            if payment.state == .rejected {
                treatment = .rejected
            } else if payment.state == .confirmed && payment.payOn < inputs.asOfDate {
                treatment = .cleared
            } else {
                week = calendar.week(for: payment.payOn)
                if converted == nil {
                    treatment = .unconverted
                    ledger.add(payment.amount, to: .payments, id: payment.id.rawValue)
                } else {
                    treatment = week == nil ? .beyondHorizon : .projected
                }
                if let bill = billsByID[payment.billID] {
                    if bill.balance.currency == payment.amount.currency {
                        let sum = scheduledByBill[bill.id]?.amount ?? 0
                        scheduledByBill[bill.id] = Money(sum + payment.amount.amount, payment.amount.currency)
                    } else {
                        mismatched.append(payment.id.rawValue)
                    }
                }
            }
            return ScheduledPayment(
                id: payment.id, billID: payment.billID, vendor: payment.vendor ?? billsByID[payment.billID]?.vendor,
                amount: payment.amount, homeAmount: converted, payOn: payment.payOn, state: payment.state,
                treatment: treatment, week: treatment == .projected ? week : nil)
        }
        if !mismatched.isEmpty {
            warnings.append(RunwayWarning(
                code: .paymentCurrencyMismatch,
                message: "scheduled payments in another currency than their bill could not come off the bill's "
                    + "balance, so both are projected; check the payment's currency", ids: mismatched))
        }
        return (payments, scheduledByBill)
    }

    /// Plan entries for invoices and bills that are not open (paid or deleted since) do nothing: say so.
    mutating func checkPlanItems() {
        let openInvoices = Set(inputs.invoices.filter(\.isOpen).map(\.id.rawValue))
        let openBills = Set(inputs.bills.filter(\.isOpen).map(\.id.rawValue))
        var stale = plan.invoices.keys.filter { !openInvoices.contains($0) }.map { "invoice \($0)" }
        stale += plan.bills.keys.filter { !openBills.contains($0) }.map { "bill \($0)" }
        if let scenario, let scenarioName {
            stale += scenario.delayedBills.keys.filter { !openBills.contains($0) }
                .map { "bill \($0) (scenario \(scenarioName))" }
        }
        guard !stale.isEmpty else { return }
        warnings.append(RunwayWarning(
            code: .planUnknownItem,
            message: "the plan names items that are not open any more (paid or deleted since), so its entries for "
                + "them do nothing; remove them from plan.json", ids: stale.sorted()))
    }
}
