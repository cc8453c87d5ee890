import Foundation
import QBOSandbox
import RowCol
import Testing

/// A batch's documents outnumber the files a process may have open (`ulimit -n`, 1,024 on many
/// systems, and one batch of ten businesses syncing at once held 20,000): the store must never
/// keep a file open per document.
@Suite("open-file limit")
struct FileLimitTests {
    /// `rowcol ARGS` with at most `limit` open files (a shell's `ulimit -n`, then exec).
    func rowcolLimited(_ limit: Int, _ workspace: URL, _ arguments: [String]) async throws -> RunResult {
        try await run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "ulimit -n \(limit) && exec \"$0\" \"$@\"", try rowcolBinary().path]
                + arguments + ["--workspace", workspace.path])
    }

    @Test("a sync whose pages hold 600 bills, and a rebuild of them, under a limit of 128 open files")
    func syncAndRebuildUnderALowOpenFileLimit() async throws {
        let temp = try TempFolder("file-limit")
        defer { temp.remove() }
        let sandbox = try await QBOSandboxServer.start()
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let ws = try await ConnectedWorkspace.make(in: temp.url, control: control, businesses: [("acme", "9900021")], bills: 600)
            let synced = try await rowcolLimited(128, ws.folder, ["sync", "--strict"])
            #expect(synced.status == 0, "\(synced.output)")
            let bills = ws.folder.appendingPathComponent("advisors/ada/businesses/acme/mirror/bills")
            #expect(try FileManager.default.contentsOfDirectory(atPath: bills.path).count == 600)

            let rebuilt = try await rowcolLimited(128, ws.folder, ["rebuild"])
            #expect(rebuilt.status == 0, "\(rebuilt.output)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: bills.path).count == 600)
            let verified = try await rowcol(ws.folder, ["verify"])
            #expect(verified.status == 0, "\(verified.output)")
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }
}
