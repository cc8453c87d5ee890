import Foundation
import RowColDomain

/// Computes a ``RunwaySnapshot`` from domain values. Pure: no I/O, no clock.
///
/// The rules, in the order they apply:
/// - **Cash on hand** is Σ `CurrentBalance` of the active bank accounts
///   (``AccountBalance/isActiveBank``); an overdraft counts negative. No bank account means zero
///   cash and a ``RunwayWarning/Code/noBankAccount`` warning.
/// - **AP** is the open bills (balance > 0) and **AR** the open invoices, each placed on its due
///   date (the transaction date when QBO gave none) and aged into buckets on the as-of date.
///   Negative balances (vendor credits, credit notes) are reported as credits and never projected.
/// - **Scheduled payments** that are not rejected take cash out in the week of their pay-on day
///   (a day already past lands in week 1), and their amount comes off their bill's open balance,
///   so the bill is not counted twice. A payment confirmed in QBO whose pay-on day is before the
///   as-of date has already left the bank and already reduced the bill: it is not counted again.
/// - **Weeks** follow ``RunwayCalendar``: 7-day windows from the as-of date; overdue amounts land
///   in week 1; amounts due after week 13 stay in the totals but out of the projection.
/// - **Currencies** are never mixed: an amount in another currency is converted with the caller's
///   rate, or left out of every total and listed in ``RunwaySnapshot/unconverted`` with a
///   ``RunwayWarning/Code/currencyUnconverted`` warning.
public enum RunwayCalculator {
    /// Builds the snapshot of one business.
    public static func snapshot(inputs: RunwayInputs) -> RunwaySnapshot {
        var run = Run(inputs: inputs)
        return run.build()
    }
}

/// One calculation's working state; kept private so the public surface stays a pure function.
private struct Run {
    let inputs: RunwayInputs
    let calendar: RunwayCalendar
    let converter: CurrencyConverter
    let home: CurrencyCode
    var ledger = UnconvertedLedger()
    var warnings: [RunwayWarning] = []
    var receipts = [Decimal](repeating: 0, count: RunwayCalendar.weekCount)
    var disbursements = [Decimal](repeating: 0, count: RunwayCalendar.weekCount)

    init(inputs: RunwayInputs) {
        self.inputs = inputs
        calendar = RunwayCalendar(asOfDate: inputs.asOfDate)
        converter = CurrencyConverter(home: inputs.homeCurrency, rates: inputs.rates)
        home = inputs.homeCurrency
    }

    func money(_ amount: Decimal) -> Money { Money(amount, home) }

    mutating func build() -> RunwaySnapshot {
        for currency in converter.invalidRates {
            warnings.append(RunwayWarning(
                code: .invalidRate,
                message: "the \(currency)→\(home) rate \(inputs.rates[currency].map { "\($0)" } ?? "") is not positive "
                    + "and was ignored; give a rate above zero", currency: currency))
        }
        let cash = cashOnHand()
        let (payments, scheduledByBill) = scheduledPayments()
        let payables = billsSummary(scheduledByBill: scheduledByBill)
        let receivables = invoicesSummary()
        for payment in payments where payment.treatment == .projected {
            if let week = payment.week, let amount = payment.homeAmount?.amount { disbursements[week - 1] += amount }
        }

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

        return RunwaySnapshot(
            business: RunwayBusiness(ref: inputs.business, name: inputs.businessName), asOf: inputs.asOf,
            asOfDate: inputs.asOfDate, homeCurrency: home, weekRule: RunwayCalendar.ruleDescription, cash: cash,
            payables: payables, receivables: receivables, weeks: weeks,
            lowestWeek: LowestWeek(index: lowest.index, start: lowest.start, closing: lowest.closing),
            weeksOfRunway: runway, burn: burn, scheduledPayments: payments, freshness: inputs.freshness,
            flags: inputs.flags, warnings: warnings + ledger.warnings(home: home), rates: converter.exchangeRates,
            unconverted: ledger.amounts())
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

    /// One open item before it becomes an ``AgingSummary/Item``.
    struct OpenItem {
        var id: EntityID
        var party: PartyRef
        var docNumber: String?
        var dueDate: LocalDate?
        var balance: Money
        var scheduled: Money?
    }

    mutating func billsSummary(scheduledByBill: [EntityID: Money]) -> AgingSummary {
        var exceeded: [String] = []
        let items = inputs.bills.map { bill -> OpenItem in
            var scheduled: Money?
            if bill.isOpen, let planned = scheduledByBill[bill.id] {
                if planned.amount > bill.balance.amount { exceeded.append(bill.id.rawValue) }
                scheduled = Money(min(planned.amount, bill.balance.amount), bill.balance.currency)
            }
            return OpenItem(id: bill.id, party: bill.vendor, docNumber: bill.docNumber, dueDate: bill.effectiveDueDate,
                            balance: bill.balance, scheduled: scheduled)
        }
        if !exceeded.isEmpty {
            warnings.append(RunwayWarning(
                code: .paymentExceedsBill,
                message: "scheduled payments exceed the open balance of these bills (the mirror may already show "
                    + "them paid); the bills add nothing more, the payments are still projected", ids: exceeded.sorted()))
        }
        let (summary, perWeek) = summary(of: items, kind: "bills", category: .payables)
        for index in perWeek.indices { disbursements[index] += perWeek[index] }
        return summary
    }

    mutating func invoicesSummary() -> AgingSummary {
        let items = inputs.invoices.map {
            OpenItem(id: $0.id, party: $0.customer, docNumber: $0.docNumber, dueDate: $0.effectiveDueDate,
                     balance: $0.balance, scheduled: nil)
        }
        let (summary, perWeek) = summary(of: items, kind: "invoices", category: .receivables)
        for index in perWeek.indices { receipts[index] += perWeek[index] }
        return summary
    }

    /// Ages the items and returns, beside the summary, what each week of the projection gets from them.
    mutating func summary(of all: [OpenItem], kind: String, category: UnconvertedLedger.Category)
        -> (AgingSummary, [Decimal])
    {
        var perWeek = [Decimal](repeating: 0, count: RunwayCalendar.weekCount)
        var open: Decimal = 0, overdue: Decimal = 0, beyond: Decimal = 0, credits: Decimal = 0
        var buckets = [Decimal](repeating: 0, count: 5)
        var undated: [String] = []
        var items: [AgingSummary.Item] = []
        for item in all {
            if item.balance.isNegative {
                if let converted = converter.toHome(item.balance) { credits += converted.amount }
                continue
            }
            guard item.balance.isPositive else { continue }
            if item.dueDate == nil { undated.append(item.id.rawValue) }
            let due = item.dueDate ?? inputs.asOfDate
            let daysOverdue = calendar.daysOverdue(due)
            let remaining = item.balance.amount - (item.scheduled?.amount ?? 0)
            guard let homeBalance = converter.toHome(item.balance) else {
                ledger.add(item.balance, to: category, id: item.id.rawValue)
                items.append(AgingSummary.Item(
                    id: item.id, party: item.party, docNumber: item.docNumber, dueDate: item.dueDate,
                    daysOverdue: daysOverdue, balance: item.balance, homeBalance: nil,
                    scheduled: nil, projected: nil, week: nil))
                continue
            }
            let homeScheduled = item.scheduled.flatMap { converter.toHome($0) }
            let homeRemaining = converter.toHome(Money(remaining, item.balance.currency))?.amount ?? 0
            let week = calendar.week(for: due)
            open += homeBalance.amount
            if daysOverdue > 0 { overdue += homeBalance.amount }
            buckets[Self.bucket(daysOverdue: daysOverdue)] += homeBalance.amount
            if let week {
                if remaining > 0 { perWeek[week - 1] += homeRemaining }
            } else {
                beyond += homeBalance.amount
            }
            items.append(AgingSummary.Item(
                id: item.id, party: item.party, docNumber: item.docNumber, dueDate: item.dueDate,
                daysOverdue: daysOverdue, balance: item.balance, homeBalance: homeBalance,
                scheduled: homeScheduled, projected: week == nil ? nil : money(homeRemaining), week: week))
        }
        if !undated.isEmpty {
            warnings.append(RunwayWarning(
                code: .missingDueDate,
                message: "open \(kind) without a due date or transaction date were placed in week 1; "
                    + "set a due date in QBO", ids: undated.sorted()))
        }
        items.sort { lhs, rhs in
            switch (lhs.dueDate, rhs.dueDate) {
            case (nil, nil): return lhs.id < rhs.id
            case (nil, _): return true
            case (_, nil): return false
            case (let left?, let right?): return left != right ? left < right : lhs.id < rhs.id
            }
        }
        let summary = AgingSummary(
            openTotal: money(open), overdueTotal: money(overdue), beyondHorizon: money(beyond), credits: money(credits),
            buckets: AgingBuckets(
                notDue: money(buckets[0]), overdue1To30: money(buckets[1]), overdue31To60: money(buckets[2]),
                overdue61To90: money(buckets[3]), overdueOver90: money(buckets[4])),
            items: items)
        return (summary, perWeek)
    }

    /// 0 = not due, 1 = 1–30, 2 = 31–60, 3 = 61–90, 4 = more than 90 days overdue.
    static func bucket(daysOverdue: Int) -> Int {
        switch daysOverdue {
        case ...0: 0
        case 1...30: 1
        case 31...60: 2
        case 61...90: 3
        default: 4
        }
    }
}
