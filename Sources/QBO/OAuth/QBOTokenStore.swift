import Foundation
import RowColJSON

/// The token file of one connection (for example `<workspace>/secrets/<advisor>/<business>.json`).
///
/// The file is mode 0600 in a folder of mode 0700, replaced atomically on every write (temp file,
/// fsync, rename, fsync of the folder). ``withRefreshLock(_:)`` serializes refreshes across
/// processes with `flock` on `<file>.lock`.
public struct QBOTokenStore: Sendable {
    /// The token file.
    public let fileURL: URL
    private let clock: any QBOClock

    public init(fileURL: URL, clock: any QBOClock = QBOSystemClock()) {
        self.fileURL = fileURL
        self.clock = clock
    }

    /// The lock file used to serialize refreshes.
    public var lockURL: URL { fileURL.appendingPathExtension("lock") }

    /// Reads the token file; `nil` when there is none yet.
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/tokenStore`` when the file is unreadable or corrupt.
    public func load() throws -> QBOTokenSet? {
        guard FileManager.default.fileExists(atPath: fileURL.path) else { return nil }
        do {
            let data = try Data(contentsOf: fileURL)
            return try JSONValue.decode(QBOTokenSet.self, from: data)
        } catch {
            throw QBOError(.tokenStore, message: "The token file \(fileURL.path) cannot be read or is corrupt; connect the company again to rewrite it.",
                           underlying: "\(type(of: error))")
        }
    }

    /// Writes the token file durably; it is on disk when this returns.
    public func save(_ tokens: QBOTokenSet) throws {
        try FileSystem.makePrivateDirectory(fileURL.deletingLastPathComponent())
        let data: Data
        do {
            data = try JSONEncoder(layout: .pretty).encode(tokens) + Data("\n".utf8)
        } catch {
            throw QBOError(.tokenStore, message: "Cannot encode the tokens for \(fileURL.path).", underlying: "\(error)")
        }
        try FileSystem.writeAtomically(data, to: fileURL)
    }

    /// Runs `body` holding the exclusive refresh lock of this file.
    ///
    /// The lock is polled rather than waited on in the kernel, so a waiting task never blocks a
    /// thread of the cooperative pool.
    public func withRefreshLock<T: Sendable>(timeout: Double = 120, _ body: @Sendable () async throws -> T) async throws -> T {
        try FileSystem.makePrivateDirectory(fileURL.deletingLastPathComponent())
        let start = Date()
        var lock = try FileSystem.FileLock.tryLock(lockURL)
        while lock == nil {
            if Date().timeIntervalSince(start) > timeout {
                throw QBOError(.tokenStore, message: "Another process has held \(lockURL.path) for over \(Int(timeout)) s; if none is running, delete the lock file.")
            }
            // Real time on purpose: the holder is another process, which an injected clock does not move.
            try await Task.sleep(nanoseconds: 10_000_000)
            lock = try FileSystem.FileLock.tryLock(lockURL)
        }
        defer { lock?.unlock() }
        return try await body()
    }
}
