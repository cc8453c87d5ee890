import Foundation
import RowColDomain
import RowColJSON
import RowColRunway
import Testing

struct ReportTests {
    static let hostile = "<script>alert('x')</script> & \"Sons\"\u{1B}[2J"

    static func sample() -> RunwaySnapshot {
        Fixture.snapshot(
            name: "Acme & <Co>",
            bills: [Fixture.bill("b1", due: Fixture.day(3), balance: Fixture.usd("1234.50"), vendor: hostile),
                    Fixture.bill("b2", due: Fixture.day(-40), balance: Fixture.usd("99.99"))],
            invoices: [Fixture.invoice("i1", due: Fixture.day(30), balance: Fixture.usd("2500.00"))],
            balances: [Fixture.bank("1", Fixture.usd("1000.00"), name: "Operating"),
                       Fixture.bank("eur", Money(10, Fixture.eur), name: "Euro account")],
            payments: [Fixture.payment("p1", bill: "b1", amount: Fixture.usd("1000.00"), payOn: Fixture.day(15))],
            flags: [HygieneFlag(code: .railOffline, business: Fixture.business.business, entity: .balance,
                                since: Fixture.asOf, message: "QBO could not be reached; showing the mirror")])
    }

    @Test func amountsAreGroupedAndRoundedOnlyForDisplay() throws {
        #expect(DisplayFormat.amount(0) == "0.00")
        #expect(DisplayFormat.amount(try #require(Decimal(string: "1234567.891"))) == "1,234,567.89")
        #expect(DisplayFormat.amount(try #require(Decimal(string: "-1000.005"))) == "-1,000.01")
        #expect(DisplayFormat.amount(try #require(Decimal(string: "-0.004"))) == "0.00")
        #expect(DisplayFormat.amount(999) == "999.00")
        #expect(DisplayFormat.amount(100_000) == "100,000.00")
    }

    @Test func terminalOutputHasNoANSICodesWhenColourIsOff() {
        let text = TerminalReport.render(Self.sample(), useColor: false)
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("13-week projection"))
        #expect(text.contains("Weeks of runway: runs out in week 3"))
        #expect(text.contains("1,234.50"))
        #expect(text.contains("rail.offline"))
        #expect(text.contains("runway.currency_unconverted"))
        #expect(text.contains("average_weekly_net_outflow_13w"))
        // The vendor's escape sequence is neutralised, not passed to the terminal.
        #expect(text.contains("?[2J"))
    }

    @Test func terminalColourOnlyWhenAsked() {
        let text = TerminalReport.render(Self.sample(), useColor: true)
        #expect(text.contains("\u{1B}[1;31mWeeks of runway"))
        #expect(!text.contains("\u{1B}[2J"))  // colour on still never lets QBO text through raw
    }

    @Test func terminalWeekTableIsAligned() throws {
        let text = TerminalReport.render(Self.sample(), useColor: false)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("  Week  Starts") })
        let table = lines[header..<(header + 15)]
        #expect(Set(table.map(\.count)).count == 1)  // every row as wide as the header: right-aligned amounts
        #expect(table.last?.contains("2027-02-22") == true)
    }

    @Test func htmlEscapesHostileNamesAndEmbedsTheChart() {
        let html = HTMLReport.render(Self.sample())
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Sons&quot;"))
        #expect(html.contains("<title>Cash runway: Acme &amp; &lt;Co&gt;</title>"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(html.contains("<polyline class=\"closing\""))
        #expect(html.contains("<line class=\"zero\""))
        #expect(html.contains("class=\"receipts\"") && html.contains("class=\"disbursements\""))
        #expect(html.components(separatedBy: "<circle").count - 1 == 13)
        #expect(html.contains("<style>"))
        // Self-contained: no external assets or scripts.
        #expect(!html.contains("src="))
        #expect(!html.contains("<link"))
        #expect(!html.contains("href="))
        #expect(html.contains("rail.offline"))
    }

    @Test func snapshotJSONIsStableSortedSnakeCaseAndRoundTrips() throws {
        let snapshot = Self.sample()
        let text = try jsonText(snapshot)
        #expect(text.contains("\"as_of\" : \"2026-11-30T08:15:00.000Z\""))
        #expect(text.contains("\"as_of_date\" : \"2026-11-30\""))
        #expect(text.contains("\"home_currency\" : \"USD\""))
        #expect(text.contains("\"method\" : \"average_weekly_net_outflow_13w\""))
        #expect(text.contains("\"amount\" : 1234.5"))
        #expect(text.contains("\"first_negative_week\" : 3"))
        #expect(text.contains("\"schema_version\" : 2"))
        #expect(text.contains("\"expected_on\" : \""))
        #expect(text.contains("\"basis\" : {"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object.keys.sorted() == [
            "alert", "ap", "ar", "as_of", "as_of_date", "burn", "business", "cash", "flags", "freshness",
            "home_currency", "lowest_week", "one_offs", "plan", "rates", "recurring", "scheduled_payments",
            "schema_version", "unconverted", "warnings", "week_rule", "weeks", "weeks_of_runway",
        ])
        // Keys are sorted at every level, so the same snapshot always prints the same bytes.
        let apIndex = try #require(text.range(of: "\"ap\""))
        let arIndex = try #require(text.range(of: "\"ar\""))
        #expect(apIndex.lowerBound < arIndex.lowerBound)
        #expect(try jsonText(snapshot) == text)
        let decoded = try JSONValue.decode(RunwaySnapshot.self, from: Array(text.utf8))
        #expect(decoded == snapshot)
    }

    /// `rowcol snapshot --json` prints through the JSON leaf's tree encoder and byte writer: the
    /// bytes JSONEncoder(layout: .pretty) writes, for the sample and for a business with no items.
    @Test func snapshotBytesThroughTheTreeEncoderAreJSONEncoders() throws {
        for snapshot in [Self.sample(), Fixture.snapshot()] {
            let expected = [UInt8](try JSONEncoder(layout: .pretty).encode(snapshot))
            #expect(try JSONValue.encode(snapshot, layout: .pretty) == expected)
        }
    }

    @Test func beyondHorizonRunwayIsWrittenWithAnExplicitNull() throws {
        let text = try jsonText(Fixture.snapshot())
        #expect(text.contains("\"first_negative_week\" : null"))
        #expect(text.contains("\"label\" : \"13+\""))
    }
}

struct ReportEdgeTests {
    @Test(arguments: [
        (true, [String: String](), true), (false, [:], false), (true, ["NO_COLOR": "1"], false),
        (true, ["NO_COLOR": ""], true),
    ])
    func colourOnlyOnATerminalWithoutNoColor(isTerminal: Bool, environment: [String: String], expected: Bool) {
        #expect(TerminalReport.shouldUseColor(isTerminal: isTerminal, environment: environment) == expected)
    }

    @Test func htmlHasNoControlCharacters() {
        let html = HTMLReport.render(ReportTests.sample())
        #expect(!html.unicodeScalars.contains { $0.value == 0x1B })
        #expect(html.contains("&quot;Sons&quot;\u{FFFD}[2J"))
    }

    @Test func emptyBusinessRendersEverywhere() throws {
        let snapshot = Fixture.snapshot()
        let text = TerminalReport.render(snapshot, useColor: false)
        #expect(text.contains("Open bills: none"))
        #expect(text.contains("runway.no_bank_account"))
        let html = HTMLReport.render(snapshot)
        #expect(html.contains("No active bank account."))
        #expect(html.contains("<polyline class=\"closing\""))
        #expect(!html.contains("nan") && !html.contains("inf"))
    }

    @Test func paymentInAnotherCurrencyThanItsBillIsNotDeducted() {
        let snapshot = Fixture.snapshot(
            bills: [Fixture.bill("b1", due: Fixture.day(2), balance: Fixture.usd("100.00"))],
            balances: [Fixture.bank("1", Fixture.usd("1000.00"))],
            payments: [Fixture.payment("p1", bill: "b1", amount: Money(50, Fixture.eur), payOn: Fixture.day(3))],
            rates: [Fixture.eur: 2])
        #expect(snapshot.weeks[0].disbursements == Fixture.usd("200.00"))  // 100 bill + 50 EUR × 2
        #expect(snapshot.warningCodes.contains(.paymentCurrencyMismatch))
    }
}
