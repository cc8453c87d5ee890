import Foundation
import RowColDomain
import RowColJSON
import RowColRunway
import Testing

struct AdvisorConsoleTests {
    static func ref(_ business: String, advisor: AdvisorID = Fixture.advisor) -> BusinessRef {
        BusinessRef(advisor: advisor, business: BusinessID(rawValue: business)!)
    }

    static func flag(_ business: String) -> HygieneFlag {
        HygieneFlag(code: .mirrorStale, business: BusinessID(rawValue: business)!, entity: .invoice, since: Fixture.asOf,
                    message: "invoices are 20 minutes old; run rowcol sync")
    }

    /// A business that runs out in `week` with `cash` and one bill, or never runs out when `bill` is zero.
    static func business(_ id: String, cash: String, bill: String, due: Int, flags: Int = 0) -> RunwaySnapshot {
        Fixture.snapshot(
            name: "Business \(id)", business: ref(id),
            bills: [Fixture.bill("b", due: Fixture.day(due), balance: Fixture.usd(bill))],
            balances: [Fixture.bank("1", Fixture.usd(cash))],
            flags: Array(repeating: flag(id), count: flags))
    }

    @Test func ranksByWeeksOfRunwayThenLowestClosingThenFlags() throws {
        let snapshots = [
            Self.business("healthy", cash: "10000.00", bill: "100.00", due: 3),            // 13+, lowest 9,900
            Self.business("week5", cash: "100.00", bill: "500.00", due: 30),                // runs out in week 5
            Self.business("week2-small", cash: "100.00", bill: "150.00", due: 8),           // week 2, lowest −50
            Self.business("week2-deep", cash: "100.00", bill: "900.00", due: 8),            // week 2, lowest −800
            Self.business("tight-flagged", cash: "1000.00", bill: "900.00", due: 3, flags: 2), // 13+, lowest 100
            Self.business("tight-clean", cash: "1000.00", bill: "900.00", due: 3),          // 13+, lowest 100
        ]
        let console = try AdvisorConsole(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: snapshots)
        #expect(console.rows.map(\.business.business.rawValue)
                == ["week2-deep", "week2-small", "week5", "tight-flagged", "tight-clean", "healthy"])
        #expect(console.rows.map(\.rank) == [1, 2, 3, 4, 5, 6])
        #expect(console.rows.map(\.weeksOfRunway.label) == ["2", "2", "5", "13+", "13+", "13+"])
        let first = try #require(console.rows.first)
        #expect(first.lowestWeek.closing == Fixture.usd("-800.00"))
        #expect(first.cashOnHand == Fixture.usd("100.00"))
        #expect(first.payablesTotal == Fixture.usd("900.00"))
        #expect(console.rows[3].flagCodes == ["mirror.stale"])
        #expect(console.rows[3].flagCount == 2)
        #expect(console.rows[3].freshness == .stale)  // the balances input is stale in the fixture
    }

    @Test func refusesAnotherAdvisorsBusiness() {
        let other = AdvisorID(rawValue: "adv-2")!
        let snapshot = Fixture.snapshot(business: Self.ref("theirs", advisor: other))
        #expect(throws: AdvisorConsoleError.self) {
            try AdvisorConsole(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: [snapshot])
        }
    }

    @Test func refusesTheSameBusinessTwice() {
        let snapshot = Fixture.snapshot()
        #expect(throws: AdvisorConsoleError.self) {
            try AdvisorConsole(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: [snapshot, snapshot])
        }
    }

    @Test func consoleRendersOneLinePerBusinessWithoutColourWhenOff() throws {
        let console = try AdvisorConsole(
            advisor: Fixture.advisor, asOf: Fixture.asOf,
            snapshots: [Self.business("a", cash: "1234567.00", bill: "1.00", due: 1),
                        Self.business("b", cash: "10.00", bill: "20.00", due: 1)])
        let text = TerminalReport.render(console, useColor: false)
        #expect(!text.contains("\u{1B}"))
        let lines = text.split(separator: "\n").map(String.init)
        let rowA = try #require(lines.first { $0.contains("Business a (a)") })
        let rowB = try #require(lines.first { $0.contains("Business b (b)") })
        #expect(try #require(lines.firstIndex(of: rowB)) < lines.firstIndex(of: rowA)!)
        #expect(rowA.contains("1,234,567.00"))
        #expect(rowB.contains("-10.00"))
        // Columns line up: the cash column ends at the same offset on both rows.
        let endA = try #require(rowA.range(of: "1,234,567.00")).upperBound.utf16Offset(in: rowA)
        let endB = try #require(rowB.range(of: "10.00 ")).lowerBound.utf16Offset(in: rowB) + 5
        #expect(endA == endB)
        #expect(TerminalReport.render(console, useColor: true).contains("\u{1B}["))
    }

    @Test func consoleJSONIsSortedSnakeCase() throws {
        let console = try AdvisorConsole(advisor: Fixture.advisor, asOf: Fixture.asOf,
                                          snapshots: [Self.business("a", cash: "1.00", bill: "2.00", due: 1)])
        let text = try jsonText(console)
        #expect(text.contains("\"advisor_id\" : \"adv-1\""))
        #expect(text.contains("\"as_of\" : \"2026-11-30T08:15:00.000Z\""))
        #expect(text.contains("\"weeks_of_runway\""))
        let decoded = try JSONValue.decode(AdvisorConsole.self, from: Array(text.utf8))
        #expect(decoded == console)
    }
}

struct AdvisorConsoleHTMLTests {
    @Test func consolePageEscapesNamesAndListsEveryBusinessInRankOrder() throws {
        let hostile = Fixture.snapshot(name: "<b>Evil</b> & Co", business: AdvisorConsoleTests.ref("evil"),
                                       bills: [Fixture.bill("b", due: Fixture.day(1), balance: Fixture.usd("5.00"))])
        let fine = Fixture.snapshot(name: "Fine Ltd", business: AdvisorConsoleTests.ref("fine"),
                                    balances: [Fixture.bank("1", Fixture.usd("10.00"))])
        let console = try AdvisorConsole(advisor: Fixture.advisor, asOf: Fixture.asOf, snapshots: [fine, hostile])
        let html = HTMLReport.render(console)
        #expect(!html.contains("<b>Evil"))
        #expect(html.contains("&lt;b&gt;Evil&lt;/b&gt; &amp; Co"))
        let evil = try #require(html.range(of: "Evil"))
        let fineAt = try #require(html.range(of: "Fine Ltd"))
        #expect(evil.lowerBound < fineAt.lowerBound)
        #expect(html.contains("<code>runway.no_bank_account</code>"))
        #expect(!html.contains("src=") && !html.contains("href="))
    }
}
