import Foundation
import RowColDomain
import RowColJSON
import RowColStore

/// How an idempotent write ended.
public enum WriteOutcome<Result: Sendable>: Sendable {
    /// QBO has the write. `replayed` is true when nothing was sent this time (already resolved).
    case done(Result, replayed: Bool)
    /// QBO refused it for good (validation, conflict), or it can no longer be made; the refusal is logged.
    case rejected(RemoteFailure)
    /// It could not be completed now (offline, throttled, ambiguous): the intent stays in the outbox.
    case pending(RemoteFailure)
}

/// What a look-up in QBO says about a write whose outcome is unknown.
public enum RemoteLookup<Result: Sendable>: Sendable {
    /// QBO has the write: an earlier attempt committed it.
    case found(Result)
    /// QBO has no trace of it and its target can still take it: it may be sent.
    case notFound
    /// QBO has no trace of it and it can no longer be made (the bill was deleted, voided, paid
    /// elsewhere, or owes less than the amount): the reason, for a person.
    case unsendable(String)
}

/// The steps of one idempotent write, supplied by a gateway (see ``SyncOrchestrator/writeIdempotent(operation:business:entity:idemKey:subject:steps:)``).
public struct WriteSteps<Result: Sendable>: Sendable {
    /// The result when the mirror already records one (a second approval of the same payment).
    public var resolvedInMirror: @Sendable () async throws -> Result?
    /// Whether an intent was logged before without a result (an earlier attempt may have reached QBO).
    public var hasOpenIntent: @Sendable () async throws -> Bool
    /// The intent line's payload: the request (no secrets) and the `pending` mirror changes.
    public var intent: @Sendable () throws -> LogPayload
    /// Looks in QBO for the effect of an earlier attempt, and whether the write can still be made.
    /// QBO's own requestid replay is not trusted: this is the first line of defence.
    public var lookUp: @Sendable () async throws -> RemoteLookup<Result>
    /// Sends the write with `requestid` = the idempotency key.
    public var callRemote: @Sendable (_ requestID: String) async throws -> Result
    /// The result line's payload: the response and the optimistic mirror changes.
    public var applied: @Sendable (Result) async throws -> LogPayload
    /// The result line's payload when QBO refused the write for good, or it can no longer be made.
    public var rejected: @Sendable (RemoteFailure) throws -> LogPayload

    public init(
        resolvedInMirror: @escaping @Sendable () async throws -> Result?,
        hasOpenIntent: @escaping @Sendable () async throws -> Bool,
        intent: @escaping @Sendable () throws -> LogPayload,
        lookUp: @escaping @Sendable () async throws -> RemoteLookup<Result>,
        callRemote: @escaping @Sendable (_ requestID: String) async throws -> Result,
        applied: @escaping @Sendable (Result) async throws -> LogPayload,
        rejected: @escaping @Sendable (RemoteFailure) throws -> LogPayload
    ) {
        self.resolvedInMirror = resolvedInMirror
        self.hasOpenIntent = hasOpenIntent
        self.intent = intent
        self.lookUp = lookUp
        self.callRemote = callRemote
        self.applied = applied
        self.rejected = rejected
    }
}

extension SyncOrchestrator {
    /// Performs a write exactly once (DESIGN §5).
    ///
    /// An idempotency key already resolved in the mirror returns its result with no call. Otherwise
    /// the intent is logged (OUTBOUND) before QBO is called with `requestid` = the key; the result
    /// is logged after, and its mirror changes applied.
    ///
    /// When an earlier attempt left an intent without a result, QBO is searched for its effect
    /// before anything is sent again (the `lookup` phase of the log says what the search found), so
    /// an ambiguous failure (timeout, crash, dropped connection, an error answer after QBO
    /// committed) never pays a bill twice; an intent that can no longer be made ends `rejected`
    /// instead of blocking the outbox. After an ambiguous failure of the call itself, one look-up
    /// runs at once, so a payment QBO committed is reported as sent rather than pending.
    ///
    /// - Parameter subject: what is written, for the flags a person reads ("the payment of bill 42 …").
    public func writeIdempotent<Result: Sendable>(
        operation: String, business: BusinessID, entity: EntityKind, idemKey: IdempotencyKey,
        subject: String, steps: WriteSteps<Result>
    ) async throws -> WriteOutcome<Result> {
        let write = PendingWrite(
            operation: operation, business: business, entity: entity, idemKey: idemKey, subject: subject)
        if let resolved = try await steps.resolvedInMirror() { return .done(resolved, replayed: true) }
        let reopened = try await steps.hasOpenIntent()
        if !reopened {
            // Until this line is durable nothing has happened: a failure here throws as it is.
            let record = LogRecord(
                business: business, direction: .outbound, operation: operation, phase: .intent,
                idemKey: idemKey.rawValue, status: "intent", payload: try steps.intent())
            _ = try await journal.commit([record])
            Failpoints.hit(.writeAfterIntent)
        }
        do {
            return try await resolve(write, steps: steps, lookFirst: reopened)
        } catch let error as SyncError {
            throw error
        } catch {
            // The intent is durable but what followed could not be recorded (a full disk, say):
            // the write may or may not be in QBO, and the next sync finds out before sending again.
            throw SyncError.writeUnresolved(subject: subject, cause: "\(error)")
        }
    }

    /// Everything after a durable intent: look (when an earlier attempt may have reached QBO),
    /// send, record. Remote failures become outcomes; only the journal's own errors throw.
    private func resolve<Result: Sendable>(_ write: PendingWrite, steps: WriteSteps<Result>, lookFirst: Bool)
        async throws -> WriteOutcome<Result>
    {
        if lookFirst {
            switch try await lookUp(write, steps: steps) {
            case .settled(let outcome): return outcome
            case .failed(let failure): return try await keepPending(write, failure: failure)
            case .mayBeSent: break
            }
        }
        let result: Result
        do {
            result = try await steps.callRemote(write.idemKey.rawValue)
        } catch let error as SyncError {
            throw error
        } catch {
            let failure = classify(error)
            if failure.isFinalRejection { return try await reject(write, failure: failure, steps: steps) }
            if failure.ambiguous, case .settled(let outcome) = try await lookUp(write, steps: steps) {
                return outcome
            }
            return try await keepPending(write, failure: failure)
        }
        Failpoints.hit(.writeAfterCall)
        try await logResult(write, status: "ok", httpCode: 200, payload: await steps.applied(result))
        try await clear([.writePending, .writeRejected, .writeConflict], business: write.business, entity: write.entity)
        return .done(result, replayed: false)
    }

    /// The look-up of confirm-before-retry, logged as its own phase.
    private func lookUp<Result: Sendable>(_ write: PendingWrite, steps: WriteSteps<Result>) async throws
        -> LookupStep<Result>
    {
        let found: RemoteLookup<Result>
        do {
            found = try await steps.lookUp()
        } catch let error as SyncError {
            throw error
        } catch {
            let failure = classify(error)
            try await logLookup(write, status: "failed", detail: ["reason": .string(failure.message)])
            return .failed(failure)
        }
        switch found {
        case .found(let result):
            try await logLookup(write, status: "found", detail: nil)
            try await logResult(write, status: "found", httpCode: 200, payload: await steps.applied(result))
            try await clear([.writePending], business: write.business, entity: write.entity)
            return .settled(.done(result, replayed: false))
        case .notFound:
            try await logLookup(write, status: "not_found", detail: nil)
            return .mayBeSent
        case .unsendable(let reason):
            try await logLookup(write, status: "unsendable", detail: ["reason": .string(reason)])
            let failure = RemoteFailure(flag: .writeRejected, message: reason)
            return .settled(try await reject(write, failure: failure, steps: steps))
        }
    }

    private func reject<Result: Sendable>(_ write: PendingWrite, failure: RemoteFailure, steps: WriteSteps<Result>)
        async throws -> WriteOutcome<Result>
    {
        var payload = try steps.rejected(failure)
        payload.fault = failure.fault
        try await logResult(write, status: "rejected", httpCode: failure.httpCode, payload: payload)
        try await raise(failure.flag, business: write.business, entity: write.entity,
                        message: "\(write.subject) was rejected: \(failure.message)")
        return .rejected(failure)
    }

    private func keepPending<Result: Sendable>(_ write: PendingWrite, failure: RemoteFailure) async throws
        -> WriteOutcome<Result>
    {
        try await raise(failure.flag, business: write.business, entity: write.entity, message: failure.message)
        try await raise(.writePending, business: write.business, entity: write.entity,
                        message: "\(write.subject) is waiting in the outbox; the next `rowcol sync` confirms or sends it")
        return .pending(failure)
    }

    private func logLookup(_ write: PendingWrite, status: String, detail: JSONValue?) async throws {
        let record = LogRecord(
            business: write.business, direction: .inbound, operation: write.operation, phase: .lookup,
            idemKey: write.idemKey.rawValue, status: status, payload: LogPayload(changes: [], detail: detail))
        _ = try await journal.commit([record])
    }

    private func logResult(_ write: PendingWrite, status: String, httpCode: Int?, payload: LogPayload) async throws {
        let record = LogRecord(
            business: write.business, direction: .outbound, operation: write.operation, phase: .result,
            idemKey: write.idemKey.rawValue, httpCode: httpCode, status: status, payload: payload)
        _ = try await journal.commit([record])
    }
}

/// The write a step belongs to.
private struct PendingWrite {
    var operation: String
    var business: BusinessID
    var entity: EntityKind
    var idemKey: IdempotencyKey
    var subject: String
}

/// Where a look-up leaves a write.
private enum LookupStep<Result: Sendable> {
    /// Found or unsendable: the write is over.
    case settled(WriteOutcome<Result>)
    /// QBO has no trace of it: send it.
    case mayBeSent
    /// The look-up itself failed: nothing may be sent now.
    case failed(RemoteFailure)
}
