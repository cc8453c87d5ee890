import Foundation
import RowColDomain
import Testing
@testable import RowColStore

/// A simulated power cut (`PowerLossStorage`, issue 7): unsynced bytes and unsynced folder entries
/// are dropped. First the model itself, then the store under it, cut at every failpoint and after
/// every few dozen operations of a real `rowcol` process.
@Suite struct PowerLossTests {
    struct Scratch {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rowcol-power-\(UUID().uuidString)").path
        init() throws { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        func remove() { try? FileManager.default.removeItem(atPath: folder) }
        func text(_ name: String) -> String? {
            FileManager.default.contents(atPath: folder + "/" + name).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    func write(_ device: PowerLossStorage, _ path: String, _ text: String, flags: Int32 = O_WRONLY | O_CREAT | O_TRUNC,
               sync: Bool) -> Int32 {
        let fd = device.open(path, flags | O_CLOEXEC, 0o644)
        Array(text.utf8).withUnsafeBytes { _ = device.write(fd, $0) }
        if sync { _ = device.dataSync(fd) }
        return fd
    }

    func syncFolder(_ device: PowerLossStorage, _ path: String) {
        let fd = device.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        _ = device.fullSync(fd)
        device.close(fd)
    }

    @Test func aCutKeepsWhatWasSyncedAndDropsTheRest() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let device = PowerLossStorage(over: POSIXStorage())
        // A file created and synced, in a folder synced after: kept.
        device.close(write(device, scratch.folder + "/kept", "durable", sync: true))
        syncFolder(device, scratch.folder)
        // A file synced but whose folder entry never was: gone.
        device.close(write(device, scratch.folder + "/orphan", "bytes", sync: true))
        // Bytes appended without a sync: dropped.
        device.close(write(device, scratch.folder + "/kept", " tail", flags: O_WRONLY | O_APPEND, sync: false))
        device.cutPower()
        #expect(scratch.text("kept") == "durable")
        #expect(scratch.text("orphan") == nil)
    }

    @Test func anUnsyncedRenameIsRolledBackAndSyncfsKeepsEverything() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let device = PowerLossStorage(over: POSIXStorage())
        device.close(write(device, scratch.folder + "/doc", "old", sync: true))
        syncFolder(device, scratch.folder)
        device.close(write(device, scratch.folder + "/doc.tmp", "new", sync: true))
        _ = device.rename(scratch.folder + "/doc.tmp", scratch.folder + "/doc")
        _ = device.unlink(scratch.folder + "/doc")
        device.cutPower()
        #expect(scratch.text("doc") == "old")
        #expect(scratch.text("doc.tmp") == nil)

        device.close(write(device, scratch.folder + "/doc.tmp", "new", sync: false))
        _ = device.rename(scratch.folder + "/doc.tmp", scratch.folder + "/doc")
        let folder = device.open(scratch.folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        #expect(device.syncFileSystem(folder) == 0)
        device.close(folder)
        device.cutPower()
        #expect(scratch.text("doc") == "new")
    }

    /// Runs `rowcol debug append` under a power cut, reopens, and checks what was acknowledged.
    /// - Returns: whether the cut happened, and how many lines had been acknowledged before it.
    func cutAndCheck(_ environment: [String: String], segmentLimit: Int) async throws -> (cut: Bool, acknowledged: Int) {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let arguments = [
            "debug", "append", "--workspace", fixture.root, "--advisor", "ada", "--business", "acme", "--count", "8",
            "--concurrency", "2", "--segment-limit", String(segmentLimit),
        ]
        let crashed = try await runRowcol(arguments, environment: environment)
        let cut = crashed.killed && crashed.status == SIGKILL
        #expect(cut || crashed.status == 0, "\(environment): \(crashed.stderr)")
        let acknowledged = crashed.stdout.split(separator: "\n").compactMap { UInt64($0) }

        let store = try fixture.open(segmentLimit: segmentLimit)
        let last = await store.lastSeq()
        for seq in acknowledged { #expect(LogSeq(seq) <= last, "\(environment): seq \(seq) was acknowledged but lost") }
        let entries = try store.entries(after: .zero)
        #expect(entries.map(\.seq.rawValue) == Array(0..<last.rawValue).map { $0 + 1 }, "\(environment)")
        await store.close()
        let problems = try fixture.workspace.verify()
        #expect(problems.isEmpty, "\(environment): \(problems)")
        let more = try await runRowcol(arguments.map { $0 == "8" ? "2" : $0 })
        #expect(more.status == 0, "\(environment): \(more.stderr)")
        #expect(try fixture.workspace.verify().isEmpty, "\(environment)")
        return (cut, acknowledged.count)
    }

    @Test(arguments: ["log.after_write:3", "log.after_sync:3", "mirror.between_renames:2", "checkpoint.before:3", "checkpoint.after:3"])
    func aCutAtAFailpointLosesNothingAcknowledged(_ failpoint: String) async throws {
        let outcome = try await cutAndCheck(["ROWCOL_STORAGE_FAULT": "power-loss", "ROWCOL_FAILPOINT": failpoint], segmentLimit: 2048)
        #expect(outcome.cut)
        #expect(outcome.acknowledged > 0, "\(failpoint) cut before any acknowledgement: nothing was checked")
    }

    @Test func aCutAfterAnyOperationLosesNothingAcknowledged() async throws {
        var cuts = 0
        var cutsAfterAnAcknowledgement = 0
        for operation in stride(from: 1, through: 200, by: 4) {
            let limit = operation % 2 == 0 ? 1_500 : 64 << 20
            let outcome = try await cutAndCheck(["ROWCOL_STORAGE_FAULT": "power-loss:\(operation)"], segmentLimit: limit)
            if outcome.cut { cuts += 1 }
            if outcome.cut && outcome.acknowledged > 0 { cutsAfterAnAcknowledgement += 1 }
        }
        // The sweep must reach past the opening into the commits, or it proves little.
        #expect(cuts >= 40, "only \(cuts) runs were cut")
        #expect(cutsAfterAnAcknowledgement >= 20, "only \(cutsAfterAnAcknowledgement) cuts came after an acknowledged line")
    }
}
