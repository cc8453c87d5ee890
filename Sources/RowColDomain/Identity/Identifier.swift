/// A name that becomes part of a file path inside a workspace: an advisor, a business or a QBO entity id.
///
/// Every identifier matches `[A-Za-z0-9._-]{1,64}` and does not start with a dot, so that no id can
/// climb out of its folder (`..`), hide itself (`.git`), carry a separator or a NUL byte, or look
/// like another id through Unicode tricks. Construction is the only place this is checked.
public protocol ValidatedIdentifier: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    CustomStringConvertible where RawValue == String
{
    /// What the identifier names, for error messages ("advisor id", "business id", …).
    static var kindName: String { get }
    /// Builds the identifier without checking; only ``init(validating:)`` may call it.
    init(unchecked rawValue: String)
}

extension ValidatedIdentifier {
    /// Validates `value` and wraps it.
    /// - Throws: ``IdentifierError`` naming the value and the rule it breaks.
    public init(validating value: String) throws(IdentifierError) {
        try IdentifierRules.check(value, kind: Self.kindName)
        self.init(unchecked: value)
    }

    public init?(rawValue: String) {
        guard (try? IdentifierRules.check(rawValue, kind: Self.kindName)) != nil else { return nil }
        self.init(unchecked: rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(validating: raw)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The rule every ``ValidatedIdentifier`` obeys.
public enum IdentifierRules {
    /// The longest identifier accepted.
    public static let maximumLength = 64

    /// Checks `value` against `[A-Za-z0-9._-]{1,64}` with no leading dot.
    public static func check(_ value: String, kind: String) throws(IdentifierError) {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty else { throw IdentifierError(kind: kind, value: value, reason: "it is empty") }
        guard bytes.count <= maximumLength else {
            throw IdentifierError(kind: kind, value: value, reason: "it is longer than \(maximumLength) characters")
        }
        guard bytes[0] != UInt8(ascii: ".") else {
            throw IdentifierError(kind: kind, value: value, reason: "it starts with a dot")
        }
        for byte in bytes where !isAllowed(byte) {
            throw IdentifierError(kind: kind, value: value, reason: "only A-Z, a-z, 0-9, '.', '_' and '-' are allowed")
        }
    }

    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

/// An identifier was refused. The message names the kind, the (escaped) value and the rule.
public struct IdentifierError: Error, Hashable, Sendable, CustomStringConvertible {
    public let kind: String
    public let value: String
    public let reason: String

    public init(kind: String, value: String, reason: String) {
        self.kind = kind
        self.value = value
        self.reason = reason
    }

    /// The value as a person can read it even when it holds control characters or is huge.
    public var printableValue: String {
        let escaped = value.unicodeScalars.prefix(80).map { scalar -> String in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F
                ? String(scalar) : "\\u{\(String(scalar.value, radix: 16))}"
        }.joined()
        return value.unicodeScalars.count > 80 ? escaped + "…" : escaped
    }

    public var message: String { "invalid \(kind) \"\(printableValue)\": \(reason)" }
    public var description: String { message }
}

/// The advisor a workspace folder belongs to; every path and query starts here.
public struct AdvisorID: ValidatedIdentifier {
    public static let kindName = "advisor id"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// A client business of an advisor (one QBO company).
public struct BusinessID: ValidatedIdentifier {
    public static let kindName = "business id"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// The id of a mirrored entity: a QBO `Id`, or for a scheduled payment its idempotency key.
public struct EntityID: ValidatedIdentifier {
    public static let kindName = "entity id"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// The id of a scheduled bill payment (derived from its idempotency key).
public typealias PaymentID = EntityID

/// An advisor's business: the key of every query, path and API call.
public struct BusinessRef: Hashable, Sendable, Codable, CustomStringConvertible {
    public var advisor: AdvisorID
    public var business: BusinessID

    public init(advisor: AdvisorID, business: BusinessID) {
        self.advisor = advisor
        self.business = business
    }

    public var description: String { "\(advisor)/\(business)" }
}
