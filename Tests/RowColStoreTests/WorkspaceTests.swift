import Foundation
import RowColDomain
import RowColJSON
import Testing
@testable import RowColStore

@Suite struct WorkspaceTests {
    @Test func createLaysOutTheWorkspace() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let manifest = try String(contentsOfFile: fixture.root + "/rowcol.json", encoding: .utf8)
        #expect(manifest.contains("\"format_version\" : \(Workspace.formatVersion)"))
        let gitignore = try String(contentsOfFile: fixture.root + "/.gitignore", encoding: .utf8)
        #expect(gitignore.contains("secrets/") && gitignore.contains("*.lock") && gitignore.contains("*.tmp"))
        #expect(gitignore.split(separator: "\n").contains("index/"))
        #expect(FileSystem.permissions(of: fixture.root + "/secrets") == 0o700)
        #expect(FileSystem.permissions(of: fixture.root + "/secrets/ada") == 0o700)
        #expect(FileSystem.kind(of: fixture.root + "/advisors/ada/advisor.json") == .file)
        let business = try fixture.workspace.business(fixture.ref)
        #expect(business.realmID == "9130")
        #expect(try Workspace.open(at: fixture.folder).advisors() == [fixture.advisor])
        #expect(try fixture.workspace.businesses(of: fixture.advisor) == [fixture.business])
        #expect(throws: StoreError.self) { try Workspace.create(at: fixture.folder) }
    }

    @Test func openRefusesAFolderThatIsNotAWorkspace() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("not-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: StoreError.self) { try Workspace.open(at: folder) }
        #expect(error.code == .notAWorkspace)
        #expect(error.message.contains(folder.lastPathComponent))
    }

    @Test func theFirstWriterMovesAFormatOneManifestOnKeepingItsPolicy() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let old = Array("{\"format_version\": 1, \"policy\": {\"cache_ttl_bills\": 600}}\n".utf8)
        try writeBytes(old, fixture.root + "/rowcol.json")
        let workspace = try Workspace.open(at: fixture.folder)
        #expect(try readBytes(fixture.root + "/rowcol.json") == old)
        let store = try AdvisorStore.open(workspace, advisor: fixture.advisor)
        await store.close()
        let upgraded = WorkspaceManifest(formatVersion: Workspace.formatVersion, policy: ["cache_ttl_bills": 600])
        #expect(try workspace.manifest() == upgraded)
        #expect(try FileSystem.listDirectory(fixture.root).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test func openRefusesANewerFormat() throws {
        let fixture = try Fixture(addAdvisor: false)
        defer { fixture.remove() }
        try writeBytes(Array("{\"format_version\": 7}\n".utf8), fixture.root + "/rowcol.json")
        let error = try #require(throws: StoreError.self) { try Workspace.open(at: fixture.folder) }
        #expect(error.code == .newerFormat)
        #expect(error.message.contains("format 7") || error.message.contains("format_version 7") || error.message.contains(" 7"))
    }

    @Test func aFormatOneWorkspaceReadsUnchangedAndItsFirstWriterUpgradesIt() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let older = "{\n  \"format_version\" : 1,\n  \"policy\" : {\n    \"cache_ttl_bills\" : 60\n  }\n}\n"
        try writeBytes(Array(older.utf8), fixture.root + "/rowcol.json")
        let reopened = try Workspace.open(at: fixture.folder)
        #expect(try reopened.manifest().formatVersion == 1)
        #expect(try reopened.businesses(of: fixture.advisor) == [fixture.business])
        #expect(try String(contentsOfFile: fixture.root + "/rowcol.json", encoding: .utf8) == older, "a reader changed it")

        let store = try AdvisorStore.open(reopened, advisor: fixture.advisor)
        await store.close()
        let upgraded = try reopened.manifest()
        #expect(upgraded.formatVersion == Workspace.formatVersion)
        #expect(upgraded.policy?["cache_ttl_bills"] == .number(60), "the upgrade lost the policy")
    }

    @Test func aBusinessFolderReplacedByASymlinkOutsideIsRefused() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        let businesses = fixture.root + "/advisors/ada/businesses"
        try FileManager.default.moveItem(atPath: businesses, toPath: outside.path + "/businesses")
        try FileManager.default.createSymbolicLink(atPath: businesses, withDestinationPath: outside.path + "/businesses")
        let error = try #require(throws: StoreError.self) { try fixture.open() }
        #expect(error.code == .symlinkRefused)
        #expect(error.message.contains("outside the workspace"))
        #expect(throws: StoreError.self) { try fixture.workspace.mirrorReader(for: fixture.advisor).bills(of: fixture.ref) }
    }

    @Test func anAdvisorReachesOnlyItsOwnBusinesses() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let bea = try AdvisorID(validating: "bea")
        try fixture.workspace.addAdvisor(bea)
        let reader = fixture.workspace.mirrorReader(for: bea)
        #expect(throws: StoreError.self) { try reader.bills(of: fixture.ref) }
        let missing = BusinessRef(advisor: bea, business: try BusinessID(validating: "nope"))
        let error = try #require(throws: StoreError.self) { try reader.invoices(of: missing) }
        #expect(error.code == .notFound)
        #expect(try fixture.workspace.mirrorReader(for: fixture.advisor).bills(of: fixture.ref).isEmpty)
    }

}
