import Foundation
import RowColDomain
import RowColRunway

extension AdvisorSession {
    /// Evaluates the business's cash-floor alert against its projection now and remembers the
    /// outcome in its `state.json` flags (``FloorAlerts``): a new breach raises `runway.below_floor`
    /// (so it notifies once and a digest shows it as new), an ongoing one keeps its `since`, a
    /// recovery clears it (re-armed for the next breach).
    ///
    /// Called after each sync and each plan edit; the projection reads the mirror as it is (never
    /// QBO: a sync that could not reach it must not try again for the alert).
    /// - Returns: the alert's step: ``FloorAlertStep/notify`` is true for a breach just found.
    @discardableResult
    public func advanceFloorAlert(of business: BusinessID) async throws -> FloorAlertStep {
        let snapshot = try AdvisorReader(session: self).snapshot(of: business)
        let remembered = try await orchestrator.flags(for: nil, business: business)
        let step = FloorAlerts.advance(FloorAlerts.state(remembered: remembered), with: snapshot.alert, at: now())
        if let breach = snapshot.alert.breach {
            let message = FloorAlerts.message(breach, floor: snapshot.alert.floor)
            // Only a new breach or a moved week is written: an unchanged alert costs no durable write.
            if !remembered.contains(where: { $0.code == .runwayBelowFloor && $0.message == message }) {
                try await orchestrator.raise(.runwayBelowFloor, business: business, entity: nil, message: message)
            }
        } else if step.recovered {
            try await orchestrator.clear([.runwayBelowFloor], business: business, entity: nil)
        }
        return step
    }
}
