import Foundation
import RowColDomain
import RowColRunway
import Testing

/// Paid items of one counterparty, due `due` days from the as-of date and paid `late` days after that.
func paid(_ party: String, _ name: String? = nil, due: Int, late: [Int], amount: String = "100.00") -> [SettledItem] {
    late.enumerated().map { index, days in
        let dueDate = Fixture.day(due - 30 * (late.count - index))
        return SettledItem(id: "\(party)-\(index)", party: PartyRef(id: party, name: name ?? party), dueDate: dueDate,
                           paidOn: dueDate.adding(days: days), amount: Fixture.usd(amount))
    }
}

func customerInvoice(_ id: String, customer: String, due: Int, balance: String = "1000.00") -> Invoice {
    Invoice(id: Fixture.id(id), customer: PartyRef(id: customer, name: customer.capitalized), docNumber: "I-\(id)",
            dueDate: Fixture.day(due), total: Fixture.usd(balance), balance: Fixture.usd(balance))
}

func vendorBill(_ id: String, vendor: String, due: Int, balance: String = "1000.00") -> Bill {
    Bill(id: Fixture.id(id), vendor: PartyRef(id: vendor, name: vendor.capitalized), docNumber: "B-\(id)",
         dueDate: Fixture.day(due), total: Fixture.usd(balance), balance: Fixture.usd(balance))
}

extension RunwaySnapshot {
    func invoice(_ id: String) -> AgingSummary.Item? { receivables.items.first { $0.id.rawValue == id } }
    func bill(_ id: String) -> AgingSummary.Item? { payables.items.first { $0.id.rawValue == id } }
}

@Suite struct TimingTests {
    @Test func aCustomersMedianLatenessMovesItsOpenInvoiceAndOneOutlierDoesNotMoveIt() throws {
        // Paid 10, 11, 12, 14 and once 200 days late: the median is 12.
        let history = RunwayHistory(paidInvoices: paid("kim", "Kim's Café", due: -300, late: [10, 200, 12, 14, 11]))
        let snapshot = Fixture.snapshot(
            invoices: [customerInvoice("130", customer: "kim", due: 5)], balances: [Fixture.bank("1", Fixture.usd("0"))],
            history: history)
        let item = try #require(snapshot.invoice("130"))
        #expect(item.expectedOn == Fixture.day(17))
        #expect(item.week == 3)
        #expect(item.basis?.code == .partyHistory)
        #expect(item.basis?.text == "Kim pays 12 days late (median of its last 5 paid invoices): expected 2026-12-17")
        #expect(snapshot.receiptsByWeek[2] == "1000.00")
        // The same invoice without history stays on its due date and says so.
        let plain = Fixture.snapshot(invoices: [customerInvoice("130", customer: "kim", due: 5)])
        #expect(plain.invoice("130")?.expectedOn == Fixture.day(5))
        #expect(plain.invoice("130")?.basis?.code == .dueDate)
        #expect(plain.invoice("130")?.basis?.text.contains("no payment history for Kim") == true)
    }

    @Test func onlyTheLatestPaidItemsOfTheWindowCount() throws {
        // 3 old invoices paid 60 days late, then 12 paid 4 days late: the window of 12 sees only the latter.
        let history = RunwayHistory(paidInvoices: paid("kim", due: -10, late: [60, 60, 60] + Array(repeating: 4, count: 12)))
        let snapshot = Fixture.snapshot(invoices: [customerInvoice("1", customer: "kim", due: 10)], history: history)
        #expect(snapshot.invoice("1")?.expectedOn == Fixture.day(14))
        var policy = TimingPolicy.standard
        policy.partyWindow = 15
        let wide = Fixture.snapshot(invoices: [customerInvoice("1", customer: "kim", due: 10)], history: history,
                                    policy: policy)
        #expect(wide.invoice("1")?.expectedOn == Fixture.day(14))  // still the median of 15: 4
        policy.partyWindow = 5
        let narrow = Fixture.snapshot(invoices: [customerInvoice("1", customer: "kim", due: 10)],
                                      history: RunwayHistory(paidInvoices: paid("kim", due: -10, late: [4, 4, 4, 30, 30, 30])),
                                      policy: policy)
        #expect(narrow.invoice("1")?.expectedOn == Fixture.day(40))  // last 5: 4, 4, 30, 30, 30
    }

    @Test func tooFewPaidItemsFallBackToTheBusinessThenToTheDueDate() throws {
        let business = paid("a", due: -5, late: [20, 22]) + paid("b", due: -5, late: [18, 21, 25])
        let snapshot = Fixture.snapshot(
            invoices: [customerInvoice("new", customer: "newcomer", due: 3), customerInvoice("few", customer: "a", due: 3)],
            history: RunwayHistory(paidInvoices: business))
        // The business: 20, 22, 18, 21, 25 → 21.
        let newcomer = try #require(snapshot.invoice("new"))
        #expect(newcomer.basis?.code == .businessHistory)
        #expect(newcomer.expectedOn == Fixture.day(24))
        #expect(newcomer.basis?.text.hasPrefix("no paid invoices of Newcomer yet; the business's customers pay 21 days late") == true)
        let few = try #require(snapshot.invoice("few"))
        #expect(few.basis?.code == .businessHistory)
        #expect(few.basis?.text.hasPrefix("only 2 paid invoices of A (3 needed)") == true)

        // Two paid items in the whole business are not enough to trust anything.
        let thin = Fixture.snapshot(invoices: [customerInvoice("x", customer: "a", due: 3)],
                                    history: RunwayHistory(paidInvoices: paid("a", due: -5, late: [20, 22])))
        #expect(thin.invoice("x")?.basis?.code == .dueDate)
        #expect(thin.invoice("x")?.expectedOn == Fixture.day(3))
        // A minimum of 2, set by the plan, trusts them.
        let trusting = Fixture.snapshot(
            invoices: [customerInvoice("x", customer: "a", due: 3)],
            history: RunwayHistory(paidInvoices: paid("a", due: -5, late: [20, 22])),
            plan: RunwayPlan(timing: .init(minimumSample: 2)))
        #expect(trusting.invoice("x")?.expectedOn == Fixture.day(24))
        #expect(trusting.invoice("x")?.basis?.code == .partyHistory)
    }

    @Test func paymentsOnOrAfterTheAsOfDateAreNotLearnedFrom() {
        // Paid "in the future" of the forecast: a backtest must not see them.
        let future = (0..<5).map { index in
            SettledItem(id: "f\(index)", party: PartyRef(id: "kim"), dueDate: Fixture.day(-3), paidOn: Fixture.day(index),
                        amount: Fixture.usd("10.00"))
        }
        let snapshot = Fixture.snapshot(invoices: [customerInvoice("1", customer: "kim", due: 10)],
                                        history: RunwayHistory(paidInvoices: future))
        #expect(snapshot.invoice("1")?.basis?.code == .dueDate)
    }

    @Test func anInvoiceLaterThanItsCustomersUsualLateness() throws {
        // Usually 3–6 days late, but some invoices went 25–35 days late. Item: 20 days overdue.
        let history = RunwayHistory(paidInvoices: paid("kim", due: -40, late: [3, 4, 5, 5, 6, 25, 30, 35]))
        let snapshot = Fixture.snapshot(invoices: [customerInvoice("late", customer: "kim", due: -20),
                                                   customerInvoice("later", customer: "kim", due: -50)],
                                        history: history)
        // Among those at least 20 days late (25, 30, 35) the median is 30: due −20 + 30 = day 10.
        let late = try #require(snapshot.invoice("late"))
        #expect(late.expectedOn == Fixture.day(10))
        #expect(late.week == 2)
        #expect(late.basis?.code == .partyHistory)
        #expect(late.basis?.text.contains("already 20 days overdue; Kim's invoices that were this late were paid a median "
            + "30 days after due (3 of 8)") == true)
        // 50 days overdue is later than anything in the history: expected now.
        let later = try #require(snapshot.invoice("later"))
        #expect(later.expectedOn == Fixture.asOfDate)
        #expect(later.basis?.text.contains("later than the history shows: expected now (week 1)") == true)
    }

    @Test func earlyPayersAndOurOwnBills() throws {
        let history = RunwayHistory(
            paidInvoices: paid("early", due: -5, late: [-3, -2, -3, -4]),
            paidBills: paid("landlord", "Landlord LLC", due: -5, late: [7, 8, 9]))
        let snapshot = Fixture.snapshot(
            bills: [vendorBill("55", vendor: "landlord", due: 10)],
            invoices: [customerInvoice("1", customer: "early", due: 10)], history: history)
        #expect(snapshot.invoice("1")?.expectedOn == Fixture.day(7))  // median of −4, −3, −3, −2 = −3
        #expect(snapshot.invoice("1")?.basis?.text.contains("pays 3 days early") == true)
        let bill = try #require(snapshot.bill("55"))
        #expect(bill.expectedOn == Fixture.day(18))
        #expect(bill.basis?.text.hasPrefix("Landlord is paid 8 days late (median of its last 3 paid bills)") == true)
        #expect(snapshot.disbursementsByWeek[2] == "1000.00")
        // The model before learning keeps everything on its due date.
        let naive = Fixture.snapshot(bills: [vendorBill("55", vendor: "landlord", due: 10)], history: history,
                                     policy: .dueDates)
        #expect(naive.bill("55")?.expectedOn == Fixture.day(10))
        #expect(naive.bill("55")?.basis?.text.contains("history not used") == true)
    }

    @Test func theHaircutFollowsThePlansTiming() throws {
        let invoices = [customerInvoice("old", customer: "kim", due: -45, balance: "800.00")]
        let base = Fixture.snapshot(invoices: invoices)
        #expect(base.invoice("old")?.projected == Fixture.usd("800.00"))  // 45 days is not "very overdue"
        let strict = Fixture.snapshot(
            invoices: invoices, plan: RunwayPlan(timing: .init(haircutAfterDays: 30, haircutPercent: 100)))
        let item = try #require(strict.invoice("old"))
        #expect(item.basis?.code == .haircut)
        #expect(item.projected == Fixture.usd("0"))
        #expect(strict.receivables.haircut == Fixture.usd("800.00"))
        #expect(strict.receiptsByWeek.allSatisfy { $0 == "0.00" })
        #expect(item.basis?.text == "45 days overdue (more than 30): 100% of it is not expected")
        // Bills are owed whatever happens: no haircut on AP.
        let bills = Fixture.snapshot(bills: [vendorBill("b", vendor: "v", due: -200)])
        #expect(bills.bill("b")?.projected == Fixture.usd("1000.00"))
    }
}
