import Foundation

/// The time source of the client: token expiry, backoff, rate limits and the circuit breaker all
/// read it, so tests inject a clock that advances instantly instead of sleeping.
public protocol QBOClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Suspends for `seconds` (or, in a test clock, advances time by that much).
    func sleep(seconds: Double) async throws
}

/// The wall clock and real sleeping.
public struct QBOSystemClock: QBOClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}

/// A clock for tests: `sleep` returns at once and moves time forward; every sleep is recorded.
public final class QBOManualClock: QBOClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var recorded: [Double] = []

    public init(start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        current = start
    }

    public func now() -> Date {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        lock.withLock {
            recorded.append(seconds)
            current = current.addingTimeInterval(max(0, seconds))
        }
    }

    /// Moves time forward without a sleep.
    public func advance(seconds: Double) {
        lock.lock(); defer { lock.unlock() }
        current = current.addingTimeInterval(seconds)
    }

    /// Every duration passed to ``sleep(seconds:)``, in order.
    public var sleeps: [Double] {
        lock.lock(); defer { lock.unlock() }
        return recorded
    }
}
