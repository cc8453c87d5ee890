import Foundation
import QBOSandbox
import RowCol
import Testing

@Suite("rowcol backup")
struct BackupTests {
    @Test("a backup of a synced workspace verifies clean, keeps token modes, and can be left without secrets")
    func backupVerifiesClean() async throws {
        let temp = try TempFolder("backup")
        defer { temp.remove() }
        let sandbox = try await QBOSandboxServer.start()
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let ws = try await ConnectedWorkspace.make(
                in: temp.url, control: control, businesses: [("acme", "9500001"), ("zenith", "9500002")])
            let synced = try await rowcol(ws.folder, ["sync", "--strict"])
            #expect(synced.status == 0, "\(synced.output)")

            let full = temp.url.appendingPathComponent("full")
            let backedUp = try await rowcol(ws.folder, ["backup", full.path])
            #expect(backedUp.status == 0, "\(backedUp.output)")
            let verified = try await run(rowcolBinary(), ["verify", "--workspace", full.path])
            #expect(verified.status == 0, "\(verified.output)")
            // The lock belongs to the original's writer and is not copied.
            #expect(!FileManager.default.fileExists(atPath: full.appendingPathComponent("advisors/ada/.lock").path))

            // The copy holds the same mirror as the original.
            let original = try await rowcol(ws.folder, ["bills", "--business", "acme", "--json"])
            let copied = try await rowcol(full, ["bills", "--business", "acme", "--json"])
            let originalIDs = try billIDs(original.stdout)
            #expect(!originalIDs.isEmpty)
            #expect(try billIDs(copied.stdout) == originalIDs)

            // Tokens are copied with their modes.
            let secrets = full.appendingPathComponent("secrets/ada").path
            #expect(try mode(secrets) == 0o700)
            let tokenFiles = try FileManager.default.contentsOfDirectory(atPath: secrets)
            #expect(!tokenFiles.isEmpty)
            for name in tokenFiles { #expect(try mode(secrets + "/" + name) == 0o600, "\(name)") }

            // Without secrets: no token anywhere in the copy, and it still verifies.
            let bare = temp.url.appendingPathComponent("bare")
            let bareRun = try await rowcol(ws.folder, ["backup", bare.path, "--without-secrets", "--advisor", "ada"])
            #expect(bareRun.status == 0, "\(bareRun.output)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: bare.appendingPathComponent("secrets").path).isEmpty)
            let bareVerified = try await run(rowcolBinary(), ["verify", "--workspace", bare.path])
            #expect(bareVerified.status == 0, "\(bareVerified.output)")

            // A non-empty destination, or one inside the workspace, is refused with a reason.
            let again = try await rowcol(ws.folder, ["backup", full.path])
            #expect(again.status != 0)
            #expect(again.stderr.contains("not empty"), "\(again.output)")
            let inside = try await rowcol(ws.folder, ["backup", ws.folder.appendingPathComponent("copy").path])
            #expect(inside.status != 0)
            #expect(inside.stderr.contains("inside the workspace"), "\(inside.output)")
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }

    @Test("a backup waits for the advisor lock held by another writer, then copies a committed state")
    func backupWaitsForTheLock() async throws {
        let temp = try TempFolder("backup-lock")
        defer { temp.remove() }
        let folder = temp.url.appendingPathComponent("ws")
        let workspace = try Workspace.create(at: folder)
        let advisor = try AdvisorID(validating: "ada")
        try workspace.addAdvisor(advisor)
        let store = try AdvisorStore.open(workspace, advisor: advisor)

        let refused = try await rowcol(folder, ["backup", temp.url.appendingPathComponent("a").path, "--wait-lock", "0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("workspace busy"), "\(refused.output)")

        let waiting = try ChildProcess(
            rowcolBinary(), ["backup", temp.url.appendingPathComponent("b").path, "--wait-lock", "60", "--workspace", folder.path])
        // The backup says it meets the held lock and waits; only then is the lock released.
        let metTheLock = await waiting.waitFor(.stderr) { $0.contains("workspace busy") && $0.contains("waiting up to 60 s") }
        #expect(metTheLock, "the backup never reported waiting for the lock: \(waiting.printed(.stderr))")
        await store.close()
        let done = await waiting.wait()
        #expect(done.status == 0, "\(done.output)")
        let copy = try Workspace.open(at: temp.url.appendingPathComponent("b"))
        #expect(try copy.advisors() == [advisor])
        #expect(try copy.verify().isEmpty)
    }
}

func billIDs(_ output: String) throws -> [String] {
    let object = try json(output) as? [String: Any]
    let items = object?["items"] as? [[String: Any]] ?? []
    return items.compactMap { $0["id"] as? String }.sorted()
}

func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
