import Foundation
import RowColDomain

/// What must be remembered between two snapshots of a business so that a cash-floor alert
/// notifies once per breach and re-arms after the business recovers.
///
/// A pure value: the caller keeps it wherever it keeps its own state (the scheduler, a digest)
/// and passes it back to ``FloorAlerts/advance(_:with:at:)`` with each new snapshot.
///
/// ```swift
/// let step = FloorAlerts.advance(saved, with: snapshot.alert, at: now)
/// if step.notify { send("\(snapshot.business.name) goes below its floor in week \(snapshot.alert.breach!.week)") }
/// saved = step.state
/// ```
public struct FloorAlertState: Hashable, Sendable, Codable {
    /// Whether the next breach notifies: true until it has, and again once the business recovered.
    public var armed: Bool
    /// When the current breach was first seen; `nil` while there is none.
    public var breachSince: Date?
    /// The first day of the breach week when it was notified.
    public var notifiedWeekStart: LocalDate?

    /// A state; ``initial`` is armed with no breach.
    public init(armed: Bool = true, breachSince: Date? = nil, notifiedWeekStart: LocalDate? = nil) {
        self.armed = armed
        self.breachSince = breachSince
        self.notifiedWeekStart = notifiedWeekStart
    }

    /// Armed, no breach: what a business starts with.
    public static let initial = FloorAlertState()

    enum CodingKeys: String, CodingKey {
        case armed
        case breachSince = "breach_since"
        case notifiedWeekStart = "notified_week_start"
    }
}

/// The outcome of one snapshot for the alert.
public struct FloorAlertStep: Hashable, Sendable {
    /// Notify now: a breach was found while armed (a new breach).
    public var notify: Bool
    /// The projection is below the floor and it was already notified: an ongoing breach.
    public var ongoing: Bool
    /// The projection is back above the floor after a breach: the alert re-armed.
    public var recovered: Bool
    /// The state to keep for the next snapshot.
    public var state: FloorAlertState
}

/// The rules of the cash-floor alert: notify once per breach, re-arm after recovery.
///
/// - a breach (some week below the floor) while armed notifies, and disarms;
/// - a breach while disarmed is the same breach going on (even when its week moves): no notification;
/// - a snapshot with no week below the floor, while disarmed, is a recovery: the alert re-arms, so
///   the next breach notifies again.
public enum FloorAlerts {
    /// Advances `state` (`nil`: ``FloorAlertState/initial``) with a new snapshot's alert.
    public static func advance(_ state: FloorAlertState?, with alert: FloorAlert, at now: Date) -> FloorAlertStep {
        let state = state ?? .initial
        switch (alert.breach, state.armed) {
        case (let breach?, true):
            return FloorAlertStep(
                notify: true, ongoing: false, recovered: false,
                state: FloorAlertState(armed: false, breachSince: now, notifiedWeekStart: breach.start))
        case (.some, false):
            return FloorAlertStep(notify: false, ongoing: true, recovered: false, state: state)
        case (nil, false):
            return FloorAlertStep(notify: false, ongoing: false, recovered: true, state: .initial)
        case (nil, true):
            return FloorAlertStep(notify: false, ongoing: false, recovered: false, state: state)
        }
    }
}

extension FloorAlerts {
    /// The state a business's remembered alerts say: a `runway.below_floor` alert in force is a
    /// breach already notified (disarmed, since its `since`); none is armed.
    public static func state(remembered alerts: [BusinessAlert]) -> FloorAlertState {
        guard let alert = alerts.first(where: { $0.code == BusinessAlert.belowFloor }) else { return .initial }
        return FloorAlertState(armed: false, breachSince: alert.since)
    }

    /// The line the remembered `runway.below_floor` alert carries for `breach`.
    public static func message(_ breach: FloorAlert.Breach, floor: Money) -> String {
        "projected cash goes below the floor of \(DisplayFormat.money(floor)) in week \(breach.week) "
            + "(from \(breach.start)): \(DisplayFormat.money(breach.closing)), "
            + "\(DisplayFormat.money(breach.shortfall)) short"
    }
}
