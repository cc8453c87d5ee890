import Foundation
import RowColDomain
import RowColJSON
import RowColRunway
import RowColStore

/// `plan.json` as bytes: the runway's ``RunwayPlan`` read through the JSON leaf's tree decoder
/// and written with the layout of every file a person reads (sorted keys, two-space indent,
/// final newline), so a plan written by RowCol and one edited by hand diff cleanly.
public enum RunwayPlanFile {
    /// Reads a plan.
    /// - Parameter file: the file's name, for the error (see ``Workspace/planFileName(_:)``).
    /// - Throws: ``PlanError`` naming the file, the path inside it and the field.
    public static func decode(_ bytes: [UInt8], file: String) throws(PlanError) -> RunwayPlan {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw PlanError(file: file, path: "", message: "is not valid JSON (\(error.message)); fix the file or "
                + "move it aside")
        }
        do {
            switch try value.decode(Capture.self).result {
            case .success(let plan): return plan
            case .failure(let problem): throw problem.inFile(file)
            }
        } catch let problem as PlanError {
            throw problem
        } catch {
            throw PlanError(file: file, path: "", message: "\(error)")
        }
    }

    /// The bytes RowCol writes for `plan`.
    public static func encode(_ plan: RunwayPlan) throws -> [UInt8] {
        var bytes = [UInt8](try JSONEncoder(layout: .pretty).encode(plan))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// What `verify` says about a plan file: `nil` when it reads, else the problem.
    public static func check(_ ref: BusinessRef, _ bytes: [UInt8]) -> String? {
        do {
            _ = try decode(bytes, file: "plan.json")
            return nil
        } catch {
            return "cannot be read as a plan: \(error.location): \(error.message)"
        }
    }

    /// Keeps the runway's own error instead of the leaf's wording of it.
    private struct Capture: Decodable {
        let result: Result<RunwayPlan, PlanError>

        init(from decoder: any Decoder) throws {
            do {
                result = .success(try RunwayPlan(from: decoder))
            } catch let problem as PlanError {
                result = .failure(problem)
            }
        }
    }
}

/// A business's plan as a snapshot uses it: the plan, or what is wrong with its file.
public struct PlanLoad: Sendable {
    /// The plan; the empty plan when the business has no `plan.json`; `nil` when it cannot be read.
    public var plan: RunwayPlan?
    /// Why `plan.json` cannot be read.
    public var problem: PlanError?

    /// A load's outcome.
    public init(plan: RunwayPlan?, problem: PlanError?) {
        self.plan = plan
        self.problem = problem
    }

    /// Reads a business's plan from the workspace, never throwing for a broken file.
    /// - Throws: ``StoreError`` only when the business does not exist or the file cannot be read at all.
    public static func read(_ workspace: Workspace, _ ref: BusinessRef) throws -> PlanLoad {
        guard let bytes = try workspace.planFile(ref) else { return PlanLoad(plan: .empty, problem: nil) }
        do {
            return PlanLoad(plan: try RunwayPlanFile.decode(bytes, file: workspace.planFileName(ref)), problem: nil)
        } catch {
            return PlanLoad(plan: nil, problem: error)
        }
    }
}
