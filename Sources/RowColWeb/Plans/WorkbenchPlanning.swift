import Foundation
import RowCol

/// What the workbench needs of the advisor's plans and scenarios (`plan.json`, `--scenario`).
///
/// RowColWeb holds no plan model of its own: the plans belong to the runway and the composition
/// root. Give a conforming value as ``WorkbenchOptions/planning`` and the business page gets a
/// scenario switcher and a side-by-side comparison, its week view and the tray an expected-date
/// and an exclude form per item, the plan section a floor and one-off items, and the API
/// `GET`/`POST /api/v1/businesses/{b}/plan` and `snapshot?scenario=`. Without one, the pages show the
/// base projection and the plan routes answer 404 (`plans_unavailable`).
///
/// Reads (`scenarioNames`, `snapshot`, `planDocument`, `planStamp`) run without a lock, beside
/// writers; ``apply(_:to:session:)`` runs inside a writer session the workbench opened for it.
public protocol WorkbenchPlanning: Sendable {
    /// The names of the business's scenarios, in the order to show them (the base excluded).
    /// - Throws: when the plan cannot be read; the page then shows the base only and says why.
    func scenarioNames(of business: BusinessID, reader: AdvisorReader) throws -> [String]

    /// The business's snapshot under `scenario` (nil: the plan's base), from the mirror as it is.
    /// A broken plan must not block the numbers: answer without it, with a flag naming the file.
    /// - Throws: ``WorkbenchPlanningError/unknownScenario(_:known:)`` for a name the plan lacks.
    func snapshot(of business: BusinessID, scenario: String?, reader: AdvisorReader) throws -> RunwaySnapshot

    /// The plan as the API shows it (the `plan.json` document; `{}` when there is none).
    func planDocument(of business: BusinessID, reader: AdvisorReader) throws -> JSONValue

    /// The stamp of the plan's file, so a hand edit of it is seen as a change (nil: no file).
    func planStamp(of business: BusinessID, reader: AdvisorReader) throws -> FileStamp?

    /// Applies one edit and writes the plan, under the lock `session` holds.
    /// - Returns: the plan document after the edit.
    /// - Throws: an error whose description names the field when the edit breaks a rule (answered 422).
    func apply(_ edit: PlanEdit, to business: BusinessID, session: AdvisorSession) async throws -> JSONValue
}

/// One change to a business's plan, as the pages and `POST /api/v1/businesses/{b}/plan` ask it.
public enum PlanEdit: Sendable, Hashable {
    /// Expect a bill or invoice on `on` instead of its projected date; nil removes the override.
    case expect(PlanItemRef, on: LocalDate?)
    /// Leave a bill or invoice out of the projection (or put it back).
    case exclude(PlanItemRef, excluded: Bool)
    /// A one-off item: money in (`inflow`) or out, on a date (a loan, a tax payment).
    case oneOff(id: String, name: String, inflow: Bool, amount: Decimal, on: LocalDate)
    /// Removes the one-off item `id`.
    case removeOneOff(id: String)
    /// The cash floor the alerts watch (nil: the default, zero).
    case floor(Decimal?)
}

/// A bill or invoice named in a plan edit.
public struct PlanItemRef: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case bill, invoice
    }

    public var kind: Kind
    public var id: EntityID

    public init(kind: Kind, id: EntityID) {
        self.kind = kind
        self.id = id
    }
}

/// Errors a ``WorkbenchPlanning`` reports that the workbench answers in its own words.
public enum WorkbenchPlanningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The plan has no scenario of that name.
    case unknownScenario(String, known: [String])

    public var description: String {
        switch self {
        case .unknownScenario(let name, let known):
            "no scenario \"\(ResponseMiddleware.printable(name))\" in this business's plan; "
                + (known.isEmpty ? "it has none" : "it has \(known.joined(separator: ", "))")
        }
    }
}
