import Foundation

/// How fresh a caller needs an answer to be.
public enum FreshnessHint: String, Hashable, Sendable, Codable, CaseIterable {
    /// Go to QBO now; answer from the mirror afterwards (or with flags when QBO cannot be reached).
    case strict
    /// A mirror younger than the soft TTL will do.
    case cachedOK
}

/// How old the mirror's copy of one entity kind is.
public struct Freshness: Hashable, Sendable, Codable {
    public enum Level: String, Hashable, Sendable, Codable {
        /// Refreshed within the soft TTL.
        case fresh
        /// Older than the soft TTL.
        case stale
        /// Older than the hard TTL.
        case staleHard = "stale_hard"
        /// Never fetched from QBO.
        case never
    }

    /// When the mirror last heard from QBO for this kind.
    public var refreshedAt: Date?
    public var level: Level
    /// Whether this answer's call reached QBO.
    public var refreshedNow: Bool

    public init(refreshedAt: Date?, level: Level, refreshedNow: Bool = false) {
        self.refreshedAt = refreshedAt
        self.level = level
        self.refreshedNow = refreshedNow
    }

    /// Classifies an age against a soft and a hard TTL.
    public static func classify(refreshedAt: Date?, now: Date, softTTL: Duration, hardTTL: Duration,
                                refreshedNow: Bool = false) -> Freshness {
        guard let refreshedAt else { return Freshness(refreshedAt: nil, level: .never, refreshedNow: refreshedNow) }
        let age = now.timeIntervalSince(refreshedAt)
        let level: Level =
            age > hardTTL.seconds ? .staleHard : age > softTTL.seconds ? .stale : .fresh
        return Freshness(refreshedAt: refreshedAt, level: level, refreshedNow: refreshedNow)
    }

    enum CodingKeys: String, CodingKey {
        case level
        case refreshedAt = "refreshed_at"
        case refreshedNow = "refreshed_now"
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval` (for comparisons with `Date` arithmetic only).
    public var seconds: TimeInterval {
        let (whole, fraction) = components
        return TimeInterval(whole) + TimeInterval(fraction) / 1e18
    }
}
