import Foundation
import QBOSandbox
import RowCol
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of the sandbox's control API (`/__sandbox/`).
struct Control {
    let baseURL: URL

    @discardableResult
    func request(_ method: String, _ path: String, body: [String: Any]? = nil) async throws -> [String: Any] {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = 600
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw ChildFailure(description: "sandbox \(method) \(path) answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    func seed(_ realm: String, bills: Int, invoices: Int, accounts: Int, seed: Int) async throws {
        try await request("POST", "__sandbox/realms",
                          body: ["realm": realm, "seed": seed, "bills": bills, "invoices": invoices, "accounts": accounts])
    }

    func refreshToken(_ realm: String) async throws -> String {
        let answer = try await request("POST", "__sandbox/realms/\(realm)/tokens")
        guard let token = answer["refresh_token"] as? String else { throw ChildFailure(description: "no refresh token for \(realm)") }
        return token
    }

    /// Requests the sandbox has answered for `realm`, all kinds together.
    func requestCount(_ realm: String) async throws -> Int {
        let stats = try await request("GET", "__sandbox/stats")
        let perRealm = (stats["requests"] as? [String: Any])?[realm] as? [String: Any] ?? [:]
        return perRealm.values.reduce(0) { $0 + (($1 as? Int) ?? 0) }
    }
}

/// Connects `realms` (business id → realm) of an in-sandbox workspace.
func connectAll(_ workspace: Workspace, sandbox: URL, realms: [(BusinessID, String)]) async throws {
    let control = Control(baseURL: sandbox)
    let connections = Connections(workspace: workspace, advisor: Fixtures.advisor)
    for (business, realm) in realms {
        try await connections.connect(
            business: business, realmID: realm, environment: .local, baseURL: sandbox.absoluteString,
            displayName: business.rawValue, credentials: .sandbox, grant: .refreshToken(try await control.refreshToken(realm)))
    }
}

func emptyWorkspace(_ url: URL) throws -> Workspace {
    try? FileManager.default.removeItem(at: url)
    let workspace = try Workspace.create(at: url)
    _ = try workspace.addAdvisor(Fixtures.advisor, displayName: "Bench Advisor")
    return workspace
}

/// The environment of sync children: no retry pauses beyond the defaults, nothing inherited that
/// would change the policy.
func childEnvironment() -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["STRICT_ON_SNAPSHOT"] = "false"
    return environment
}

/// `sync-child <workspace>`: one strict sync of every business; prints documents, seconds,
/// seconds inside AdvisorStore.commit (estimated, see StoreShare), and VmHWM.
enum SyncChild {
    static func run(_ arguments: [String]) async throws {
        let workspace = try Workspace.open(at: URL(fileURLWithPath: arguments[0]))
        let session = try await AdvisorSession.open(workspace: workspace, advisor: Fixtures.advisor)
        let start = now()
        let reports = try await session.sync(strict: true)
        let seconds = now() - start
        await session.close()
        let changed = reports.reduce(0) { $0 + $1.changed.values.reduce(0, +) }
        let failed = reports.filter { !$0.synced }
        guard failed.isEmpty else {
            let why = failed.map { report in
                "\(report.business.rawValue) (" + report.flags.map { "\($0.code.rawValue): \($0.message)" }.joined(separator: "; ") + ")"
            }
            throw ChildFailure(description: "sync did not complete for " + why.joined(separator: ", "))
        }
        print("changed=\(changed) seconds=\(seconds) vmhwm_kib=\(peakRSSKiB())")
    }
}

func field(_ output: String, _ name: String) -> Double {
    for part in output.split(whereSeparator: { $0 == " " || $0 == "\n" }) where part.hasPrefix("\(name)=") {
        return Double(part.dropFirst(name.count + 1)) ?? 0
    }
    return 0
}

/// Storage's share of a sync: the same log records, in the same batches, committed again into a
/// fresh workspace with nothing else running. The sync's own commits wait on the same fdatasync
/// and write the same bytes, so this is the time the sync spent inside AdvisorStore.commit,
/// measured without instrumenting the store.
func recommitTime(from source: Workspace, into folder: URL) async throws -> Double {
    let businesses = try source.businesses(of: Fixtures.advisor)
    let target = try emptyWorkspace(folder)
    for business in businesses {
        try target.addBusiness(try source.business(BusinessRef(advisor: Fixtures.advisor, business: business)))
    }
    let reader = try AdvisorStore.open(source, advisor: Fixtures.advisor)
    let entries = try reader.entries(after: .zero)
    await reader.close()
    let byBusiness = Dictionary(grouping: entries, by: \.business)
    let store = try AdvisorStore.open(target, advisor: Fixtures.advisor)
    let seconds = try await timed {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (business, lines) in byBusiness {
                group.addTask {
                    for line in lines {
                        _ = try await store.commit([LogRecord(
                            business: business, direction: line.direction, rail: line.rail, operation: line.operation,
                            phase: line.phase, idemKey: line.idemKey, httpCode: line.httpCode, status: line.status,
                            payload: line.payload, sourceVersion: line.sourceVersion)])
                    }
                }
            }
            try await group.waitForAll()
        }
    }
    await store.close()
    return seconds
}

struct SyncCases {
    let folder: URL
    let runs: Int
    let executable: String

    /// Case 5: one advisor, 10 businesses × (2,000 bills + 1,000 invoices + 5 accounts).
    func fullSync(businesses: Int = 10, bills: Int = 2_000, invoices: Int = 1_000) async throws -> ResultRow {
        var options = QBOSandboxOptions()
        options.throttleEnabled = false
        let sandbox = try await QBOSandboxServer.start(options)
        defer { Task { try? await sandbox.stop() } }
        let control = Control(baseURL: sandbox.baseURL)
        var realms: [(BusinessID, String)] = []
        for i in 0..<businesses {
            let realm = String(9_341_000 + i)
            try await control.seed(realm, bills: bills, invoices: invoices, accounts: 5, seed: i + 1)
            realms.append((BusinessID(unchecked: "biz\(i)"), realm))
        }
        var wall: [Double] = [], rss: [Double] = [], share: [Double] = []
        for run in 0..<runs {
            let url = folder.appendingPathComponent("ws-sync")
            let workspace = try emptyWorkspace(url)
            try await connectAll(workspace, sandbox: sandbox.baseURL, realms: realms)
            let child = try runChild(executable, ["sync-child", url.path], environment: childEnvironment())
            let seconds = field(child.output, "seconds")
            wall.append(seconds)
            // The child's own VmHWM, read after exec. wait4's ru_maxrss is no measure here: Linux keeps
            // the high-water mark of the pages the child shared with this (large) process before exec.
            rss.append(field(child.output, "vmhwm_kib") / 1024)
            if run == 0 || run == runs - 1 {
                let storage = try await recommitTime(from: workspace, into: folder.appendingPathComponent("ws-recommit"))
                share.append(storage / seconds)
            }
        }
        let docs = businesses * (bills + invoices + 5)
        return ResultRow(
            name: "5. full sync, \(businesses) businesses × (\(bills) bills + \(invoices) invoices + 5 accounts)",
            measured: Sample(values: wall).describe("s", digits: 2) + ", \(fmt(Double(docs) / Sample(values: wall).median, 0)) docs/s",
            baseline: "peak RSS " + Sample(values: rss).describe("MB", digits: 0),
            ratio: "storage \(fmt(Sample(values: share).median * 100, 0))% of the time", target: "report", verdict: "-")
    }

    /// Case 6: one business of 100,000 bills; the sandbox runs in another process.
    func bigBusiness(bills: Int = 100_000) async throws -> ResultRow {
        let (process, base) = try startSandboxProcess()
        defer { process.terminate(); process.waitUntilExit() }
        let control = Control(baseURL: base)
        try await control.seed("9350001", bills: bills, invoices: 10, accounts: 2, seed: 42)
        var wall: [Double] = [], rss: [Double] = []
        for _ in 0..<max(1, min(runs, 2)) {
            let url = folder.appendingPathComponent("ws-big")
            let workspace = try emptyWorkspace(url)
            try await connectAll(workspace, sandbox: base, realms: [(BusinessID(unchecked: "big"), "9350001")])
            let child = try runChild(executable, ["sync-child", url.path], environment: childEnvironment())
            wall.append(field(child.output, "seconds"))
            // The child's own VmHWM, read after exec. wait4's ru_maxrss is no measure here: Linux keeps
            // the high-water mark of the pages the child shared with this (large) process before exec.
            rss.append(field(child.output, "vmhwm_kib") / 1024)
        }
        let peak = Sample(values: rss)
        return ResultRow(
            name: "6. one business of \(bills) bills, full sync (sandbox in another process)",
            measured: "peak RSS " + peak.describe("MB", digits: 0), baseline: "sync " + Sample(values: wall).describe("s", digits: 1),
            ratio: "\(fmt(peak.max, 0)) MB", target: "≤ 200 MB", verdict: peak.max <= 200 ? "met" : "missed")
    }

    func startSandboxProcess() throws -> (Process, URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["sandbox-serve"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var buffer = Data()
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw ChildFailure(description: "the sandbox process exited before listening") }
            buffer.append(chunk)
        }
        let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n")[0]
        guard let url = URL(string: String(line)) else { throw ChildFailure(description: "sandbox said \(line)") }
        return (process, url)
    }

    /// Case 7: recon after k changes in a 10,000-bill business.
    func recon(bills: Int = 10_000, ks: [Int] = [1, 10, 100, 1_000]) async throws -> [ResultRow] {
        var options = QBOSandboxOptions()
        options.throttleEnabled = false
        let sandbox = try await QBOSandboxServer.start(options)
        defer { Task { try? await sandbox.stop() } }
        let control = Control(baseURL: sandbox.baseURL)
        let realm = "9360001"
        try await control.seed(realm, bills: bills, invoices: 100, accounts: 2, seed: 7)
        let url = folder.appendingPathComponent("ws-recon")
        let workspace = try emptyWorkspace(url)
        let business = BusinessID(unchecked: "recon")
        try await connectAll(workspace, sandbox: sandbox.baseURL, realms: [(business, realm)])
        let session = try await AdvisorSession.open(workspace: workspace, advisor: Fixtures.advisor, environment: childEnvironment())
        _ = try await session.sync(strict: true)
        let ref = BusinessRef(advisor: Fixtures.advisor, business: business)
        let mirror = workspace.mirrorReader(for: Fixtures.advisor)
        let ids = try mirror.ids(.bill, of: ref)
        var rows: [ResultRow] = []
        var round = 0
        for k in ks {
            var times: [Double] = [], requests: [Double] = [], files: [Double] = []
            for _ in 0..<runs {
                round += 1
                for i in 0..<k {
                    let id = ids[(i * 7 + round * 13) % ids.count]
                    try await control.request("PATCH", "__sandbox/realms/\(realm)/bill/\(id.rawValue)",
                                              body: ["PrivateNote": "bench round \(round) change \(i)"])
                }
                let seqBefore = try workspace.businessState(ref).checkpoint
                let requestsBefore = try await control.requestCount(realm)
                let seconds = try await timed { _ = try await session.recon() }
                requests.append(Double(try await control.requestCount(realm) - requestsBefore))
                times.append(seconds)
                // Documents rewritten: those whose log seq is newer than the recon's start.
                let written = try mirror.documents(.bill, of: ref).filter { $0.logSeq > seqBefore }.count
                files.append(Double(written))
            }
            rows.append(ResultRow(
                name: "7. recon after k = \(k) changes (\(bills) bills)", measured: Sample(values: times).describe("ms", scale: 1000, digits: 0),
                baseline: "\(fmt(Sample(values: requests).median, 0)) requests, \(fmt(Sample(values: files).median, 0)) bill documents written",
                ratio: "\(fmt(Sample(values: times).median * 1000 / Double(k), 2)) ms per change", target: "grows with k", verdict: "-"))
        }
        await session.close()
        return rows
    }
}

/// `sandbox-serve`: a sandbox with throttling off, in its own process; prints its URL, then
/// serves until terminated.
enum SandboxServe {
    static func run() async throws {
        var options = QBOSandboxOptions()
        options.throttleEnabled = false
        let server = try await QBOSandboxServer.start(options)
        FileHandle.standardOutput.write(Data("\(server.baseURL.absoluteString)\n".utf8))
        try await server.runUntilCancelled()
    }
}
