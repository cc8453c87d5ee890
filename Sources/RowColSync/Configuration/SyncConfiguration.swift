import Foundation
import RowColDomain
import RowColJSON

/// The sync policy in force ("simple mode", DESIGN §8).
///
/// Values come from, in order of precedence: command-line flags (applied by the caller), the
/// environment, the workspace's `rowcol.json` (`"policy"` object), then the defaults below. A value
/// that does not parse is an error naming the variable, never a silent default.
public struct SyncConfiguration: Hashable, Sendable {
    /// Retry throttled, unavailable and transport failures with backoff (`SYNC_ENABLE_RETRY`).
    public var enableRetry = true
    /// Drop changes already in the mirror (same id and SyncToken) before logging (`SYNC_ENABLE_DEDUP`).
    public var enableDedup = true
    /// Soft TTLs per kind, as the table of mirrored entities sets them (`SYNC_CACHE_TTL_BILLS`, …).
    public var softTTLs: [EntityKind: Duration] = Dictionary(
        uniqueKeysWithValues: MirroredEntities.all.compactMap { entity in entity.ttl.map { (entity.kind, $0.defaultTTL) } })
    /// Past this age an answer carries `mirror.stale_hard` (`SYNC_HARD_TTL`, seconds).
    public var hardTTL: Duration = .seconds(86_400)
    /// Whether `rowcol sync --daemon`-style schedulers should run (`SYNC_SCHEDULER_ENABLED`).
    public var schedulerEnabled = false
    /// The hour (UTC, 0–23) of the nightly reconciliation (`SYNC_NIGHTLY_RECON_HOUR`).
    public var nightlyReconHour = 3
    /// Whether snapshots go to QBO first (`STRICT_ON_SNAPSHOT`).
    public var strictOnSnapshot = true
    /// Seconds before a call to QBO is given up (`SYNC_REQUEST_TIMEOUT`; QBO's own limit is 120).
    /// A write whose answer does not come in time is looked for in QBO before it is sent again.
    public var requestTimeout: Duration = .seconds(120)

    public init() {}

    /// The soft TTL of an entity kind (a kind that follows another's freshness, such as RowCol's
    /// payments, has that one's).
    public func softTTL(for entity: EntityKind) -> Duration {
        softTTLs[MirroredEntities[entity].freshnessKind] ?? hardTTL
    }

    /// The variables read from the environment, with their `rowcol.json` keys.
    public static let variables: [(environment: String, file: String)] = [
        ("SYNC_ENABLE_RETRY", "enable_retry"),
        ("SYNC_ENABLE_DEDUP", "enable_dedup"),
    ] + MirroredEntities.all.compactMap { $0.ttl.map { ($0.environment, $0.file) } } + [
        ("SYNC_HARD_TTL", "hard_ttl"),
        ("SYNC_SCHEDULER_ENABLED", "scheduler_enabled"),
        ("SYNC_NIGHTLY_RECON_HOUR", "nightly_recon_hour"),
        ("STRICT_ON_SNAPSHOT", "strict_on_snapshot"),
        ("SYNC_REQUEST_TIMEOUT", "request_timeout"),
    ]

    /// Resolves the configuration from the environment over the workspace file's `policy` object.
    /// - Parameters:
    ///   - environment: usually `ProcessInfo.processInfo.environment`.
    ///   - policy: the `policy` object of `rowcol.json`, if any.
    /// - Throws: ``ConfigurationError`` naming the first variable or key whose value is invalid.
    public static func resolve(
        environment: [String: String], policy: [String: JSONValue]? = nil
    ) throws(ConfigurationError) -> SyncConfiguration {
        var configuration = SyncConfiguration()
        if let policy {
            let known = Set(variables.map(\.file))
            if let unknown = policy.keys.sorted().first(where: { !known.contains($0) }) {
                throw ConfigurationError(
                    name: "rowcol.json policy.\(unknown)", value: "",
                    expected: "one of \(variables.map(\.file).joined(separator: ", "))")
            }
            for (_, key) in variables {
                guard let value = policy[key] else { continue }
                let text: String
                switch value {
                case .string(let string): text = string
                case .number(let number): text = number.description
                case .bool(let bool): text = bool ? "true" : "false"
                default:
                    throw ConfigurationError(name: "rowcol.json policy.\(key)", value: "\(value)", expected: "a scalar")
                }
                try configuration.apply(text, to: key, name: "rowcol.json policy.\(key)")
            }
        }
        for (variable, key) in variables {
            guard let text = environment[variable] else { continue }
            try configuration.apply(text, to: key, name: variable)
        }
        guard configuration.softTTLs.values.allSatisfy({ $0 <= configuration.hardTTL }) else {
            throw ConfigurationError(
                name: "SYNC_HARD_TTL", value: "\(Int(configuration.hardTTL.seconds))",
                expected: "seconds no shorter than any SYNC_CACHE_TTL_*")
        }
        return configuration
    }

    private mutating func apply(_ text: String, to key: String, name: String) throws(ConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch key {
        case "enable_retry": enableRetry = try Self.bool(trimmed, name: name)
        case "enable_dedup": enableDedup = try Self.bool(trimmed, name: name)
        case let file where Self.ttlKinds[file] != nil: softTTLs[Self.ttlKinds[file]!] = try Self.seconds(trimmed, name: name)
        case "hard_ttl": hardTTL = try Self.seconds(trimmed, name: name)
        case "scheduler_enabled": schedulerEnabled = try Self.bool(trimmed, name: name)
        case "nightly_recon_hour":
            guard let hour = Int(trimmed), (0...23).contains(hour) else {
                throw ConfigurationError(name: name, value: text, expected: "an hour from 0 to 23 (e.g. 03)")
            }
            nightlyReconHour = hour
        case "strict_on_snapshot": strictOnSnapshot = try Self.bool(trimmed, name: name)
        case "request_timeout":
            guard let value = Int(trimmed), (1...600).contains(value) else {
                throw ConfigurationError(name: name, value: text, expected: "a whole number of seconds from 1 to 600")
            }
            requestTimeout = .seconds(value)
        default: break
        }
    }

    /// The kind whose TTL each `rowcol.json` key sets.
    static let ttlKinds: [String: EntityKind] = Dictionary(
        uniqueKeysWithValues: MirroredEntities.all.compactMap { entity in entity.ttl.map { ($0.file, entity.kind) } })

    static func bool(_ text: String, name: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(name: name, value: text, expected: "true or false (or 1/0, yes/no, on/off)")
        }
    }

    static func seconds(_ text: String, name: String) throws(ConfigurationError) -> Duration {
        guard let value = Int(text), value >= 0, value <= 31_536_000 else {
            throw ConfigurationError(name: name, value: text, expected: "a whole number of seconds from 0 to 31536000")
        }
        return .seconds(value)
    }
}

/// A configuration value did not parse.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The environment variable or `rowcol.json` key at fault.
    public let name: String
    public let value: String
    public let expected: String

    public init(name: String, value: String, expected: String) {
        self.name = name
        self.value = value
        self.expected = expected
    }

    public var description: String {
        value.isEmpty ? "invalid \(name): expected \(expected)" : "invalid \(name)=\"\(value)\": expected \(expected)"
    }
}
