import Foundation

extension JSONEncoder {
    /// An encoder whose bytes are the ones ``JSONValue/serialized(_:)`` writes for the same
    /// value: keys sorted, `/` unescaped, two-space indent for ``JSONLayout/pretty``, and every
    /// `Date` as its ``Timestamp`` (`2026-11-28T03:32:32.123Z`), never a number of seconds.
    public convenience init(layout: JSONLayout) {
        self.init()
        outputFormatting = layout == .pretty
            ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp(date).description)
        }
    }
}

extension JSONValue {
    /// The tree of any `Encodable` value, as ``JSONEncoder/init(layout:)`` encodes it (dates as
    /// ``Timestamp`` strings, numbers exact).
    ///
    /// - Throws: `EncodingError` when the value cannot be represented in JSON (a `Double` that is not finite).
    public init(encoding value: some Encodable) throws {
        let bytes = try JSONEncoder(layout: .compact).encode(value)
        self = try JSONValue.parse(bytes)
    }
}
