import Foundation
import RowColDomain
import RowColSync

/// An advisor's bill payments: approving them exactly once, and where each stands.
///
/// ```swift
/// let payment = try await session.payments.pay(bill: id, of: acme, amount: 1250, on: day)
/// if payment.state == .pending { print("queued: the next sync confirms it or sends it") }
/// ```
public struct AdvisorPayments: Sendable {
    let session: AdvisorSession

    /// Approves a payment of `amount` (in the bill's currency) exactly once: the same approval again,
    /// from this process or another, returns the same payment and never pays twice.
    ///
    /// - Returns: the payment, `sent` when QBO took it, `pending` when it waits in the outbox (QBO
    ///   offline, throttled, or its answer lost: the next sync confirms it in QBO or sends it), or
    ///   `rejected` with the reason.
    /// - Throws: ``SyncError`` when the bill is not in the mirror, the amount is not positive, or no
    ///   bank account is known (nothing is recorded then); `.writeUnresolved` when the intent is
    ///   recorded but what followed could not be (the payment is queued: do not pay it again).
    public func pay(
        bill: EntityID, of business: BusinessID, amount: Decimal, on day: LocalDate, fromAccount: String? = nil
    ) async throws -> BillPayment {
        let ref = session.ref(business)
        guard let known = try session.store.reader.bill(bill, of: ref) else {
            throw SyncError.unknownBill(business: ref, bill: bill)
        }
        return try await session.gateways.schedulePayment(
            business: ref, billID: bill, amount: Money(amount, known.balance.currency), payOn: day,
            fromAccountID: fromAccount)
    }

    /// The business's payments approved through RowCol, with their freshness and the flags in force.
    public func list(of business: BusinessID) async throws -> GatewayAnswer<BillPayment> {
        try await session.gateways.scheduledPayments(of: session.ref(business))
    }

    /// Every payment still waiting to be sent, across the advisor's businesses.
    public func outbox() throws -> [BillPayment] {
        try WorkspaceStatus.outbox(workspace: session.workspace, advisor: session.advisor)
    }
}

extension AdvisorSession {
    /// The advisor's bill payments.
    public var payments: AdvisorPayments { AdvisorPayments(session: self) }

    /// The flags in force for a business (every kind), with the staleness its mirror's age implies.
    public func flags(of business: BusinessID) async throws -> [HygieneFlag] {
        try await orchestrator.flags(for: nil, business: business)
    }
}
