import Foundation
import RowCol

/// What `/usr/bin/time` saw of one child: wall, user and system seconds, peak RSS.
struct ProcessCost {
    var wall: Double
    var user: Double
    var system: Double
    var peakMB: Double
    var output: String
}

/// Runs `arguments` under GNU time. Its own small process forks the child, so the peak RSS is the
/// child's (wait4 straight from this large harness would carry the harness's high-water mark over
/// `exec`, see `runChild`).
///
/// - Parameter cold: flush dirty pages and drop the page cache first (when this process may, as
///   root): both sides of a ratio then start from the same cache, and file writes land in pages
///   the kernel has handed out before (a VM's never-touched pages made `write` 5 times dearer).
func timedChild(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, cold: Bool = false)
    throws -> ProcessCost
{
    if cold { dropPageCache() }
    let report = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("rowcol-bench-\(UUID().uuidString).time")
    defer { try? FileManager.default.removeItem(at: report) }
    let child = try runChild(
        "/usr/bin/time", ["-o", report.path, "-f", "%e %U %S %M", executable] + arguments, environment: environment)
    let fields = try String(contentsOf: report, encoding: .utf8).split(whereSeparator: \.isWhitespace).suffix(4)
        .compactMap { Double($0) }
    guard fields.count == 4 else { throw ChildFailure(description: "no GNU time report for \(executable)") }
    return ProcessCost(wall: fields[0], user: fields[1], system: fields[2], peakMB: fields[3] / 1024, output: child.output)
}

/// Writes dirty pages out and drops the clean page cache, when `/proc/sys/vm/drop_caches` is writable.
func dropPageCache() {
    sync()
    guard let handle = FileHandle(forWritingAtPath: "/proc/sys/vm/drop_caches") else { return }
    handle.write(Data("1\n".utf8))
    try? handle.close()
}

/// Case 10 (issue 16): a full durable sync by the release `rowcol sync --strict` against clients
/// that only fetch and parse the same pages, in the same run, from the same sandbox (its own
/// process, no throttling): one business of 20,000 bills, 5,000 invoices and 5 accounts without
/// history, then ten such businesses at once. The ratio's baseline is `Benchmarks/fetch-only.py`
/// (Python's http.client and its C JSON parser); `rowcol-fetch` (URLSession + JSONSerialization)
/// is measured beside it for one business, and is slower on Linux (see RESULTS.md).
struct FetchCase {
    let folder: URL
    let runs: Int
    let executable: String
    /// The release `rowcol` binary of the main package.
    let rowcol: String

    var fetcher: String { URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("rowcol-fetch").path }
    /// `Benchmarks/fetch-only.py`, next to this package's sources.
    var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fetch-only.py").path
    }

    func run(businesses counts: [Int] = [1, 10], bills: Int = 20_000, invoices: Int = 5_000) async throws -> [ResultRow] {
        guard FileManager.default.isExecutableFile(atPath: rowcol) else {
            throw ChildFailure(description: "no rowcol binary at \(rowcol): swift build -c release, or pass --rowcol")
        }
        let (process, base) = try SyncCases(folder: folder, runs: runs, executable: executable).startSandboxProcess()
        defer { process.terminate(); process.waitUntilExit() }
        let control = Control(baseURL: base)
        let largest = counts.max() ?? 1
        var realms: [(BusinessID, String)] = []
        for i in 0..<largest {
            let realm = String(9_370_000 + i)
            try await control.request("POST", "__sandbox/realms", body: [
                "realm": realm, "seed": 100 + i, "bills": bills, "invoices": invoices, "accounts": 5, "history_months": 0,
            ])
            realms.append((BusinessID(unchecked: "co\(i)"), realm))
        }
        var rows: [ResultRow] = []
        // Every run's folders are kept until the case is over. ext4 without a journal (this
        // machine's disk) skips inodes freed in the last 60 to 360 seconds when it allocates new
        // ones, one buffer lookup per freed inode: deleting the last run's 25,000 files before the
        // next sync made that sync's file creation quadratic (a third of its time, and 2 to 4
        // times a quiet run's system time). Nothing is deleted between measured runs now.
        var leftovers: [URL] = []
        defer { for folder in leftovers { try? FileManager.default.removeItem(at: folder) } }
        for count in counts {
            let chosen = Array(realms.prefix(count))
            var sync: [ProcessCost] = [], fetch: [ProcessCost] = [], written: [ProcessCost] = []
            var swiftFetch: [ProcessCost] = [], ratios: [Double] = [], writtenRatios: [Double] = []
            var requestsSync = 0, requestsFetch = 0
            for run in 0..<runs {
                // The baselines first, then the sync, alternating run by run on the same sandbox.
                let tokens = try await accessTokens(control, chosen)
                let beforeFetch = try await requests(control, chosen)
                let fetched = try timedChild("/usr/bin/env", ["python3", script, base.absoluteString] + tokens, cold: true)
                requestsFetch = try await requests(control, chosen) - beforeFetch
                fetch.append(fetched)
                if count == 1 {
                    swiftFetch.append(try timedChild(fetcher, [base.absoluteString] + (try await accessTokens(control, chosen)), cold: true))
                }
                let files = folder.appendingPathComponent("files-\(count)-\(run)")
                leftovers.append(files)
                written.append(try timedChild(
                    "/usr/bin/env", ["python3", script, "--write", files.path, base.absoluteString]
                        + (try await accessTokens(control, chosen)), cold: true))

                let url = folder.appendingPathComponent("ws-fetch-\(count)-\(run)")
                leftovers.append(url)
                let workspace = try emptyWorkspace(url)
                try await connectAll(workspace, sandbox: base, realms: chosen)
                let beforeSync = try await requests(control, chosen)
                var environment = childEnvironment()
                environment["ROWCOL_WORKSPACE"] = url.path
                let synced = try timedChild(
                    rowcol, ["sync", "--strict", "--advisor", Fixtures.advisor.rawValue, "--json"], environment: environment,
                    cold: true)
                requestsSync = try await requests(control, chosen) - beforeSync
                let documents = try chosen.reduce(0) { total, business in
                    let ref = BusinessRef(advisor: Fixtures.advisor, business: business.0)
                    return total + (try workspace.mirrorReader(for: Fixtures.advisor).ids(.bill, of: ref).count)
                        + (try workspace.mirrorReader(for: Fixtures.advisor).ids(.invoice, of: ref).count)
                }
                guard documents == count * (bills + invoices) else {
                    throw ChildFailure(description: "the sync mirrored \(documents) bills and invoices, not \(count * (bills + invoices))")
                }
                sync.append(synced)
                ratios.append(synced.wall / fetched.wall)
                writtenRatios.append(synced.wall / written.last!.wall)
                let urlSession = swiftFetch.last.map { " | URLSession fetch \(describe($0))" } ?? ""
                FileHandle.standardError.write(Data(
                    ("    10 (\(count)): sync \(describe(synced)) | fetch \(describe(fetched))\(urlSession) | "
                        + "fetch + files \(describe(written.last!)) | \(fmt(synced.wall / fetched.wall))× | \(shell("uptime"))\n").utf8))
            }
            let target = count == 1 ? 1.0 : 1.5
            let ratio = Sample(values: ratios)
            let name = "full strict sync, \(count) × (\(bills) bills + \(invoices) invoices + 5 accounts), no history, release `rowcol sync --strict`"
            rows.append(ResultRow(
                name: "10. " + name,
                measured: summary(sync) + ", \(requestsSync) requests",
                baseline: "fetch-only client (Python http.client + json): " + summary(fetch) + ", \(requestsFetch) requests"
                    + (swiftFetch.isEmpty ? "" : "; URLSession + JSONSerialization client: " + summary(swiftFetch)),
                ratio: ratio.describe("×", digits: 2), target: "≤ \(fmt(target, 1))×",
                verdict: requestsSync != requestsFetch ? "not comparable (requests differ)" : ratio.median <= target ? "met" : "missed"))
            rows.append(ResultRow(
                name: "10w. the same sync against a client that also writes each row to its own file",
                measured: "the sync above",
                baseline: "Python client writing one file per row, no fsync, no rename: " + summary(written),
                ratio: Sample(values: writtenRatios).describe("×", digits: 2), target: "report", verdict: "-"))
        }
        return rows
    }

    /// One fresh access token per realm, as `realm=token` arguments.
    private func accessTokens(_ control: Control, _ realms: [(BusinessID, String)]) async throws -> [String] {
        var tokens: [String] = []
        for (_, realm) in realms {
            let answer = try await control.request("POST", "__sandbox/realms/\(realm)/tokens")
            tokens.append("\(realm)=\(answer["access_token"] as? String ?? "")")
        }
        return tokens
    }

    private func describe(_ cost: ProcessCost) -> String {
        "\(fmt(cost.wall, 2)) s wall, \(fmt(cost.user, 2)) s user, \(fmt(cost.system, 2)) s sys, \(fmt(cost.peakMB, 0)) MB"
    }

    private func summary(_ costs: [ProcessCost]) -> String {
        "wall " + Sample(values: costs.map(\.wall)).describe("s", digits: 2) + ", user " + Sample(values: costs.map(\.user)).describe("s", digits: 2)
            + ", sys " + Sample(values: costs.map(\.system)).describe("s", digits: 2) + ", peak RSS "
            + Sample(values: costs.map(\.peakMB)).describe("MB", digits: 0)
    }

    /// Every request the sandbox answered for `realms`.
    private func requests(_ control: Control, _ realms: [(BusinessID, String)]) async throws -> Int {
        var total = 0
        for (_, realm) in realms { total += try await control.requestCount(realm) }
        return total
    }
}
