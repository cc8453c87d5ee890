import Foundation

/// The seeded history's source of chance: whole numbers only (amounts are cents), so the same
/// seed gives the same company on every platform and no amount passes through `Double`.
struct SeedDice {
    private var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }

    mutating func day(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &generator) }

    /// True `percent` times in a hundred.
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }

    /// `cents` moved by a whole percentage drawn from `percents` (`vary(10_000, -5...5)`: ±5 %).
    mutating func vary(_ cents: Int, _ percents: ClosedRange<Int>) -> Int { cents * (100 + int(percents)) / 100 }

    mutating func shuffle<T>(_ values: inout [T]) { values.shuffle(using: &generator) }
}
