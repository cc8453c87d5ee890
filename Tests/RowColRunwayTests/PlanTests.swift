import Foundation
import RowColDomain
import RowColJSON
import RowColRunway
import Testing

/// A plan's file text, read the way RowCol reads `plan.json` (the JSON leaf's tree decoder).
func readPlan(_ text: String) throws -> RunwayPlan {
    try JSONValue.decode(RunwayPlan.self, from: Array(text.utf8))
}

/// The problem a plan's text has, as the decoder reports it.
func planProblem(_ text: String) -> String {
    do {
        _ = try readPlan(text)
        return "no problem"
    } catch {
        return "\(error)"
    }
}

@Suite struct PlanFileTests {
    static let full = """
        {
          "bills": {"55": {"exclude": true, "note": "disputed"}},
          "cash_floor": 5000,
          "invoices": {"130": {"expect_on": "2026-12-20", "note": "promised by phone"}},
          "one_offs": {"loan": {"amount": "25000.00", "direction": "in", "name": "SBA loan", "on": "2027-01-05"}},
          "recurring": {
            "account:61": {"action": "ignore"},
            "insurance": {"action": "add", "amount": 2400, "cadence": "quarterly", "direction": "out",
                          "name": "Hartford insurance", "next_on": "2027-01-15"},
            "vendor:56": {"action": "change", "amount": 3600.5}
          },
          "scenarios": {"slow": {"ar_delay_days": 14, "ar_haircut_percent": 10,
                                 "delayed_bills": {"55": {"days": 30}, "56": {"on": "2027-01-10"}},
                                 "extra_items": {"tax": {"amount": 8000, "direction": "out", "name": "Q4 tax", "on": "2027-01-15"}}}},
          "schema_version": 1,
          "timing": {"haircut_after_days": 120, "haircut_percent": 40}
        }
        """

    @Test func aFullPlanReadsAndWritesBackSortedAndStable() throws {
        let plan = try readPlan(Self.full)
        #expect(plan.cashFloor == 5000)
        #expect(plan.invoices["130"]?.expectOn == LocalDate("2026-12-20"))
        #expect(plan.bills["55"]?.exclude == true)
        #expect(plan.oneOffs["loan"]?.amount == 25000)
        #expect(plan.recurring["vendor:56"]?.amount == Decimal(string: "3600.5"))
        #expect(plan.scenarios["slow"]?.delayedBills["56"]?.on == LocalDate("2027-01-10"))
        #expect(plan.timing?.haircutPercent == 40)
        let written = try jsonText(plan)
        #expect(try readPlan(written) == plan)
        #expect(try jsonText(try readPlan(written)) == written)
        // Sorted keys, exact amounts, only the fields that hold something.
        #expect(written.contains("\"amount\" : 3600.5"))
        #expect(!written.contains("\"exclude\" : false"))
        let keys = ["bills", "cash_floor", "invoices", "one_offs", "recurring", "scenarios", "schema_version", "timing"]
        let positions = keys.map { written.range(of: "\"\($0)\"")!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(try jsonText(RunwayPlan.empty) == "{\n  \"schema_version\" : 1\n}\n")
        #expect(try readPlan("{}") == .empty)
    }

    @Test(arguments: [
        (#"{"invoices": {"130": {"expect_onn": "2026-12-20"}}}"#,
         #"invoices.130, field "expect_onn": unknown field; expected one of exclude, expect_on, note"#),
        (#"{"invoices": {"130": {"expect_on": "2026-13-01"}}}"#,
         #"invoices.130, field "expect_on": "2026-13-01" is not a date; write YYYY-MM-DD"#),
        (#"{"invoices": {"130": {"expect_on": "2026-12-01", "exclude": true}}}"#,
         #"invoices.130, field "exclude": an excluded item has no expected date; remove expect_on or exclude"#),
        (#"{"bills": {"../x": {"exclude": true}}}"#, #"bills, field "../x": invalid bill id"#),
        (#"{"one_offs": {"loan": {"amount": -5, "direction": "in", "name": "Loan", "on": "2027-01-05"}}}"#,
         #"one_offs.loan, field "amount": -5 is not positive"#),
        (#"{"one_offs": {"loan": {"amount": 5, "direction": "sideways", "name": "Loan", "on": "2027-01-05"}}}"#,
         #"one_offs.loan, field "direction": "sideways" is not one of "in", "out""#),
        (#"{"one_offs": {"loan": {"amount": "lots", "direction": "in", "name": "Loan", "on": "2027-01-05"}}}"#,
         #"one_offs.loan, field "amount": expected an amount such as 1250.00"#),
        (#"{"one_offs": {"loan": {"direction": "in", "name": "Loan", "on": "2027-01-05"}}}"#,
         #"one_offs.loan, field "amount": is missing; expected an amount such as 1250.00"#),
        (#"{"recurring": {"rent": {"action": "ignore"}}}"#, #"recurring, field "rent": ignore applies to a detected series"#),
        (#"{"recurring": {"vendor:5": {"action": "add", "name": "x"}}}"#, #"recurring, field "vendor:5": vendor: and account:"#),
        (#"{"recurring": {"tax": {"action": "add", "name": "Tax", "direction": "out", "amount": 1, "next_on": "2027-01-01"}}}"#,
         #"recurring.tax, field "cadence": is missing; one of weekly, biweekly, semi_monthly, monthly, quarterly"#),
        (#"{"recurring": {"vendor:5": {"action": "change"}}}"#, #"recurring.vendor:5: change sets nothing"#),
        (#"{"scenarios": {"base": {}}}"#, #"scenarios, field "base": "base" means no scenario"#),
        (#"{"scenarios": {"slow": {"ar_haircut_percent": 120}}}"#,
         #"scenarios.slow, field "ar_haircut_percent": 120 is not a percentage from 0 to 100"#),
        (#"{"scenarios": {"slow": {"delayed_bills": {"55": {"days": 3, "on": "2027-01-01"}}}}}"#,
         #"scenarios.slow.delayed_bills.55, field "on": give days or on, not both"#),
        (#"{"scenarios": {"slow": {"ar_delay_days": 1.5}}}"#, #"scenarios.slow, field "ar_delay_days": expected a whole number"#),
        (#"{"schema_version": 2}"#, #"field "schema_version": 2 was written by a newer RowCol"#),
        (#"{"cash_floor": true}"#, #"field "cash_floor": expected an amount"#),
        (#"{"invoices": []}"#, #"invoices: expected an object"#),
        (#"[]"#, #"the top level"#),
        (#"{"colour": "blue"}"#, #"field "colour": unknown field; expected one of bills, cash_floor"#),
    ])
    func everyProblemNamesThePathAndTheField(text: String, message: String) {
        let problem = planProblem(text)
        #expect(problem.contains(message) || (message == "the top level" && problem.contains("expected an object")),
                "\(problem)")
    }

    @Test func aProblemNamesItsFileWhenTheCallerKnowsIt() {
        let error = PlanError(path: "invoices.130", field: "expect_on", message: "\"x\" is not a date; write YYYY-MM-DD")
            .inFile("advisors/ada/businesses/acme/plan.json")
        #expect(error.description == #"advisors/ada/businesses/acme/plan.json: invoices.130, field "expect_on": "x" is not a date; write YYYY-MM-DD"#)
        #expect(error.location == "invoices.130.expect_on")
    }

    @Test func editsKeepThePlanValid() throws {
        var plan = RunwayPlan()
        plan.expect(.invoice, Fixture.id("130"), on: LocalDate("2026-12-20"), note: "phone")
        plan.exclude(.bill, Fixture.id("55"), note: "disputed")
        #expect(plan.invoices["130"] == .init(expectOn: LocalDate("2026-12-20"), note: "phone"))
        plan.exclude(.invoice, Fixture.id("130"))
        #expect(plan.invoices["130"]?.expectOn == nil && plan.invoices["130"]?.exclude == true)
        plan.exclude(.invoice, Fixture.id("130"), false)
        #expect(plan.invoices["130"] == nil)
        #expect(throws: PlanError.self) {
            try plan.setOneOff("bad id", .init(name: "x", direction: .inflow, amount: 1, on: Fixture.day(1)))
        }
        #expect(plan.oneOffs.isEmpty)  // a refused edit changes nothing
        try plan.setScenario("slow", .init(arDelayDays: 14))
        #expect(throws: PlanError.self) { try plan.setScenario("base", .init()) }
        #expect(throws: PlanError.self) { _ = try plan.scenario(named: "fast") }
        #expect(try plan.scenario(named: "base") == nil)
        try plan.validate()
    }
}

@Suite struct PlanProjectionTests {
    let invoices = [customerInvoice("130", customer: "kim", due: 2, balance: "1200.00"),
                    customerInvoice("131", customer: "kim", due: 3, balance: "300.00")]
    let bills = [vendorBill("55", vendor: "acme", due: 4, balance: "500.00"),
                 vendorBill("56", vendor: "acme", due: 5, balance: "700.00")]

    @Test func expectedDatesExclusionsAndOneOffs() throws {
        var plan = RunwayPlan(cashFloor: 1000)
        plan.expect(.invoice, Fixture.id("130"), on: Fixture.day(20), note: "promised by phone")
        plan.exclude(.bill, Fixture.id("55"), note: "disputed")
        plan.expect(.bill, Fixture.id("56"), on: Fixture.day(-3))
        plan.expect(.bill, Fixture.id("gone"), on: Fixture.day(3))
        try plan.setOneOff("loan", .init(name: "SBA loan", direction: .inflow, amount: 25000, on: Fixture.day(36)))
        try plan.setOneOff("tax", .init(name: "Q3 tax", direction: .outflow, amount: 900, on: Fixture.day(-10)))
        try plan.setOneOff("later", .init(name: "Sale", direction: .inflow, amount: 1, on: Fixture.day(200)))
        let snapshot = Fixture.snapshot(bills: bills, invoices: invoices, balances: [Fixture.bank("1", Fixture.usd("2000"))],
                                        plan: plan)
        let moved = try #require(snapshot.invoice("130"))
        #expect(moved.expectedOn == Fixture.day(20) && moved.week == 3)
        #expect(moved.basis == ProjectionBasis(.plan, "expected on 2026-12-20 by the plan (promised by phone)"))
        let excluded = try #require(snapshot.bill("55"))
        #expect(excluded.expectedOn == nil && excluded.week == nil && excluded.projected == nil)
        #expect(excluded.basis?.text == "excluded from the projection by the plan (disputed)")
        #expect(snapshot.payables.excluded == Fixture.usd("500.00"))
        #expect(snapshot.payables.openTotal == Fixture.usd("1200.00"))  // still owed
        #expect(snapshot.bill("56")?.expectedOn == Fixture.asOfDate)
        #expect(snapshot.bill("56")?.basis?.text.contains("a date already past: expected now (week 1)") == true)
        #expect(snapshot.oneOffs.map(\.id) == ["tax", "loan", "later"])
        #expect(snapshot.oneOffs.map(\.week) == [nil, 6, nil])
        #expect(snapshot.warnings.first { $0.code == .planItemPast }?.ids == ["tax"])
        #expect(snapshot.warnings.first { $0.code == .planUnknownItem }?.ids == ["bill gone"])
        // Week 1: +300 (131) − 700 (56); week 3: +1,200; week 6: +25,000.
        #expect(snapshot.receiptsByWeek[0] == "300.00" && snapshot.disbursementsByWeek[0] == "700.00")
        #expect(snapshot.receiptsByWeek[2] == "1200.00")
        #expect(snapshot.receiptsByWeek[5] == "25000.00")
        #expect(snapshot.closings.last == "27800.00")
        #expect(snapshot.plan == PlanSummary(state: .applied, scenario: nil, scenarios: [], problem: nil))
        #expect(snapshot.alert.floor == Fixture.usd("1000"))
        #expect(snapshot.alert.breach == nil)  // week 1 closes at 2,000 + 300 − 700 = 1,600
        plan.cashFloor = 2000
        let higher = Fixture.snapshot(bills: bills, invoices: invoices, balances: [Fixture.bank("1", Fixture.usd("2000"))],
                                      plan: plan)
        #expect(higher.alert.breach == FloorAlert.Breach(week: 1, start: Fixture.asOfDate, closing: Fixture.usd("1600"),
                                                         shortfall: Fixture.usd("400")))
        #expect(higher.warningCodes.contains(.belowFloor))
        #expect(higher.weeksOfRunway == .beyondHorizon)
    }

    @Test func aBrokenPlanIsNotAppliedAndSaysSo() throws {
        var plan = RunwayPlan()
        plan.exclude(.invoice, Fixture.id("130"))
        let problem = PlanError(file: "advisors/adv-1/businesses/acme/plan.json", path: "invoices.130", field: "expect_on",
                                message: "\"soon\" is not a date; write YYYY-MM-DD")
        let snapshot = Fixture.snapshot(invoices: invoices, plan: plan, planProblem: problem)
        #expect(snapshot.invoice("130")?.week == 1)  // the exclusion was not applied
        #expect(snapshot.plan.state == .invalid)
        #expect(snapshot.plan.problem == problem.description)
        let flag = try #require(snapshot.flags.first { $0.code == .planInvalid })
        #expect(flag.message.hasPrefix("advisors/adv-1/businesses/acme/plan.json: invoices.130, field \"expect_on\""))
        #expect(flag.business == Fixture.business.business)
        #expect(Fixture.snapshot(invoices: invoices).plan.state == PlanSummary.State.none)
    }
}
