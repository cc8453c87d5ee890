import Crypto
import Foundation
import RowColDomain
import RowColJSON

/// How a log line is written and chained.
///
/// A line is the compact JSON of a ``LogEntry`` with sorted keys, followed by `\n`. Its `prev` is
/// the lowercase hex SHA-256 of the previous line's bytes **without** that line's newline; the
/// first line ever carries ``LogChain/genesis`` (64 zeros). The chain continues across segments.
public enum LogChain {
    /// The `prev` of the first line of an advisor's log.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash a following line must carry as `prev`.
    public static func hash<Bytes: Collection>(ofLine bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hasher = SHA256()
        if let contiguous = bytes as? [UInt8] {
            hasher.update(data: contiguous)
        } else {
            hasher.update(data: Array(bytes))
        }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The two fields recovery and chain checks need; decoding only these skips building payloads.
struct LogLineHeader {
    let seq: LogSeq
    let prev: String

    /// Reads `seq` and `prev` and checks the rest of the line without building it: every
    /// command's open checks the last segment's chain line by line, and a page's line carries a
    /// thousand documents (a tree of them cost a third of a cold `rowcol snapshot`).
    init(_ bytes: some Collection<UInt8>) throws {
        var seq: UInt64?
        var prev: String?
        try JSONCursor.read(bytes) { cursor in
            try cursor.forEachMember { key, cursor in
                switch key {
                case "seq": seq = try cursor.readInteger(UInt64.self)
                case "prev": prev = try cursor.readString()
                default: try cursor.skipValue()
                }
            }
        }
        guard let seq else { throw JSONError(code: .shape, message: "field \"seq\" is missing") }
        guard let prev else { throw JSONError(code: .shape, message: "field \"prev\" is missing") }
        self.seq = LogSeq(seq)
        self.prev = prev
    }
}

/// One complete line of a segment: its bytes (without newline) and 1-based line number.
struct SegmentLine {
    let bytes: ArraySlice<UInt8>
    let number: Int
    /// Offset of the line's first byte in the segment.
    let offset: Int
}

enum SegmentParser {
    /// Splits a segment into complete lines; `tail` is what follows the last newline (a torn line).
    static func split(_ bytes: [UInt8]) -> (lines: [SegmentLine], tail: Range<Int>?) {
        var lines: [SegmentLine] = []
        var start = 0
        var number = 1
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            let count = buffer.count
            while index < count {
                if buffer[index] == UInt8(ascii: "\n") {
                    lines.append(SegmentLine(bytes: bytes[start..<index], number: number, offset: start))
                    number += 1
                    start = index + 1
                }
                index += 1
            }
        }
        return (lines, start < bytes.count ? start..<bytes.count : nil)
    }

    static func segmentName(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".jsonl"
    }

    /// The segment numbers present in a log folder, sorted (`.broken` and other files are ignored).
    static func segmentNumbers(in folder: String) throws(StoreError) -> [Int] {
        try FileSystem.listDirectory(folder).compactMap { name -> Int? in
            guard name.hasSuffix(".jsonl") else { return nil }
            let stem = name.dropLast(6)
            guard stem.count >= 6, stem.allSatisfy(\.isASCII), stem.allSatisfy(\.isNumber) else { return nil }
            return Int(stem)
        }.sorted()
    }
}
