/// Waiting out another process (a lock's holder): nothing to wait on but time, so poll.
///
/// Real time on purpose: the holder is another process, which an injected clock does not move;
/// the task sleeps between attempts, so a waiter never blocks a thread of the cooperative pool.
enum Patience {
    /// Calls `attempt` until it returns a value or `patience` has passed; nil when it never did.
    ///
    /// - Parameter onFirstMiss: called once, when the first attempt returns nil.
    static func retry<T>(
        upTo patience: Duration, every interval: Duration = .milliseconds(10), onFirstMiss: () -> Void = {},
        _ attempt: () throws -> T?
    ) async throws -> T? {
        let deadline = ContinuousClock.now + patience
        if let value = try attempt() { return value }
        onFirstMiss()
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: interval)
            if let value = try attempt() { return value }
        }
        return nil
    }
}
