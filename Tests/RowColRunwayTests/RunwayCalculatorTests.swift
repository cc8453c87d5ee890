import Foundation
import RowColDomain
import RowColRunway
import Testing

struct ProjectionTests {
    @Test func weeksAreSevenDayWindowsFromTheAsOfDate() {
        let calendar = RunwayCalendar(asOfDate: Fixture.asOfDate)
        #expect(calendar.week(for: Fixture.day(-1)) == 1)  // overdue lands in week 1
        #expect(calendar.week(for: Fixture.day(0)) == 1)
        #expect(calendar.week(for: Fixture.day(6)) == 1)
        #expect(calendar.week(for: Fixture.day(7)) == 2)
        #expect(calendar.week(for: Fixture.day(90)) == 13)
        #expect(calendar.week(for: Fixture.day(91)) == nil)
        #expect(calendar.horizonEnd == LocalDate("2027-02-28"))
    }

    @Test func dueDatesExactlyOnWeekBoundaries() {
        let snapshot = Fixture.snapshot(
            bills: [
                Fixture.bill("last-day-w1", due: Fixture.day(6), balance: Fixture.usd("100.00")),
                Fixture.bill("first-day-w2", due: Fixture.day(7), balance: Fixture.usd("200.00")),
                Fixture.bill("last-day-w13", due: Fixture.day(90), balance: Fixture.usd("300.00")),
                Fixture.bill("after-w13", due: Fixture.day(91), balance: Fixture.usd("400.00")),
            ],
            balances: [Fixture.bank("1", Fixture.usd("10000.00"))])
        #expect(snapshot.weeks[0].start == Fixture.day(0))
        #expect(snapshot.weeks[0].end == Fixture.day(6))
        #expect(snapshot.weeks[1].start == Fixture.day(7))
        #expect(snapshot.disbursementsByWeek == ["100.00", "200.00"] + Array(repeating: "0.00", count: 10) + ["300.00"])
        #expect(snapshot.payables.openTotal == Fixture.usd("1000.00"))
        #expect(snapshot.payables.beyondHorizon == Fixture.usd("400.00"))
        #expect(snapshot.closings.last == "9400.00")
        #expect(snapshot.payables.items.map(\.week) == [1, 2, 13, nil])
    }

    @Test func handCheckedThirteenWeeksAndRunway() throws {
        // Cash 1,000.00 + 500.00 = 1,500.00; invoice 700 in week 2; bills 1,000 in week 1 and 1,500 in week 3.
        let snapshot = Fixture.snapshot(
            bills: [
                Fixture.bill("b1", due: Fixture.day(3), balance: Fixture.usd("1000.00")),
                Fixture.bill("b2", due: Fixture.day(16), balance: Fixture.usd("1500.00")),
            ],
            invoices: [Fixture.invoice("i1", due: Fixture.day(10), balance: Fixture.usd("700.00"))],
            balances: [Fixture.bank("1", Fixture.usd("1000.00")), Fixture.bank("2", Fixture.usd("500.00")),
                       Fixture.bank("cc", Fixture.usd("-900.00"), type: "Credit Card"),
                       Fixture.bank("old", Fixture.usd("5000.00"), active: false)])
        #expect(snapshot.cash.total == Fixture.usd("1500.00"))
        #expect(snapshot.cash.accounts.map(\.id.rawValue) == ["1", "2"])
        let week1 = snapshot.weeks[0]
        #expect(week1.opening == Fixture.usd("1500.00"))
        #expect(week1.disbursements == Fixture.usd("1000.00"))
        #expect(week1.net == Fixture.usd("-1000.00"))
        #expect(week1.closing == Fixture.usd("500.00"))
        #expect(snapshot.weeks[1].opening == Fixture.usd("500.00"))
        #expect(snapshot.weeks[1].receipts == Fixture.usd("700.00"))
        #expect(snapshot.closings.prefix(4) == ["500.00", "1200.00", "-300.00", "-300.00"])
        #expect(snapshot.weeksOfRunway == .runsOut(week: 3))
        #expect(snapshot.weeksOfRunway.label == "3")
        #expect(snapshot.lowestWeek.index == 3)
        #expect(snapshot.lowestWeek.closing == Fixture.usd("-300.00"))
        // (2,500 − 700) / 13 = 138.4615… → 138.46
        #expect(snapshot.burn.method == .averageWeeklyNetOutflow13Weeks)
        #expect(snapshot.burn.totalNetOutflow == Fixture.usd("1800.00"))
        #expect(snapshot.burn.weekly == Fixture.usd("138.46"))
    }

    @Test func closingAtExactlyZeroIsStillRunway() {
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("b1", due: Fixture.day(0), balance: Fixture.usd("250.00"))],
            balances: [Fixture.bank("1", Fixture.usd("250.00"))])
        #expect(snapshot.closings.allSatisfy { $0 == "0.00" })
        #expect(snapshot.weeksOfRunway == .beyondHorizon)
        #expect(snapshot.weeksOfRunway.label == "13+")
    }

    @Test func partlyPaidBillCountsOnlyItsOpenBalance() {
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("b1", due: Fixture.day(8), balance: Fixture.usd("400.00"), total: Fixture.usd("1000.00")),
                    Fixture.bill("paid", due: Fixture.day(2), balance: Fixture.usd("0.00"), total: Fixture.usd("50.00"))],
            balances: [Fixture.bank("1", Fixture.usd("1000.00"))])
        #expect(snapshot.payables.openTotal == Fixture.usd("400.00"))
        #expect(snapshot.payables.items.map(\.id.rawValue) == ["b1"])
        #expect(snapshot.weeks[1].disbursements == Fixture.usd("400.00"))
        #expect(snapshot.weeks[1].closing == Fixture.usd("600.00"))
    }

    @Test func creditBalancesAreShownButNeverProjected() {
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("vendor-credit", due: Fixture.day(1), balance: Fixture.usd("-120.00")),
                    Fixture.bill("b1", due: Fixture.day(1), balance: Fixture.usd("80.00"))],
            invoices: [Fixture.invoice("credit-note", due: Fixture.day(1), balance: Fixture.usd("-45.50"))],
            balances: [Fixture.bank("1", Fixture.usd("1000.00")), Fixture.bank("2", Fixture.usd("-250.25"))])
        #expect(snapshot.cash.total == Fixture.usd("749.75"))  // the overdraft counts negative
        #expect(snapshot.payables.openTotal == Fixture.usd("80.00"))
        #expect(snapshot.payables.credits == Fixture.usd("-120.00"))
        #expect(snapshot.receivables.openTotal == Fixture.usd("0.00"))
        #expect(snapshot.receivables.credits == Fixture.usd("-45.50"))
        #expect(snapshot.weeks[0].disbursements == Fixture.usd("80.00"))
        #expect(snapshot.weeks[0].receipts == Fixture.usd("0.00"))
        #expect(snapshot.weeks[0].closing == Fixture.usd("669.75"))
    }

    @Test func emptyBusiness() {
        let snapshot = Fixture.snapshot()
        #expect(snapshot.weeks.count == 13)
        #expect(snapshot.cash.total == Fixture.usd("0"))
        #expect(snapshot.closings.allSatisfy { $0 == "0.00" })
        #expect(snapshot.weeksOfRunway == .beyondHorizon)
        #expect(snapshot.lowestWeek.index == 1)
        #expect(snapshot.burn.weekly == Fixture.usd("0"))
        #expect(snapshot.payables.items.isEmpty && snapshot.receivables.items.isEmpty)
        #expect(snapshot.warningCodes == [.noBankAccount])
    }

    @Test func overdueReceivablesLandInWeekOneAgeIntoBucketsAndVeryOverdueOnesAreHaircut() {
        let invoices = [
            Fixture.invoice("d1", due: Fixture.day(-1), balance: Fixture.usd("10.00")),
            Fixture.invoice("d30", due: Fixture.day(-30), balance: Fixture.usd("20.00")),
            Fixture.invoice("d31", due: Fixture.day(-31), balance: Fixture.usd("30.00")),
            Fixture.invoice("d60", due: Fixture.day(-60), balance: Fixture.usd("40.00")),
            Fixture.invoice("d61", due: Fixture.day(-61), balance: Fixture.usd("50.00")),
            Fixture.invoice("d90", due: Fixture.day(-90), balance: Fixture.usd("60.00")),
            Fixture.invoice("d91", due: Fixture.day(-91), balance: Fixture.usd("70.00")),
            Fixture.invoice("d400", due: Fixture.day(-400), balance: Fixture.usd("80.00")),
        ]
        // Without history every overdue invoice is expected now; past 90 days only half of it.
        let learned = Fixture.snapshot(invoices: invoices, balances: [Fixture.bank("1", Fixture.usd("100.00"))])
        #expect(learned.receiptsByWeek == ["285.00"] + Array(repeating: "0.00", count: 12))
        #expect(learned.receivables.haircut == Fixture.usd("75.00"))
        #expect(learned.receivables.openTotal == Fixture.usd("360.00"))
        let byID = Dictionary(uniqueKeysWithValues: learned.receivables.items.map { ($0.id.rawValue, $0) })
        #expect(byID["d90"]?.basis?.code == .dueDate)
        #expect(byID["d90"]?.projected == Fixture.usd("60.00"))
        #expect(byID["d91"]?.basis?.code == .haircut)
        #expect(byID["d91"]?.projected == Fixture.usd("35.00"))
        #expect(byID["d91"]?.basis?.text.contains("91 days overdue (more than 90): 50% of it is not expected") == true)
        #expect(learned.receivables.items.allSatisfy { $0.expectedOn == Fixture.asOfDate && $0.week == 1 })

        // The model before learning (kept to measure against): everything overdue in week 1, whole.
        let snapshot = Fixture.snapshot(
            invoices: invoices, balances: [Fixture.bank("1", Fixture.usd("100.00"))], policy: .dueDates)
        let buckets = snapshot.receivables.buckets
        #expect(buckets.notDue == Fixture.usd("0"))
        #expect(buckets.overdue1To30 == Fixture.usd("30.00"))
        #expect(buckets.overdue31To60 == Fixture.usd("70.00"))
        #expect(buckets.overdue61To90 == Fixture.usd("110.00"))
        #expect(buckets.overdueOver90 == Fixture.usd("150.00"))
        #expect(snapshot.receivables.openTotal == Fixture.usd("360.00"))
        #expect(snapshot.receivables.overdueTotal == Fixture.usd("360.00"))
        #expect(snapshot.receiptsByWeek == ["360.00"] + Array(repeating: "0.00", count: 12))
        #expect(snapshot.closings.allSatisfy { $0 == "460.00" })
        #expect(snapshot.receivables.items.first?.id.rawValue == "d400")  // oldest due date first
        #expect(snapshot.receivables.items.first?.daysOverdue == 400)
    }

    @Test func businessWithoutBankAccountStartsAtZeroCash() {
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("b1", due: Fixture.day(2), balance: Fixture.usd("10.00"))],
            balances: [Fixture.bank("ar", Fixture.usd("900.00"), type: "Accounts Receivable"),
                       Fixture.bank("closed", Fixture.usd("900.00"), active: false)])
        #expect(snapshot.cash.total == Fixture.usd("0"))
        #expect(snapshot.cash.accounts.isEmpty)
        #expect(snapshot.warningCodes.contains(.noBankAccount))
        #expect(snapshot.weeksOfRunway == .runsOut(week: 1))
        #expect(snapshot.weeks[0].closing == Fixture.usd("-10.00"))
    }

    @Test func scheduledPaymentInWeekThreeComesOffItsBill() throws {
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("b1", due: Fixture.day(9), balance: Fixture.usd("1000.00"))],
            balances: [Fixture.bank("1", Fixture.usd("5000.00"))],
            payments: [
                Fixture.payment("p1", bill: "b1", amount: Fixture.usd("600.00"), payOn: Fixture.day(15)),
                Fixture.payment("p-rejected", bill: "b1", amount: Fixture.usd("999.00"), payOn: Fixture.day(1),
                                state: .rejected),
            ])
        // Week 2: the bill's remaining 400; week 3: the scheduled 600. Never 1,600 in total.
        #expect(snapshot.disbursementsByWeek.prefix(4) == ["0.00", "400.00", "600.00", "0.00"])
        #expect(snapshot.closings.prefix(3) == ["5000.00", "4600.00", "4000.00"])
        #expect(snapshot.payables.openTotal == Fixture.usd("1000.00"))
        let item = try #require(snapshot.payables.items.first)
        #expect(item.scheduled == Fixture.usd("600.00"))
        #expect(item.projected == Fixture.usd("400.00"))
        let byID = Dictionary(uniqueKeysWithValues: snapshot.scheduledPayments.map { ($0.id.rawValue, $0) })
        #expect(byID["p1"]?.treatment == .projected)
        #expect(byID["p1"]?.week == 3)
        #expect(byID["p-rejected"]?.treatment == .rejected)
        #expect(byID["p-rejected"]?.week == nil)
    }

    @Test func confirmedPastPaymentIsNotCountedAgainButAPendingOverdueOneLandsInWeekOne() {
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("b1", due: Fixture.day(20), balance: Fixture.usd("300.00"))],
            balances: [Fixture.bank("1", Fixture.usd("1000.00"))],
            payments: [
                Fixture.payment("cleared", bill: "b0", amount: Fixture.usd("500.00"), payOn: Fixture.day(-2), state: .confirmed),
                Fixture.payment("late", bill: "b1", amount: Fixture.usd("300.00"), payOn: Fixture.day(-1), state: .pending),
            ])
        #expect(snapshot.scheduledPayments.map(\.treatment) == [.cleared, .projected])
        #expect(snapshot.disbursementsByWeek.prefix(4) == ["300.00", "0.00", "0.00", "0.00"])
        #expect(snapshot.closings.last == "700.00")
    }

    @Test func paymentsAboveTheBillBalanceAreProjectedOnceAndWarned() {
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("b1", due: Fixture.day(2), balance: Fixture.usd("100.00"))],
            balances: [Fixture.bank("1", Fixture.usd("1000.00"))],
            payments: [Fixture.payment("p1", bill: "b1", amount: Fixture.usd("150.00"), payOn: Fixture.day(3))])
        #expect(snapshot.weeks[0].disbursements == Fixture.usd("150.00"))
        #expect(snapshot.warningCodes.contains(.paymentExceedsBill))
    }

    @Test func foreignCurrencyWithoutRateIsReportedApartNotSummed() throws {
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("eur-bill", due: Fixture.day(1), balance: Money(300, Fixture.eur))],
            invoices: [Fixture.invoice("eur-inv", due: Fixture.day(1), balance: Money(200, Fixture.eur)),
                       Fixture.invoice("usd-inv", due: Fixture.day(1), balance: Fixture.usd("50.00"))],
            balances: [Fixture.bank("usd", Fixture.usd("1000.00")), Fixture.bank("eur", Money(500, Fixture.eur))])
        #expect(snapshot.cash.total == Fixture.usd("1000.00"))
        #expect(snapshot.payables.openTotal == Fixture.usd("0"))
        #expect(snapshot.receivables.openTotal == Fixture.usd("50.00"))
        #expect(snapshot.weeks[0].closing == Fixture.usd("1050.00"))
        let apart = try #require(snapshot.unconverted.first)
        #expect(snapshot.unconverted.count == 1)
        #expect(apart.currency == Fixture.eur)
        #expect(apart.cash == Money(500, Fixture.eur))
        #expect(apart.payables == Money(300, Fixture.eur))
        #expect(apart.receivables == Money(200, Fixture.eur))
        let warning = try #require(snapshot.warnings.first { $0.code == .currencyUnconverted })
        #expect(warning.currency == Fixture.eur)
        #expect(warning.ids == ["eur", "eur-bill", "eur-inv"])
        #expect(snapshot.cash.accounts.first { $0.id.rawValue == "eur" }?.homeBalance == nil)
    }

    @Test func foreignCurrencyWithRateIsConvertedExactly() throws {
        let rate = try #require(Decimal(string: "1.0825"))
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("eur-bill", due: Fixture.day(8), balance: Money(Decimal(string: "300.10")!, Fixture.eur))],
            balances: [Fixture.bank("usd", Fixture.usd("1000.00")), Fixture.bank("eur", Money(500, Fixture.eur))],
            rates: [Fixture.eur: rate])
        #expect(snapshot.unconverted.isEmpty)
        #expect(!snapshot.warningCodes.contains(.currencyUnconverted))
        #expect(snapshot.cash.total == Fixture.usd("1541.25"))  // 1000 + 500 × 1.0825
        #expect(snapshot.payables.openTotal.amount == Decimal(string: "324.858250"))  // exact, unrounded
        #expect(snapshot.weeks[1].closing.amount == Decimal(string: "1216.39175"))
        #expect(snapshot.rates == [ExchangeRate(currency: Fixture.eur, rate: rate)])
    }

    @Test func nonPositiveRateIsIgnoredAndWarned() {
        let snapshot = Fixture.snapshot(
            balances: [Fixture.bank("usd", Fixture.usd("10.00")), Fixture.bank("eur", Money(5, Fixture.eur))],
            rates: [Fixture.eur: 0])
        #expect(snapshot.cash.total == Fixture.usd("10.00"))
        #expect(snapshot.warningCodes == [.invalidRate, .currencyUnconverted])
    }

    @Test func undatedItemsLandInWeekOneWithAWarning() {
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("b1", due: nil, balance: Fixture.usd("10.00")),
                    Fixture.bill("b2", due: nil, balance: Fixture.usd("5.00"), txnDate: Fixture.day(40))],
            balances: [Fixture.bank("1", Fixture.usd("100.00"))])
        #expect(snapshot.weeks[0].disbursements == Fixture.usd("10.00"))
        #expect(snapshot.weeks[5].disbursements == Fixture.usd("5.00"))  // the transaction date stands in
        #expect(snapshot.warnings.first { $0.code == .missingDueDate }?.ids == ["b1"])
    }

    @Test func snapshotCarriesFlagsFreshnessAndAsOf() {
        let flag = HygieneFlag(code: .railThrottled, business: Fixture.business.business, entity: .bill,
                               since: Fixture.asOf, message: "QBO throttled the refresh; retry later")
        let snapshot = Fixture.snapshot(balances: [Fixture.bank("1", Fixture.usd("1.00"))], flags: [flag])
        #expect(snapshot.flags == [flag])
        #expect(snapshot.freshness.balances.level == .stale)
        #expect(snapshot.asOf == Fixture.asOf)
        #expect(snapshot.asOfDate == Fixture.asOfDate)
        #expect(snapshot.business.name == "Acme Plumbing")
        #expect(snapshot.business.ref == Fixture.business)
    }
}
