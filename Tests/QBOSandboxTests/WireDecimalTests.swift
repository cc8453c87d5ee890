import Foundation
import RowColTestSupport
import Testing
@testable import QBOSandbox

/// The sandbox writes amounts without `Decimal.description`; it must write description's bytes.
@Suite struct WireDecimalTests {
    @Test func writesWhatDescriptionWrites() {
        #expect(WireDecimal.layoutHolds)
        var random = RowColTestSupport.SeededGenerator(seed: 4010)
        var values: [Decimal] = ["0", "1", "-1", "1.50", "-0.000123", "12345678901234567890123456789", "1e30", "0.01"]
            .map { Decimal(string: $0)! }
        values.append(.nan)
        for _ in 0..<10_000 {
            var value = Decimal(Int64(bitPattern: random.next()) % 100_000_000_000)
            for _ in 0..<random.int(9) { value /= 10 }
            values.append(value)
        }
        for value in values { #expect(WireDecimal.text(value) == value.description) }
    }

    @Test func serialisesLikeBeforeWithSortedKeysAndEscapes() {
        let value: WireJSON = ["b": [1, "x\"\\\n\t\u{1}é"], "a": ["z": .null, "y": true, "Amount": .number(Decimal(string: "-12.50")!)]]
        #expect(value.serialized() == #"{"a":{"Amount":-12.5,"y":true,"z":null},"b":[1,"x\"\\\n\t\u0001é"]}"#)
    }
}
