import Foundation

/// How a ``QBOClient`` behaves. Every resilience feature is on by default and can be turned off.
public struct QBOClientConfiguration: Sendable {
    /// The API minor version sent on every call (lower versions are ignored by QBO since 2025-08-01).
    public static let minorVersion = "75"

    public var retry: QBORetryPolicy
    public var rateLimit: QBORateLimiter.Settings
    public var circuitBreaker: QBOCircuitBreaker.Settings
    /// Rows per query page (QBO's maximum is 1000).
    public var pageSize: Int
    /// Where per-realm limiters and breakers live; share it to share limits.
    public var registry: QBORealmRegistry
    /// Time source for backoff, limits and the breaker.
    public var clock: any QBOClock
    /// Called after every HTTP exchange, successful or not, with no tokens or bodies.
    public var observer: (@Sendable (QBOExchange) -> Void)?
    /// Seconds before a request is abandoned by the default transport (QBO itself gives up at 120 s).
    public var requestTimeout: TimeInterval = 120

    public init(retry: QBORetryPolicy = .standard, rateLimit: QBORateLimiter.Settings = .init(),
                circuitBreaker: QBOCircuitBreaker.Settings = .init(), pageSize: Int = 1000,
                registry: QBORealmRegistry = .shared, clock: any QBOClock = QBOSystemClock(),
                observer: (@Sendable (QBOExchange) -> Void)? = nil) {
        self.retry = retry
        self.rateLimit = rateLimit
        self.circuitBreaker = circuitBreaker
        self.pageSize = pageSize
        self.registry = registry
        self.clock = clock
        self.observer = observer
    }
}
