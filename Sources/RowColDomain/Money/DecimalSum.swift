import Foundation

/// An exact total of `Decimal`s, added as 64-bit integers where they fit.
///
/// Foundation's `Decimal` arithmetic on Linux costs about 2.5 µs an addition: a runway of 25,000
/// open items spent half its projection adding amounts. Amounts with at most ``scale`` decimals
/// and a 64-bit mantissa, which is every amount QBO sends, are added here as integers of
/// 10^-``scale``; anything else is added as a `Decimal`. Either way the total is exact, the
/// `Decimal` sum of the same values (Foundation keeps decimals compact, so it is stored alike too).
public struct DecimalSum: Sendable, CustomStringConvertible {
    /// Decimals the integer part keeps: 10^-6, finer than any currency's minor unit.
    public static let scale = 6

    private var units: Int64 = 0
    /// What did not fit the integer part, added as `Decimal`s.
    private var rest: Decimal?

    /// A total of zero.
    public init() {}

    /// Adds `value` exactly.
    public mutating func add(_ value: Decimal) { accumulate(value, negated: false) }

    /// Subtracts `value` exactly.
    public mutating func subtract(_ value: Decimal) { accumulate(value, negated: true) }

    private mutating func accumulate(_ value: Decimal, negated: Bool) {
        if let count = Self.units(of: value) {
            // `count` is never Int64.min (its magnitude fits Int64.max), so negating it cannot overflow.
            let (sum, overflow) = units.addingReportingOverflow(negated ? -count : count)
            if !overflow {
                units = sum
                return
            }
        }
        rest = negated ? (rest ?? 0) - value : (rest ?? 0) + value
    }

    /// Adds `value` exactly (``add(_:)``).
    public static func += (total: inout DecimalSum, value: Decimal) { total.add(value) }
    /// Subtracts `value` exactly (``subtract(_:)``).
    public static func -= (total: inout DecimalSum, value: Decimal) { total.subtract(value) }

    /// The total.
    public var total: Decimal {
        let whole = Decimal(sign: units < 0 ? .minus : .plus, exponent: -Self.scale, significand: Decimal(units.magnitude))
        guard let rest else { return whole }
        return rest + whole
    }

    /// The total's text, as `Decimal` writes it.
    public var description: String { total.description }

    /// `value` in units of 10^-scale, or nil when it has more decimals, does not fit, or its
    /// storage is not laid out as ``layoutHolds`` checked.
    static func units(of value: Decimal) -> Int64? {
        guard layoutHolds, let (negative, exponent, mantissa) = parts(of: value) else { return nil }
        let shift = exponent + scale
        guard shift >= 0, shift < powersOfTen.count, mantissa <= UInt64(Int64.max) else { return nil }
        let (scaled, overflow) = Int64(mantissa).multipliedReportingOverflow(by: powersOfTen[shift])
        guard !overflow else { return nil }
        return negative ? -scaled : scaled
    }

    private static let powersOfTen: [Int64] = (0...18).map { power in (0..<power).reduce(Int64(1)) { total, _ in total * 10 } }

    /// Sign, exponent and mantissa read from `Decimal`'s storage (exponent in the first byte,
    /// length and sign in the second, the mantissa as little-endian 16-bit words from the fifth),
    /// for mantissas of at most 64 bits; nil for longer ones and NaN.
    private static func parts(of value: Decimal) -> (negative: Bool, exponent: Int, mantissa: UInt64)? {
        var copy = value
        return withUnsafeBytes(of: &copy) { raw in
            let length = Int(raw[1] >> 4)
            let negative = raw[1] & 0x08 != 0
            guard length <= 4, length > 0 || !negative else { return nil }
            var mantissa: UInt64 = 0
            for word in 0..<length {
                mantissa |= (UInt64(raw[4 + 2 * word]) | UInt64(raw[5 + 2 * word]) << 8) << (16 * UInt64(word))
            }
            return (negative, Int(Int8(bitPattern: raw[0])), mantissa)
        }
    }

    /// Whether this Foundation's `Decimal` is laid out as ``parts(of:)`` reads it: checked once on
    /// values built through its public API; otherwise every value is added as a `Decimal`.
    static let layoutHolds: Bool = {
        guard MemoryLayout<Decimal>.size == 20 else { return false }
        let samples: [(Bool, Int, UInt64)] = [
            (false, 0, 7), (true, -2, 12_345), (false, 3, 1), (true, -6, 999_999), (false, -1, 65_536),
            (false, 0, UInt64(UInt32.max) + 5), (true, -4, 1 << 60),
        ]
        for (negative, exponent, mantissa) in samples {
            let value = Decimal(sign: negative ? .minus : .plus, exponent: exponent, significand: Decimal(mantissa))
            // Foundation keeps values compact: compare with the compact form of the sample.
            var (m, e) = (mantissa, exponent)
            while m % 10 == 0 { m /= 10; e += 1 }
            guard let read = parts(of: value), read.negative == negative, read.exponent == e, read.mantissa == m else {
                return false
            }
        }
        return parts(of: 0).map { $0.mantissa == 0 } ?? false
    }()
}
