import Foundation
import RowCol
import Testing

@Suite struct ConcurrentRefreshTests {
    /// Refresh tokens rotate: if two processes spent the same one, the second would get
    /// `invalid_grant` and the connection would be lost. The token file's lock prevents it.
    @Test func fourProcessesRefreshingAtOnceKeepTheConnection() async throws {
        let (sandbox, books, _) = try await connectedAcme(bills: 3, invoices: 1)
        defer { Task { await sandbox.stop() }; books.remove() }
        let tokenFile = books.folder.appendingPathComponent("secrets/ada/acme.json")
        let before = try String(contentsOf: tokenFile, encoding: .utf8)
        let refresh = ["debug", "refresh-token", "--workspace", books.folder.path, "--advisor", "ada", "--business", "acme"]
        let processes = try (0..<4).map { _ in try RowcolProcess(refresh) }
        var runs: [Run] = []
        for process in processes { runs.append(await process.wait()) }
        for run in runs { #expect(run.status == 0, "\(run.stdout)\(run.stderr)") }
        let after = try String(contentsOf: tokenFile, encoding: .utf8)
        #expect(after != before)
        #expect(after.contains("\"active\""))
        // The connection still works: a later refresh and a sync both succeed.
        #expect(try await rowcol(refresh).status == 0)
        #expect(try await rowcol(["sync", "--strict", "--workspace", books.folder.path]).status == 0)
    }
}
