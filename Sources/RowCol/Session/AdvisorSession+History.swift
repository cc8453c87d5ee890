import Foundation
import RowColDomain
import RowColSync

extension AdvisorSession {
    /// The paid past of one business, for learning its cash timing: the invoices its customers
    /// paid and the bills it paid (each with its due date and the date it was actually paid), and
    /// its purchases (checks, cash and card expenses that never were bills).
    ///
    /// Read through the gateways as any answer is: the mirror is refreshed first when `strict`
    /// (or `STRICT_ON_SNAPSHOT`, when `strict` is nil) asks, or a kind is past its TTL; when QBO
    /// cannot be reached the answer comes from the mirror with its flags.
    ///
    /// ```swift
    /// let past = try await session.history(of: acme, since: LocalDate("2026-01-01"))
    /// for invoice in past.history.paidInvoices { print(invoice.party.displayName, invoice.daysLate) }
    /// ```
    /// - Parameter since: only what was paid (purchases: dated) on or after this day.
    /// - Throws: `StoreError` when the business does not exist.
    public func history(of business: BusinessID, since: LocalDate? = nil, strict: Bool? = nil) async throws
        -> HistoryAnswer
    {
        let hint: FreshnessHint = (strict ?? configuration.strictOnSnapshot) ? .strict : .cachedOK
        return try await gateways.history(HistoryQuery(business: ref(business), hint: hint, since: since))
    }
}
