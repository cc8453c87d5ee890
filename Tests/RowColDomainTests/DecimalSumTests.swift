import Foundation
import RowColTestSupport
import Testing
@testable import RowColDomain

/// Runway totals add amounts as integers (`DecimalSum`): the total must be the `Decimal` sum of
/// the same values, stored alike, whatever the values: cents, more decimals than the integer
/// part keeps, mantissas past 64 bits, sums past `Int64`, negatives, subtractions.
@Suite struct DecimalSumTests {
    static func value(_ random: inout SeededGenerator) -> Decimal {
        let texts = [
            "0", "1", "-1", "0.01", "1234.56", "-99.99", "0.000001", "0.0000001", "-3.14159265358979",
            "9223372036854.775807", "9223372036854775807", "18446744073709551615", "1234567890123456789012",
            "1e20", "-1e-10", "5e3",
        ]
        if random.chance(2) { return Decimal(string: random.pick(texts))! }
        let cents = Int64(random.int(2_000_000_000)) - 1_000_000_000
        return Decimal(sign: cents < 0 ? .minus : .plus, exponent: -random.int(8), significand: Decimal(cents.magnitude))
    }

    static func storage(_ value: Decimal) -> [UInt8] {
        var copy = value
        return withUnsafeBytes(of: &copy) { Array($0) }
    }

    @Test func totalsAreTheDecimalSumsOfTheSameValues() {
        #expect(DecimalSum.layoutHolds, "this Foundation's Decimal is read as laid out")
        var random = SeededGenerator(seed: 7)
        var integerAdds = 0
        for round in 0..<500 {
            var sum = DecimalSum()
            var expected: Decimal = 0
            for _ in 0..<(1 + random.int(40)) {
                let value = Self.value(&random)
                if DecimalSum.units(of: value) != nil { integerAdds += 1 }
                if random.chance(3) {
                    sum -= value
                    expected -= value
                } else {
                    sum += value
                    expected += value
                }
            }
            #expect(sum.total == expected, "round \(round)")
            #expect(Self.storage(sum.total) == Self.storage(expected), "round \(round): \(sum.total) stored as the Decimal sum")
            #expect(sum.description == expected.description)
        }
        #expect(integerAdds > 1_000, "most values took the integer path")
        #expect(DecimalSum().total == 0)
        #expect(DecimalSum.units(of: Decimal(string: "0.0000001")!) == nil, "seven decimals: added as a Decimal")
        #expect(DecimalSum.units(of: Decimal(string: "-12.5")!) == -12_500_000)
        #expect(DecimalSum.units(of: .nan) == nil)
    }
}
