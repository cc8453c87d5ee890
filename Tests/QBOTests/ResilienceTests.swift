import Foundation
import RowColTestSupport
import Testing
@testable import QBO

@Suite struct ResilienceTests {
    @Test func fullJitterStaysWithinTheExponentialCeiling() {
        for fraction in [0.0, 0.25, 1.0] {
            let policy = QBORetryPolicy(maxAttempts: 10, baseDelay: 0.5, maxDelay: 8, random: { fraction })
            for retry in 1...8 {
                let ceiling = min(8, 0.5 * pow(2, Double(retry - 1)))
                #expect(policy.ceiling(retry: retry) == ceiling)
                #expect(policy.delay(retry: retry, retryAfter: nil) == ceiling * fraction)
            }
        }
    }

    @Test func retryAfterReplacesTheComputedDelayWithinTheCap() {
        let policy = QBORetryPolicy(maxDelay: 30, random: { 0 })
        #expect(policy.delay(retry: 1, retryAfter: 12) == 12)
        #expect(policy.delay(retry: 1, retryAfter: 600) == 30)
    }

    @Test func attemptsAndTotalTimeAreBounded() {
        let policy = QBORetryPolicy(maxAttempts: 3, baseDelay: 1, maxDelay: 10, maxTotalTime: 20, random: { 1 })
        #expect(policy.nextDelay(afterAttempt: 1, elapsed: 0, retryAfter: nil) == 1)
        #expect(policy.nextDelay(afterAttempt: 2, elapsed: 1, retryAfter: nil) == 2)
        #expect(policy.nextDelay(afterAttempt: 3, elapsed: 3, retryAfter: nil) == nil)
        #expect(policy.nextDelay(afterAttempt: 1, elapsed: 15, retryAfter: 10) == nil)
        #expect(QBORetryPolicy.disabled.nextDelay(afterAttempt: 1, elapsed: 0, retryAfter: nil) == nil)
    }

    @Test func breakerOpensHalfOpensAndCloses() async throws {
        let clock = QBOManualClock()
        let breaker = QBOCircuitBreaker(settings: .init(failureThreshold: 3, coolDown: 30), clock: clock)
        for _ in 1...2 {
            try await breaker.admit()
            await breaker.recordFailure()
        }
        #expect(await breaker.state == .closed(consecutiveFailures: 2))
        try await breaker.admit()
        await breaker.recordFailure()
        guard case .open = await breaker.state else { Issue.record("breaker should be open"); return }

        let refused = await #expect(throws: QBOError.self) { try await breaker.admit(realmID: "9130") }
        #expect(refused?.code == .circuitOpen)
        #expect(refused?.message.contains("9130") == true)

        clock.advance(seconds: 30)
        try await breaker.admit()
        #expect(await breaker.state == .halfOpen)
        // Only one trial at a time while half-open.
        await #expect(throws: QBOError.self) { try await breaker.admit() }
        await breaker.recordFailure()
        guard case .open = await breaker.state else { Issue.record("a failed trial reopens"); return }

        clock.advance(seconds: 31)
        try await breaker.admit()
        await breaker.recordSuccess()
        #expect(await breaker.state == .closed(consecutiveFailures: 0))
    }

    @Test func aSuccessResetsTheFailureCount() async throws {
        let breaker = QBOCircuitBreaker(settings: .init(failureThreshold: 2), clock: QBOManualClock())
        await breaker.recordFailure()
        await breaker.recordSuccess()
        await breaker.recordFailure()
        #expect(await breaker.state == .closed(consecutiveFailures: 1))
    }

    @Test func tokenBucketWaitsOnTheInjectedClock() async throws {
        let clock = QBOManualClock()
        let limiter = QBORateLimiter(settings: .init(requestsPerMinute: 60, maxInFlight: 100), clock: clock)
        for _ in 0..<60 {
            try await limiter.acquire()
            await limiter.release()
        }
        #expect(clock.sleeps.isEmpty)
        try await limiter.acquire()
        await limiter.release()
        #expect(clock.sleeps.count == 1)
        #expect(abs(clock.sleeps[0] - 1) < 0.001, "one token a second at 60 per minute")
    }

    @Test func inFlightRequestsAreCapped() async throws {
        let limiter = QBORateLimiter(settings: .init(requestsPerMinute: 1000, maxInFlight: 2), clock: QBOManualClock())
        try await limiter.acquire()
        try await limiter.acquire()
        let admitted = Locked(false)
        let third = Task {
            try await limiter.acquire()
            admitted.withLock { $0 = true }
        }
        // Until the third is parked (or, were the cap broken, admitted), let it run.
        while await limiter.requestsWaiting == 0 && !admitted.withLock({ $0 }) { await Task.yield() }
        #expect(!admitted.withLock { $0 }, "a third request was admitted while two were in flight")
        #expect(await limiter.requestsWaiting == 1)
        await limiter.release()
        try await third.value
        #expect(admitted.withLock { $0 })
        #expect(await limiter.requestsInFlight == 2)
        await limiter.release()
        await limiter.release()
        #expect(await limiter.requestsInFlight == 0)
    }

    @Test func registrySharesOneLimiterPerRealm() async {
        let registry = QBORealmRegistry()
        let clock = QBOManualClock()
        let a = await registry.limiter(realmID: "1", settings: .init(), clock: clock)
        let b = await registry.limiter(realmID: "1", settings: .init(), clock: clock)
        let c = await registry.limiter(realmID: "2", settings: .init(), clock: clock)
        #expect(a === b)
        #expect(a !== c)
    }
}
