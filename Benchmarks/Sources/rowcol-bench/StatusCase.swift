import Foundation
import RowCol

/// Case 8: `rowcol status` (the same read, in a child) on 30,000 documents vs `git status`.
struct StatusCase {
    let folder: URL
    let runs: Int
    let executable: String

    func run(businesses: Int = 3, billsEach: Int = 7_000, invoicesEach: Int = 3_000) async throws -> ResultRow {
        let url = folder.appendingPathComponent("ws-status")
        let ids = (0..<businesses).map { BusinessID(unchecked: "st\($0)") }
        let workspace = try Fixtures.workspace(at: url, businesses: ids)
        let store = try AdvisorStore.open(workspace, advisor: Fixtures.advisor)
        for business in ids {
            var records: [LogRecord] = []
            for start in stride(from: 0, to: billsEach, by: 1_000) {
                records.append(Fixtures.record(business, try (start..<min(start + 1_000, billsEach)).map(Fixtures.billChange)))
            }
            for start in stride(from: 0, to: invoicesEach, by: 1_000) {
                records.append(Fixtures.record(business, try (start..<min(start + 1_000, invoicesEach)).map(Fixtures.invoiceChange)))
            }
            _ = try await store.commit(records)
        }
        await store.close()
        let documents = businesses * (billsEach + invoicesEach)
        let git = "cd '\(url.path)' && git init -q && git add -A && git -c user.name=bench -c user.email=bench@example.invalid commit -qm bench"
        guard shell("(\(git)) >/dev/null 2>&1 && echo ok") == "ok" else { throw ChildFailure(description: "git init/add/commit failed in \(url.path)") }
        let gitPath = shell("command -v git")
        var status: [Double] = [], gitStatus: [Double] = []
        for _ in 0..<runs {
            let a = try runChild(executable, ["status-child", url.path], environment: childEnvironment())
            guard a.output.contains("\"bill\" : \(billsEach)") || a.output.contains("\"bill\":\(billsEach)") else {
                throw ChildFailure(description: "status did not count the bills: \(a.output.prefix(300))")
            }
            let b = try runChild(gitPath, ["status"], cwd: url.path)
            status.append(a.seconds)
            gitStatus.append(b.seconds)
        }
        let ratio = Sample(values: zip(status, gitStatus).map { $0 / $1 })
        return ResultRow(
            name: "8. status on \(documents) documents", measured: Sample(values: status).describe("ms", scale: 1000, digits: 0),
            baseline: "git status: " + Sample(values: gitStatus).describe("ms", scale: 1000, digits: 0),
            ratio: "\(fmt(ratio.median))× the time [\(fmt(ratio.min))–\(fmt(ratio.max))]", target: "≤ 1.0×",
            verdict: ratio.median <= 1.0 ? "met" : "missed")
    }
}

/// `status-child <workspace>`: what `rowcol status --json` reads and prints.
enum StatusChild {
    static func run(_ arguments: [String]) throws {
        let workspace = try Workspace.open(at: URL(fileURLWithPath: arguments[0]))
        let statuses = try WorkspaceStatus.read(workspace: workspace, advisor: Fixtures.advisor)
        // The encoder of every `--json` output.
        print(String(decoding: try JSONEncoder(layout: .pretty).encode(statuses), as: UTF8.self))
    }
}
