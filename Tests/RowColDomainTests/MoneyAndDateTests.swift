import Foundation
import Testing
import RowColDomain

struct MoneyTests {
    @Test func parsesExactDecimalText() throws {
        let money = try #require(Money("1234.50", .usd))
        #expect(money.amount == Decimal(string: "1234.5"))
        #expect(money.decimalText == "1234.50")
        #expect(try Money("0.1", .usd)!.adding(Money("0.2", .usd)!) == Money("0.3", .usd)!)
    }

    @Test(arguments: ["", "-", "1e5", "1,000.00", " 12", "12.3.4", "NaN", "0x10"])
    func refusesNonDecimalText(_ text: String) {
        #expect(Money(text, .usd) == nil)
    }

    @Test func refusesMixedCurrencies() {
        let eur = CurrencyCode(rawValue: "eur")!
        #expect(throws: CurrencyMismatch.self) { try Money(1, .usd).adding(Money(1, eur)) }
    }

    @Test func roundTripsThroughJSONWithoutLosingDigits() throws {
        let money = try #require(Money("12345678901234567.89", .usd))
        let data = try JSONEncoder().encode(money)
        #expect(try JSONDecoder().decode(Money.self, from: data) == money)
        #expect(String(decoding: data, as: UTF8.self).contains("12345678901234567.89"))
    }
}

struct LocalDateTests {
    @Test func parsesAndPrintsISODates() throws {
        let date = try #require(LocalDate("2024-02-29"))
        #expect(date.description == "2024-02-29")
        #expect(date.adding(days: 1).description == "2024-03-01")
        #expect(LocalDate("2023-02-29") == nil)
        #expect(LocalDate("2024-2-9") == nil)
        #expect(LocalDate("1970-01-01")?.daysSinceEpoch == 0)
        #expect(LocalDate("1969-12-31")?.daysSinceEpoch == -1)
    }

    @Test func weekdaysAreISO() {
        #expect(LocalDate("2026-11-30")?.isoWeekday == 1)  // a Monday
        #expect(LocalDate("2026-11-29")?.isoWeekday == 7)
    }

    @Test func dateOfAnInstantIgnoresTheMachineZone() {
        let instant = Date(timeIntervalSince1970: 1_764_460_799)  // 2025-11-29T23:59:59Z
        #expect(LocalDate(instant).description == "2025-11-29")
        #expect(LocalDate(Date(timeIntervalSince1970: -1)).description == "1969-12-31")
    }
}

@Suite struct DateTextTests {
    @Test func datesAreWrittenZeroPadded() {
        #expect(LocalDate("0999-01-02")?.description == "0999-01-02")
        #expect(LocalDate("2026-11-28")?.description == "2026-11-28")
        #expect(LocalDate.digits(7, 3) == "007")
        #expect(LocalDate.digits(12345, 2) == "12345")
        #expect(LocalDate.digits(-5, 2) == "-05")
        for days in stride(from: -719_000, to: 2_900_000, by: 997) {  // years 1 to about 9900
            let date = LocalDate(daysSinceEpoch: days)
            #expect(LocalDate(date.description) == date, "\(days)")
        }
    }
}
