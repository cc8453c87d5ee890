import Foundation
import QBOSandbox
import RowCol
import Testing

/// A `git daemon` serving a bare repository on loopback, started by the test.
///
/// git daemon takes `--port=0` but never says which port it got, so the test asks the kernel for
/// a free port first (a socket bound to port 0, then closed) and hands that to the daemon; if
/// another process takes the port in between, the daemon fails to listen and the next port is tried.
struct GitDaemon {
    let process: ChildProcess
    let url: String

    static func start(serving root: URL, repository: String, environment: [String: String]) async throws -> GitDaemon {
        // The daemon itself, not the `git` wrapper: a SIGTERM to the wrapper leaves its child running.
        let git = try Git.locate()
        let execPath = try await ChildProcess.run(git.executable, ["--exec-path"], environment: environment)
        let folder = execPath.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let program = URL(fileURLWithPath: folder + "/git-daemon")
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            let daemon = try ChildProcess(program, [
                "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(root.path)",
                "--export-all", "--enable=receive-pack", "--informative-errors", "--verbose", root.path,
            ], environment: environment)
            let ready = await daemon.waitFor(.stderr) {
                $0.contains("Ready to rumble") || $0.contains("unable to allocate")
            }
            if ready, daemon.printed(.stderr).contains("Ready to rumble") {
                return GitDaemon(process: daemon, url: "git://127.0.0.1:\(port)/\(repository)")
            }
            daemon.kill()
            _ = await daemon.wait()
        }
        throw HarnessError("git daemon could not listen on a loopback port")
    }

    /// SIGKILL: a daemon started from the test runner may inherit SIGTERM ignored.
    func stop() async {
        process.kill()
        _ = await process.wait()
    }

    /// A port the kernel says is free now.
    static func freeLoopbackPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw HarnessError("bind() to 127.0.0.1:0 failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw HarnessError("getsockname() failed") }
        return UInt16(bigEndian: address.sin_port)
    }
}

@Suite("git sharing through a remote")
struct GitSharingTests {
    typealias T = GitWorkspaceTests

    @Test("two workspaces push to one remote; a clone is read-only until take-over; a rejected push loses nothing")
    func sharing() async throws {
        let temp = try TempFolder("git-share")
        defer { temp.remove() }
        let envA = try T.environment(temp, machine: "machine-a")
        let envB = try T.environment(temp, machine: "machine-b")
        let envC = try T.environment(temp, machine: "machine-c")
        let served = temp.url.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        #expect(try await T.git(served, ["init", "-q", "--bare", "firm.git"], envA).status == 0)
        let daemon = try await GitDaemon.start(serving: served, repository: "firm.git", environment: envA)
        let sandbox = try await QBOSandboxServer.start()
        do {
            let control = Control(baseURL: sandbox.baseURL)
            let ada = try await ConnectedWorkspace.make(
                in: temp.url.appendingPathComponent("a"), control: control, advisor: "ada", businesses: [("acme",
                    "9840001")])
            let bob = try await ConnectedWorkspace.make(
                in: temp.url.appendingPathComponent("b"), control: control, advisor: "bob", businesses: [("bobco",
                    "9840002")])
            for (ws, env, branch) in [(ada, envA, "ada"), (bob, envB, "bob")] {
                let enabled = try await rowcol(
                    ws.folder, ["git", "enable", "--remote", daemon.url, "--push", "auto", "--branch",
                        branch], environment: env)
                #expect(enabled.status == 0, "\(enabled.output)")
                let synced = try await rowcol(ws.folder, ["sync", "--strict"], environment: env)
                #expect(synced.status == 0, "\(synced.output)")
                let head = try await T.git(ws.folder, ["rev-parse", "HEAD"], env).stdout
                let remote = try await T.git(ws.folder, ["ls-remote", daemon.url, "refs/heads/\(branch)"], env).stdout
                #expect(remote.hasPrefix(head.trimmingCharacters(in: .whitespacesAndNewlines)),
                    "pushed after the commit: \(remote)")
            }
            #expect(try await !T.flags(ada.folder, envA).contains("git.push_rejected"))

            // Another machine clones ada's workspace: it reads it, and refuses to write it.
            let clone = temp.url.appendingPathComponent("clone-of-ada")
            let cloned = try await T.git(temp.url, ["clone", "-q", "-b", "ada", daemon.url, clone.path], envC)
            #expect(cloned.status == 0, "\(cloned.output)")
            let bobClone = temp.url.appendingPathComponent("clone-of-bob")
            #expect(try await T.git(temp.url, ["clone", "-q", "-b", "bob", daemon.url, bobClone.path],
                envC).status == 0)
            let refused = try await rowcol(clone, ["plan", "floor", "--business", "acme", "100"], environment: envC)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("read-only") && refused.stderr.contains("machine-a")
                    && refused.stderr.contains("rowcol git take-over"), "\(refused.stderr)")
            let firm = try await run(rowcolBinary(), ["console", "--firm", clone.path, bobClone.path, "--json"],
                environment: envC)
            #expect(firm.status == 0, "\(firm.output)")
            let rows = (try json(firm.stdout) as? [String: Any])?["rows"] as? [[String: Any]] ?? []
            #expect(Set(rows.compactMap { $0["advisor_id"] as? String }) == ["ada", "bob"], "\(firm.stdout)")
            #expect(rows.compactMap { ($0["row"] as? [String: Any])?["rank"] as? Int } == [1, 2])

            // The advisor moves to machine C: take-over, then C writes and pushes.
            let moved = try await rowcol(clone, ["git", "take-over"], environment: envC)
            #expect(moved.status == 0, "\(moved.output)")
            let written = try await rowcol(clone, ["plan", "floor", "--business", "acme", "250"], environment: envC)
            #expect(written.status == 0, "\(written.output)")
            let pushed = try await rowcol(clone, ["git", "push"], environment: envC)
            #expect(pushed.status == 0, "\(pushed.output)")

            // The old laptop still thinks it writes: its commit stays local, its push is refused.
            let before = try await T.commits(ada.folder, envA).count
            let stale = try await rowcol(ada.folder, ["plan", "floor", "--business", "acme", "999"], environment: envA)
            #expect(stale.status == 0, "\(stale.output)")
            #expect(try await T.commits(ada.folder, envA).count == before + 1, "nothing is lost locally")
            #expect(try await T.flags(ada.folder, envA).contains("git.push_rejected"))
            let remoteHead = try await T.git(ada.folder, ["ls-remote", daemon.url, "refs/heads/ada"], envA).stdout
            let cloneHead = try await T.git(clone, ["rev-parse", "HEAD"],
                envC).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(remoteHead.hasPrefix(cloneHead), "the remote keeps what the new writer pushed")
            // Two workspaces pushing to one branch: the second is refused the same way.
            let onto = try await rowcol(bob.folder, ["git", "enable", "--branch", "ada"], environment: envB)
            #expect(onto.status == 0, "\(onto.output)")
            let collide = try await rowcol(bob.folder, ["git", "push"], environment: envB)
            #expect(collide.status != 0 && collide.stderr.contains("rejected"), "\(collide.output)")
        } catch {
            try? await sandbox.stop()
            await daemon.stop()
            throw error
        }
        try await sandbox.stop()
        await daemon.stop()
    }

    @Test("a workspace of 10,000 documents: the first commit holds them all, the next only what changed")
    func tenThousandDocuments() async throws {
        let temp = try TempFolder("git-10k")
        defer { temp.remove() }
        let env = try T.environment(temp, machine: "machine-a")
        var options = QBOSandboxOptions()
        options.throttleEnabled = false
        let sandbox = try await QBOSandboxServer.start(options)
        do {
            let control = Control(baseURL: sandbox.baseURL)
            let ws = try await ConnectedWorkspace.make(in: temp.url, control: control, businesses: [("big",
                "9850001")], bills: 10_000)
            let folder = ws.folder
            #expect(try await rowcol(folder, ["sync", "--strict"], environment: env).status == 0)
            let enabled = try await rowcol(folder, ["git", "enable"], environment: env)
            #expect(enabled.status == 0, "\(enabled.output)")
            let documents = try await T.git(folder, ["ls-files", "--", "advisors/ada/businesses/big/mirror"],
                env).stdout
                .split(separator: "\n").count
            #expect(documents >= 10_000, "\(documents) documents committed")
            let bills = try await control.query("9850001", "Bill").prefix(3).compactMap { $0["Id"] as? String }
            for bill in bills { try await control.call("PATCH", "/__sandbox/realms/9850001/bill/\(bill)",
                ["Balance": 2]) }
            let recon = try await rowcol(folder, ["recon"], environment: env)
            #expect(recon.status == 0, "\(recon.output)")
            let files = try await T.git(folder, ["show", "--name-only", "--format=", "HEAD"], env).stdout
            let changedDocuments = files.split(separator: "\n").filter { $0.contains("/mirror/") }
            #expect(Set(changedDocuments.map { String($0.split(separator: "/").last!.dropLast(5)) }) == Set(bills),
                    "\(files)")
            let message = try await T.message(folder, env)
            #expect(message.hasPrefix("recon: big 3 bill.changed"), "\(message)")
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }
}
