import Foundation
import QBOSandbox
import RowCol
import Testing

/// Git-native workspaces against the real `git`: a commit for every change that lands, none for
/// a sync that changes nothing, a kill between checkpoint and commit healed once, git missing as
/// a flag, history and diff, and sharing through a `git daemon` on loopback.
@Suite("git-native workspaces")
struct GitWorkspaceTests {
    /// Each test's own git configuration (no system file, a global one of its own) and machine.
    static func environment(_ temp: TempFolder, machine: String, identity: Bool = true) throws -> [String: String] {
        let config = temp.url.appendingPathComponent("gitconfig-\(machine)")
        let text = identity ? "[user]\n\tname = Test Advisor\n\temail = advisor@example.invalid\n" : ""
        try Data((text + "[init]\n\tdefaultBranch = main\n").utf8).write(to: config)
        return [
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": config.path, "ROWCOL_MACHINE_ID": machine,
            "HOME": temp.path, "STRICT_ON_SNAPSHOT": "false",
        ]
    }

    static func git(_ folder: URL, _ arguments: [String], _ environment: [String: String]) async throws -> RunResult {
        let git = try Git.locate()
        return try await ChildProcess.run(git.executable, arguments, environment: environment, currentDirectory: folder)
    }

    static func commits(_ folder: URL, _ environment: [String: String]) async throws -> [String] {
        let log = try await git(folder, ["log", "--format=%H"], environment)
        return log.stdout.split(separator: "\n").map(String.init)
    }

    static func message(_ folder: URL, _ environment: [String: String], _ ref: String = "HEAD") async throws -> String {
        try await git(folder, ["log", "-1", "--format=%B", ref], environment).stdout
    }

    static func flags(_ folder: URL, _ environment: [String: String]) async throws -> [String] {
        let status = try await rowcol(folder, ["status", "--json"], environment: environment)
        let rows = try json(status.stdout) as? [[String: Any]] ?? []
        return rows.flatMap { ($0["flags"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } }
    }

    @Test("every change that lands is one commit a person can read; a sync that changes nothing makes none")
    func commitsFollowChanges() async throws {
        let temp = try TempFolder("git-commits")
        defer { temp.remove() }
        let env = try Self.environment(temp, machine: "machine-a")
        let sandbox = try await QBOSandboxServer.start()
        do {
            let control = Control(baseURL: sandbox.baseURL)
            let ws = try await ConnectedWorkspace.make(in: temp.url, control: control, businesses: [("acme",
                "9810001")])
            let folder = ws.folder
            let enabled = try await rowcol(folder, ["git", "enable"], environment: env)
            #expect(enabled.status == 0, "\(enabled.output)")
            let tracked = try await Self.git(folder, ["ls-files"], env).stdout
            #expect(tracked.contains("writer.json") && tracked.contains("rowcol.json"))
            #expect(!tracked.contains("secrets/"), "tokens are never committed: \(tracked)")
            let ignore = try String(contentsOf: folder.appendingPathComponent(".gitignore"), encoding: .utf8)
            for pattern in ["secrets/", "*.lock", "*.tmp", "index/"] { #expect(ignore.contains(pattern)) }
            #expect(try await Self.commits(folder, env).count == 1)

            let synced = try await rowcol(folder, ["sync", "--strict"], environment: env)
            #expect(synced.status == 0, "\(synced.output)")
            #expect(try await Self.commits(folder, env).count == 2)
            let message = try await Self.message(folder, env)
            #expect(message.hasPrefix("sync: acme "), "\(message)")
            #expect(message.contains("bill.new") && message.contains("runway "), "\(message)")
            #expect(message.contains("RowCol-Advisor: ada\nRowCol-Log-Seq: 1.."), "\(message)")
            let files = try await Self.git(folder, ["show", "--name-only", "--format=", "HEAD"], env).stdout
            #expect(files.contains("mirror/bills/") && !files.contains("index/") && !files.contains("secrets/"),
                "\(files)")

            let again = try await rowcol(folder, ["sync", "--strict"], environment: env)
            #expect(again.status == 0, "\(again.output)")
            #expect(try await Self.commits(folder, env).count == 2, "a sync that changes nothing makes no commit")

            // A change in QBO, reconciled: one commit naming the bill, and its history.
            let bills = try await control.query("9810001", "Bill")
            let bill = try #require(bills.first?["Id"] as? String)
            try await control.call("PATCH", "/__sandbox/realms/9810001/bill/\(bill)", ["Balance": 1.5])
            let recon = try await rowcol(folder, ["recon"], environment: env)
            #expect(recon.status == 0, "\(recon.output)")
            #expect(try await Self.commits(folder, env).count == 3)
            let reconMessage = try await Self.message(folder, env)
            #expect(reconMessage.hasPrefix("recon: acme 1 bill."), "\(reconMessage)")
            #expect(reconMessage.contains("(id \(bill))") || reconMessage.contains("bill \(bill) "), "\(reconMessage)")

            let history = try await rowcol(folder, ["history", "--business", "acme", "--bill", bill, "--json"],
                environment: env)
            #expect(history.status == 0, "\(history.output)")
            let revisions = try json(history.stdout) as? [[String: Any]] ?? []
            #expect(revisions.map { $0["status"] as? String } == ["new", "changed"], "\(history.stdout)")
            let moved = (revisions.last?["fields"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(moved.contains("balance"), "\(history.stdout)")
            let last = (revisions.last?["fields"] as? [[String: Any]])?.first { $0["name"] as? String == "balance" }
            #expect(last?["after"] as? String == "1.50 USD", "\(history.stdout)")

            let diff = try await rowcol(folder, ["diff", "--since", "HEAD~1"], environment: env)
            #expect(diff.status == 0, "\(diff.output)")
            #expect(diff.stdout.contains("Acme") || diff.stdout.contains("acme"), "\(diff.stdout)")
            #expect(diff.stdout.contains("bill.changed") || diff.stdout.contains("bill.paid"), "\(diff.stdout)")

            // A plan edit is history too.
            let plan = try await rowcol(folder, ["plan", "floor", "--business", "acme", "5000"], environment: env)
            #expect(plan.status == 0, "\(plan.output)")
            #expect(try await Self.commits(folder, env).count == 4)
            let planMessage = try await Self.message(folder, env)
            #expect(planMessage.hasPrefix("plan: acme plan edited"), "\(planMessage)")
            #expect(planMessage.contains("plan: cash floor none → 5,000.00"), "\(planMessage)")
            #expect(try await Self.git(folder, ["status", "--porcelain", "--", "advisors/ada/businesses"], env).stdout
                .split(separator: "\n").allSatisfy { $0.hasSuffix("state.json") },
                "only sync state may wait for a commit")
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }

    @Test("a kill between checkpoint and commit is committed by the next writer, once")
    func killBeforeCommitIsHealed() async throws {
        let temp = try TempFolder("git-heal")
        defer { temp.remove() }
        let env = try Self.environment(temp, machine: "machine-a", identity: false)
        let sandbox = try await QBOSandboxServer.start()
        do {
            let control = Control(baseURL: sandbox.baseURL)
            let ws = try await ConnectedWorkspace.make(in: temp.url, control: control, businesses: [("acme",
                "9820001")])
            let folder = ws.folder
            #expect(try await rowcol(folder, ["git", "enable"], environment: env).status == 0)
            var killed = env
            killed["ROWCOL_FAILPOINT"] = "git.before_commit"
            let cut = try await rowcol(folder, ["sync", "--strict"], environment: killed)
            #expect(cut.killed && cut.status == SIGKILL, "\(cut.output)")
            #expect(try await Self.commits(folder, env).count == 1, "killed before its commit")
            let reader = try await rowcol(folder, ["status"], environment: env)
            #expect(reader.status == 0)
            #expect(try await Self.commits(folder, env).count == 1, "a reader commits nothing")

            let next = try await rowcol(folder, ["sync"], environment: env)
            #expect(next.status == 0, "\(next.output)")
            #expect(try await Self.commits(folder, env).count == 2, "the next writer commits what was pending")
            let message = try await Self.message(folder, env)
            #expect(message.hasPrefix("pending: acme "), "\(message)")
            #expect(message.contains("bill.new"), "\(message)")
            #expect(message.contains("RowCol-Log-Seq: 1.."), "\(message)")
            let author = try await Self.git(folder, ["log", "-1", "--format=%an <%ae>"], env).stdout
            #expect(author.hasPrefix("RowCol (ada) <rowcol@"),
                "RowCol names itself when git has no identity: \(author)")
            _ = try await rowcol(folder, ["sync"], environment: env)
            #expect(try await Self.commits(folder, env).count == 2, "…once")
            #expect(try await rowcol(folder, ["verify"], environment: env).status == 0)
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }

    @Test("git missing never fails a sync: it is the git.commit_failed flag, cleared by the next commit")
    func gitMissingIsAFlag() async throws {
        let temp = try TempFolder("git-missing")
        defer { temp.remove() }
        let env = try Self.environment(temp, machine: "machine-a")
        let sandbox = try await QBOSandboxServer.start()
        do {
            let control = Control(baseURL: sandbox.baseURL)
            let ws = try await ConnectedWorkspace.make(in: temp.url, control: control, businesses: [("acme",
                "9830001")])
            let folder = ws.folder
            #expect(try await rowcol(folder, ["git", "enable"], environment: env).status == 0)
            var noGit = env
            noGit["PATH"] = temp.url.appendingPathComponent("empty-bin").path
            let synced = try await rowcol(folder, ["sync", "--strict"], environment: noGit)
            #expect(synced.status == 0, "\(synced.output)")
            let status = try await rowcol(folder, ["status", "--json"], environment: env)
            #expect(status.stdout.contains("git.commit_failed") && status.stdout.contains("git was not found on PATH"),
                    "\(status.stdout)")
            #expect(try await Self.commits(folder, env).count == 1)

            let healed = try await rowcol(folder, ["sync"], environment: env)
            #expect(healed.status == 0, "\(healed.output)")
            #expect(try await Self.commits(folder, env).count == 2)
            #expect(try await !Self.flags(folder, env).contains("git.commit_failed"))
            let committed = try await Self.git(folder, ["show", "HEAD:advisors/ada/businesses/acme/state.json"], env)
            #expect(!committed.stdout.contains("git.commit_failed"), "the commit that ends the flag does not carry it")
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }
}
