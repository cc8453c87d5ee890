import RowColDomain

/// What opening an advisor's store repaired: a torn last log line cut off (and kept beside its
/// segment as `.broken`) and log lines replayed into the mirror after a crash.
public struct RecoveryReport: Hashable, Sendable, CustomStringConvertible {
    /// A last line that was cut from its segment.
    public struct CutLine: Hashable, Sendable {
        /// The segment the line was cut from.
        public var segment: String
        /// Where its bytes were kept.
        public var brokenFile: String
        /// The 1-based line number it had in the segment.
        public var line: Int
        public var byteCount: Int
        /// Why it was cut (no newline, unparsable, hash or seq does not follow).
        public var reason: String
    }

    public var advisor: AdvisorID
    /// The torn line cut at open, if there was one.
    public var cutLine: CutLine?
    /// Log lines whose mirror changes were applied at open because the mirror's checkpoint was behind.
    public var replayedLines: Int
    /// The mirror was ahead of the log (its checkpoint past the last line) and was rebuilt from the log.
    public var rebuiltMirror: Bool = false

    /// Nothing needed repair.
    public var isClean: Bool { cutLine == nil && replayedLines == 0 && !rebuiltMirror }

    public var description: String {
        var parts: [String] = []
        if let cut = cutLine {
            parts.append(
                "advisor \(advisor): cut a torn last line (line \(cut.line), \(cut.byteCount) bytes, \(cut.reason)) "
                    + "from \(cut.segment); kept it in \(cut.brokenFile)")
        }
        if replayedLines > 0 {
            parts.append("advisor \(advisor): replayed \(replayedLines) log line(s) into the mirror")
        }
        if rebuiltMirror {
            parts.append("advisor \(advisor): the mirror was ahead of the log; rebuilt it from the log")
        }
        return parts.isEmpty ? "advisor \(advisor): clean" : parts.joined(separator: "\n")
    }
}
