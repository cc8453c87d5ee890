/// Why bytes are not JSON, or JSON is not the shape a reader needs, and where.
///
/// Match on ``code``:
/// ```swift
/// do { _ = try JSONValue.parse(bytes) }
/// catch JSONError.Code.syntax { … }      // not JSON at all: `offset` names the byte
/// catch JSONError.Code.shape { … }       // JSON, but a field is missing or has the wrong type
/// ```
public struct JSONError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case syntax, shape
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The bytes are not one JSON value (RFC 8259): ``JSONError/offset`` names the first bad byte.
        public static let syntax = Code(.syntax)
        /// The JSON is well formed but lacks a field, or a field has the wrong type or value.
        public static let shape = Code(.shape)

        public var description: String { kind.rawValue }

        /// Lets `catch JSONError.Code.syntax` match a thrown ``JSONError``.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? JSONError)?.code == code
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What is wrong, naming the field or the construct.
    public var message: String
    /// For ``Code/syntax``, the offset of the offending byte from the start of the input.
    public var offset: Int?

    public init(code: Code, message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String {
        offset.map { "invalid JSON at byte \($0): \(message)" } ?? message
    }
}
