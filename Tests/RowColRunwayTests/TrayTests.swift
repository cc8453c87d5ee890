import Foundation
import RowColDomain
import RowColRunway
import Testing

/// The tray: what needs a decision, across the advisor's businesses.
struct TrayTests {
    static func ref(_ business: String) -> BusinessRef {
        BusinessRef(advisor: Fixture.advisor, business: BusinessID(rawValue: business)!)
    }

    @Test func billsDueWithinTheHorizonOrOverdueMostUrgentFirstAndCoveredOnesLeftOut() throws {
        let acme = Fixture.snapshot(
            business: Self.ref("acme"),
            bills: [
                Fixture.bill("soon", due: Fixture.day(5), balance: Fixture.usd("50.00")),
                Fixture.bill("late", due: Fixture.day(-10), balance: Fixture.usd("70.00")),
                Fixture.bill("later", due: Fixture.day(20), balance: Fixture.usd("80.00")),
                Fixture.bill("covered", due: Fixture.day(1), balance: Fixture.usd("40.00")),
                Fixture.bill("half", due: Fixture.day(2), balance: Fixture.usd("100.00")),
            ],
            balances: [Fixture.bank("1", Fixture.usd("1000.00"))],
            payments: [
                Fixture.payment("p1", bill: "covered", amount: Fixture.usd("40.00"), payOn: Fixture.day(1)),
                Fixture.payment("p2", bill: "half", amount: Fixture.usd("30.00"), payOn: Fixture.day(1), state: .sent),
            ])
        let bolt = Fixture.snapshot(
            name: "Bolt", business: Self.ref("bolt"),
            bills: [Fixture.bill("worst", due: Fixture.day(-30), balance: Fixture.usd("10.00"))])
        let tray = Tray(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: [bolt, acme])
        #expect(tray.bills.map(\.billID.rawValue) == ["worst", "late", "half", "soon"])
        #expect(tray.bills.map(\.reason) == [.overdue, .overdue, .dueSoon, .dueSoon])
        #expect(tray.bills.first { $0.billID.rawValue == "half" }?.remaining == Fixture.usd("70.00"))
        #expect(tray.pendingPayments.map(\.payment.id.rawValue) == ["p1"])
        let wider = Tray(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: [acme], rules: .init(dueWithinDays: 30))
        #expect(wider.bills.map(\.billID.rawValue).contains("later"))
    }

    @Test func overdueInvoicesAreChasedWithAReminderAndFlagsSayWhatToDo() throws {
        let flag = HygieneFlag(code: .authReconnectRequired, business: BusinessID(rawValue: "acme")!, since: Fixture.asOf,
                               message: "refresh token refused")
        let snapshot = Fixture.snapshot(
            business: Self.ref("acme"),
            invoices: [
                Fixture.invoice("i1", due: Fixture.day(-3), balance: Fixture.usd("200.00"), customer: "Carla"),
                Fixture.invoice("i2", due: Fixture.day(-40), balance: Fixture.usd("900.00"), customer: "Dan"),
                Fixture.invoice("i3", due: Fixture.day(4), balance: Fixture.usd("50.00")),
            ],
            flags: [flag])
        let tray = Tray(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: [snapshot])
        #expect(tray.invoices.map(\.invoiceID.rawValue) == ["i2", "i1"])
        let reminder = try #require(tray.invoices.first?.reminder)
        #expect(reminder.hasPrefix("Dear Dan,"))
        #expect(reminder.contains("I-i2") && reminder.contains("2026-10-21") && reminder.contains("40 days ago"))
        #expect(reminder.hasSuffix("Acme Plumbing"))
        #expect(tray.flags.map(\.action) == [.reconnect])
        let stricter = Tray(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: [snapshot],
                            rules: .init(chaseAfterDaysOverdue: 10))
        #expect(stricter.invoices.map(\.invoiceID.rawValue) == ["i2"])
    }

    /// A customer who always pays about three weeks late is not chased while it is within its habit
    /// (nor is a new customer of a business whose customers all do); an invoice later than that is;
    /// without any history, every overdue invoice is.
    @Test func invoicesAreChasedOnlyWhenLaterThanTheCustomersUsualLateness() throws {
        let invoices = [
            customerInvoice("within", customer: "slow", due: -10),
            customerInvoice("beyond", customer: "slow", due: -30),
            customerInvoice("unknown", customer: "new", due: -2),
        ]
        let history = RunwayHistory(paidInvoices: paid("slow", due: -60, late: [20, 21, 22, 21]))
        let learned = Fixture.snapshot(business: Self.ref("acme"), invoices: invoices, history: history)
        #expect(learned.receivables.items.first { $0.id.rawValue == "within" }?.usualDaysLate == 21)
        let tray = Tray(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: [learned])
        #expect(tray.invoices.map(\.invoiceID.rawValue) == ["beyond"])
        #expect(tray.invoices.first?.usualDaysLate == 21)

        let naive = Fixture.snapshot(business: Self.ref("acme"), invoices: invoices)
        let plain = Tray(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: [naive])
        #expect(plain.invoices.map(\.invoiceID.rawValue) == ["beyond", "within", "unknown"])
        #expect(plain.invoices.allSatisfy { $0.usualDaysLate == nil })
    }
}
