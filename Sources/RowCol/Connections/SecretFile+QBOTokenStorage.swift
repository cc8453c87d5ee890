import Foundation
import QBO
import RowColStore

/// The workspace's token files are the QBO client's token storage: durable, private, and locked
/// across processes by the store's one `flock`.
extension SecretFile: QBOTokenStorage {
    /// How long a refresh waits for another process's refresh of the same connection.
    static let refreshPatience: Duration = .seconds(120)

    public var location: String { path }

    public func read() throws -> Data? {
        let bytes: [UInt8]? = try read()
        return bytes.map { Data($0) }
    }

    public func write(_ data: Data) throws {
        try replace(with: Array(data))
    }

    public func withExclusiveLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withExclusiveLock(waitingUpTo: Self.refreshPatience, body)
    }
}
