import Foundation
import Testing
@testable import RowColStore

@Suite struct SecretFileTests {
    @Test func aSecretIs0600InAFolderOf0700AndReplacedThroughANewInode() throws {
        let temp = try TempFolder("secret")
        defer { temp.remove() }
        let file = SecretFile(path: temp.url.path + "/secrets/b.json")
        #expect(try file.read() == nil)
        try file.replace(with: Array("one".utf8))
        #expect(FileSystem.permissions(of: file.path) == 0o600)
        #expect(FileSystem.permissions(of: temp.url.path + "/secrets") == 0o700)
        let before = try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int
        try file.replace(with: Array("two".utf8))
        let after = try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int
        // A new inode shows the bytes were renamed into place, never rewritten in place.
        #expect(before != after)
        #expect(try file.read() == Array("two".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.url.path + "/secrets") == ["b.json"])
    }

    @Test func aSymlinkIsNeverRead() throws {
        let temp = try TempFolder("secret-link")
        defer { temp.remove() }
        try Data("elsewhere".utf8).write(to: temp.url.appendingPathComponent("target"))
        try FileManager.default.createSymbolicLink(
            atPath: temp.url.path + "/b.json", withDestinationPath: temp.url.path + "/target")
        let error = try #require(throws: StoreError.self) { try SecretFile(path: temp.url.path + "/b.json").read() }
        #expect(error.code == .symlinkRefused)
    }

    @Test func theLockExcludesASecondHolderUntilReleased() async throws {
        let temp = try TempFolder("secret-lock")
        defer { temp.remove() }
        let file = SecretFile(path: temp.url.path + "/b.json")
        try await file.withExclusiveLock(waitingUpTo: .seconds(5)) {
            // A second open file description (as another process would have) cannot take it.
            let fd = try FileSystem.openLockFile(file.lockPath)
            defer { FileSystem.closeFile(fd) }
            #expect(try FileSystem.tryLock(fd, path: file.lockPath) == false)
            let error = await #expect(throws: StoreError.self) {
                try await file.withExclusiveLock(waitingUpTo: .milliseconds(30)) {}
            }
            #expect(error?.code == .busy)
            #expect(error?.message.contains(file.lockPath) == true)
        }
        let fd = try FileSystem.openLockFile(file.lockPath)
        defer { FileSystem.closeFile(fd) }
        #expect(try FileSystem.tryLock(fd, path: file.lockPath))
    }
}
