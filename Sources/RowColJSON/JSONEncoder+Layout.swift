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
