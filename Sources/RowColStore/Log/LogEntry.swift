import Foundation
import RowColDomain

/// The position of a line in an advisor's integration log: 1, 2, 3, … with no gaps.
public struct LogSeq: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ value: UInt64) { self.rawValue = value }

    /// The seq before the first line (an empty log, or a mirror with nothing applied).
    public static let zero = LogSeq(0)

    public var next: LogSeq { LogSeq(rawValue + 1) }
    public static func < (lhs: LogSeq, rhs: LogSeq) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(UInt64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Which way an exchange with QBO went.
public enum LogDirection: String, Hashable, Sendable, Codable {
    /// Data read from QBO.
    case inbound = "INBOUND"
    /// A write sent to QBO.
    case outbound = "OUTBOUND"
}

/// The step of an exchange a log line records.
public enum LogPhase: String, Hashable, Sendable, Codable {
    /// Data fetched from QBO (reads).
    case fetched
    /// A write about to be sent (logged before the call).
    case intent
    /// The outcome of a write (logged after the call).
    case result
    /// What a look-up in QBO found before an unresolved write was sent again (`found`,
    /// `not_found`, `unsendable`, `failed`): the confirm-before-retry step of DESIGN §5.
    case lookup
}

/// A log line before it is appended: everything but `seq`, `at` and `prev`, which the log assigns.
public struct LogRecord: Hashable, Sendable {
    public var business: BusinessID
    public var direction: LogDirection
    public var rail: String
    /// What happened: `bill.refresh`, `invoice.recon`, `billpayment.create`, …
    public var operation: String
    public var phase: LogPhase
    public var idemKey: String?
    public var httpCode: Int?
    /// `ok`, `error`, `ambiguous`, … (free text, short).
    public var status: String?
    public var payload: LogPayload?
    public var sourceVersion: String?

    public init(
        business: BusinessID, direction: LogDirection, rail: String = "qbo", operation: String,
        phase: LogPhase, idemKey: String? = nil, httpCode: Int? = nil, status: String? = nil,
        payload: LogPayload? = nil, sourceVersion: String? = nil
    ) {
        self.business = business
        self.direction = direction
        self.rail = rail
        self.operation = operation
        self.phase = phase
        self.idemKey = idemKey
        self.httpCode = httpCode
        self.status = status
        self.payload = payload
        self.sourceVersion = sourceVersion
    }
}

/// A line of the integration log as stored (DESIGN §3).
public struct LogEntry: Hashable, Sendable, Codable {
    public var seq: LogSeq
    /// When the line was appended (UTC, written as RFC 3339 with milliseconds).
    public var at: Date
    public var advisor: AdvisorID
    public var business: BusinessID
    public var direction: LogDirection
    public var rail: String
    public var operation: String
    public var phase: LogPhase
    public var idemKey: String?
    public var httpCode: Int?
    public var status: String?
    public var payload: LogPayload?
    public var sourceVersion: String?
    /// The SHA-256 (hex) of the previous line's bytes, chaining the log across segments.
    public var prev: String

    public init(seq: LogSeq, at: Date, advisor: AdvisorID, record: LogRecord, prev: String) {
        self.seq = seq
        self.at = at
        self.advisor = advisor
        business = record.business
        direction = record.direction
        rail = record.rail
        operation = record.operation
        phase = record.phase
        idemKey = record.idemKey
        httpCode = record.httpCode
        status = record.status
        payload = record.payload
        sourceVersion = record.sourceVersion
        self.prev = prev
    }

    /// The business this line is about, with its advisor.
    public var businessRef: BusinessRef { BusinessRef(advisor: advisor, business: business) }

    enum CodingKeys: String, CodingKey {
        case seq, at, direction, rail, operation, phase, status, payload, prev
        case advisor = "advisor_id"
        case business = "business_id"
        case idemKey = "idem_key"
        case httpCode = "http_code"
        case sourceVersion = "source_version"
    }
}
