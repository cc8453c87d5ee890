import Foundation

/// How ``JSONValue/write(into:layout:level:)`` lays out its bytes. Both layouts sort object keys
/// and write exactly what `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes`
/// (plus `.prettyPrinted` for ``pretty``), the options of ``JSONEncoder/init(layout:)``, so a file
/// written either way is the same file byte for byte.
public enum JSONLayout: Sendable {
    /// No whitespace: log lines, index lines, request bodies.
    case compact
    /// Two-space indent and `"key" : value`: documents people read and `git diff`.
    case pretty
}

extension JSONValue {
    /// The value's bytes in `layout`.
    public func serialized(_ layout: JSONLayout) -> [UInt8] {
        var bytes: [UInt8] = []
        write(into: &bytes, layout: layout)
        return bytes
    }

    /// Appends the value's bytes to `buffer`; `level` is the indent depth it starts at (pretty only).
    public func write(into buffer: inout [UInt8], layout: JSONLayout, level: Int = 0) {
        switch self {
        case .null: buffer.append(contentsOf: JSONWriting.null)
        case .bool(let value): buffer.append(contentsOf: value ? JSONWriting.true : JSONWriting.false)
        case .number(let value): JSONWriting.number(value, into: &buffer)
        case .string(let value): JSONWriting.string(value, into: &buffer)
        case .array(let values):
            buffer.append(UInt8(ascii: "["))
            if layout == .pretty {
                if values.isEmpty {
                    buffer.append(contentsOf: [UInt8(ascii: "\n"), UInt8(ascii: "\n")])
                } else {
                    for (index, value) in values.enumerated() {
                        if index > 0 { buffer.append(UInt8(ascii: ",")) }
                        buffer.append(UInt8(ascii: "\n"))
                        JSONWriting.indent(level + 1, into: &buffer)
                        value.write(into: &buffer, layout: layout, level: level + 1)
                    }
                    buffer.append(UInt8(ascii: "\n"))
                }
                JSONWriting.indent(level, into: &buffer)
            } else {
                for (index, value) in values.enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    value.write(into: &buffer, layout: layout, level: level)
                }
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let members):
            var object = JSONObjectWriter(into: &buffer, layout: layout, level: level)
            // JSONEncoder sorts keys by their UTF-8 bytes (not by `String`'s canonical order). The
            // members' places are sorted by their keys' first eight bytes, as integers, and only
            // keys sharing those are compared whole: no copy of the pairs, no reference counting
            // while sorting, one integer comparison for almost every pair of QBO's keys.
            var order: [(prefix: UInt64, index: Dictionary<String, JSONValue>.Index)] = []
            order.reserveCapacity(members.count)
            var index = members.startIndex
            while index != members.endIndex {
                order.append((JSONWriting.sortPrefix(members[index].key), index))
                members.formIndex(after: &index)
            }
            order.sort { left, right in
                left.prefix != right.prefix
                    ? left.prefix < right.prefix : JSONWriting.precedes(members[left.index].key, members[right.index].key)
            }
            for place in order {
                let member = members[place.index]
                object.member(member.key, member.value, into: &buffer)
            }
            object.end(into: &buffer)
        }
    }
}
