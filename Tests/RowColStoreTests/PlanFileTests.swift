import Foundation
import RowColDomain
import RowColJSON
import Testing
@testable import RowColStore

/// `plan.json` through the store: atomic and durable under a simulated power cut, repaired after
/// a crash, checked by verify, left alone by rebuild.
@Suite struct PlanFileTests {
    @Test func writesReplaceThePlanWholeAndRebuildKeepsIt() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        #expect(try fixture.workspace.planFile(fixture.ref) == nil)
        #expect(fixture.workspace.planFileName(fixture.ref) == "advisors/ada/businesses/acme/plan.json")
        let store = try fixture.open()
        _ = try await store.commit([record(fixture.business, [try bill("1", cents: 1000)])])
        let plan = Array("{\n  \"cash_floor\" : 500,\n  \"schema_version\" : 1\n}\n".utf8)
        try await store.writePlanFile(plan, for: fixture.business)
        #expect(try fixture.workspace.planFile(fixture.ref) == plan)
        try await store.rebuild()
        #expect(try fixture.workspace.planFile(fixture.ref) == plan)
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)

        // A temp file left by a crash is cleared by the next writer; verify names it until then.
        let temp = fixture.root + "/advisors/ada/businesses/acme/plan.json.tmp"
        try writeBytes(Array("{".utf8), temp)
        #expect(try fixture.workspace.verify().contains { $0.path == temp })
        let reopened = try fixture.open()
        await reopened.close()
        #expect(!FileManager.default.fileExists(atPath: temp))

        // verify: the file must hold a JSON object, and the caller's check may say more.
        let path = fixture.root + "/advisors/ada/businesses/acme/plan.json"
        try writeBytes(Array("[1]".utf8), path)
        #expect(try fixture.workspace.verify().map(\.description) == ["\(path): not a plan: expected a JSON object"])
        try writeBytes(plan, path)
        let checked = try fixture.workspace.verify { _, _ in "cash_floor: too high" }
        #expect(checked.map(\.description) == ["\(path): cash_floor: too high"])
    }
}
