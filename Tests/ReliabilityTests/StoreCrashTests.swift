import Foundation
import RowColDomain
import RowColTestSupport
import Testing
@testable import RowColStore

/// The real `rowcol` binary is killed with SIGKILL at each failpoint while it commits; nothing it
/// acknowledged may be lost, and the workspace must verify clean after reopening.
@Suite struct StoreCrashTests {
    @Test(arguments: [
        "log.after_write:4", "log.after_sync:4", "mirror.between_renames:3", "checkpoint.before:4",
        "checkpoint.after:4",
    ])
    func aCrashAtAFailpointLosesNothingAcknowledged(_ failpoint: String) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let arguments = [
            "debug", "append", "--workspace", fixture.root, "--advisor", "ada", "--business", "acme", "--count", "40",
            "--concurrency", "3", "--segment-limit", "2048",
        ]
        let crashed = try await runRowcol(arguments, environment: ["ROWCOL_FAILPOINT": failpoint])
        #expect(crashed.killed && crashed.status == SIGKILL, "\(crashed.stderr)")
        let acknowledged = crashed.stdout.split(separator: "\n").compactMap { UInt64($0) }
        #expect(!acknowledged.isEmpty, "\(failpoint) fired before any acknowledgement: the check below would prove nothing")
        let temps = { (folders: [String]) in
            try folders.flatMap { try FileManager.default.contentsOfDirectory(atPath: $0) }.filter { $0.hasSuffix(".tmp") }
        }
        if failpoint.hasPrefix("mirror.between_renames") {
            // Killed between two renames: the batch's other temp documents wait in the staging
            // folder, never beside the documents, and verify names them until a writer opens.
            #expect(try !temps(fixture.stagingFolders).isEmpty)
            #expect(try temps([fixture.billsFolder]).isEmpty)
            #expect(try fixture.workspace.verify().contains { $0.message == "stray temporary file" && $0.path.contains("/mirror/.staging/") })
        }

        let store = try fixture.open(segmentLimit: 2048)
        let last = await store.lastSeq()
        for seq in acknowledged { #expect(LogSeq(seq) <= last, "seq \(seq) was acknowledged but lost") }
        let entries = try store.entries(after: .zero)
        #expect(entries.map(\.seq.rawValue) == Array(0..<last.rawValue).map { $0 + 1 })
        await store.close()
        #expect(try temps(fixture.stagingFolders).isEmpty)
        #expect(try fixture.workspace.verify().isEmpty)

        let live = try snapshot(fixture.billsFolder)
        let rebuilt = try await runRowcol(["rebuild", "--workspace", fixture.root])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(try snapshot(fixture.billsFolder) == live)

        // The workspace keeps working after the crash.
        let more = try await runRowcol(arguments.map { $0 == "40" ? "5" : $0 })
        #expect(more.status == 0, "\(more.stderr)")
        let check = try await runRowcol(["verify", "--workspace", fixture.root])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func verifyFailsWithFileAndLineAndOnANonWorkspace() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let append = try await runRowcol([
            "debug", "append", "--workspace", fixture.root, "--advisor", "ada", "--business", "acme", "--count", "5",
        ])
        #expect(append.status == 0)
        #expect(append.stdout.split(separator: "\n") == ["1", "2", "3", "4", "5"])
        let clean = try await runRowcol(["verify"], environment: ["ROWCOL_WORKSPACE": fixture.root])
        #expect(clean.status == 0)

        var content = try readBytes(fixture.segment(1)).split(separator: UInt8(ascii: "\n")).map(Array.init)
        content.remove(at: 1)
        try writeBytes(content.flatMap { $0 + [UInt8(ascii: "\n")] }, fixture.segment(1))
        let broken = try await runRowcol(["verify", "--workspace", fixture.root])
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("000001.jsonl:2:"))

        let log = try await runRowcol(["log", "--workspace", fixture.root, "--advisor", "ada", "--json"])
        #expect(log.stdout.split(separator: "\n").count == 4)

        let notWorkspace = try await runRowcol(["verify", "--workspace", fixture.root + "/advisors"])
        #expect(notWorkspace.status != 0)
        #expect(notWorkspace.stderr.contains("not a RowCol workspace"))
        #expect(notWorkspace.stderr.split(separator: "\n").count == 1)
    }
}
