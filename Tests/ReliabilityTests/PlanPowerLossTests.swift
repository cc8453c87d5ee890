import Foundation
import RowColDomain
import RowColJSON
import RowColTestSupport
import Testing
@testable import RowColStore

/// `plan.json` written by a real `rowcol` process under a simulated power cut.
@Suite struct PlanPowerLossTests {
    func floor(_ bytes: [UInt8]?) -> String? {
        guard let bytes, case .object(let members)? = try? JSONValue.parse(bytes) else { return nil }
        if case .number(let value)? = members["cash_floor"] { return "\(value)" }
        return "none"
    }

    /// `rowcol plan floor` cut by a power loss after any operation: plan.json is the old plan or
    /// the new one, never torn or gone, and the new one whenever the command said it saved it.
    @Test func aPowerCutDuringAPlanWriteLeavesTheOldPlanOrTheNew() async throws {
        var cuts = 0
        var lastCut = 0
        var outcomes: [String] = []
        var finished = false
        for operation in 1...64 {
            let fixture = try StoreFixture()
            defer { fixture.remove() }
            let base = ["plan", "floor", "--workspace", fixture.root, "--advisor", "ada", "--business", "acme"]
            let setUp = try await runRowcol(base + ["100"])
            #expect(setUp.status == 0, "\(setUp.stderr)")
            let cut = try await runRowcol(base + ["200"], environment: ["ROWCOL_STORAGE_FAULT": "power-loss:\(operation)"])
            let wasCut = cut.killed && cut.status == SIGKILL
            #expect(wasCut || cut.status == 0, "power-loss:\(operation): \(cut.stderr)")
            let after = floor(try fixture.workspace.planFile(fixture.ref))
            #expect(after == "100" || after == "200", "power-loss:\(operation): plan.json holds \(String(describing: after))")
            if !wasCut { #expect(after == "200", "power-loss:\(operation): the command said saved, the plan is \(after ?? "-")") }
            outcomes.append("\(operation):\(wasCut ? "cut" : "ok")/\(after ?? "-")")
            if wasCut { cuts += 1 }
            if wasCut { lastCut = operation }
            // The next command repairs and works; the workspace verifies clean.
            let again = try await runRowcol(base + ["300"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try fixture.workspace.verify().isEmpty, "power-loss:\(operation)")
            // The first run the cut did not reach is past the command's last storage operation.
            if !wasCut {
                finished = true
                break
            }
        }
        // Every operation up to the command's last was cut once (the plan's fsync, rename and folder
        // sync, then the floor alert remembered in state.json, are the last ones), then a run was not.
        #expect(finished && cuts == lastCut && lastCut >= 10, "\(outcomes)")
    }
}
