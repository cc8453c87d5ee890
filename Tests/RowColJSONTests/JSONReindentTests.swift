import Foundation
import RowColTestSupport
import Testing
@testable import RowColJSON

/// The store writes mirror documents by re-indenting the compact bytes of its log lines: that must
/// give exactly the pretty bytes of the same value, at any depth.
@Suite struct JSONReindentTests {
    @Test func reindentedCompactBytesArePrettyBytes() {
        var random = SeededGenerator(seed: 2016)
        var values: [JSONValue] = [
            .object([:]), .array([]), .object(["a": .array([]), "b": .object([:])]), "a\\\"b{}[],:", 0, .null,
            .array([.object([:]), .array([.array([])])]),
        ]
        for _ in 0..<2_000 { values.append(JSONValueTests.value(&random)) }
        for value in values {
            for level in [0, 1, 3] {
                let compact = value.serialized(.compact)
                var reindented: [UInt8] = []
                compact.withUnsafeBufferPointer { JSONLayout.reindent(compact: $0, level: level, into: &reindented) }
                var pretty: [UInt8] = []
                value.write(into: &pretty, layout: .pretty, level: level)
                #expect(reindented == pretty)
            }
        }
    }
}
