import Foundation
import RowColTestSupport
import Testing
@testable import RowColJSON

/// `DecimalText` writes amounts without `Decimal.description`; it must write description's bytes.
@Suite struct DecimalTextTests {
    @Test func theStorageLayoutIsTheOneReadHere() {
        // Otherwise every number silently takes the slow path: still right, but this should know.
        #expect(DecimalText.layoutHolds)
    }

    @Test func writesWhatDescriptionWrites() throws {
        var random = SeededGenerator(seed: 1616)
        var values: [Decimal] = [
            "0", "1", "-1", "0.5", "1.50", "-0.000123", "123456789012345678", "12345678901234567890123456789",
            "1e30", "2.5E-7", "99999999999999999999", "18446744073709551615", "18446744073709551616", "100",
            "0.01", "-42.4200", "1e127", "1e-127", "-5e-10", "12e5", "0.000",
        ].map { Decimal(string: $0)! }
        values.append(.nan)
        values.append(Decimal(1) / Decimal(3))
        for _ in 0..<20_000 {
            var value = Decimal(Int64(bitPattern: random.next()) % 100_000_000_000)
            for _ in 0..<random.int(9) { value /= 10 }
            if random.int(4) == 0 { value = value * Decimal(random.int(1000) + 1) / Decimal(random.int(100) + 1) }
            values.append(value)
            values.append(Decimal(string: "\(random.int(2_000_000) - 1_000_000).\(random.int(100))")!)
        }
        for value in values {
            #expect(DecimalText.text(value) == value.description)
        }
    }
}
