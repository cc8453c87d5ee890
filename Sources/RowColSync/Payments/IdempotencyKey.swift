import Crypto
import Foundation
import RowColDomain

/// The idempotency key of a bill-payment approval.
///
/// Derived from everything that makes two approvals "the same payment" — advisor, business, bill,
/// amount and pay-on date — so approving twice, from one process or two, yields one key, one
/// `requestid` sent to QBO and one payment document. The key is also the payment's id in the mirror.
public struct IdempotencyKey: Hashable, Sendable, CustomStringConvertible {
    /// `rc1-` followed by 40 hex digits of SHA-256: short enough for QBO's 50-character `requestid`
    /// and a valid ``EntityID``.
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Derives the key of a payment approval.
    public static func billPayment(
        business: BusinessRef, billID: EntityID, amount: Money, payOn: LocalDate
    ) -> IdempotencyKey {
        let canonical = [
            "billpayment.create", business.advisor.rawValue, business.business.rawValue, billID.rawValue,
            amount.decimalText, amount.currency.rawValue, payOn.description,
        ].joined(separator: "\u{1F}")
        let digest = SHA256.hash(data: Data(canonical.utf8))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        return IdempotencyKey(rawValue: "rc1-" + hex.prefix(40))
    }

    /// The payment's id in the mirror.
    public var paymentID: PaymentID { PaymentID(unchecked: rawValue) }

    /// The marker written into the payment's `PrivateNote`, so that RowCol can find the payment in
    /// QBO after an ambiguous failure (QBO's own `requestid` replay is reported unreliable).
    public var privateNoteMarker: String { "rowcol:\(rawValue)" }

    public var description: String { rawValue }
}
