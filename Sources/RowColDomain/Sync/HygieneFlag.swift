import Foundation

/// A condition the advisor should know about, raised instead of failing (DESIGN §5).
///
/// Flags travel with every answer, every `--json` output and every runway snapshot. Their codes
/// are stable strings.
public struct HygieneFlag: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A stable flag code such as `rail.offline`.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The mirror is older than the soft TTL and was not refreshed.
        public static let mirrorStale = Code(rawValue: "mirror.stale")
        /// The mirror is older than the hard TTL.
        public static let mirrorStaleHard = Code(rawValue: "mirror.stale_hard")
        /// QBO could not be reached.
        public static let railOffline = Code(rawValue: "rail.offline")
        /// QBO throttled the requests (429 / fault 3001).
        public static let railThrottled = Code(rawValue: "rail.throttled")
        /// QBO answered with a server error (5xx / fault 10000) or the circuit is open.
        public static let railUnavailable = Code(rawValue: "rail.unavailable")
        /// The connection's refresh token was refused: the business must be connected again.
        public static let authReconnectRequired = Code(rawValue: "auth.reconnect_required")
        /// QBO refused access (403 / fault 3100).
        public static let authForbidden = Code(rawValue: "auth.forbidden")
        /// Writes are waiting in the outbox.
        public static let writePending = Code(rawValue: "write.pending")
        /// QBO rejected a write with a validation fault.
        public static let writeRejected = Code(rawValue: "write.rejected")
        /// A write met a newer version in QBO (fault 5010).
        public static let writeConflict = Code(rawValue: "write.conflict")
        /// The change cursor was too old: a full query replaced CDC.
        public static let reconFullResync = Code(rawValue: "recon.full_resync")
        /// A business could not be synced at all because of its own files (an unreadable
        /// `state.json`, a damaged document): raised in that run's report, the others go on.
        public static let syncFailed = Code(rawValue: "sync.failed")
        /// The business's `plan.json` cannot be read: the runway is computed without the plan
        /// until the file is fixed (the message names the path in the file and the field).
        public static let planInvalid = Code(rawValue: "plan.invalid")
        /// A change landed in the workspace but could not be committed to its git history (no git
        /// program, a broken repository, a full disk): the message says why; the next commit that
        /// succeeds records the change and clears the flag.
        public static let gitCommitFailed = Code(rawValue: "git.commit_failed")
        /// The remote refused a push because it has commits this workspace does not (another
        /// machine pushed): nothing was overwritten and every commit is kept locally.
        public static let gitPushRejected = Code(rawValue: "git.push_rejected")

        public static let all: [Code] = [
            .mirrorStale, .mirrorStaleHard, .railOffline, .railThrottled, .railUnavailable,
            .authReconnectRequired, .authForbidden, .writePending, .writeRejected, .writeConflict,
            .reconFullResync, .syncFailed, .planInvalid, .gitCommitFailed, .gitPushRejected,
        ]
    }

    public var code: Code
    public var business: BusinessID
    /// The entity kind concerned, when the flag is about one.
    public var entity: EntityKind?
    /// When the condition was first seen.
    public var since: Date
    /// One line a person can act on.
    public var message: String

    public init(code: Code, business: BusinessID, entity: EntityKind? = nil, since: Date, message: String) {
        self.code = code
        self.business = business
        self.entity = entity
        self.since = since
        self.message = message
    }

    public var description: String {
        "\(code) [\(business)\(entity.map { "/\($0)" } ?? "")]: \(message)"
    }

    enum CodingKeys: String, CodingKey {
        case code, business, entity, since, message
    }
}
