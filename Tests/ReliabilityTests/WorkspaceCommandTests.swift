import Foundation
import RowColDomain
import RowColTestSupport
import Testing
@testable import RowColStore

/// The workspace as the `rowcol` binary meets it: refusals of test-only commands, hostile ids,
/// a busy advisor.
@Suite struct WorkspaceCommandTests {
    @Test func debugCommandsRefuseAWorkspaceNotMadeForTests() async throws {
        let folder = try TempFolder("real-workspace")
        defer { folder.remove() }
        let root = folder.url.appendingPathComponent("books").path
        #expect(try await runRowcol(["init", "--workspace", root]).status == 0)
        #expect(try await runRowcol(["advisor", "add", "ada", "--workspace", root]).status == 0)
        let workspace = try Workspace.open(at: URL(fileURLWithPath: root))
        try workspace.addBusiness(BusinessInfo(
            advisor: AdvisorID(validating: "ada"), business: BusinessID(validating: "acme"), realmID: "9130",
            environment: "local", baseURL: "http://127.0.0.1:1"))
        let before = try snapshot(root + "/advisors")
        for (command, says) in [("append", "synthetic bills"), ("refresh-token", "real refresh token")] {
            let refused = try await runRowcol([
                "debug", command, "--workspace", root, "--advisor", "ada", "--business", "acme",
            ])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("is not a test workspace"), "\(refused.stderr)")
            #expect(refused.stderr.contains(says), "\(refused.stderr)")
            #expect(refused.stderr.contains("rowcol init --for-tests"))
        }
        #expect(try snapshot(root + "/advisors") == before, "a refused debug command changed the workspace")

        let testRoot = folder.url.appendingPathComponent("for-tests").path
        #expect(try await runRowcol(["init", "--for-tests", "--workspace", testRoot]).status == 0)
        #expect(try Workspace.open(at: URL(fileURLWithPath: testRoot)).manifest().forTests == true)
    }


    @Test(arguments: ["..", ".hidden", "a/b", "", "x\ny", String(repeating: "a", count: 65), "ünï"])
    func hostileIDsAreRefusedBeforeAnythingIsCreated(_ id: String) async throws {
        #expect(throws: IdentifierError.self) { try AdvisorID(validating: id) }
        let fixture = try StoreFixture(addAdvisor: false)
        defer { fixture.remove() }
        let result = try await runRowcol(["advisor", "add", id, "--workspace", fixture.root])
        #expect(result.status != 0)
        #expect(result.stderr.contains("invalid advisor id"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.root + "/advisors").isEmpty)
    }


    @Test func aSecondWriterIsBusyWhileTheFirstHoldsTheLock() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let error = try #require(throws: StoreError.self) { try fixture.open() }
        #expect(error.code == .busy)
        #expect(error.message.contains("workspace busy: advisor ada is held by pid \(ProcessInfo.processInfo.processIdentifier)"))
        let other = try await runRowcol([
            "debug", "append", "--workspace", fixture.root, "--advisor", "ada", "--business", "acme", "--count", "1",
        ])
        #expect(other.status != 0)
        #expect(other.stderr.contains("workspace busy"))
        await store.close()
        let reopened = try fixture.open()
        await reopened.close()
    }
}
