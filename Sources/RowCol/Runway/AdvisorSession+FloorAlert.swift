import Foundation
import RowColDomain
import RowColRunway

extension AdvisorSession {
    /// Evaluates the business's cash-floor alert against its projection now and remembers the
    /// outcome in the `alerts` of its `state.json` (``FloorAlerts``): a new breach is remembered
    /// with its first sighting (so it notifies once, the snapshot's `alert.since` says since when,
    /// and a digest shows it as new), an ongoing one keeps it, a recovery forgets it (re-armed for
    /// the next breach). An alert is news about the business, not a hygiene flag of its mirror.
    ///
    /// Called after each sync and each plan edit; the projection reads the mirror as it is (never
    /// QBO: a sync that could not reach it must not try again for the alert).
    /// - Returns: the alert's step: ``FloorAlertStep/notify`` is true for a breach just found.
    @discardableResult
    public func advanceFloorAlert(of business: BusinessID) async throws -> FloorAlertStep {
        let snapshot = try AdvisorReader(session: self).snapshot(of: business)
        let remembered = try await orchestrator.alerts(of: business)
        let step = FloorAlerts.advance(FloorAlerts.state(remembered: remembered), with: snapshot.alert, at: now())
        // An unchanged alert costs no write; a moved week updates the message, keeping `since`.
        try await orchestrator.remember(
            BusinessAlert.belowFloor, message: snapshot.alert.breach.map { FloorAlerts.message($0, floor: snapshot.alert.floor) },
            business: business)
        return step
    }
}
