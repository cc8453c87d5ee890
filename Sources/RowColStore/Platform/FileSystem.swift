// The only file of the store that talks to the C library. Everything else calls these wrappers, so
// that durability rules (O_APPEND, fdatasync, folder fsync, no symlink following) live in one place.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

#if canImport(Glibc)
/// glibc's `malloc_trim(3)`, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// Thin, throwing wrappers over the POSIX calls the store needs. Every call that changes a file
/// or a folder goes through ``device`` (the real one, or a fault-injecting one in tests).
enum FileSystem {
    /// The process's storage device, chosen once from `ROWCOL_STORAGE_FAULT` (see ``StorageFaults``).
    static let device: any StorageDevice = StorageFaults.device(over: POSIXStorage())

    static var currentErrno: Int32 { errno }

    /// Hands the pages of freed heap memory back to the system. A large batch frees megabytes
    /// across several threads' heaps (glibc keeps one per thread); without this, each heap's
    /// free pages stay resident and a long sync's peak memory grows with the threads that wrote.
    static func releaseFreedMemory() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func failure(_ call: String, _ path: String, _ code: Int32 = errno) -> StoreError {
        StoreError(
            code: code == ENOSPC ? .diskFull : .io,
            message: "\(call) failed for \(path): \(errorText(code))"
                + (code == ENOSPC ? " (free some disk space and retry)" : ""),
            path: path)
    }

    /// Opens a file without following a final symlink.
    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(StoreError) -> Int32 {
        while true {
            let fd = device.open(path, flags | O_CLOEXEC | O_NOFOLLOW, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            if errno == ELOOP {
                throw StoreError(
                    code: .symlinkRefused, message: "\(path) is a symbolic link; the workspace refuses to follow it",
                    path: path)
            }
            throw failure("open", path)
        }
    }

    static func openForAppend(_ path: String, create: Bool) throws(StoreError) -> Int32 {
        try openFile(path, O_WRONLY | O_APPEND | (create ? O_CREAT : 0), mode: 0o644)
    }

    static func openDirectory(_ path: String) throws(StoreError) -> Int32 {
        try openFile(path, O_RDONLY | O_DIRECTORY)
    }

    static func closeFile(_ fd: Int32) { device.close(fd) }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(StoreError) {
        var offset = 0
        while offset < bytes.count {
            let written = device.write(fd, UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StoreError) {
        let result = bytes.withUnsafeBytes { buffer -> StoreError? in
            do throws(StoreError) {
                try writeAll(fd, buffer, path: path)
                return nil
            } catch {
                return error
            }
        }
        if let result { throw result }
    }

    static func dataSync(_ fd: Int32, path: String) throws(StoreError) {
        if device.dataSync(fd) != 0 { throw failure("fdatasync", path) }
    }

    static func fsyncFile(_ fd: Int32, path: String) throws(StoreError) {
        if device.fullSync(fd) != 0 { throw failure("fsync", path) }
    }

    /// Creates `path` (`flags` add to write-only and create) holding `bytes`. Returns its open
    /// descriptor when `keepOpen` (to flush it later), else -1 once it is closed: a caller writing
    /// many files flushes them all at once and must not hold one open per file. Closed on failure.
    static func createFile(_ path: String, _ flags: Int32, _ bytes: [UInt8], keepOpen: Bool) throws(StoreError) -> Int32 {
        let fd = try openFile(path, O_WRONLY | O_CREAT | flags, mode: 0o644)
        do {
            try writeAll(fd, bytes, path: path)
        } catch {
            closeFile(fd)
            throw error
        }
        guard keepOpen else {
            closeFile(fd)
            return -1
        }
        return fd
    }

    /// Makes a file's contents durable: through `fd` when it is still open, else (-1) by opening
    /// `path` again for the flush (a large batch closes its files once written).
    static func syncFile(_ fd: Int32, path: String) throws(StoreError) {
        guard fd < 0 else { return try fsyncFile(fd, path: path) }
        let reopened = try openFile(path, O_RDONLY)
        defer { closeFile(reopened) }
        try fsyncFile(reopened, path: path)
    }

    /// Makes a folder's entries (new names, renames, removals) durable.
    static func syncDirectory(_ path: String) throws(StoreError) {
        let fd = try openDirectory(path)
        defer { closeFile(fd) }
        try fsyncFile(fd, path: path)
    }

    /// Flushes every dirty file of the file system holding `path` in one call, when the platform
    /// can (Linux `syncfs`); returns false when it cannot, so the caller syncs file by file.
    static func syncFileSystem(containing path: String) throws(StoreError) -> Bool {
        let fd = try openDirectory(path)
        defer { closeFile(fd) }
        if device.syncFileSystem(fd) != 0 {
            if errno == ENOSYS { return false }
            throw failure("syncfs", path)
        }
        return true
    }

    static func moveItem(_ from: String, _ to: String) throws(StoreError) {
        if device.rename(from, to) != 0 { throw failure("rename to \(to)", from) }
    }

    static func removeItem(_ path: String) throws(StoreError) {
        if device.unlink(path) != 0 && errno != ENOENT { throw failure("unlink", path) }
    }

    /// Removes a file or a folder with everything in it, through the device (never following a symlink).
    static func removeTree(_ path: String) throws(StoreError) {
        switch kind(of: path) {
        case .missing: return
        case .directory:
            for name in try listDirectory(path) { try removeTree(path + "/" + name) }
            if device.removeDirectory(path) != 0 && errno != ENOENT { throw failure("rmdir", path) }
        default: try removeItem(path)
        }
    }

    static func truncate(_ fd: Int32, to length: Int, path: String) throws(StoreError) {
        if device.truncate(fd, length) != 0 { throw failure("ftruncate", path) }
    }

    /// Creates a folder (no error when it exists as a real folder) with `mode`.
    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(StoreError) {
        if device.makeDirectory(path, mode) == 0 { return }
        let code = errno
        if code == EEXIST {
            switch kind(of: path) {
            case .directory: return
            case .symlink:
                throw StoreError(
                    code: .symlinkRefused,
                    message: "\(path) is a symbolic link; the workspace refuses to follow it", path: path)
            default:
                throw StoreError(code: .io, message: "\(path) exists and is not a folder", path: path)
            }
        }
        throw failure("mkdir", path, code)
    }

    static func setMode(_ path: String, _ mode: mode_t) throws(StoreError) {
        if chmod(path, mode) != 0 { throw failure("chmod", path) }
    }

    enum Kind: Equatable { case missing, file, directory, symlink, other }

    /// What sits at `path`, without following a symlink.
    static func kind(of path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Identity and version of a file (device, inode, size, modification time), without following
    /// a symlink; nil when nothing is there. An atomic rename gives the path a new inode.
    static func stamp(of path: String) -> (device: UInt64, inode: UInt64, size: Int64, modifiedNanoseconds: Int64)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
        return (UInt64(info.st_dev), UInt64(info.st_ino), Int64(info.st_size), modified)
    }

    static func permissions(of path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// The canonical absolute path (symlinks resolved), or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func fileSize(_ fd: Int32, path: String) throws(StoreError) -> Int {
        var info = stat()
        if fstat(fd, &info) != 0 { throw failure("fstat", path) }
        return Int(info.st_size)
    }

    /// Reads a whole file (never through a symlink).
    static func readFile(_ path: String) throws(StoreError) -> [UInt8] {
        let fd = try openFile(path, O_RDONLY)
        defer { closeFile(fd) }
        let size = try fileSize(fd, path: path)
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + offset, size - offset, off_t(offset))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if count == 0 { break }
            offset += count
        }
        return offset == size ? bytes : Array(bytes[0..<offset])
    }

    /// Reads up to `count` bytes at `offset`.
    static func readAt(_ fd: Int32, at offset: Int, count: Int, path: String) throws(StoreError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + filled, count - filled, off_t(offset + filled))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if got == 0 { break }
            filled += got
        }
        return filled == count ? bytes : Array(bytes[0..<filled])
    }

    /// Writes `bytes` to a new temp file beside `path` and renames it over `path`.
    /// - Parameter durable: fsync the file before the rename and the folder after it.
    static func writeAtomically(_ bytes: [UInt8], to path: String, temp: String, durable: Bool, mode: mode_t = 0o644)
        throws(StoreError)
    {
        let fd = try openFile(temp, O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
        do {
            try writeAll(fd, bytes, path: temp)
            if durable { try fsyncFile(fd, path: temp) }
        } catch {
            closeFile(fd)
            try? removeItem(temp)
            throw error
        }
        closeFile(fd)
        try moveItem(temp, path)
        if durable { try syncDirectory(parent(of: path)) }
    }

    /// Names in a folder (without "." and ".."), sorted; empty when the folder does not exist.
    static func listDirectory(_ path: String) throws(StoreError) -> [String] {
        try listDirectoryUnsorted(path).sorted()
    }

    /// Names in a folder (without "." and ".."), in the file system's order; empty when the folder
    /// does not exist.
    static func listDirectoryUnsorted(_ path: String) throws(StoreError) -> [String] {
        guard kind(of: path) == .directory else { return [] }
        guard let dir = opendir(path) else { throw failure("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Opens (creating it if needed) a file to `flock`.
    static func openLockFile(_ path: String, mode: mode_t = 0o644) throws(StoreError) -> Int32 {
        try openFile(path, O_RDWR | O_CREAT, mode: mode)
    }

    /// Takes an exclusive, non-blocking `flock`; returns false when another holder has it.
    static func tryLock(_ fd: Int32, path: String) throws(StoreError) -> Bool {
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw failure("flock", path)
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static var processID: Int32 { getpid() }

    static var killSignal: Int32 { SIGKILL }

    /// Sends `signal` to `pid` (a child a test or the git adapter started).
    static func send(_ signal: Int32, to pid: Int32) {
        _ = kill(pid, signal)
    }

    /// The user's home folder, from the password database when `HOME` is unset.
    static var homeFolder: String? {
        if let home = ProcessEnvironment.value("HOME"), !home.isEmpty { return home }
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "unknown" }
        return String(cString: buffer)
    }

    /// Ends the process at once, as a power cut or `kill -9` would (failpoints only).
    static func killSelf() -> Never {
        kill(getpid(), SIGKILL)
        _exit(137)
    }
}
