import Foundation

/// A company's history planned before any record exists: every bill and invoice with its dates,
/// amount and the parts of it settled before today; the payments that settle them, one per party
/// and day as people pay; and the purchases. Days are Pacific days (days since 1970), amounts
/// whole cents, so planning is cheap and exact even for 100,000 bills.
struct HistoryPlan {
    /// What a party is like: how it pays, on what terms, how large its documents run.
    struct Traits {
        var habit: PaymentHabit
        var termsDays: Int
        /// Its documents' size against the average, in percent.
        var sizePercent: Int
        /// Vendors only: paid by credit card rather than by check.
        var byCard = false
    }

    struct Item {
        var isBill: Bool
        var party: Int
        /// Bills: which expense account the line books to.
        var detail: Int
        var txnDay: Int64
        var dueDay: Int64
        var cents: Int
        /// Invoices: the quantity of the one service line.
        var quantity: Int
        var created: Int64
        /// The parts settled before today, in date order; the rest stays open.
        var installments: [(day: Int64, cents: Int)]
    }

    struct Settlement {
        var isBill: Bool
        var party: Int
        var day: Int64
        var created: Int64
        var lines: [(item: Int, cents: Int, openBefore: Int)]
    }

    struct Expense {
        /// Index into ``series``; `nil` for a one-off.
        var series: Int?
        var paymentType: String
        /// Index into the payees (every vendor); `nil`: no payee, as a card receipt often has.
        var payee: Int?
        var account: String
        var day: Int64
        var created: Int64
        var cents: Int
        var note: String?
    }

    /// A recurring expense as planned: what it is, and every occurrence lands in ``expenses`` or ``items``.
    struct Series {
        var name: String
        var cadence: String
        var isBill: Bool
        var payee: Int
        var account: String
        var paymentType: String?
        var cents: Int
        var occurrences = 0
    }

    var items: [Item] = []
    var settlements: [Settlement] = []
    var expenses: [Expense] = []
    var series: [Series] = []
}

// MARK: Calendar

extension HistoryPlan {
    /// Payments and purchases happen on working days: a Saturday or Sunday moves to the Monday.
    static func workday(_ day: Int64) -> Int64 {
        switch weekday(day) {
        case 6: return day + 2
        case 0: return day + 1
        default: return day
        }
    }

    /// 0 Sunday … 6 Saturday (1970-01-01 was a Thursday).
    static func weekday(_ day: Int64) -> Int {
        Int(((day + 4) % 7 + 7) % 7)
    }

    /// The same day of the month `months` later (earlier when negative), at most the 28th.
    static func adding(months: Int, to day: Int64, dayOfMonth: Int? = nil) -> Int64 {
        let (year, month, date) = WireTime.civil(fromDays: day)
        let total = year * 12 + (month - 1) + months
        return WireTime.days(fromCivil: Int64(total / 12), Int64(total % 12 + 1), Int64(min(dayOfMonth ?? date, 28)))
    }

    /// A moment of office hours on a day.
    static func instant(_ day: Int64, _ dice: inout SeedDice) -> Int64 {
        WireTime.startOfLocalDay(day) + Int64(dice.int(8 * 3600...18 * 3600)) * 1000
    }
}

// MARK: Planning

/// Fills a ``HistoryPlan`` from the seed: the caller's counts of bills and invoices spread over the
/// months, settled by each party's habit; recurring and one-off purchases on top.
struct HistoryPlanner {
    var dice: SeedDice
    let today: Int64
    let start: Int64
    var plan = HistoryPlan()
    /// Settlements by (bill or invoice, party, day): one payment per party and day.
    private var settlementIndex: [SettlementKey: Int] = [:]

    private struct SettlementKey: Hashable {
        var isBill: Bool
        var party: Int
        var day: Int64
    }

    init(dice: SeedDice, today: Int64, start: Int64) {
        self.dice = dice
        self.today = today
        self.start = start
    }

    /// A working day in the history (never today: what is dated today is not history yet).
    mutating func someDay() -> Int64 {
        min(today - 1, HistoryPlan.workday(dice.day(start...today - 1)))
    }

    /// A bill or invoice, with the parts of it its party settles before today.
    mutating func add(
        isBill: Bool, party: Int, traits: HistoryPlan.Traits, txnDay: Int64, cents: Int, detail: Int = 0,
        quantity: Int = 1, dueDay fixedDue: Int64? = nil
    ) {
        var dueDay = fixedDue ?? txnDay + Int64(traits.termsDays)
        // As in the seeding without history, one bill in ten is due months out.
        if isBill, fixedDue == nil, dice.chance(10) { dueDay += dice.day(60...180) }
        let created = HistoryPlan.instant(txnDay, &dice)
        var installments: [(day: Int64, cents: Int)] = []
        if let delay = traits.habit.delay(&dice) {
            let payDay = HistoryPlan.workday(max(txnDay, dueDay + Int64(delay)))
            if dice.chance(traits.habit.splitPercent), payDay - txnDay >= 4 {
                let part = cents * dice.int(30...70) / 100
                installments = [(HistoryPlan.workday(txnDay + (payDay - txnDay) / 2), part), (payDay, cents - part)]
            } else {
                installments = [(payDay, cents)]
            }
        }
        installments.removeAll { $0.day >= today || $0.cents <= 0 }
        let index = plan.items.count
        plan.items.append(
            .init(
                isBill: isBill, party: party, detail: detail, txnDay: txnDay, dueDay: dueDay, cents: cents,
                quantity: quantity, created: created, installments: installments))
        var open = cents
        for part in installments {
            let key = SettlementKey(isBill: isBill, party: party, day: part.day)
            if let existing = settlementIndex[key] {
                plan.settlements[existing].lines.append((index, part.cents, open))
                plan.settlements[existing].created = max(plan.settlements[existing].created, created + 60_000)
            } else {
                settlementIndex[key] = plan.settlements.count
                let when = max(HistoryPlan.instant(part.day, &dice), created + 60_000)
                plan.settlements.append(
                    .init(
                        isBill: isBill, party: party, day: part.day, created: when, lines: [(index, part.cents, open)]))
            }
            open -= part.cents
        }
    }

    /// Occurrences of a recurring expense on `days` (those inside the history), amounts varied by
    /// `percents`, some skipped.
    mutating func addSeries(
        _ series: HistoryPlan.Series, days: [Int64], percents: ClosedRange<Int>, skipPercent: Int = 0,
        traits: HistoryPlan.Traits? = nil, detail: Int = 0
    ) {
        var series = series
        let index = plan.series.count
        for raw in days {
            let day = HistoryPlan.workday(raw)
            guard day >= start, day < today, !dice.chance(skipPercent) else { continue }
            let cents = dice.vary(series.cents, percents)
            series.occurrences += 1
            if series.isBill, let traits {
                add(
                    isBill: true, party: series.payee, traits: traits, txnDay: day, cents: cents, detail: detail,
                    dueDay: day + Int64(traits.termsDays))
            } else {
                plan.expenses.append(
                    .init(
                        series: index, paymentType: series.paymentType ?? "Check", payee: series.payee,
                        account: series.account, day: day, created: HistoryPlan.instant(day, &dice), cents: cents))
            }
        }
        plan.series.append(series)
    }

    mutating func addOneOff(paymentType: String, payee: Int?, account: String, cents: Int, note: String?) {
        let day = someDay()
        plan.expenses.append(
            .init(
                series: nil, paymentType: paymentType, payee: payee, account: account, day: day,
                created: HistoryPlan.instant(day, &dice), cents: cents, note: note))
    }
}
