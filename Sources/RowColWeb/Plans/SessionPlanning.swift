import Foundation
import RowCol

/// The advisor's own plans (`plan.json`, RowColRunway's ``RunwayPlan``) as the workbench uses them:
/// reads through ``AdvisorReader`` (no lock: the reader's inputs carry the plan), edits through
/// ``AdvisorSession/plans`` under the writer lock of the operation. `rowcol serve` passes it as
/// ``WorkbenchOptions/planning``.
public struct SessionPlanning: WorkbenchPlanning {
    public init() {}

    public func scenarioNames(of business: BusinessID, reader: AdvisorReader) throws -> [String] {
        let load = try PlanLoad.read(reader.workspace, reader.ref(business))
        if let problem = load.problem { throw problem }
        return load.plan?.scenarioNames ?? []
    }

    public func snapshot(of business: BusinessID, scenario: String?, reader: AdvisorReader) throws -> RunwaySnapshot {
        var inputs = try reader.inputs(of: business)
        if let scenario, inputs.planProblem == nil {
            // A name the plan lacks is refused, never silently the base.
            guard try (inputs.plan ?? .empty).scenario(named: scenario) != nil else {
                throw WorkbenchPlanningError.unknownScenario(scenario, known: inputs.plan?.scenarioNames ?? [])
            }
        }
        inputs.scenario = scenario
        return RunwayCalculator.snapshot(inputs: inputs)
    }

    public func planDocument(of business: BusinessID, reader: AdvisorReader) throws -> JSONValue {
        let load = try PlanLoad.read(reader.workspace, reader.ref(business))
        if let problem = load.problem { throw problem }
        return try JSONValue.parse(try RunwayPlanFile.encode(load.plan ?? .empty))
    }

    /// nil: ``AdvisorReader/stamps(of:)`` already includes `plan.json`.
    public func planStamp(of business: BusinessID, reader: AdvisorReader) throws -> FileStamp? { nil }

    public func apply(_ edit: PlanEdit, to business: BusinessID, session: AdvisorSession) async throws -> JSONValue {
        let plan = try await session.plans.edit(business) { plan in
            switch edit {
            case .expect(let item, let on): plan.expect(Self.kind(item), item.id, on: on)
            case .exclude(let item, let excluded): plan.exclude(Self.kind(item), item.id, excluded)
            case .oneOff(let id, let name, let inflow, let amount, let on):
                try plan.setOneOff(id, RunwayPlan.PlannedItem(
                    name: name, direction: inflow ? .inflow : .outflow, amount: amount, on: on))
            case .removeOneOff(let id): try plan.setOneOff(id, nil)
            case .floor(let amount): plan.cashFloor = amount
            }
        }
        return try JSONValue.parse(try RunwayPlanFile.encode(plan))
    }

    static func kind(_ item: PlanItemRef) -> PlanItemKind { item.kind == .bill ? .bill : .invoice }
}
