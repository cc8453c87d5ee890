import Foundation

/// How a ``QBOSandboxServer`` starts.
///
/// ```swift
/// var options = QBOSandboxOptions()
/// options.accessTokenLifetime = 60
/// let sandbox = try await QBOSandboxServer.start(options)
/// ```
public struct QBOSandboxOptions: Sendable {
    /// The address to bind; the sandbox is meant for loopback only.
    public var host: String = "127.0.0.1"
    /// The TCP port; 0 lets the system choose a free one (read it from ``QBOSandboxServer/baseURL``).
    public var port: UInt16 = 0
    /// A folder where companies, tokens and the clock are kept as JSON when the sandbox stops
    /// (and on `POST /__sandbox/save`), and read back when it starts. `nil` keeps everything in memory.
    public var dataDirectory: URL?
    /// OAuth clients accepted by the token endpoint: client id → client secret.
    public var clients: [String: String] = ["sandbox-client": "sandbox-secret"]
    /// Seconds an access token lives (Intuit: 3600).
    public var accessTokenLifetime: Int = 3600
    /// Seconds a refresh token lives from its issue (Intuit: 8,726,400, about 100 days).
    public var refreshTokenLifetime: Int = 8_726_400
    /// Seconds a refresh token still works after a refresh replaced it (Intuit: 24 hours). 0 refuses
    /// it at once: the strictest rotation, under which two processes refreshing with the same token
    /// lose the connection — what a test of refresh serialization wants.
    public var previousRefreshTokenGrace: Int = 86_400
    /// Whether QBO's rate limits answer 429; benchmarks switch it off.
    public var throttleEnabled = true
    /// Requests per minute and realm before 429 (QBO: 500).
    public var requestsPerMinute = 500
    /// Requests in progress at once per realm before 429 (QBO: about 10).
    public var maxConcurrentRequests = 10
    /// Seconds an injected `timeout` fault holds the answer, long enough for a client with a
    /// short timeout to give up.
    public var timeoutHoldSeconds: Double = 30
    /// Seed of the generator that decides which requests a `rate` fault injection hits.
    public var faultSeed: UInt64 = 42

    public init() {}
}
