import Foundation
import RowColDomain
import RowColRunway
import RowColTestSupport
import Testing

/// Purchases to `vendor` on `dates`, each of `amount` (or the amounts given one by one).
func purchases(_ vendor: String?, account: String? = nil, _ dates: [LocalDate], amounts: [String]) -> [Outflow] {
    dates.enumerated().map { index, date in
        Outflow(id: "\(vendor ?? account ?? "x")-\(index)", party: vendor.map { PartyRef(id: $0, name: $0.capitalized) },
                account: account.map { PartyRef(id: $0, name: "Account \($0)") }, date: date,
                amount: Fixture.usd(amounts[index % amounts.count]), kind: .check)
    }
}

/// The 1st of each of the `count` months before the as-of date (2026-11-30), moved to the Friday
/// before when it falls on a weekend, as banks do.
func firstsOfMonth(_ count: Int, day: Int = 1, shiftWeekends: Bool = true) -> [LocalDate] {
    (0..<count).map { back in
        var year = 2026, month = 11 - back
        while month < 1 { month += 12; year -= 1 }
        var date = LocalDate(year: year, month: month, day: day)!
        if shiftWeekends {
            if date.isoWeekday == 6 { date = date.adding(days: -1) }
            if date.isoWeekday == 7 { date = date.adding(days: -2) }
        }
        return date
    }.reversed()
}

func flow(_ snapshot: RunwaySnapshot, _ key: String) -> RecurringFlow? { snapshot.recurring.first { $0.key == key } }

@Suite struct RecurringTests {
    @Test func monthlyRentOnTheFirstIsProjectedOnTheNextFirsts() throws {
        let history = RunwayHistory(outflows: purchases("landlord", firstsOfMonth(12), amounts: ["3500.00"]))
        let snapshot = Fixture.snapshot(balances: [Fixture.bank("1", Fixture.usd("20000.00"))], history: history)
        let rent = try #require(flow(snapshot, "vendor:landlord"))
        #expect(rent.cadence == .monthly)
        #expect(rent.amount == Fixture.usd("3500.00"))
        #expect(rent.nextOn == LocalDate("2026-12-01"))
        #expect(rent.occurrences.map(\.on) == [LocalDate("2026-12-01")!, LocalDate("2027-01-01")!, LocalDate("2027-02-01")!])
        #expect(rent.occurrences.map(\.week) == [1, 5, 10])
        #expect(rent.seenIn == 12 && rent.ofLast == 12)
        #expect(rent.projected == Fixture.usd("10500.00"))
        #expect(rent.basis.code == .partyHistory)
        #expect(rent.basis.text.contains("monthly on the 1st, typically 3,500.00 (median of the last 6), seen in 12 of "
            + "the last 12 months"))
        #expect(snapshot.disbursementsByWeek[0] == "3500.00")
        #expect(snapshot.disbursementsByWeek[4] == "3500.00")
        #expect(snapshot.closings.last == "9500.00")
        // The model before learning sees none of it.
        let naive = Fixture.snapshot(balances: [Fixture.bank("1", Fixture.usd("20000.00"))], history: history,
                                     policy: .dueDates)
        #expect(naive.recurring.isEmpty)
        #expect(naive.closings.last == "20000.00")
    }

    @Test func biweeklyPayrollWithVaryingAmounts() throws {
        var generator = SeededGenerator(seed: 7)
        let last = LocalDate("2026-11-20")!
        let dates = (0..<26).map { last.adding(days: -14 * $0) }.reversed()
        let amounts = dates.map { _ in "\(7700 + Int.random(in: 0...600, using: &generator)).00" }
        let snapshot = Fixture.snapshot(history: RunwayHistory(outflows: purchases("payroll", Array(dates), amounts: amounts)))
        let payroll = try #require(flow(snapshot, "vendor:payroll"))
        #expect(payroll.cadence == .biweekly)
        #expect(payroll.occurrences.map(\.on) == stride(from: 4, through: 88, by: 14).map { Fixture.day($0) })
        #expect(payroll.seenIn == 12 && payroll.ofLast == 12)
        let latest = amounts.suffix(6).map { Decimal(string: $0)! }.sorted()
        #expect(payroll.amount.amount == (latest[2] + latest[3]) / 2)
    }

    @Test func weeklySuppliesWithJitterAndASkippedWeek() throws {
        var generator = SeededGenerator(seed: 11)
        var dates: [LocalDate] = []
        for week in 1...30 where week != 9 {  // one week skipped
            dates.append(Fixture.day(-7 * week + Int.random(in: -1...1, using: &generator)))
        }
        let amounts = dates.map { _ in "\(Int.random(in: 150...450, using: &generator)).00" }
        let snapshot = Fixture.snapshot(history: RunwayHistory(outflows: purchases("depot", dates.reversed(), amounts: amounts)))
        let supplies = try #require(flow(snapshot, "vendor:depot"))
        #expect(supplies.cadence == .weekly)
        #expect(supplies.occurrences.count >= 12 && supplies.occurrences.count <= 14)
        #expect(supplies.seenIn! >= 11)
    }

    @Test func semiMonthlyIsNotMistakenForBiweekly() throws {
        let dates = (firstsOfMonth(10, shiftWeekends: false) + firstsOfMonth(10, day: 15, shiftWeekends: false)).sorted()
        let snapshot = Fixture.snapshot(history: RunwayHistory(outflows: purchases("staff", dates, amounts: ["2100.00"])))
        let salaries = try #require(flow(snapshot, "vendor:staff"))
        #expect(salaries.cadence == .semiMonthly)
        #expect(salaries.occurrences.map(\.on).prefix(3) == [LocalDate("2026-12-01")!, LocalDate("2026-12-15")!,
                                                              LocalDate("2027-01-01")!])
        #expect(salaries.basis.text.contains("twice a month on the 1st and the 15th"))
    }

    @Test func quarterlyInsurance() throws {
        let dates = ["2025-10-15", "2026-01-15", "2026-04-15", "2026-07-15", "2026-10-15"].map { LocalDate($0)! }
        let snapshot = Fixture.snapshot(history: RunwayHistory(outflows: purchases("insurer", dates, amounts: ["2400.00"])))
        let insurance = try #require(flow(snapshot, "vendor:insurer"))
        #expect(insurance.cadence == .quarterly)
        #expect(insurance.occurrences.map(\.on) == [LocalDate("2027-01-15")!])
        #expect(insurance.seenIn == 4 && insurance.ofLast == 4)
    }

    @Test func paidBillsRecurToo() throws {
        let bills = firstsOfMonth(8, day: 10).enumerated().map { index, paidOn in
            SettledItem(id: "u\(index)", party: PartyRef(id: "power", name: "City Power"), dueDate: paidOn.adding(days: -2),
                        paidOn: paidOn, amount: Fixture.usd("\(300 + index * 5).00"))
        }
        let snapshot = Fixture.snapshot(history: RunwayHistory(paidBills: bills))
        #expect(flow(snapshot, "vendor:power")?.cadence == .monthly)
    }

    @Test func aSeriesWithoutAPayeeIsGroupedByItsAccount() throws {
        let history = RunwayHistory(outflows: purchases(nil, account: "61", firstsOfMonth(6, day: 20), amounts: ["89.99"]))
        let snapshot = Fixture.snapshot(history: history)
        let fees = try #require(flow(snapshot, "account:61"))
        #expect(fees.party.displayName == "Account 61")
        #expect(fees.nextOn == LocalDate("2026-12-20"))
    }

    @Test func irregularPaymentsAreNotRecurring() {
        // Ten payments on random days of the past year, twenty times over: none is a series.
        var detected: [String] = []
        for seed in 1...20 {
            var generator = SeededGenerator(seed: UInt64(seed))
            let count = Int.random(in: 6...12, using: &generator)
            let dates = Set((0..<count).map { _ in Fixture.day(-Int.random(in: 1...365, using: &generator)) }).sorted()
            let snapshot = Fixture.snapshot(history: RunwayHistory(outflows: purchases("odd", dates, amounts: ["120.00"])))
            if let found = flow(snapshot, "vendor:odd") { detected.append("seed \(seed): \(found.cadence) \(dates)") }
        }
        #expect(detected.isEmpty, "\(detected)")
        // Two payments a month apart are not enough to call it a series either.
        let two = Fixture.snapshot(history: RunwayHistory(outflows: purchases("odd", firstsOfMonth(2), amounts: ["1.00"])))
        #expect(two.recurring.isEmpty)
    }

    @Test func aSeriesThatStoppedIsListedButNotProjected() throws {
        let ended = firstsOfMonth(12).prefix(8)  // the last payment was in July
        let snapshot = Fixture.snapshot(history: RunwayHistory(outflows: purchases("gym", Array(ended), amounts: ["50.00"])))
        let gym = try #require(flow(snapshot, "vendor:gym"))
        #expect(gym.occurrences.isEmpty)
        #expect(gym.nextOn == nil)
        #expect(gym.projected == Fixture.usd("0"))
        #expect(gym.basis.text.contains("stopped: no payment on the last 4 scheduled dates"))
    }

    @Test func anOpenBillForTheSamePeriodIsNotCountedTwice() throws {
        let history = RunwayHistory(outflows: purchases("landlord", firstsOfMonth(12), amounts: ["3500.00"]))
        // December's rent is already entered as a bill; November's is overdue and still open.
        let december = vendorBill("dec", vendor: "landlord", due: 1, balance: "3500.00")
        let november = vendorBill("nov", vendor: "landlord", due: -29, balance: "3500.00")
        let snapshot = Fixture.snapshot(bills: [december, november], balances: [Fixture.bank("1", Fixture.usd("20000.00"))],
                                        history: history)
        let rent = try #require(flow(snapshot, "vendor:landlord"))
        #expect(rent.occurrences.map(\.coveredBy) == [Fixture.id("dec"), nil, nil])
        #expect(rent.projected == Fixture.usd("7000.00"))
        // Week 1: the two bills, no third rent.
        #expect(snapshot.disbursementsByWeek[0] == "7000.00")
        #expect(snapshot.closings.last == "6000.00")
        // Another vendor's bill covers nothing.
        let other = Fixture.snapshot(bills: [vendorBill("x", vendor: "other", due: 1, balance: "3500.00")], history: history)
        #expect(flow(other, "vendor:landlord")?.occurrences.allSatisfy { $0.coveredBy == nil } == true)
        #expect(other.disbursementsByWeek[0] == "7000.00")
    }

    /// A retainer: a customer paying every month is projected as receipts, and its open invoice for
    /// the same month stands for that month's occurrence (counted once).
    @Test func aCustomerPayingEveryMonthIsProjectedAsReceiptsCountedOnce() throws {
        let paid = firstsOfMonth(12, day: 5, shiftWeekends: false).enumerated().map { index, paidOn in
            SettledItem(id: "r\(index)", party: PartyRef(id: "kim", name: "Kim's Café"), dueDate: paidOn.adding(days: -4),
                        paidOn: paidOn, amount: Fixture.usd("2000.00"))
        }
        let history = RunwayHistory(paidInvoices: paid)
        let alone = Fixture.snapshot(balances: [Fixture.bank("1", Fixture.usd("1000.00"))], history: history)
        let retainer = try #require(flow(alone, "customer:kim"), "\(alone.recurring.map(\.key))")
        #expect(retainer.direction == .inflow)
        #expect(retainer.cadence == .monthly)
        #expect(retainer.nextOn == LocalDate("2026-12-05"))
        #expect(retainer.basis.text.contains("payments from Kim's Café"))
        #expect(alone.weeks.map(\.receipts.amount).reduce(0, +) == 6000, "December, January and February")

        // December's invoice is already issued: it is projected, December's occurrence is not.
        let december = customerInvoice("dec", customer: "kim", due: 1, balance: "2000.00")
        let issued = Fixture.snapshot(invoices: [december], balances: [Fixture.bank("1", Fixture.usd("1000.00"))],
                                      history: history)
        let covered = try #require(flow(issued, "customer:kim"))
        #expect(covered.occurrences.first?.coveredBy == Fixture.id("dec"))
        #expect(issued.weeks.map(\.receipts.amount).reduce(0, +) == 6000, "the invoice and two more months, not three")
    }

    @Test func thePlanIgnoresChangesAndAddsSeries() throws {
        let history = RunwayHistory(outflows: purchases("landlord", firstsOfMonth(12), amounts: ["3500.00"])
            + purchases("depot", (1...20).map { Fixture.day(-7 * $0) }.reversed(), amounts: ["200.00"]))
        var plan = RunwayPlan()
        try plan.setRecurring("vendor:depot", .ignore(note: "switched to card"))
        try plan.setRecurring("vendor:landlord", RunwayPlan.RecurringEdit(action: .change, amount: 3700))
        try plan.setRecurring("insurance", RunwayPlan.RecurringEdit(
            action: .add, name: "Hartford insurance", direction: .outflow, cadence: .quarterly, amount: 2400,
            nextOn: LocalDate("2027-01-15")))
        try plan.setRecurring("vendor:gone", RunwayPlan.RecurringEdit(action: .change, amount: 1))
        let snapshot = Fixture.snapshot(history: history, plan: plan)
        let depot = try #require(flow(snapshot, "vendor:depot"))
        #expect(depot.occurrences.isEmpty)
        #expect(depot.basis.code == .plan)
        #expect(depot.basis.text.hasPrefix("ignored by the plan (switched to card); detected:"))
        let rent = try #require(flow(snapshot, "vendor:landlord"))
        #expect(rent.amount == Fixture.usd("3700"))
        #expect(rent.projected == Fixture.usd("11100"))
        #expect(rent.basis.text.hasPrefix("changed by the plan: amount 3,700.00 (detected 3,500.00)"))
        let insurance = try #require(flow(snapshot, "insurance"))
        #expect(insurance.occurrences.map(\.on) == [LocalDate("2027-01-15")!])
        #expect(insurance.basis.code == .plan)
        #expect(snapshot.warningCodes.contains(.planUnknownRecurring))
        #expect(snapshot.warnings.first { $0.code == .planUnknownRecurring }?.ids == ["vendor:gone"])
        #expect(snapshot.weeks.reduce(Decimal(0)) { $0 + $1.disbursements.amount } == Decimal(11100 + 2400))
    }
}

@Suite struct BasisReportTests {
    @Test func terminalAndHTMLShowEveryReason() throws {
        var plan = RunwayPlan(cashFloor: 100)
        try plan.setOneOff("loan", .init(name: "SBA <loan>", direction: .inflow, amount: 25000, on: Fixture.day(36)))
        let history = RunwayHistory(
            paidInvoices: paid("kim", due: -300, late: [10, 12, 14]),
            outflows: purchases("landlord", firstsOfMonth(12), amounts: ["3500.00"]))
        let snapshot = Fixture.snapshot(
            bills: [vendorBill("dec", vendor: "landlord", due: 1, balance: "3500.00")],
            invoices: [customerInvoice("130", customer: "kim", due: 5)], balances: [Fixture.bank("1", Fixture.usd("100"))],
            history: history, plan: plan)
        let text = TerminalReport.render(snapshot, useColor: false)
        #expect(text.contains("I-130 (130) Kim: Kim pays 12 days late (median of its last 3 paid invoices): expected 2026-12-17"))
        #expect(text.contains("Recurring flows"))
        #expect(text.contains("vendor:landlord: 12 payments to Landlord since"))
        #expect(text.contains("1 occurrence(s) already entered as open bills (dec), not counted again"))
        #expect(text.contains("Planned one-off items"))
        #expect(text.contains("Plan: applied"))
        #expect(text.contains("Cash floor 100.00: below it in week 1"))
        let html = HTMLReport.render(snapshot)
        #expect(html.contains("<code>party_history</code> Kim pays 12 days late"))
        #expect(html.contains("Already entered as open bills: dec"))
        #expect(html.contains("SBA &lt;loan&gt;"))
        #expect(!html.contains("SBA <loan>"))
    }
}
