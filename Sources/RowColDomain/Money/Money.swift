import Foundation

/// An ISO 4217 currency code such as `USD`.
public struct CurrencyCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts three ASCII letters, upper-casing them.
    public init?(rawValue: String) {
        let upper = rawValue.uppercased()
        guard upper.utf8.count == 3, upper.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
        else { return nil }
        self.rawValue = upper
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let code = CurrencyCode(rawValue: raw) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "invalid currency code \"\(raw)\""))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static let usd = CurrencyCode(rawValue: "USD")!
}

/// An exact amount of money in one currency.
///
/// The amount is a `Decimal`, parsed from and written as decimal text: money never passes
/// through `Double`. Arithmetic across currencies is refused rather than summed silently.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public var amount: Decimal
    public var currency: CurrencyCode

    public init(_ amount: Decimal, _ currency: CurrencyCode) {
        self.amount = amount
        self.currency = currency
    }

    /// Parses decimal text such as `"1234.50"` or `"-0.07"` exactly.
    public init?(_ text: String, _ currency: CurrencyCode) {
        guard let amount = Money.parseDecimal(text) else { return nil }
        self.init(amount, currency)
    }

    public static func zero(_ currency: CurrencyCode) -> Money { Money(0, currency) }

    public var isZero: Bool { amount == 0 }
    public var isPositive: Bool { amount > 0 }
    public var isNegative: Bool { amount < 0 }

    /// The amount as plain decimal text with at least two fraction digits (`1234.50`).
    public var decimalText: String { Money.format(amount, minimumFractionDigits: 2) }

    public var description: String { "\(decimalText) \(currency)" }

    /// Adds two amounts of the same currency.
    /// - Throws: ``CurrencyMismatch`` when the currencies differ.
    public func adding(_ other: Money) throws(CurrencyMismatch) -> Money {
        guard currency == other.currency else { throw CurrencyMismatch(left: currency, right: other.currency) }
        return Money(amount + other.amount, currency)
    }

    /// Subtracts an amount of the same currency.
    public func subtracting(_ other: Money) throws(CurrencyMismatch) -> Money {
        try adding(other.negated)
    }

    public var negated: Money { Money(-amount, currency) }

    /// Parses a plain decimal literal (`-12.50`, `3`, `0.125`), refusing exponents, spaces and junk.
    public static func parseDecimal(_ text: String) -> Decimal? {
        var digitsSeen = false
        var dotSeen = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digitsSeen = true
            case UInt8(ascii: "-") where index == 0: continue
            case UInt8(ascii: "+") where index == 0: continue
            case UInt8(ascii: ".") where !dotSeen: dotSeen = true
            default: return nil
            }
        }
        guard digitsSeen, text.utf8.count <= 40 else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Formats a decimal without grouping, padding the fraction to `minimumFractionDigits`.
    public static func format(_ value: Decimal, minimumFractionDigits: Int) -> String {
        var text = value.description
        if text.hasPrefix("-0") && value == 0 { text = "0" }
        let fraction = text.split(separator: ".", maxSplits: 1).dropFirst().first?.count ?? 0
        if fraction < minimumFractionDigits {
            text += (fraction == 0 ? "." : "") + String(repeating: "0", count: minimumFractionDigits - fraction)
        }
        return text
    }
}

/// Two amounts in different currencies were combined.
public struct CurrencyMismatch: Error, Hashable, Sendable, CustomStringConvertible {
    public let left: CurrencyCode
    public let right: CurrencyCode
    public var description: String { "cannot combine \(left) and \(right) amounts without an exchange rate" }
}

extension Decimal {
    /// Rounds to `scale` fraction digits, half away from zero (banker's rounding is not what invoices use).
    public func rounded(scale: Int) -> Decimal {
        var source = self
        var result = Decimal()
        NSDecimalRound(&result, &source, scale, .plain)
        return result
    }
}
