import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls the token store needs, in one place.
enum FileSystem {
    static func errorText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    /// Creates `directory` (and parents) with mode 0700 and forces that mode, whatever the umask.
    static func makePrivateDirectory(_ directory: URL) throws {
        let path = directory.path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        guard chmod(path, 0o700) == 0 else {
            throw QBOError(.tokenStore, message: "Cannot make the token folder \(path) private (mode 0700): \(errorText()).")
        }
    }

    /// Writes `data` to `url` atomically and durably: temp file (0600) → fsync → rename → fsync folder.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temp = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw QBOError(.tokenStore, message: "Cannot create \(temp.path): \(errorText()).")
        }
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = "write: \(errorText())"
                    return
                }
                offset += written
            }
        }
        if failure == nil, fchmod(fd, 0o600) != 0 { failure = "fchmod: \(errorText())" }
        if failure == nil, fsync(fd) != 0 { failure = "fsync: \(errorText())" }
        close(fd)
        if failure == nil, rename(temp.path, url.path) != 0 { failure = "rename: \(errorText())" }
        if let failure {
            unlink(temp.path)
            throw QBOError(.tokenStore, message: "Cannot write the token file \(url.path) (\(failure)); check the disk and the folder's permissions.")
        }
        try syncDirectory(directory)
    }

    static func syncDirectory(_ directory: URL) throws {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw QBOError(.tokenStore, message: "Cannot open the folder \(directory.path) to sync it: \(errorText()).")
        }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw QBOError(.tokenStore, message: "Cannot sync the folder \(directory.path): \(errorText()).")
        }
    }

    /// An exclusive `flock` on a lock file; released by ``FileLock/unlock()`` or when the process ends.
    final class FileLock: @unchecked Sendable {
        private var fd: Int32

        /// Tries once to lock `url`; returns `nil` when another holder has it.
        static func tryLock(_ url: URL) throws -> FileLock? {
            let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw QBOError(.tokenStore, message: "Cannot open the lock file \(url.path): \(errorText()).")
            }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return FileLock(fd: fd) }
            let code = errno
            close(fd)
            if code == EWOULDBLOCK || code == EINTR { return nil }
            throw QBOError(.tokenStore, message: "Cannot lock \(url.path): \(errorText(code)).")
        }

        private init(fd: Int32) { self.fd = fd }

        func unlock() {
            guard fd >= 0 else { return }
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }

        deinit { unlock() }
    }
}
