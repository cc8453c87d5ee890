import Foundation
import QBOSandbox
import RowCol

/// Case 12: the git history of a 30,000-document workspace — the commit after a 10-change recon
/// against the recon's own time (the same call: the session says how long its commit took), the
/// first commit (`rowcol git enable`), and the repository's size after 100 small syncs, before
/// and after `git gc`.
struct GitCase {
    let folder: URL
    let runs: Int

    func run(bills: Int = 20_000, invoices: Int = 9_995, syncs: Int = 100) async throws -> [ResultRow] {
        var options = QBOSandboxOptions()
        options.throttleEnabled = false
        let sandbox = try await QBOSandboxServer.start(options)
        defer { Task { try? await sandbox.stop() } }
        let control = Control(baseURL: sandbox.baseURL)
        let realm = "9370001"
        try await control.seed(realm, bills: bills, invoices: invoices, accounts: 5, seed: 17)
        let url = folder.appendingPathComponent("ws-git")
        let workspace = try emptyWorkspace(url)
        let business = BusinessID(unchecked: "books")
        try await connectAll(workspace, sandbox: sandbox.baseURL, realms: [(business, realm)])
        // Git's own configuration only: the machine's is not part of the measure.
        var environment = childEnvironment()
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["ROWCOL_MACHINE_ID"] = "bench-machine"
        // The store's writer check reads the process's own environment.
        setenv("ROWCOL_MACHINE_ID", "bench-machine", 1)
        var session = try await AdvisorSession.open(workspace: workspace, advisor: Fixtures.advisor,
            environment: environment)
        let syncSeconds = try await timed { _ = try await session.sync(strict: true) }
        await session.close()
        let ref = BusinessRef(advisor: Fixtures.advisor, business: business)
        let documents = try workspace.documentCounts(ref).values.reduce(0, +)
        let firstSeconds = try await timed { try await WorkspaceGit.enable(workspace, environment: environment) }
        let firstSize = gitSize(url)

        session = try await AdvisorSession.open(workspace: workspace, advisor: Fixtures.advisor,
            environment: environment)
        let ids = try workspace.mirrorReader(for: Fixtures.advisor).ids(.bill, of: ref)
        var ratios: [Double] = [], commits: [Double] = [], recons: [Double] = []
        for round in 0..<runs {
            for i in 0..<10 {
                let id = ids[(i * 97 + round * 13) % ids.count]
                try await control.request("PATCH", "__sandbox/realms/\(realm)/bill/\(id.rawValue)",
                                          body: ["PrivateNote": "bench git round \(round) change \(i)"])
            }
            let before = await session.lastCommit?.commit
            let total = try await timed { _ = try await session.recon() }
            guard let commit = await session.lastCommit, commit.commit != before else {
                throw ChildFailure(description: "the recon made no commit")
            }
            let commitSeconds = Double(commit.duration.components.seconds)
                + Double(commit.duration.components.attoseconds) / 1e18
            commits.append(commitSeconds)
            recons.append(total - commitSeconds)
            ratios.append(commitSeconds / (total - commitSeconds))
        }
        // 100 small syncs: one bill changed each time, reconciled and committed.
        for round in 0..<syncs {
            let id = ids[(round * 31 + 7) % ids.count]
            try await control.request("PATCH", "__sandbox/realms/\(realm)/bill/\(id.rawValue)",
                                      body: ["PrivateNote": "bench git sync \(round)"])
            _ = try await session.recon()
        }
        await session.close()
        let loose = gitSize(url)
        _ = shell("git -C '\(url.path)' gc -q 2>&1")
        let packed = gitSize(url)
        let ratio = Sample(values: ratios)
        return [
            ResultRow(
                name: "12a. commit after a 10-change recon (\(documents) documents)",
                measured: Sample(values: commits).describe("ms", scale: 1000, digits: 0),
                baseline: "the recon itself: " + Sample(values: recons).describe("ms", scale: 1000, digits: 0),
                ratio: "\(fmt(ratio.median))× the recon [\(fmt(ratio.min))–\(fmt(ratio.max))]", target: "≤ 1.0×",
                verdict: ratio.median <= 1.0 ? "met" : "missed"),
            ResultRow(
                name: "12b. first commit of that workspace (rowcol git enable)",
                measured: "\(fmt(firstSeconds, 2)) s, .git \(fmt(firstSize / 1024, 1)) MiB",
                baseline: "its full strict sync: \(fmt(syncSeconds, 2)) s",
                ratio: "\(fmt(firstSeconds / syncSeconds))× the sync", target: "report", verdict: "-"),
            ResultRow(
                name: "12c. repository after \(syncs) small syncs (1 bill each)",
                measured: "\(fmt(loose / 1024, 1)) MiB (+\(fmt((loose - firstSize) / 1024, 1)) MiB)",
                baseline: "after git gc: \(fmt(packed / 1024, 1)) MiB",
                ratio: "\(fmt(loose / packed))× the packed size", target: "report", verdict: "-"),
        ]
    }

    /// `.git`'s size in KiB.
    func gitSize(_ workspace: URL) -> Double {
        Double(shell("du -sk '\(workspace.path)/.git' | cut -f1").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
