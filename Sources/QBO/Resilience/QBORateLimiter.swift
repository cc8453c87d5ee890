import Foundation

/// Paces requests to one realm: a token bucket (500 per minute by default) and a cap on requests in
/// flight (10 by default), as QBO enforces per realm and app.
public actor QBORateLimiter {
    /// Tunables of the limiter.
    public struct Settings: Sendable {
        public var enabled: Bool
        public var requestsPerMinute: Int
        public var maxInFlight: Int

        public init(enabled: Bool = true, requestsPerMinute: Int = 500, maxInFlight: Int = 10) {
            self.enabled = enabled
            self.requestsPerMinute = requestsPerMinute
            self.maxInFlight = maxInFlight
        }
    }

    private let settings: Settings
    private let clock: any QBOClock
    private var tokens: Double
    private var lastRefill: Date
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(settings: Settings = Settings(), clock: any QBOClock = QBOSystemClock()) {
        self.settings = settings
        self.clock = clock
        self.tokens = Double(settings.requestsPerMinute)
        self.lastRefill = clock.now()
    }

    /// Requests currently admitted and not yet released.
    public var requestsInFlight: Int { inFlight }

    /// Requests waiting for a slot to free.
    public var requestsWaiting: Int { waiters.count }

    /// Waits for a token and a free slot. Call ``release()`` when the request ends.
    public func acquire() async throws {
        guard settings.enabled else { return }
        while true {
            refill()
            if tokens >= 1 { tokens -= 1; break }
            let rate = Double(settings.requestsPerMinute) / 60
            try await clock.sleep(seconds: (1 - tokens) / rate)
        }
        if inFlight >= settings.maxInFlight {
            await withCheckedContinuation { waiters.append($0) }
            // The slot was handed over by `release`, which did not decrement.
        } else {
            inFlight += 1
        }
    }

    /// Frees the slot taken by ``acquire()``.
    public func release() {
        guard settings.enabled else { return }
        if waiters.isEmpty {
            inFlight = max(0, inFlight - 1)
        } else {
            waiters.removeFirst().resume()
        }
    }

    private func refill() {
        let now = clock.now()
        let elapsed = max(0, now.timeIntervalSince(lastRefill))
        lastRefill = now
        tokens = min(Double(settings.requestsPerMinute), tokens + elapsed * Double(settings.requestsPerMinute) / 60)
    }
}

/// The limiter and breaker of each realm, shared by every client of that realm in the process.
public actor QBORealmRegistry {
    /// The process-wide registry that clients use unless given another.
    public static let shared = QBORealmRegistry()

    private var limiters: [String: QBORateLimiter] = [:]
    private var breakers: [String: QBOCircuitBreaker] = [:]

    public init() {}

    /// The limiter of `realmID`, created with `settings` on first use.
    public func limiter(realmID: String, settings: QBORateLimiter.Settings, clock: any QBOClock) -> QBORateLimiter {
        if let limiter = limiters[realmID] { return limiter }
        let limiter = QBORateLimiter(settings: settings, clock: clock)
        limiters[realmID] = limiter
        return limiter
    }

    /// The circuit breaker of `realmID`, created with `settings` on first use.
    public func breaker(realmID: String, settings: QBOCircuitBreaker.Settings, clock: any QBOClock) -> QBOCircuitBreaker {
        if let breaker = breakers[realmID] { return breaker }
        let breaker = QBOCircuitBreaker(settings: settings, clock: clock)
        breakers[realmID] = breaker
        return breaker
    }
}
