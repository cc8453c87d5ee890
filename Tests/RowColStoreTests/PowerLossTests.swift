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
}
