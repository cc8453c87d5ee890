/// How money left or came in: QBO's `PaymentType` of a purchase or `PayType` of a bill payment.
///
/// Kept as QBO wrote it, so a method this version does not know is carried, not refused.
public struct PaymentMethod: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// A check written from a bank account.
    public static let check = PaymentMethod(rawValue: "Check")
    /// Cash, or an expense paid straight from a bank account (a debit, a transfer).
    public static let cash = PaymentMethod(rawValue: "Cash")
    /// A credit card charge: the cash leaves later, when the card is paid.
    public static let creditCard = PaymentMethod(rawValue: "CreditCard")

    public var description: String { rawValue }
}
