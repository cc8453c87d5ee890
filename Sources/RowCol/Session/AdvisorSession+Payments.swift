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
        do {
            let payment = try await session.gateways.schedulePayment(
                business: ref, billID: bill, amount: Money(amount, known.balance.currency), payOn: day,
                fromAccountID: fromAccount)
            await session.record("payment", checkPlans: false)
            return payment
        } catch {
            // An intent may be recorded even when what followed could not be: it is history too.
            await session.record("payment", checkPlans: false)
            throw error
        }
    }

    /// Approves a payment as ``pay(bill:of:amount:on:fromAccount:)`` does, and says what the
    /// approval was: a first one or a repeat, and why a queued payment waits. For front ends that
    /// answer a person (`rowcol serve`), where "the same payment, already sent" and "refused before
    /// anything was recorded" must read differently from a fresh payment.
    ///
    /// A first approval of more than the bill's open balance is refused before anything is recorded
    /// (a repeat is answered as the payment stands, even once the bill shows paid). An intent that is
    /// recorded when what followed could not be is answered as queued, not thrown.
    /// - Throws: ``SyncError`` with code `.unknownBill` or `.invalidPayment` (nothing recorded then).
    public func approve(
        bill: EntityID, of business: BusinessID, amount: Decimal, on day: LocalDate, fromAccount: String? = nil
    ) async throws -> PaymentApproval {
        let ref = session.ref(business)
        let reader = session.store.reader
        guard let known = try reader.bill(bill, of: ref) else { throw SyncError.unknownBill(business: ref, bill: bill) }
        let money = Money(amount, known.balance.currency)
        let key = IdempotencyKey.billPayment(business: ref, billID: bill, amount: money, payOn: day)
        let before = try reader.payment(key.paymentID, of: ref)
        if before == nil, amount > known.balance.amount {
            throw SyncError(
                code: .invalidPayment, message: "invalid payment: \(money) is more than bill \(bill)'s open balance \(known.balance)",
                business: business, subject: "bill \(bill)")
        }
        let payment: BillPayment
        var note: String?
        do {
            payment = try await pay(bill: bill, of: business, amount: amount, on: day, fromAccount: fromAccount)
        } catch let error as SyncError where error.code == .writeUnresolved {
            guard let queued = try reader.payment(key.paymentID, of: ref) else { throw error }
            payment = queued
            note = "the workspace could not record what followed: \(error.cause ?? error.message)"
        }
        if payment.state == .pending, note == nil {
            note = try await session.flags(of: business).first { BusinessSyncState.railFlags.contains($0.code) }?.message
        }
        return PaymentApproval(payment: payment, isRepeat: before != nil && before?.state != .pending, waitingBecause: note)
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

/// What an approval through ``AdvisorPayments/approve(bill:of:amount:on:fromAccount:)`` came to.
public struct PaymentApproval: Sendable, Hashable {
    /// The payment as it stands after the approval: `sent`, `confirmed`, `pending` (queued) or `rejected`.
    public var payment: BillPayment
    /// True when the same payment (bill, amount, date) was approved and settled before: nothing new was sent.
    public var isRepeat: Bool
    /// Why a pending payment waits (QBO offline or throttled, or the workspace could not record the
    /// outcome), when known.
    public var waitingBecause: String?
}
