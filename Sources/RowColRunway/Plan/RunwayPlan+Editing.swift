import Foundation
import RowColDomain

// The edits the CLI and the web workbench make. Each leaves the plan valid or throws; none
// touches a file (the session reads, edits and writes the plan under the advisor's lock).

extension RunwayPlan {
    /// The overrides of invoices or of bills.
    public subscript(overrides kind: PlanItemKind) -> [String: ItemOverride] {
        get { kind == .invoice ? invoices : bills }
        set {
            if kind == .invoice { invoices = newValue } else { bills = newValue }
        }
    }

    /// Expects an open invoice or bill on `date`; `nil` removes the expected date (and the entry
    /// when nothing else is left). An exclusion of the item is lifted.
    public mutating func expect(_ kind: PlanItemKind, _ id: EntityID, on date: LocalDate?, note: String? = nil) {
        var entry = self[overrides: kind][id.rawValue] ?? ItemOverride()
        entry.expectOn = date
        if date != nil { entry.exclude = false }
        if let note { entry.note = note.isEmpty ? nil : note }
        self[overrides: kind][id.rawValue] = entry.expectOn == nil && !entry.exclude ? nil : entry
    }

    /// Leaves an open invoice or bill out of the projection (`excluded: false` puts it back).
    /// An expected date of the item is dropped.
    public mutating func exclude(_ kind: PlanItemKind, _ id: EntityID, _ excluded: Bool = true, note: String? = nil) {
        var entry = self[overrides: kind][id.rawValue] ?? ItemOverride()
        entry.exclude = excluded
        if excluded { entry.expectOn = nil }
        if let note { entry.note = note.isEmpty ? nil : note }
        self[overrides: kind][id.rawValue] = entry.expectOn == nil && !entry.exclude ? nil : entry
    }

    /// Adds, replaces or (with `nil`) removes a one-off item.
    /// - Throws: ``PlanError`` when the id or the item breaks a rule of ``validate()``.
    public mutating func setOneOff(_ id: String, _ item: PlannedItem?) throws(PlanError) {
        var copy = self
        copy.oneOffs[id] = item
        try copy.validate()
        self = copy
    }

    /// Adds, replaces or (with `nil`) removes a recurring edit.
    /// - Throws: ``PlanError`` when the key or the edit breaks a rule of ``validate()``.
    public mutating func setRecurring(_ key: String, _ edit: RecurringEdit?) throws(PlanError) {
        var copy = self
        copy.recurring[key] = edit
        try copy.validate()
        self = copy
    }

    /// Adds, replaces or (with `nil`) removes a scenario.
    /// - Throws: ``PlanError`` when the name or the scenario breaks a rule of ``validate()``.
    public mutating func setScenario(_ name: String, _ scenario: Scenario?) throws(PlanError) {
        var copy = self
        copy.scenarios[name] = scenario
        try copy.validate()
        self = copy
    }

    /// The names of the scenarios, sorted.
    public var scenarioNames: [String] { scenarios.keys.sorted() }

    /// The scenario called `name`; `nil` for ``baseScenario``.
    /// - Throws: ``PlanError`` naming the scenarios the plan has when there is none of that name.
    public func scenario(named name: String) throws(PlanError) -> Scenario? {
        if name == RunwayPlan.baseScenario { return nil }
        guard let scenario = scenarios[name] else {
            let known = scenarioNames.isEmpty ? "the plan has none (add one with `rowcol plan scenario`)"
                : "the plan has " + scenarioNames.joined(separator: ", ")
            throw PlanError(path: "scenarios", field: name, message: "no such scenario; \(known)")
        }
        return scenario
    }
}
