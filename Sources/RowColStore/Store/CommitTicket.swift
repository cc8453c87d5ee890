import Foundation

/// A commit in its place in line whose outcome comes later (``AdvisorStore/submit(prepared:syncStates:)``):
/// a caller that keeps the writer fed queues its next batch before the last one is done, and awaits
/// each ticket in turn.
public final class CommitTicket: Sendable {
    private enum State {
        /// Not started: the commit runs when the ticket is first awaited.
        case deferred(@Sendable () async throws -> [LogSeq])
        case waiting([CheckedContinuation<[LogSeq], any Error>])
        case done(Result<[LogSeq], any Error>)
    }

    private let state: Locked<State>

    /// A ticket the store's writer settles.
    init() { state = Locked(.waiting([])) }

    /// A ticket for a journal without a queue of its own: `commit` runs when the ticket is first
    /// awaited, so a caller that awaits its tickets in order commits in order.
    public init(deferred commit: @escaping @Sendable () async throws -> [LogSeq]) {
        state = Locked(.deferred(commit))
    }

    /// The seqs of the stored lines once they are durable and applied to the mirror; throws the
    /// commit's error. (Only the seqs: a ticket keeps no line's payload alive while it waits.)
    public func value() async throws -> [LogSeq] {
        let start: (@Sendable () async throws -> [LogSeq])? = state.withLock { state in
            guard case .deferred(let commit) = state else { return nil }
            state = .waiting([])
            return commit
        }
        if let start {
            let result: Result<[LogSeq], any Error>
            do { result = .success(try await start()) } catch { result = .failure(error) }
            settle(result)
            return try result.get()
        }
        return try await withCheckedThrowingContinuation { continuation in
            let settled: Result<[LogSeq], any Error>? = state.withLock { state in
                switch state {
                case .waiting(let waiters):
                    state = .waiting(waiters + [continuation])
                    return nil
                case .done(let result):
                    return result
                case .deferred:
                    preconditionFailure("a deferred ticket is started before anyone waits")
                }
            }
            if let settled { continuation.resume(with: settled) }
        }
    }

    /// Settles the ticket once; later calls are ignored.
    func settle(_ result: Result<[LogSeq], any Error>) {
        let waiters: [CheckedContinuation<[LogSeq], any Error>] = state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = .done(result)
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
