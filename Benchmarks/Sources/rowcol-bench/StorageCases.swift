import Foundation
import RowCol

/// Cases 1–3: the log and the mirror against raw file-system baselines on the same disk.
struct StorageCases {
    let folder: URL
    let runs: Int

    func fresh(_ name: String) -> URL {
        let url = folder.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: url)
        return url
    }

    /// Bytes of a log line as small as the store's (the baselines write the same sizes).
    static func lineBytes(_ size: Int) -> [UInt8] {
        Array(repeating: UInt8(ascii: "x"), count: size - 1) + [UInt8(ascii: "\n")]
    }

    /// A raw loop of write + fdatasync on an O_APPEND file, `batch` lines per sync.
    func rawAppends(lines: Int, batch: Int, lineSize: Int) throws -> Double {
        let path = fresh("raw-append.log").path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ChildFailure(description: "cannot open \(path): errno \(errno)") }
        defer { close(fd) }
        let line = Self.lineBytes(lineSize)
        let chunk = Array((0..<batch).map { _ in line }.joined())
        let start = now()
        var written = 0
        while written < lines {
            let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n == chunk.count, fdatasync(fd) == 0 else { throw ChildFailure(description: "raw append failed: errno \(errno)") }
            written += batch
        }
        return now() - start
    }

    /// The size of one stored line of `record` (so the raw baseline writes the same bytes).
    func storedLineSize(_ workspace: Workspace) throws -> Int {
        let logFolder = workspace.root.appendingPathComponent("advisors/\(Fixtures.advisor.rawValue)/log")
        let files = try FileManager.default.contentsOfDirectory(atPath: logFolder.path).filter { $0.hasSuffix(".jsonl") }
        var bytes = 0, lines = 0
        for file in files {
            let data = try Data(contentsOf: logFolder.appendingPathComponent(file))
            bytes += data.count
            lines += data.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }
        return lines == 0 ? 200 : bytes / lines
    }

    /// Case 1: sequential single commits vs raw write+fdatasync, appends/s.
    func singleAppend(count: Int = 300) async throws -> ResultRow {
        var store: [Double] = [], raw: [Double] = []
        let business = BusinessID(unchecked: "b1")
        for _ in 0..<runs {
            let workspace = try Fixtures.workspace(at: fresh("ws-single"), businesses: [business])
            let opened = try AdvisorStore.open(workspace, advisor: Fixtures.advisor)
            let seconds = try await timed {
                for i in 0..<count { _ = try await opened.commit([Fixtures.smallRecord(business, i)]) }
            }
            await opened.close()
            store.append(Double(count) / seconds)
            let size = try storedLineSize(workspace)
            raw.append(Double(count) / (try rawAppends(lines: count, batch: 1, lineSize: size)))
        }
        let ratio = Sample(values: zip(store, raw).map { $0 / $1 })
        return ResultRow(
            name: "1. durable single append", measured: Sample(values: store).describe("appends/s", digits: 0),
            baseline: "raw write+fdatasync: " + Sample(values: raw).describe("appends/s", digits: 0),
            ratio: "\(fmt(ratio.median))× [\(fmt(ratio.min))–\(fmt(ratio.max))]", target: "≥ 0.8×",
            verdict: ratio.median >= 0.8 ? "met" : "missed")
    }

    /// Case 2: 8 concurrent writers vs raw batches of 8 lines per fdatasync, lines/s.
    func groupCommit(writers: Int = 8, perWriter: Int = 60) async throws -> ResultRow {
        var store: [Double] = [], raw: [Double] = []
        let business = BusinessID(unchecked: "b1")
        for _ in 0..<runs {
            let workspace = try Fixtures.workspace(at: fresh("ws-group"), businesses: [business])
            let opened = try AdvisorStore.open(workspace, advisor: Fixtures.advisor)
            let seconds = try await timed {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for w in 0..<writers {
                        group.addTask {
                            for i in 0..<perWriter { _ = try await opened.commit([Fixtures.smallRecord(business, w * 100_000 + i)]) }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            await opened.close()
            let lines = writers * perWriter
            store.append(Double(lines) / seconds)
            let size = try storedLineSize(workspace)
            raw.append(Double(lines) / (try rawAppends(lines: lines, batch: writers, lineSize: size)))
        }
        let ratio = Sample(values: zip(store, raw).map { $0 / $1 })
        return ResultRow(
            name: "2. group commit, \(writers) writers", measured: Sample(values: store).describe("lines/s", digits: 0),
            baseline: "raw \(writers) lines per fdatasync: " + Sample(values: raw).describe("lines/s", digits: 0),
            ratio: "\(fmt(ratio.median))× [\(fmt(ratio.min))–\(fmt(ratio.max))]", target: "≥ 0.5×",
            verdict: ratio.median >= 0.5 ? "met" : "missed")
    }

    /// Case 3: 10,000 bill documents committed and checkpointed durably vs the same document bytes
    /// written as files with no sync (open/write/close/rename).
    func bulkDocuments(count: Int = 10_000, perRecord: Int = 1_000) async throws -> ResultRow {
        var store: [Double] = [], raw: [Double] = []
        let business = BusinessID(unchecked: "b1")
        let changes = try (0..<count).map { try Fixtures.billChange($0) }
        let records = stride(from: 0, to: count, by: perRecord).map {
            Fixtures.record(business, Array(changes[$0..<min($0 + perRecord, count)]))
        }
        // Every run writes into folders of its own, removed only after the case: ext4 scans the
        // inodes deleted in the last minute when it allocates new ones (`recently_deleted`), so
        // deleting 10,000 files right before a measurement made it measure the allocator.
        let scratch = fresh("bulk")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for run in 0..<runs {
            let workspace = try Fixtures.workspace(at: scratch.appendingPathComponent("ws-\(run)"), businesses: [business])
            let opened = try AdvisorStore.open(workspace, advisor: Fixtures.advisor)
            let seconds = try await timed { _ = try await opened.commit(records) }
            await opened.close()
            store.append(seconds)
            // The baseline writes exactly the documents the mirror holds.
            let mirror = workspace.root.appendingPathComponent(
                "advisors/\(Fixtures.advisor.rawValue)/businesses/\(business.rawValue)/mirror/bills")
            let names = try FileManager.default.contentsOfDirectory(atPath: mirror.path)
            let documents = try names.map { try [UInt8](Data(contentsOf: mirror.appendingPathComponent($0))) }
            guard documents.count == count else { throw ChildFailure(description: "mirror holds \(documents.count) bills, expected \(count)") }
            raw.append(try rawFiles(documents, into: scratch.appendingPathComponent("raw-\(run)")))
        }
        let ratio = Sample(values: zip(store, raw).map { $0 / $1 })
        return ResultRow(
            name: "3. \(count) documents, durable checkpoint", measured: Sample(values: store).describe("ms", scale: 1000, digits: 0),
            baseline: "same bytes as files, no sync: " + Sample(values: raw).describe("ms", scale: 1000, digits: 0),
            ratio: "\(fmt(ratio.median))× the time [\(fmt(ratio.min))–\(fmt(ratio.max))]", target: "≤ 1.5×",
            verdict: ratio.median <= 1.5 ? "met" : "missed")
    }

    func rawFiles(_ documents: [[UInt8]], into dir: URL) throws -> Double {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let base = dir.path
        let start = now()
        for (i, bytes) in documents.enumerated() {
            let tmp = "\(base)/\(i).json.tmp", final = "\(base)/\(i).json"
            let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ChildFailure(description: "cannot create \(tmp): errno \(errno)") }
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            guard n == bytes.count, rename(tmp, final) == 0 else { throw ChildFailure(description: "raw file write failed: errno \(errno)") }
        }
        return now() - start
    }
}
