/// A file of secrets — an OAuth token set, an app's credentials: mode 0600 in a folder of mode
/// 0700, read never through a symlink, and replaced atomically and durably through the store's
/// storage device, so the EIO and power-loss tests reach it as they reach the log.
///
/// Writers of the same file are serialized across processes by ``withExclusiveLock(waitingUpTo:_:)``
/// on `<file>.lock`, the same `flock` the advisor lock uses.
public struct SecretFile: Sendable, CustomStringConvertible {
    /// The file's absolute path.
    public let path: String

    public init(path: String) { self.path = path }

    public var description: String { path }

    /// The lock file that serializes writers.
    public var lockPath: String { path + ".lock" }

    /// The file's bytes; nil when there is none yet.
    ///
    /// - Throws: ``StoreError`` when it cannot be read, or is a symlink or not a regular file.
    public func read() throws(StoreError) -> [UInt8]? {
        switch FileSystem.kind(of: path) {
        case .missing: return nil
        case .file: return try FileSystem.readFile(path)
        case .symlink:
            throw StoreError(code: .symlinkRefused, message: "\(path) is a symbolic link; secrets are never read through one", path: path)
        case .directory, .other:
            throw StoreError(code: .io, message: "\(path) is not a regular file", path: path)
        }
    }

    /// Replaces the file with `bytes`: a fresh temp file (0600), fsync, rename, fsync of the folder.
    /// When this returns the new bytes survive a power cut; when it throws, the old file is intact.
    public func replace(with bytes: [UInt8]) throws(StoreError) {
        let folder = FileSystem.parent(of: path)
        try Self.makePrivateFolder(folder)
        let name = path[path.index(after: path.lastIndex(of: "/") ?? path.startIndex)...]
        // A unique temp name: two processes replacing the same secret never share a temp file.
        let temp = "\(folder)/.\(name).\(FileSystem.processID).\(UInt32.random(in: 0...UInt32.max)).tmp"
        try FileSystem.writeAtomically(bytes, to: path, temp: temp, durable: true, mode: 0o600)
        Failpoints.hit(.secretAfterReplace)
    }

    /// Runs `body` holding the exclusive lock of this file, waiting up to `patience` for another
    /// process that holds it.
    ///
    /// - Throws: ``StoreError`` `.busy` naming the lock file when it is still held after `patience`.
    public func withExclusiveLock<T: Sendable>(
        waitingUpTo patience: Duration, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        try Self.makePrivateFolder(FileSystem.parent(of: path))
        let lockPath = lockPath
        let held = try await Patience.retry(upTo: patience) { () throws -> Int32? in
            let fd = try FileSystem.openLockFile(lockPath, mode: 0o600)
            if try FileSystem.tryLock(fd, path: lockPath) { return fd }
            FileSystem.closeFile(fd)
            return nil
        }
        guard let fd = held else {
            throw StoreError(
                code: .busy,
                message: "another process has held \(lockPath) for over \(patience); if none is running, delete the lock file",
                path: lockPath)
        }
        defer { FileSystem.closeFile(fd) }
        return try await body()
    }

    /// Creates `folder` (and missing parents, private too) with mode 0700 if needed and forces
    /// that mode, whatever the umask.
    static func makePrivateFolder(_ folder: String) throws(StoreError) {
        if FileSystem.kind(of: folder) != .directory {
            let parent = FileSystem.parent(of: folder)
            if parent != folder, FileSystem.kind(of: parent) == .missing { try makePrivateFolder(parent) }
            try FileSystem.makeDirectory(folder, mode: 0o700)
            try FileSystem.syncDirectory(FileSystem.parent(of: folder))
        }
        if FileSystem.permissions(of: folder) != 0o700 { try FileSystem.setMode(folder, 0o700) }
    }
}
