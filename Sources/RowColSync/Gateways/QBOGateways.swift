import Foundation
import QBO
import RowColDomain
import RowColJSON
import RowColStore

/// Finds the QBO client of a business; `nil` when the business is not connected.
public typealias QBOClientProvider = @Sendable (BusinessID) throws -> QBOClient

/// The domain's gateways, bound to QBO through the orchestrator and the mirror.
///
/// Every answer comes from the mirror after the orchestrator has (or has not) refreshed it, and
/// carries the freshness of what it returns and the flags in force; a QBO failure never throws.
public struct QBOGateways: BillsGateway, InvoicesGateway, BalancesGateway {
    public let orchestrator: SyncOrchestrator
    public let mirror: any MirrorReading
    let clients: QBOClientProvider
    /// How an unresolved payment is looked for in QBO before it is sent again.
    let paymentLookup: BillPaymentLookup

    public init(orchestrator: SyncOrchestrator, mirror: any MirrorReading, clients: @escaping QBOClientProvider) {
        self.init(orchestrator: orchestrator, mirror: mirror, clients: clients, paymentLookup: BillPaymentLookup())
    }

    init(orchestrator: SyncOrchestrator, mirror: any MirrorReading, clients: @escaping QBOClientProvider,
         paymentLookup: BillPaymentLookup) {
        self.orchestrator = orchestrator
        self.mirror = mirror
        self.clients = clients
        self.paymentLookup = paymentLookup
    }

    func checkAdvisor(_ business: BusinessRef) throws {
        guard business.advisor == orchestrator.advisor else {
            throw SyncError.notConnected(
                business: business, detail: "it belongs to advisor \(business.advisor), not \(orchestrator.advisor)")
        }
    }

    /// Fetches through QBO, or reports the business as not connected (an auth flag, not a crash).
    func fetcher(_ kind: EntityKind, business: BusinessID) -> @Sendable (RefreshSession) async throws -> Void {
        let clients = clients
        return { session in
            let client = try clients(business)
            try await QBORefresher(client: client).refresh(kind, session: session)
        }
    }

    /// Refreshes one kind now, whatever its age (`.payment` runs a reconciliation).
    @discardableResult
    public func refresh(_ kind: EntityKind, business: BusinessID, fetched: @Sendable () -> Void = {}) async throws
        -> RefreshReport
    {
        try await orchestrator.refresh(
            entity: kind, business: business, fetchRemote: fetcher(kind, business: business), fetched: fetched)
    }

    /// Reads `kind` through the orchestrator: refresh when the hint or the TTL asks, answer from the mirror.
    func answer<Item: Sendable>(
        _ kind: EntityKind, _ business: BusinessRef, _ hint: FreshnessHint,
        read: @escaping @Sendable () throws -> [Item]
    ) async throws -> GatewayAnswer<Item> {
        try checkAdvisor(business)
        let answer = try await orchestrator.readRefresh(
            entity: kind, business: business.business, hint: hint,
            fetchRemote: fetcher(kind, business: business.business), readFromMirror: read)
        return GatewayAnswer(items: answer.value, freshness: answer.freshness, flags: answer.flags)
    }

    public func list(_ query: ListBillsQuery) async throws -> GatewayAnswer<Bill> {
        let mirror = mirror
        return try await answer(.bill, query.business, query.hint) {
            try (query.openOnly ? mirror.openBills(of: query.business) : mirror.bills(of: query.business))
                .filter(query.matches)
        }
    }

    public func list(_ query: ListInvoicesQuery) async throws -> GatewayAnswer<Invoice> {
        let mirror = mirror
        return try await answer(.invoice, query.business, query.hint) {
            try (query.openOnly ? mirror.openInvoices(of: query.business) : mirror.invoices(of: query.business))
                .filter(query.matches)
        }
    }

    public func get(_ query: BalancesQuery) async throws -> GatewayAnswer<AccountBalance> {
        let mirror = mirror
        return try await answer(.balance, query.business, query.hint) {
            try mirror.balances(of: query.business).filter { !query.bankOnly || $0.isActiveBank }
        }
    }

    public func scheduledPayments(of business: BusinessRef) async throws -> GatewayAnswer<BillPayment> {
        try checkAdvisor(business)
        let payments = try mirror.payments(of: business)
        return GatewayAnswer(
            items: payments, freshness: try await orchestrator.freshness(of: .bill, business: business.business),
            flags: try await orchestrator.flags(for: .payment, business: business.business))
    }

    /// Schedules a bill payment exactly once (see ``SyncOrchestrator/writeIdempotent(operation:business:entity:idemKey:subject:steps:)``).
    ///
    /// The returned payment is `sent` when QBO took it, `pending` when it waits in the outbox
    /// (offline, throttled, or the outcome unknown: the next sync confirms or sends it), or
    /// `rejected` with the reason (QBO's fault, or a bill that can no longer take it).
    /// - Throws: ``SyncError`` when the bill is not in the mirror, the amount is not positive or in
    ///   another currency, or no bank account is known; nothing is logged then.
    public func schedulePayment(
        business: BusinessRef, billID: EntityID, amount: Money, payOn: LocalDate, fromAccountID: String?
    ) async throws -> BillPayment {
        try checkAdvisor(business)
        guard amount.isPositive else { throw SyncError.invalidPayment("the amount must be positive, not \(amount)") }
        let key = IdempotencyKey.billPayment(business: business, billID: billID, amount: amount, payOn: payOn)
        if let existing = try mirror.payment(key.paymentID, of: business) {
            // A second approval of the same payment: finish what the first one started.
            return try await send(existing, business: business)
        }
        guard let bill = try mirror.bill(billID, of: business) else {
            throw SyncError.unknownBill(business: business, bill: billID)
        }
        guard bill.balance.currency == amount.currency else {
            throw SyncError.invalidPayment("bill \(billID) is in \(bill.balance.currency), the amount in \(amount.currency)")
        }
        let account: String
        if let fromAccountID {
            account = fromAccountID
        } else if let bank = try mirror.balances(of: business).filter(\.isActiveBank).sorted(by: { $0.id < $1.id }).first {
            account = bank.id.rawValue
        } else {
            throw SyncError.invalidPayment("no bank account to pay from in \(business)'s mirror; pass --from-account or sync balances")
        }
        let pending = BillPayment(
            id: key.paymentID, billID: billID, vendor: bill.vendor, amount: amount, payOn: payOn,
            fromAccountID: account, state: .pending, idemKey: key.rawValue)
        return try await send(pending, business: business)
    }

    /// Drives one payment through the orchestrator's exactly-once write. `payment` is the mirror's
    /// document when one exists (a replay from the outbox or a second approval), else the new intent.
    func send(_ payment: BillPayment, business: BusinessRef) async throws -> BillPayment {
        let key = IdempotencyKey(rawValue: payment.idemKey)
        let billID = payment.billID
        let pending = payment.state == .pending ? payment : Self.pendingCopy(of: payment)
        let body = Self.billPaymentBody(pending, vendorID: pending.vendor?.id ?? "", marker: key.privateNoteMarker)
        let mirror = mirror
        let clients = clients
        let businessID = business.business
        let journal = orchestrator.journal
        let lookUp = paymentLookup
        let steps = WriteSteps<BillPayment>(
            resolvedInMirror: {
                guard let known = try mirror.payment(key.paymentID, of: business), known.state != .pending else { return nil }
                return known
            },
            hasOpenIntent: { try mirror.payment(key.paymentID, of: business)?.state == .pending },
            intent: {
                LogPayload(changes: [try .upsert(.payment, id: key.paymentID, value: pending, qbo: nil,
                                                 sourceVersion: nil, updatedAt: nil)],
                           request: body)
            },
            lookUp: {
                try await lookUp.find(pending, marker: key.privateNoteMarker, client: try clients(businessID))
            },
            callRemote: { requestID in
                let client = try clients(businessID)
                return Self.sent(pending, try await client.createBillPayment(body, requestID: requestID))
            },
            applied: { sent in
                var changes: [MirrorChange] = [try .upsert(.payment, id: key.paymentID, value: sent, qbo: nil,
                                                           sourceVersion: nil, updatedAt: nil)]
                // Optimistic: the bill's open balance drops now; the next refresh brings QBO's own figure.
                if let current = try mirror.bill(billID, of: business) {
                    var paid = current
                    let open = current.balance.amount - sent.amount.amount
                    paid.balance = Money(open > 0 ? open : 0, current.balance.currency)
                    if let qboID = sent.qboID, !paid.linkedPaymentIDs.contains(qboID) { paid.linkedPaymentIDs.append(qboID) }
                    let document = try await journal.mirrorVersion(.bill, id: billID, of: businessID)
                    changes.append(try .upsert(.bill, id: billID, value: paid, qbo: document?.qbo,
                                               sourceVersion: document?.sourceVersion, updatedAt: document?.updatedAt))
                }
                return LogPayload(changes: changes, response: sent.qboID.map { ["BillPayment": ["Id": .string($0)]] })
            },
            rejected: { failure in
                var rejected = pending
                rejected.state = .rejected
                rejected.failure = failure.message
                return LogPayload(changes: [try .upsert(.payment, id: key.paymentID, value: rejected, qbo: nil,
                                                        sourceVersion: nil, updatedAt: nil)])
            })
        let outcome = try await orchestrator.writeIdempotent(
            operation: "billpayment.create", business: businessID, entity: .payment, idemKey: key,
            subject: "the payment of bill \(billID) (\(pending.amount) on \(pending.payOn))", steps: steps)
        switch outcome {
        case .done(let payment, _): return payment
        case .rejected, .pending:
            return try mirror.payment(key.paymentID, of: business) ?? pending
        }
    }

    /// Sends every payment still waiting in the outbox, oldest first, each exactly once. One that
    /// can no longer be made ends `rejected` and never blocks the others.
    /// - Returns: the payments after the attempt.
    public func replayOutbox(of business: BusinessRef) async throws -> [BillPayment] {
        try checkAdvisor(business)
        let waiting = try mirror.payments(of: business).filter { $0.state == .pending }
            .sorted { ($0.payOn, $0.id) < ($1.payOn, $1.id) }
        var results: [BillPayment] = []
        for payment in waiting {
            results.append(try await send(payment, business: business))
        }
        if try mirror.payments(of: business).allSatisfy({ $0.state != .pending }) {
            try await orchestrator.clear([.writePending], business: business.business, entity: .payment)
        }
        return results
    }

    static func pendingCopy(of payment: BillPayment) -> BillPayment {
        var pending = payment
        pending.state = .pending
        pending.qboID = nil
        pending.failure = nil
        return pending
    }

    static func sent(_ pending: BillPayment, _ remote: QBOBillPayment) -> BillPayment {
        var sent = pending
        sent.state = .sent
        sent.qboID = remote.id
        return sent
    }

    static func billPaymentBody(_ payment: BillPayment, vendorID: String, marker: String) -> JSONValue {
        let amount = JSONValue.number(payment.amount.amount)
        return [
            "VendorRef": ["value": .string(vendorID)],
            "PayType": "Check",
            "CheckPayment": ["BankAccountRef": ["value": .string(payment.fromAccountID ?? "")]],
            "TotalAmt": amount,
            "TxnDate": .string(payment.payOn.description),
            "CurrencyRef": ["value": .string(payment.amount.currency.rawValue)],
            "PrivateNote": .string(marker),
            "Line": [["Amount": amount, "LinkedTxn": [["TxnId": .string(payment.billID.rawValue), "TxnType": "Bill"]]]],
        ]
    }
}
