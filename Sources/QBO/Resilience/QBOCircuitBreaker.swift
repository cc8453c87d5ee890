import Foundation

/// Stops calling a realm that keeps failing, then probes it again after a cool-down.
///
/// Closed: requests flow; after ``Settings/failureThreshold`` consecutive failures (5xx or lost
/// connections) it opens. Open: requests fail at once with ``QBOError/Code/circuitOpen`` until
/// ``Settings/coolDown`` seconds have passed. Half-open: one trial request goes through; success
/// closes the circuit, failure opens it again.
public actor QBOCircuitBreaker {
    /// Tunables of the breaker.
    public struct Settings: Sendable {
        public var enabled: Bool
        public var failureThreshold: Int
        public var coolDown: Double

        public init(enabled: Bool = true, failureThreshold: Int = 5, coolDown: Double = 30) {
            self.enabled = enabled
            self.failureThreshold = failureThreshold
            self.coolDown = coolDown
        }
    }

    /// Where the breaker stands.
    public enum State: Sendable, Equatable {
        case closed(consecutiveFailures: Int)
        case open(until: Date)
        case halfOpen
    }

    public private(set) var state: State = .closed(consecutiveFailures: 0)
    private let settings: Settings
    private let clock: any QBOClock
    private var trialInFlight = false

    public init(settings: Settings = Settings(), clock: any QBOClock = QBOSystemClock()) {
        self.settings = settings
        self.clock = clock
    }

    /// Asks to send one request.
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/circuitOpen`` while the circuit is open, or
    ///   while a half-open trial is already in flight.
    public func admit(realmID: String = "") throws {
        guard settings.enabled else { return }
        switch state {
        case .closed:
            return
        case .open(let until):
            if clock.now() >= until {
                state = .halfOpen
                trialInFlight = true
                return
            }
            throw openError(realmID: realmID, until: until)
        case .halfOpen:
            if trialInFlight { throw openError(realmID: realmID, until: clock.now()) }
            trialInFlight = true
        }
    }

    /// Reports an answer that shows the service is healthy (any answer that is not a 5xx).
    public func recordSuccess() {
        trialInFlight = false
        state = .closed(consecutiveFailures: 0)
    }

    /// Reports a 5xx or a lost connection.
    public func recordFailure() {
        guard settings.enabled else { return }
        trialInFlight = false
        switch state {
        case .closed(let failures):
            let count = failures + 1
            state = count >= settings.failureThreshold ? .open(until: clock.now().addingTimeInterval(settings.coolDown)) : .closed(consecutiveFailures: count)
        case .halfOpen, .open:
            state = .open(until: clock.now().addingTimeInterval(settings.coolDown))
        }
    }

    /// Releases a half-open trial that ended without telling anything about health (a 4xx, a cancel).
    public func recordNeutral() {
        if case .halfOpen = state {
            trialInFlight = false
        }
    }

    private func openError(realmID: String, until: Date) -> QBOError {
        let wait = max(0, until.timeIntervalSince(clock.now()))
        return QBOError(.circuitOpen, message: "QBO failed \(settings.failureThreshold) times in a row for realm \(realmID); requests are paused for \(Int(wait.rounded(.up))) more seconds before a trial request.",
                        retryAfter: wait)
    }
}
