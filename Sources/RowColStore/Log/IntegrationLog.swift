import Foundation
import RowColDomain
import RowColJSON

/// The writing end of one advisor's integration log (DESIGN §3). Not thread-safe: one
/// ``CommitEngine`` thread owns it.
final class IntegrationLog {
    let folder: String
    let advisor: AdvisorID
    let segmentLimit: Int
    private(set) var lastSeq: LogSeq = .zero
    private(set) var lastHash: String = LogChain.genesis
    private(set) var segment: Int = 1
    private var fd: Int32 = -1
    private var size: Int = 0
    private(set) var cutLine: RecoveryReport.CutLine?

    /// Opens the log, cutting a torn last line.
    /// - Throws: ``StoreError`` `.corruptLog` naming the segment and line of a bad line that is not the last.
    init(folder: String, advisor: AdvisorID, segmentLimit: Int) throws(StoreError) {
        self.folder = folder
        self.advisor = advisor
        self.segmentLimit = max(segmentLimit, 1)
        let numbers = try SegmentParser.segmentNumbers(in: folder)
        if let problem = Self.gap(in: numbers, folder: folder) { throw problem }
        guard let last = numbers.last else {
            try createSegment(1)
            return
        }
        segment = last
        if numbers.count > 1 {
            let previousPath = path(of: last - 1)
            guard let line = try Self.lastLine(of: previousPath) else {
                throw StoreError(
                    code: .corruptLog, message: "log segment \(previousPath) is empty; a sealed segment must end "
                        + "with a complete line (restore it from a backup)", path: previousPath)
            }
            let header = try Self.header(line.bytes, path: previousPath, line: nil)
            lastSeq = header.seq
            lastHash = LogChain.hash(ofLine: line.bytes)
        }
        try recoverLastSegment()
        fd = try FileSystem.openForAppend(path(of: segment), create: false)
        size = try FileSystem.fileSize(fd, path: path(of: segment))
    }

    deinit { close() }

    func close() {
        if fd >= 0 { FileSystem.closeFile(fd) }
        fd = -1
    }

    func path(of number: Int) -> String { folder + "/" + SegmentParser.segmentName(number) }

    /// Appends the records as consecutive lines and returns once they are on disk.
    func append(_ records: [LogRecord], at instant: Date) throws -> [LogEntry] {
        try appendWithBodies(records.map(PreparedRecord.init), at: instant).entries
    }

    /// ``append(_:at:)`` of records whose payloads are encoded already, also returning each line's
    /// bytes and the places of its changes' bodies.
    func appendWithBodies(_ records: [PreparedRecord], at instant: Date) throws -> (entries: [LogEntry], bodies: [LogLineBodies]) {
        let start = batchStart()
        do {
            let written = try write(records, at: instant)
            try sync()
            return written
        } catch {
            rollBack(to: start)
            throw error
        }
    }

    /// Where a batch of lines began: what ``rollBack(to:)`` returns to.
    struct BatchStart {
        fileprivate let segment: Int, size: Int, seq: LogSeq, hash: String
    }

    func batchStart() -> BatchStart { BatchStart(segment: segment, size: size, seq: lastSeq, hash: lastHash) }

    /// Writes the records as consecutive lines, without flushing them: a batch writes its callers'
    /// lines as they come and flushes once (``sync()``). Nothing written is durable, nor may be
    /// acknowledged, before that flush.
    func write(_ records: [PreparedRecord], at instant: Date) throws -> (entries: [LogEntry], bodies: [LogLineBodies]) {
        guard fd >= 0 else { throw StoreError(code: .closed, message: "the log of advisor \(advisor) is closed") }
        // Whole milliseconds, as the line stores them, so the entry returned equals the one read back.
        let at = Timestamp(instant).date
        var entries: [LogEntry] = []
        entries.reserveCapacity(records.count)
        var bodies: [LogLineBodies] = []
        bodies.reserveCapacity(records.count)
        var buffer: [UInt8] = []
        for prepared in records {
            let entry = LogEntry(seq: lastSeq.next, at: at, advisor: advisor, record: prepared.record, prev: lastHash)
            let encoded = LogLineCodec.encodeWithBodies(entry, prepared: prepared)
            let line = encoded.line
            let used = size + buffer.count
            if used > 0 && used + line.count + 1 > segmentLimit {
                try flush(&buffer)
                try FileSystem.dataSync(fd, path: path(of: segment))
                try createSegment(segment + 1)
            }
            buffer.append(contentsOf: line)
            buffer.append(UInt8(ascii: "\n"))
            lastHash = LogChain.hash(ofLine: line)
            lastSeq = entry.seq
            entries.append(entry)
            bodies.append(encoded)
        }
        try flush(&buffer)
        return (entries, bodies)
    }

    /// Flushes the lines written since the last flush: from here they are durable.
    func sync() throws(StoreError) {
        Failpoints.hit(.logAfterWrite)
        try FileSystem.dataSync(fd, path: path(of: segment))
        Failpoints.hit(.logAfterSync)
    }

    /// Takes back the lines of a batch whose write or flush failed. A failed write or flush is
    /// final (DESIGN: never retry an fsync and carry on): the unacknowledged lines go, so that a
    /// reopen cannot resurrect what the caller was told failed. Past a segment change, reopening's
    /// torn-tail cut and chain check take over.
    func rollBack(to start: BatchStart) {
        guard segment == start.segment else { return }
        try? FileSystem.truncate(fd, to: start.size, path: path(of: segment))
        (size, lastSeq, lastHash) = (start.size, start.seq, start.hash)
    }

    private func flush(_ buffer: inout [UInt8]) throws(StoreError) {
        guard !buffer.isEmpty else { return }
        try FileSystem.writeAll(fd, buffer, path: path(of: segment))
        size += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Seals the current segment by starting the next one; the folder is synced so the new name survives.
    private func createSegment(_ number: Int) throws(StoreError) {
        close()
        let newPath = path(of: number)
        fd = try FileSystem.openFile(newPath, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, mode: 0o644)
        try FileSystem.syncDirectory(folder)
        segment = number
        size = 0
    }

    private func recoverLastSegment() throws(StoreError) {
        let segmentPath = path(of: segment)
        let bytes = try FileSystem.readFile(segmentPath)
        let (lines, tail) = SegmentParser.split(bytes)
        var expectedSeq = lastSeq.next
        var expectedPrev = lastHash
        var cut: (offset: Int, line: Int, reason: String)?
        for (index, line) in lines.enumerated() {
            let problem = Self.check(line, expectedSeq: expectedSeq, expectedPrev: expectedPrev)
            if let problem {
                if index == lines.count - 1 && tail == nil {
                    cut = (line.offset, line.number, problem)
                    break
                }
                throw StoreError(
                    code: .corruptLog,
                    message: "log segment \(segmentPath) line \(line.number) is damaged (\(problem)); it is not the "
                        + "last line, so RowCol will not guess: restore the segment from a backup",
                    path: segmentPath, line: line.number)
            }
            lastSeq = expectedSeq
            lastHash = LogChain.hash(ofLine: line.bytes)
            expectedSeq = expectedSeq.next
            expectedPrev = lastHash
        }
        if cut == nil, let tail {
            cut = (tail.lowerBound, lines.count + 1, "no trailing newline")
        }
        guard let cut else { return }
        let torn = Array(bytes[cut.offset...])
        var brokenPath = segmentPath + ".broken"
        var attempt = 2
        while FileSystem.kind(of: brokenPath) != .missing {
            brokenPath = segmentPath + ".broken.\(attempt)"
            attempt += 1
        }
        let brokenFD = try FileSystem.openFile(brokenPath, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
        defer { FileSystem.closeFile(brokenFD) }
        try FileSystem.writeAll(brokenFD, torn, path: brokenPath)
        try FileSystem.fsyncFile(brokenFD, path: brokenPath)
        let segmentFD = try FileSystem.openFile(segmentPath, O_WRONLY)
        defer { FileSystem.closeFile(segmentFD) }
        try FileSystem.truncate(segmentFD, to: cut.offset, path: segmentPath)
        try FileSystem.fsyncFile(segmentFD, path: segmentPath)
        try FileSystem.syncDirectory(folder)
        cutLine = RecoveryReport.CutLine(
            segment: segmentPath, brokenFile: brokenPath, line: cut.line, byteCount: torn.count, reason: cut.reason)
    }

    /// Why a line does not follow its predecessor, or nil when it does.
    static func check(_ line: SegmentLine, expectedSeq: LogSeq, expectedPrev: String) -> String? {
        guard let header = try? LogLineHeader(line.bytes) else {
            return "not a JSON log line"
        }
        if header.seq != expectedSeq {
            return "seq \(header.seq) where \(expectedSeq) was expected"
        }
        if header.prev != expectedPrev {
            return "its prev hash does not match the line before it"
        }
        return nil
    }

    /// - Parameter line: the 1-based line number, or nil for a sealed segment's last line.
    static func header(_ bytes: ArraySlice<UInt8>, path: String, line: Int?) throws(StoreError) -> LogLineHeader {
        do {
            return try LogLineHeader(bytes)
        } catch {
            let which = line.map { "line \($0)" } ?? "last line"
            throw StoreError(
                code: .corruptLog,
                message: "log segment \(path) \(which) is not a JSON log line; restore the segment from a backup",
                path: path, line: line)
        }
    }

    static func gap(in numbers: [Int], folder: String) -> StoreError? {
        for (index, number) in numbers.enumerated() where number != index + 1 {
            let missing = folder + "/" + SegmentParser.segmentName(index + 1)
            return StoreError(
                code: .corruptLog, message: "log segment \(missing) is missing (segments must run from 000001 "
                    + "without gaps); restore it from a backup", path: missing)
        }
        return nil
    }

    /// The last complete line of a file, read backwards in chunks.
    static func lastLine(of path: String) throws(StoreError) -> SegmentLine? {
        let fd = try FileSystem.openFile(path, O_RDONLY)
        defer { FileSystem.closeFile(fd) }
        let size = try FileSystem.fileSize(fd, path: path)
        guard size > 0 else { return nil }
        var chunk = 64 * 1024
        while true {
            let start = max(0, size - chunk)
            let bytes = try FileSystem.readAt(fd, at: start, count: size - start, path: path)
            guard bytes.last == UInt8(ascii: "\n") else {
                throw StoreError(
                    code: .corruptLog, message: "sealed log segment \(path) does not end with a newline", path: path)
            }
            let body = bytes.dropLast()
            if let newline = body.lastIndex(of: UInt8(ascii: "\n")) {
                let lineBytes = body[(newline + 1)...]
                // Line numbers of sealed segments are only needed in messages; count them then.
                return SegmentLine(bytes: ArraySlice(Array(lineBytes)), number: 0, offset: start + newline + 1)  // number unknown
            }
            if start == 0 { return SegmentLine(bytes: ArraySlice(Array(body)), number: 1, offset: 0) }
            chunk *= 4
        }
    }

    /// The first complete line of a file, or nil when it has none.
    static func firstLine(of path: String) throws(StoreError) -> ArraySlice<UInt8>? {
        let fd = try FileSystem.openFile(path, O_RDONLY)
        defer { FileSystem.closeFile(fd) }
        var collected: [UInt8] = []
        var offset = 0
        while true {
            let bytes = try FileSystem.readAt(fd, at: offset, count: 64 * 1024, path: path)
            if bytes.isEmpty { return nil }
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                collected.append(contentsOf: bytes[..<newline])
                return collected[...]
            }
            collected.append(contentsOf: bytes)
            offset += bytes.count
        }
    }
}
