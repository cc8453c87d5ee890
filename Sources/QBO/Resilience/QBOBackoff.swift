import Foundation

/// Retry timing: exponential backoff with full jitter, bounded in attempts and in total time.
///
/// The delay before retry *n* (1-based) is a random value in `0...min(maxDelay, baseDelay · 2^(n-1))`
/// ("full jitter"), so clients that failed together do not retry together. A `Retry-After` from
/// the server replaces the computed delay (capped by ``maxDelay``).
public struct QBORetryPolicy: Sendable {
    /// Turns retries off entirely when false.
    public var enabled: Bool
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// No retry starts once this many seconds have passed since the first attempt.
    public var maxTotalTime: Double
    /// Returns a value in `0...1`; injectable so tests can pin the jitter.
    public var random: @Sendable () -> Double

    public init(enabled: Bool = true, maxAttempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 30,
                maxTotalTime: Double = 90, random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        self.enabled = enabled
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxTotalTime = maxTotalTime
        self.random = random
    }

    /// The default policy.
    public static let standard = QBORetryPolicy()
    /// No retries.
    public static let disabled = QBORetryPolicy(enabled: false, maxAttempts: 1)

    /// The upper bound of the delay before retry `retry` (1 for the first retry).
    public func ceiling(retry: Int) -> Double {
        let exponent = Double(max(0, retry - 1))
        return min(maxDelay, baseDelay * pow(2, min(exponent, 62)))
    }

    /// The delay before retry `retry`, honouring `retryAfter` when the server sent one.
    public func delay(retry: Int, retryAfter: Double?) -> Double {
        if let retryAfter, retryAfter >= 0 { return min(retryAfter, maxDelay) }
        let fraction = min(1, max(0, random()))
        return ceiling(retry: retry) * fraction
    }

    /// The delay before the next attempt, or `nil` when the budget of attempts or time is spent.
    ///
    /// - Parameters:
    ///   - attempt: the attempt that just failed (1 for the first).
    ///   - elapsed: seconds since the first attempt began.
    public func nextDelay(afterAttempt attempt: Int, elapsed: Double, retryAfter: Double?) -> Double? {
        guard enabled, attempt < maxAttempts else { return nil }
        let delay = delay(retry: attempt, retryAfter: retryAfter)
        guard elapsed + delay <= maxTotalTime else { return nil }
        return delay
    }
}
