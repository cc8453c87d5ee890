import Foundation
import RowColDomain
import RowColJSON
import RowColRunway
import Testing

@Suite struct ScenarioTests {
    let invoices = [customerInvoice("130", customer: "kim", due: 2, balance: "1000.00"),
                    customerInvoice("131", customer: "lee", due: 10, balance: "2000.00")]
    let bills = [vendorBill("55", vendor: "acme", due: 4, balance: "500.00"),
                 vendorBill("56", vendor: "acme", due: 5, balance: "700.00")]

    func plan() throws -> RunwayPlan {
        var plan = RunwayPlan()
        plan.expect(.invoice, Fixture.id("131"), on: Fixture.day(12))
        try plan.setScenario("slow", .init(
            arDelayDays: 14, arHaircutPercent: 10,
            delayedBills: ["55": .init(days: 30), "56": .init(on: Fixture.day(60))],
            extraItems: ["tax": .init(name: "Q4 tax", direction: .outflow, amount: 8000, on: Fixture.day(45))],
            note: "customers slow down"))
        return plan
    }

    @Test func aScenarioMovesAndCutsOnTopOfThePlan() throws {
        let plan = try plan()
        let base = Fixture.snapshot(bills: bills, invoices: invoices, balances: [Fixture.bank("1", Fixture.usd("10000"))],
                                    plan: plan)
        let slow = Fixture.snapshot(bills: bills, invoices: invoices, balances: [Fixture.bank("1", Fixture.usd("10000"))],
                                    plan: plan, scenario: "slow")
        #expect(base.invoice("130")?.expectedOn == Fixture.day(2))
        let late = try #require(slow.invoice("130"))
        #expect(late.expectedOn == Fixture.day(16))
        #expect(late.projected == Fixture.usd("900"))
        #expect(late.basis?.code == .scenario)
        #expect(late.basis?.text == "scenario \"slow\": 14 days later, 10% less collected, expected 2026-12-16 (base: no "
            + "payment history for Kim or the business yet: expected on its due date)")
        // The plan's own date moves with the scenario too.
        #expect(slow.invoice("131")?.expectedOn == Fixture.day(26))
        #expect(slow.invoice("131")?.basis?.text.contains("(base: expected on 2026-12-12 by the plan)") == true)
        #expect(slow.bill("55")?.expectedOn == Fixture.day(34))
        #expect(slow.bill("56")?.expectedOn == Fixture.day(60))
        #expect(slow.bill("56")?.basis?.text.hasPrefix("scenario \"slow\": paid on 2027-01-29") == true)
        #expect(slow.oneOffs.map(\.id) == ["tax"])
        #expect(slow.oneOffs.first?.basis.code == .scenario)
        #expect(base.oneOffs.isEmpty)
        #expect(slow.plan.scenario == "slow" && slow.plan.scenarios == ["slow"])
        #expect(slow.receivables.haircut == Fixture.usd("300"))
        // The base ends at 10,000 + 3,000 − 1,200; the scenario collects 10% less and pays 8,000 of tax.
        #expect(base.closings.last == "11800.00")
        #expect(slow.closings.last == "3500.00")

        let comparison = RunwayComparison(left: .init(name: "base", snapshot: base), right: .init(name: "slow", snapshot: slow))
        #expect(comparison.weeks.count == 13)
        #expect(comparison.weeks.last?.difference == Fixture.usd("-8300"))
        // Week 1: the base collects 130 (+1,000) and pays both bills (−1,200); the scenario does neither.
        #expect(comparison.weeks[0].leftNet == Fixture.usd("-200"))
        #expect(comparison.weeks[0].rightNet == Fixture.usd("0"))
        #expect(comparison.weeks[0].difference == Fixture.usd("200"))
        let text = TerminalReport.render(comparison, useColor: false)
        #expect(text.contains("base closing") && text.contains("slow closing") && text.contains("-8,300.00"))
        let html = HTMLReport.render(comparison)
        #expect(html.contains("slow closing") && html.contains("<svg"))
        let json = try jsonText(comparison)
        #expect(json.contains("\"right_closing\""))
        #expect(try JSONValue.decode(RunwayComparison.self, from: Array(json.utf8)) == comparison)
    }

    @Test func anUnknownScenarioGivesTheBaseWithAWarning() throws {
        let snapshot = Fixture.snapshot(invoices: invoices, plan: try plan(), scenario: "fast")
        #expect(snapshot.plan.scenario == nil)
        #expect(snapshot.warnings.first { $0.code == .unknownScenario }?.message.contains("the plan has slow") == true)
        #expect(Fixture.snapshot(invoices: invoices, plan: try plan(), scenario: "base").warningCodes == [.noBankAccount])
    }
}

@Suite struct AlertTests {
    func snapshot(cash: String, floor: Decimal? = nil, business: String = "acme") -> RunwaySnapshot {
        Fixture.snapshot(
            business: BusinessRef(advisor: Fixture.advisor, business: BusinessID(rawValue: business)!),
            bills: [vendorBill("b", vendor: "v", due: 15, balance: "1000.00")],
            balances: [Fixture.bank("1", Fixture.usd(cash))], plan: RunwayPlan(cashFloor: floor))
    }

    @Test func theFirstWeekBelowTheFloorIsTheAlert() throws {
        let above = snapshot(cash: "1500.00")
        #expect(above.alert == FloorAlert(floor: Fixture.usd("0"), breach: nil))
        let below = snapshot(cash: "800.00")
        #expect(below.alert.breach?.week == 3)
        #expect(below.alert.breach?.shortfall == Fixture.usd("200.00"))
        let floored = snapshot(cash: "1500.00", floor: 600)
        #expect(floored.alert.breach?.week == 3)
        #expect(floored.alert.breach?.closing == Fixture.usd("500.00"))
        #expect(floored.weeksOfRunway == .beyondHorizon)
        #expect(floored.warnings.first { $0.code == .belowFloor }?.message
            == "the projected closing falls below the cash floor of 600.00 USD in week 3 (from 2026-12-14): 500.00, 100.00 short")
        #expect(TerminalReport.render(floored, useColor: false).contains("Cash floor 600.00: below it in week 3"))
    }

    @Test func aBreachRanksTheConsoleBeforeRunway() throws {
        // Neither runs out of cash; "floored" goes below its own floor, so it comes first.
        let calm = snapshot(cash: "100000.00", business: "calm")
        let floored = snapshot(cash: "1500.00", floor: 600, business: "floored")
        let console = try AdvisorConsole(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: [calm, floored])
        #expect(console.rows.map(\.business.business.rawValue) == ["floored", "calm"])
        #expect(console.rows[0].alert.breach?.week == 3)
    }

    @Test func itNotifiesOncePerBreachAndReArmsAfterRecovery() {
        let now = Fixture.asOf
        let breach = snapshot(cash: "800.00").alert
        let clear = snapshot(cash: "5000.00").alert
        let first = FloorAlerts.advance(nil, with: breach, at: now)
        #expect(first.notify && !first.ongoing)
        #expect(first.state == FloorAlertState(armed: false, breachSince: now, notifiedWeekStart: Fixture.day(14)))
        let again = FloorAlerts.advance(first.state, with: breach, at: now.addingTimeInterval(3600))
        #expect(!again.notify && again.ongoing)
        #expect(again.state == first.state)
        let recovered = FloorAlerts.advance(again.state, with: clear, at: now.addingTimeInterval(7200))
        #expect(!recovered.notify && recovered.recovered && recovered.state == .initial)
        let quiet = FloorAlerts.advance(recovered.state, with: clear, at: now.addingTimeInterval(7300))
        #expect(!quiet.notify && !quiet.recovered)
        let second = FloorAlerts.advance(quiet.state, with: breach, at: now.addingTimeInterval(9000))
        #expect(second.notify)
    }
}
