import Foundation
import RowColDomain
import RowColRunway
import RowColStore

/// The advisor's plans: one `plan.json` per business, read, checked and edited under the
/// advisor's writer lock (the session holds it).
///
/// ```swift
/// let plan = try await session.plans.edit(acme) { plan in
///     plan.expect(.invoice, try EntityID(validating: "130"), on: LocalDate("2026-12-20")!, note: "promised")
///     plan.cashFloor = 5000
/// }
/// let slow = try await session.snapshot(acme, scenario: "slow")
/// ```
///
/// A plan that cannot be read never blocks the numbers: ``AdvisorSession/snapshot(_:scenario:strict:rates:)``
/// answers without it and carries a `plan.invalid` flag, while ``plan(of:)`` and ``edit(_:_:)`` throw
/// the ``PlanError`` (file, path inside it, field), so a hand edit is never overwritten.
public struct AdvisorPlans: Sendable {
    let session: AdvisorSession

    /// The business's plan (the empty plan when it has no `plan.json`).
    /// - Throws: ``PlanError`` when the file cannot be read as a plan; `StoreError` for an unknown business.
    public func plan(of business: BusinessID) throws -> RunwayPlan {
        let load = try self.load(business)
        if let problem = load.problem { throw problem }
        return load.plan ?? .empty
    }

    /// The business's plan or its problem, without throwing for a broken file.
    public func load(_ business: BusinessID) throws -> PlanLoad {
        try PlanLoad.read(session.workspace, session.ref(business))
    }

    /// The plan's file, relative to the workspace (`advisors/ada/businesses/acme/plan.json`).
    public func fileName(of business: BusinessID) -> String {
        session.workspace.planFileName(session.ref(business))
    }

    /// Replaces the business's plan, after checking it; the file is written atomically and durably.
    /// - Throws: ``PlanError`` when `plan` breaks a rule (nothing is written); `StoreError` on I/O.
    public func write(_ plan: RunwayPlan, for business: BusinessID) async throws {
        do {
            try plan.validate()
        } catch {
            throw error.inFile(fileName(of: business))
        }
        try await session.store.writePlanFile(try RunwayPlanFile.encode(plan), for: business)
        // The plan is written: an alert that cannot be evaluated now (an unreadable mirror) is
        // evaluated by the next sync, and must not fail the edit the advisor made.
        _ = try? await session.advanceFloorAlert(of: business)
        await session.record("plan", checkPlans: true)
    }

    /// Reads the plan, applies `change`, checks and writes the result, and returns it.
    /// - Throws: ``PlanError`` when the current file cannot be read (it is left as it is) or the
    ///   change breaks a rule; whatever `change` throws.
    @discardableResult
    public func edit(_ business: BusinessID, _ change: (inout RunwayPlan) throws -> Void) async throws -> RunwayPlan {
        var plan = try self.plan(of: business)
        do {
            try change(&plan)
        } catch let problem as PlanError {
            throw problem.file == nil ? problem.inFile(fileName(of: business)) : problem
        }
        try await write(plan, for: business)
        return plan
    }
}

extension AdvisorSession {
    /// The advisor's plans.
    public var plans: AdvisorPlans { AdvisorPlans(session: self) }
}
