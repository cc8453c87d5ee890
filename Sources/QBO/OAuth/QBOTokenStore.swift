import Foundation
import RowColJSON

/// Where a connection's token set is kept: the port through which ``QBOTokenStore`` persists it.
///
/// The client holds no file code of its own; an application gives it a storage that keeps the
/// promise below (RowCol's is a `SecretFile` in the workspace's `secrets/` folder).
public protocol QBOTokenStorage: Sendable {
    /// Names the storage in messages (for example the file's path); never holds a secret.
    var location: String { get }
    /// The stored bytes; nil when nothing was stored yet.
    func read() throws -> Data?
    /// Replaces the stored bytes. When this returns they survive a crash or a power cut; when it
    /// throws, the bytes stored before are intact — so a rotated refresh token is never used
    /// unless it is durable.
    func write(_ data: Data) throws
    /// Runs `body` while no other process or task holds this storage's exclusive lock.
    func withExclusiveLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T
}

/// The token set of one connection, read and written through a ``QBOTokenStorage``.
///
/// ``withRefreshLock(_:)`` serializes refreshes across processes with the storage's lock.
public struct QBOTokenStore: Sendable {
    /// Where the tokens are kept.
    public let storage: any QBOTokenStorage

    public init(storage: any QBOTokenStorage) {
        self.storage = storage
    }

    /// Names the storage in messages.
    public var location: String { storage.location }

    /// Reads the token set; `nil` when there is none yet.
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/tokenStore`` when it is unreadable or corrupt.
    public func load() throws -> QBOTokenSet? {
        let data: Data?
        do {
            data = try storage.read()
        } catch {
            throw QBOError(.tokenStore, message: "The token file \(location) cannot be read: \(error)", underlying: "\(error)")
        }
        guard let data else { return nil }
        do {
            return try JSONValue.decode(QBOTokenSet.self, from: data)
        } catch {
            throw QBOError(.tokenStore, message: "The token file \(location) is corrupt; connect the company again to rewrite it.",
                           underlying: "\(type(of: error))")
        }
    }

    /// Writes the token set durably; it is on disk when this returns.
    public func save(_ tokens: QBOTokenSet) throws {
        let data: Data
        do {
            data = try JSONEncoder(layout: .pretty).encode(tokens) + Data("\n".utf8)
        } catch {
            throw QBOError(.tokenStore, message: "Cannot encode the tokens for \(location).", underlying: "\(error)")
        }
        do {
            try storage.write(data)
        } catch {
            throw QBOError(.tokenStore, message: "Cannot save the token file \(location): \(error); the new tokens are not used.",
                           underlying: "\(error)")
        }
    }

    /// Runs `body` holding the exclusive refresh lock of the storage.
    public func withRefreshLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await storage.withExclusiveLock(body)
    }
}

/// A token storage in memory, for a process that keeps no file (a short-lived tool, a test):
/// nothing survives the process.
public final class QBOMemoryTokenStorage: QBOTokenStorage, @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: Data?
    private let exclusive = AsyncExclusiveLock()

    public init(_ data: Data? = nil) { bytes = data }

    public var location: String { "memory" }
    public func read() throws -> Data? { lock.withLock { bytes } }
    public func write(_ data: Data) throws { lock.withLock { bytes = data } }
    public func withExclusiveLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await exclusive.run(body)
    }
}

/// A mutual exclusion for async work in one process (FIFO, never blocking a thread).
actor AsyncExclusiveLock {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if held {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            held = true
        }
        defer { release() }
        return try await body()
    }

    private func release() {
        if waiters.isEmpty { held = false } else { waiters.removeFirst().resume() }
    }
}
