extension JSONLayout {
    /// Appends the ``pretty`` bytes of a value from its ``compact`` bytes, at indent depth `level`:
    /// the same bytes as writing the value pretty, without walking a tree or sorting keys again
    /// (the compact bytes already hold them sorted). The store writes each change compact into its
    /// log line, then its mirror document from those bytes.
    ///
    /// `compact` must be what ``JSONValue/write(into:layout:level:)`` wrote with ``compact``: no
    /// whitespace outside strings (this is not a general pretty-printer).
    public static func reindent(compact: UnsafeBufferPointer<UInt8>, level: Int, into buffer: inout [UInt8]) {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var depth = level
        var index = 0
        let count = compact.count
        buffer.reserveCapacity(buffer.count + count + count / 2)
        while index < count {
            let byte = compact[index]
            switch byte {
            case quote:
                // A string, escapes included, copied whole: no structure inside it.
                var end = index + 1
                while end < count && compact[end] != quote {
                    end += compact[end] == backslash ? 2 : 1
                }
                end = min(end + 1, count)
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: compact[index..<end]))
                index = end
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                buffer.append(byte)
                let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if index + 1 < count && compact[index + 1] == close {
                    // JSONEncoder's empty container: a blank line, then the close at this depth.
                    buffer.append(UInt8(ascii: "\n"))
                    buffer.append(UInt8(ascii: "\n"))
                    JSONWriting.indent(depth, into: &buffer)
                    buffer.append(close)
                    index += 2
                    continue
                }
                depth += 1
                buffer.append(UInt8(ascii: "\n"))
                JSONWriting.indent(depth, into: &buffer)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                buffer.append(UInt8(ascii: "\n"))
                JSONWriting.indent(depth, into: &buffer)
                buffer.append(byte)
            case UInt8(ascii: ","):
                buffer.append(byte)
                buffer.append(UInt8(ascii: "\n"))
                JSONWriting.indent(depth, into: &buffer)
            case UInt8(ascii: ":"):
                buffer.append(contentsOf: JSONWriting.prettyColon)
            default:
                // Numbers and literals, copied up to the next structural byte.
                var end = index + 1
                while end < count {
                    let next = compact[end]
                    if next == UInt8(ascii: ",") || next == UInt8(ascii: "}") || next == UInt8(ascii: "]") { break }
                    end += 1
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: compact[index..<end]))
                index = end
                continue
            }
            index += 1
        }
    }
}
