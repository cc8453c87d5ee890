import Foundation

/// Whole cents, the seeders' unit of money: exact, cheap to add, and turned into the wire's
/// `Decimal` (or `LineEx`'s `"81.00"`) without ever passing through `Double`.
enum Cents {
    /// Built from its digits and exponent: a `Decimal` division costs a hundred times more, which
    /// matters for a company of 100,000 bills.
    static func amount(_ cents: Int) -> Decimal {
        Decimal(sign: cents < 0 ? .minus : .plus, exponent: -2, significand: Decimal(cents.magnitude))
    }

    /// `8100` → `"81.00"`, as QBO writes an amount inside `LineEx`.
    static func text(_ cents: Int) -> String {
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return (cents < 0 ? "-" : "") + "\(magnitude / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}
