/// Writes one JSON object member by member, for types that lay out their own fields without
/// building a ``JSONValue`` first (log lines, mirror documents).
///
/// Members must be given in sorted key order (the order ``JSONLayout`` promises); the writer does
/// not sort.
/// ```swift
/// var buffer: [UInt8] = []
/// var object = JSONObjectWriter(into: &buffer, layout: .compact)
/// object.member("id", "12", into: &buffer)
/// object.member("seq", integer: 7, into: &buffer)
/// object.end(into: &buffer)      // {"id":"12","seq":7}
/// ```
public struct JSONObjectWriter {
    private let layout: JSONLayout
    private let level: Int
    private var count = 0

    /// Opens the object (`{`) in `buffer`; `level` is its indent depth (pretty only).
    public init(into buffer: inout [UInt8], layout: JSONLayout, level: Int = 0) {
        self.layout = layout
        self.level = level
        buffer.append(UInt8(ascii: "{"))
    }

    /// Writes the key and its separator; the caller writes the value next (one level deeper than
    /// the object, for ``JSONLayout/pretty``).
    public mutating func key(_ key: String, into buffer: inout [UInt8]) {
        if count > 0 { buffer.append(UInt8(ascii: ",")) }
        if layout == .pretty {
            buffer.append(UInt8(ascii: "\n"))
            JSONWriting.indent(level + 1, into: &buffer)
        }
        count += 1
        JSONWriting.string(key, into: &buffer)
        if layout == .pretty {
            buffer.append(contentsOf: JSONWriting.prettyColon)
        } else {
            buffer.append(UInt8(ascii: ":"))
        }
    }

    /// Writes a member.
    public mutating func member(_ key: String, _ value: JSONValue, into buffer: inout [UInt8]) {
        self.key(key, into: &buffer)
        value.write(into: &buffer, layout: layout, level: level + 1)
    }

    /// Writes the member, or nothing when `value` is nil (how `encodeIfPresent` behaves).
    public mutating func member(_ key: String, ifPresent value: JSONValue?, into buffer: inout [UInt8]) {
        if let value { member(key, value, into: &buffer) }
    }

    /// Writes a string member, `null` when `value` is nil (how `encode` of an optional behaves).
    public mutating func member(_ key: String, string value: String?, into buffer: inout [UInt8]) {
        member(key, value.map(JSONValue.string) ?? .null, into: &buffer)
    }

    /// Writes an integer member.
    public mutating func member(_ key: String, integer value: some BinaryInteger, into buffer: inout [UInt8]) {
        self.key(key, into: &buffer)
        buffer.append(contentsOf: String(value).utf8)
    }

    /// Closes the object (`}`), with `JSONEncoder`'s layout of an empty object.
    public mutating func end(into buffer: inout [UInt8]) {
        if layout == .pretty {
            buffer.append(UInt8(ascii: "\n"))
            if count == 0 { buffer.append(UInt8(ascii: "\n")) }
            JSONWriting.indent(level, into: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }
}
