#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A device that does the real I/O and remembers what a power cut would keep, so that a test can
/// cut the power and check that the store loses nothing it acknowledged (issue 7).
///
/// What survives a cut, as on a journaling file system that promises no more than POSIX:
/// - a file's bytes as of its last `fsync`/`fdatasync` (or as first seen, for files older than
///   this process): unsynced writes and truncations are dropped;
/// - a folder's entries as of its last `fsync` (or as first seen): files created, renamed in or
///   unlinked since are undone — a new file disappears, a replaced file comes back with its
///   durable bytes, an unsynced rename is rolled back;
/// - `syncfs` makes everything durable.
///
/// Limitation: a folder that was renamed or removed whole is not brought back (the store swaps
/// mirror folders only during `rebuild`, and syncs the parent right after the swap).
///
/// Armed with `ROWCOL_STORAGE_FAULT=power-loss` (the cut happens at the armed `ROWCOL_FAILPOINT`,
/// instead of a plain SIGKILL) or `power-loss:N` (the cut happens before the Nth operation that
/// changes a file or a folder), after which the process kills itself.
final class PowerLossStorage: StorageDevice, @unchecked Sendable {
    let base: any StorageDevice
    /// Cut the power before this operation (1-based); nil: only at a failpoint or on request.
    let cutBefore: Int?
    private let lock = NSLock()
    private var operations = 0
    /// File bytes that would survive a cut, by file: captured before the first change seen,
    /// replaced at each flush of the file.
    private var durableBytes: [FileID: [UInt8]] = [:]
    /// Folder entries (name → file) that would survive a cut: captured before the first change
    /// seen in the folder, replaced at each flush of the folder.
    private var durableEntries: [String: [String: FileID]] = [:]
    /// Open files and folders the store may change or flush.
    private var openFiles: [Int32: (path: String, file: FileID, isFolder: Bool)] = [:]
    /// Where each tracked file was last seen.
    private var paths: [FileID: String] = [:]
    /// The file each linked inode currently is. Inode numbers are reused once a file is unlinked,
    /// so a file's identity is assigned when it is first seen or created, not taken from the inode.
    private var files: [UInt64: FileID] = [:]
    private var nextFile = 0

    typealias FileID = Int

    private func file(_ inode: UInt64) -> FileID {
        if let known = files[inode] { return known }
        nextFile += 1
        files[inode] = nextFile
        return nextFile
    }

    private func newFile(_ inode: UInt64) -> FileID {
        nextFile += 1
        files[inode] = nextFile
        return nextFile
    }

    private func file(at path: String) -> FileID? { Self.inode(of: path).map(file) }

    init(over base: any StorageDevice, cutBefore: Int? = nil) {
        self.base = base
        self.cutBefore = cutBefore
    }

    // MARK: Operations

    func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        let accessMode = flags & O_ACCMODE
        let changes = accessMode != O_RDONLY || flags & O_CREAT != 0 || flags & O_TRUNC != 0
        let isFolder = flags & O_DIRECTORY != 0
        guard changes || isFolder else { return base.open(path, flags, mode) }
        return locked {
            if changes { step() }
            let existing = file(at: path)
            if existing == nil && flags & O_CREAT != 0 { captureFolder(FileSystem.parent(of: path)) }
            if let existing, flags & O_TRUNC != 0 { captureFile(existing, at: path) }
            let fd = base.open(path, flags, mode)
            guard fd >= 0, let inode = Self.inode(of: fd) else { return fd }
            let opened = existing == nil && !isFolder ? newFile(inode) : file(inode)
            if existing == nil && !isFolder { durableBytes[opened] = [] }
            openFiles[fd] = (path, opened, isFolder)
            if !isFolder { paths[opened] = path }
            return fd
        }
    }

    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        locked {
            step()
            if let open = openFiles[fd] { captureFile(open.file, at: "/proc/self/fd/\(fd)") }
            return base.write(fd, bytes)
        }
    }

    func truncate(_ fd: Int32, _ length: Int) -> Int32 {
        locked {
            step()
            if let open = openFiles[fd] { captureFile(open.file, at: "/proc/self/fd/\(fd)") }
            return base.truncate(fd, length)
        }
    }

    func dataSync(_ fd: Int32) -> Int32 { flush(fd) { base.dataSync(fd) } }
    func fullSync(_ fd: Int32) -> Int32 { flush(fd) { base.fullSync(fd) } }

    func syncFileSystem(_ fd: Int32) -> Int32 {
        locked {
            step()
            let result = base.syncFileSystem(fd)
            guard result == 0 else { return result }
            for (tracked, path) in paths where file(at: path) == tracked {
                durableBytes[tracked] = Self.contents(of: path) ?? durableBytes[tracked]
            }
            for folder in durableEntries.keys { durableEntries[folder] = entries(of: folder) }
            return result
        }
    }

    func rename(_ from: String, _ to: String) -> Int32 {
        locked {
            step()
            captureFolder(FileSystem.parent(of: from))
            captureFolder(FileSystem.parent(of: to))
            let replacedInode = FileSystem.kind(of: to) == .file ? Self.inode(of: to) : nil
            if let replacedInode { captureFile(file(replacedInode), at: to) }
            let moving = file(at: from)
            let result = base.rename(from, to)
            guard result == 0 else { return result }
            if let replacedInode { files[replacedInode] = nil }
            if let moving, paths[moving] != nil { paths[moving] = to }
            if let moving, let inode = Self.inode(of: to) { files[inode] = moving }
            return result
        }
    }

    func unlink(_ path: String) -> Int32 {
        locked {
            step()
            captureFolder(FileSystem.parent(of: path))
            let inode = FileSystem.kind(of: path) == .file ? Self.inode(of: path) : nil
            if let inode { captureFile(file(inode), at: path) }
            let result = base.unlink(path)
            if result == 0, let inode { files[inode] = nil }
            return result
        }
    }

    func makeDirectory(_ path: String, _ mode: mode_t) -> Int32 {
        locked {
            step()
            captureFolder(FileSystem.parent(of: path))
            return base.makeDirectory(path, mode)
        }
    }

    func removeDirectory(_ path: String) -> Int32 {
        locked {
            step()
            captureFolder(FileSystem.parent(of: path))
            return base.removeDirectory(path)
        }
    }

    func close(_ fd: Int32) {
        locked { openFiles[fd] = nil }
        base.close(fd)
    }

    func willCrash() {
        lock.lock()
        revertToDurableState()
    }

    // MARK: The cut

    /// Puts every file and folder this process changed back to what a power cut would leave, and
    /// forgets what it tracked (tests call this in process; a failpoint's cut kills the process).
    func cutPower() {
        locked {
            revertToDurableState()
            durableBytes = [:]
            durableEntries = [:]
            paths = [:]
            files = [:]
        }
    }

    private func revertToDurableState() {
        var restored: Set<String> = []
        for (folder, durable) in durableEntries.sorted(by: { $0.key.count > $1.key.count })
        where FileSystem.kind(of: folder) == .directory {
            let current = entries(of: folder)
            for name in current.keys where durable[name] == nil {
                // Created or renamed in since the folder's last flush: gone.
                Self.removeTree(folder + "/" + name)
            }
            for (name, durableFile) in durable where current[name] != durableFile {
                // Replaced or unlinked since: the durable file comes back (folders are not tracked).
                guard let bytes = durableBytes[durableFile] else { continue }
                Self.overwrite(folder + "/" + name, with: bytes)
                restored.insert(folder + "/" + name)
            }
        }
        for (tracked, path) in paths where !restored.contains(path) && files[Self.inode(of: path) ?? 0] == tracked {
            guard let bytes = durableBytes[tracked], Self.contents(of: path) != bytes else { continue }
            Self.overwrite(path, with: bytes)
        }
    }

    // MARK: Tracking

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Counts an operation that changes something; cuts the power first when this is the one.
    private func step() {
        operations += 1
        guard let cutBefore, operations >= cutBefore else { return }
        revertToDurableState()
        FileSystem.killSelf()
    }

    private func flush(_ fd: Int32, _ call: () -> Int32) -> Int32 {
        locked {
            step()
            let result = call()
            guard result == 0, let file = openFiles[fd] else { return result }
            if file.isFolder {
                durableEntries[file.path] = entries(of: file.path)
            } else if let bytes = Self.contents(of: "/proc/self/fd/\(fd)") {
                durableBytes[file.file] = bytes
            }
            return result
        }
    }

    private func captureFile(_ tracked: FileID, at path: String) {
        guard durableBytes[tracked] == nil else { return }
        durableBytes[tracked] = Self.contents(of: path) ?? []
    }

    private func captureFolder(_ folder: String) {
        guard durableEntries[folder] == nil, FileSystem.kind(of: folder) == .directory else { return }
        durableEntries[folder] = entries(of: folder)
    }

    private func entries(of folder: String) -> [String: FileID] {
        var entries: [String: FileID] = [:]
        for name in (try? FileSystem.listDirectory(folder)) ?? [] {
            if let inode = Self.inode(of: folder + "/" + name) { entries[name] = file(inode) }
        }
        return entries
    }

    // MARK: Plain file access (reads, and the rewrites of a cut)

    static func inode(of path: String) -> UInt64? {
        var info = stat()
        return lstat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    static func inode(of fd: Int32) -> UInt64? {
        var info = stat()
        return fstat(fd, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    /// A file's bytes (through `/proc/self/fd/N` for an open file, whatever its access mode).
    static func contents(of path: String) -> [UInt8]? {
        let fd = systemOpen(path, O_RDONLY | O_CLOEXEC, 0)
        guard fd >= 0 else { return nil }
        defer { systemClose(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    static func overwrite(_ path: String, with bytes: [UInt8]) {
        if FileSystem.kind(of: path) == .directory { removeTree(path) }
        let fd = systemOpen(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        bytes.withUnsafeBytes { _ = systemWrite(fd, $0) }
        systemClose(fd)
    }

    static func removeTree(_ path: String) {
        if FileSystem.kind(of: path) == .directory {
            for name in (try? FileSystem.listDirectory(path)) ?? [] { removeTree(path + "/" + name) }
            _ = rmdir(path)
        } else {
            _ = systemUnlink(path)
        }
    }
}
