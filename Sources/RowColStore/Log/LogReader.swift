import Foundation
import RowColDomain

/// Reads an advisor's log without a lock (readers and `rowcol log`); a line still being written
/// (no newline yet) is not returned.
public struct LogReader: Sendable {
    public let workspace: Workspace
    public let advisor: AdvisorID

    public init(workspace: Workspace, advisor: AdvisorID) {
        self.workspace = workspace
        self.advisor = advisor
    }

    var folder: String { workspace.paths.log(advisor) }

    /// Lines with `seq` greater than `seq`, in order, up to `limit` (the durable end) when given.
    public func entries(after seq: LogSeq, through limit: LogSeq? = nil) throws -> [LogEntry] {
        var entries: [LogEntry] = []
        try forEachLine(after: seq, through: limit) { _, _, bytes in
            entries.append(try decode(bytes))
        }
        return entries
    }

    /// The raw lines (without newline) with `seq` greater than `seq`, as stored.
    public func rawLines(after seq: LogSeq) throws -> [String] {
        var lines: [String] = []
        try forEachLine(after: seq, through: nil) { _, _, bytes in lines.append(String(decoding: bytes, as: UTF8.self)) }
        return lines
    }

    func decode(_ bytes: ArraySlice<UInt8>) throws -> LogEntry {
        try LogLineCodec.decode(bytes)
    }

    /// Calls `body(segmentPath, line, bytes)` for each complete line after `seq`. Lines are counted
    /// from each segment's first seq, which ``IntegrationLog`` and `verify` keep strictly +1.
    func forEachLine(
        after seq: LogSeq, through limit: LogSeq?,
        _ body: (String, Int, ArraySlice<UInt8>) throws -> Void
    ) throws {
        try workspace.requireAdvisor(advisor)
        try workspace.requireRealFolder(folder)
        let numbers = try SegmentParser.segmentNumbers(in: folder)
        // Walk back to the segment holding seq + 1: only first lines are read on the way.
        var startIndex = 0
        var firstSeqs: [Int: LogSeq] = [:]
        for index in numbers.indices.reversed() {
            let path = folder + "/" + SegmentParser.segmentName(numbers[index])
            guard let first = try IntegrationLog.firstLine(of: path) else { continue }
            let header = try IntegrationLog.header(first, path: path, line: 1)
            firstSeqs[index] = header.seq
            if header.seq <= seq.next {
                startIndex = index
                break
            }
        }
        for index in numbers.indices where index >= startIndex {
            let path = folder + "/" + SegmentParser.segmentName(numbers[index])
            let bytes = try FileSystem.readFile(path)
            let (lines, _) = SegmentParser.split(bytes)
            guard let firstLine = lines.first else { continue }
            let firstSeq = try firstSeqs[index] ?? IntegrationLog.header(firstLine.bytes, path: path, line: 1).seq
            for line in lines {
                let lineSeq = LogSeq(firstSeq.rawValue + UInt64(line.number - 1))
                if lineSeq <= seq { continue }
                if let limit, lineSeq > limit { return }
                try body(path, line.number, line.bytes)
            }
        }
    }
}
