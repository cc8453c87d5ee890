import Foundation
import HTTPTypes
import RowCol

/// A payment asked for through the workbench, as parsed from the API or a form.
struct PaymentRequest: Hashable, Sendable {
    var business: BusinessID
    var billID: EntityID
    /// The exact amount, in the bill's currency.
    var amount: Decimal
    var payOn: LocalDate
    var fromAccountID: String?
}

/// What became of a payment: the answer of `POST /api/v1/businesses/{b}/payments` and of the tray's
/// pay buttons.
struct PaymentAnswer: Sendable, Codable {
    /// How a payment stands for the person who asked.
    enum Outcome: String, Sendable, Codable {
        /// QBO has it.
        case sent
        /// Recorded; the next sync confirms it in QBO or sends it. Do not pay again.
        case queued
        /// QBO refused it, or the bill can no longer take it.
        case rejected
    }

    var outcome: Outcome
    /// True when this answer repeats an earlier one (same Idempotency-Key, or the same bill, amount
    /// and date approved before): nothing new was sent.
    var replayed: Bool
    var payment: BillPayment
    var message: String

    init(payment: BillPayment, replayed: Bool, reason: String? = nil) {
        self.payment = payment
        self.replayed = replayed
        switch payment.state {
        case .sent, .confirmed:
            outcome = .sent
            message = "QBO has the payment" + (payment.qboID.map { " (BillPayment \($0))" } ?? "")
        case .pending:
            outcome = .queued
            message = "recorded" + (reason.map { " (\($0))" } ?? "")
                + "; the next sync confirms it in QBO or sends it. Do not pay it again."
        case .rejected:
            outcome = .rejected
            message = "rejected: " + (payment.failure ?? "QBO refused it")
        }
    }
}

/// Pays bills through the exactly-once path of the gateways (`schedulePayment`), with the
/// client's `Idempotency-Key` on top.
///
/// Two layers keep a bill from being paid twice. The gateway derives its own key from the advisor,
/// business, bill, amount and date, so two tabs approving the same payment reach the same payment
/// document and QBO sees one `requestid`. The ledger here binds each `Idempotency-Key` to the
/// request it first came with: a repeat — even one arriving while the first is still running — waits
/// for and returns the first answer, and a key reused for a different payment is refused. The ledger
/// lives as long as the server (the gateway's own key protects across restarts).
actor PaymentDesk {
    let writer: WriterGate
    private var ledger: [String: (request: PaymentRequest, task: Task<PaymentAnswer, any Error>)] = [:]
    private var order: [String] = []
    /// Keys remembered; the oldest are forgotten past this.
    static let memory = 10_000

    init(writer: WriterGate) { self.writer = writer }

    /// Pays once per key.
    /// - Throws: ``WorkbenchError`` for a key reused with another payment, an unknown bill or an
    ///   invalid amount (nothing recorded then).
    func pay(_ request: PaymentRequest, idempotencyKey key: String) async throws -> PaymentAnswer {
        if let (first, task) = ledger[key] {
            guard first == request else {
                throw WorkbenchError(
                    .unprocessableContent, "idempotency_key_reused",
                    "Idempotency-Key \"\(key)\" was first used for bill \(first.billID) of \(first.business), "
                        + "\(Money.format(first.amount, minimumFractionDigits: 2)) on \(first.payOn); use a new key for another payment")
            }
            var answer = try await task.value
            if answer.outcome == .queued {
                // Queued then; maybe sent since. Asking the gateway again finishes what the first
                // attempt started (it looks in QBO before sending anything).
                answer = try await rerun(key, request: request, after: task)
            }
            answer.replayed = true
            return answer
        }
        let writer = writer
        let task = Task { try await Self.perform(request, writer: writer) }
        ledger[key] = (request, task)
        order.append(key)
        if order.count > Self.memory { ledger[order.removeFirst()] = nil }
        do {
            return try await task.value
        } catch {
            // Nothing was recorded (the gateway throws only before logging an intent): the key may be used again.
            ledger[key] = nil
            throw error
        }
    }

    /// A fresh attempt for a key whose answer was "queued"; requests at once share one attempt.
    private func rerun(_ key: String, request: PaymentRequest, after finished: Task<PaymentAnswer, any Error>) async throws
        -> PaymentAnswer
    {
        if let current = ledger[key], current.task != finished { return try await current.task.value }
        let writer = writer
        let task = Task { try await Self.perform(request, writer: writer) }
        ledger[key] = (request, task)
        return try await task.value
    }

    static func perform(_ request: PaymentRequest, writer: WriterGate) async throws -> PaymentAnswer {
        do {
            let approval = try await writer.withSession("payment") { session in
                try await session.payments.approve(
                    bill: request.billID, of: request.business, amount: request.amount, on: request.payOn,
                    fromAccount: request.fromAccountID)
            }
            return PaymentAnswer(payment: approval.payment, replayed: approval.isRepeat, reason: approval.waitingBecause)
        } catch let error as SyncError where error.code == .invalidPayment {
            throw WorkbenchError.unprocessable(error.message)
        } catch let error as SyncError where error.code == .unknownBill {
            throw WorkbenchError.notFound(error.message)
        }
    }
}
