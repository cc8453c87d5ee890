import Foundation
import RowColDomain
import RowColStore

/// How an idempotent write ended.
public enum WriteOutcome<Result: Sendable>: Sendable {
    /// QBO has the write. `replayed` is true when nothing was sent this time (already resolved).
    case done(Result, replayed: Bool)
    /// QBO refused it for good (validation, conflict); the refusal is logged.
    case rejected(RemoteFailure)
    /// It could not be completed now (offline, throttled, ambiguous): the intent stays in the outbox.
    case pending(RemoteFailure)
}

/// The steps of one idempotent write, supplied by a gateway (see ``SyncOrchestrator/writeIdempotent(operation:business:entity:idemKey:steps:)``).
public struct WriteSteps<Result: Sendable>: Sendable {
    /// The result when the mirror already records one (a second approval of the same payment).
    public var resolvedInMirror: @Sendable () async throws -> Result?
    /// Whether an intent was logged before without a result (an earlier attempt may have reached QBO).
    public var hasOpenIntent: @Sendable () async throws -> Bool
    /// The intent line's payload: the request (no secrets) and the `pending` mirror changes.
    public var intent: @Sendable () throws -> LogPayload
    /// Looks in QBO for the effect of an earlier attempt (QBO's own requestid replay is not trusted).
    public var findRemote: @Sendable () async throws -> Result?
    /// Sends the write with `requestid` = the idempotency key.
    public var callRemote: @Sendable (_ requestID: String) async throws -> Result
    /// The result line's payload: the response and the optimistic mirror changes.
    public var applied: @Sendable (Result) async throws -> LogPayload
    /// The result line's payload when QBO refused the write for good.
    public var rejected: @Sendable (RemoteFailure) throws -> LogPayload

    public init(
        resolvedInMirror: @escaping @Sendable () async throws -> Result?,
        hasOpenIntent: @escaping @Sendable () async throws -> Bool,
        intent: @escaping @Sendable () throws -> LogPayload,
        findRemote: @escaping @Sendable () async throws -> Result?,
        callRemote: @escaping @Sendable (_ requestID: String) async throws -> Result,
        applied: @escaping @Sendable (Result) async throws -> LogPayload,
        rejected: @escaping @Sendable (RemoteFailure) throws -> LogPayload
    ) {
        self.resolvedInMirror = resolvedInMirror
        self.hasOpenIntent = hasOpenIntent
        self.intent = intent
        self.findRemote = findRemote
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
    /// is logged after, and its mirror changes applied. When an earlier attempt left an intent
    /// without a result, QBO is searched for its effect before anything is sent again, so that an
    /// ambiguous failure (timeout, crash, dropped connection) never pays a bill twice. A failure
    /// that leaves the outcome open keeps the intent in the outbox for the next sync.
    public func writeIdempotent<Result: Sendable>(
        operation: String, business: BusinessID, entity: EntityKind, idemKey: IdempotencyKey,
        steps: WriteSteps<Result>
    ) async throws -> WriteOutcome<Result> {
        if let resolved = try await steps.resolvedInMirror() { return .done(resolved, replayed: true) }
        if try await steps.hasOpenIntent() {
            do {
                if let found = try await steps.findRemote() {
                    try await logResult(operation: operation, business: business, idemKey: idemKey,
                                        status: "found", httpCode: 200, payload: await steps.applied(found))
                    try await clear([.writePending], business: business, entity: entity)
                    return .done(found, replayed: false)
                }
            } catch let error as SyncError {
                throw error
            } catch {
                let failure = classify(error)
                try await raise(failure.flag, business: business, entity: entity, message: failure.message)
                try await raise(.writePending, business: business, entity: entity,
                                message: "a \(operation) is waiting in the outbox; it is sent by the next `rowcol sync`")
                return .pending(failure)
            }
        } else {
            let record = LogRecord(
                business: business, direction: .outbound, operation: operation, phase: .intent,
                idemKey: idemKey.rawValue, status: "intent", payload: try steps.intent())
            _ = try await journal.commit([record])
            Failpoints.hit(.writeAfterIntent)
        }
        do {
            let result = try await steps.callRemote(idemKey.rawValue)
            Failpoints.hit(.writeAfterCall)
            try await logResult(operation: operation, business: business, idemKey: idemKey, status: "ok",
                                httpCode: 200, payload: await steps.applied(result))
            try await clear([.writePending, .writeRejected, .writeConflict], business: business, entity: entity)
            return .done(result, replayed: false)
        } catch let error as SyncError {
            throw error
        } catch {
            let failure = classify(error)
            if failure.isFinalRejection {
                var payload = try steps.rejected(failure)
                payload.fault = failure.fault
                try await logResult(operation: operation, business: business, idemKey: idemKey, status: "rejected",
                                    httpCode: failure.httpCode, payload: payload)
                try await raise(failure.flag, business: business, entity: entity, message: failure.message)
                return .rejected(failure)
            }
            try await raise(failure.flag, business: business, entity: entity, message: failure.message)
            try await raise(.writePending, business: business, entity: entity,
                            message: "a \(operation) is waiting in the outbox; it is sent by the next `rowcol sync`")
            return .pending(failure)
        }
    }

    private func logResult(operation: String, business: BusinessID, idemKey: IdempotencyKey, status: String,
                           httpCode: Int?, payload: LogPayload) async throws {
        let record = LogRecord(
            business: business, direction: .outbound, operation: operation, phase: .result,
            idemKey: idemKey.rawValue, httpCode: httpCode, status: status, payload: payload)
        _ = try await journal.commit([record])
    }
}
