import Foundation
import RowColDomain
import RowColJSON

/// Something `verify` found wrong, naming the file (and the line, for the log).
public struct VerificationProblem: Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)" }
}

extension Workspace {
    /// Checks the whole workspace without changing it: the log chain across segments, every
    /// document (parses, right folder, matching id), no stray temp files, and the mirror equal,
    /// byte for byte, to a replay of the log. An empty result means clean.
    ///
    /// Run it while no writer is active: a sync in progress shows up as differences.
    ///
    /// Each business's `plan.json`, when there is one, must be a regular file holding a JSON object;
    /// `checkPlan` (RowCol passes the runway's reader) may check more and return what is wrong.
    public func verify(checkPlan: ((BusinessRef, [UInt8]) -> String?)? = nil) throws -> [VerificationProblem] {
        var problems: [VerificationProblem] = []
        for advisor in try advisors() {
            problems += try verify(advisor: advisor, checkPlan: checkPlan)
        }
        return problems
    }

    /// ``verify(checkPlan:)`` for one advisor.
    public func verify(advisor: AdvisorID, checkPlan: ((BusinessRef, [UInt8]) -> String?)? = nil) throws
        -> [VerificationProblem]
    {
        var problems: [VerificationProblem] = []
        let (entries, logProblems) = try verifyLog(advisor)
        problems += logProblems
        problems += strayTempFiles(under: paths.advisor(advisor))
        let expected = try MirrorWriter.replayAll(entries, advisor: advisor)
        let lastSeq = entries.last?.seq ?? .zero
        for business in try businesses(of: advisor) {
            let ref = BusinessRef(advisor: advisor, business: business)
            problems += verifyPlan(ref, checkPlan: checkPlan)
            let statePath = paths.state(ref)
            var checkpoint: LogSeq?
            if FileSystem.kind(of: statePath) != .missing {
                if let state = try? JSONCoding.decode(BusinessState.self, from: FileSystem.readFile(statePath)) {
                    checkpoint = state.checkpoint
                    if logProblems.isEmpty && state.checkpoint > lastSeq {
                        problems.append(.init(
                            path: statePath, message: "checkpoint \(state.checkpoint) is past the log's last seq \(lastSeq)"))
                    }
                } else {
                    problems.append(.init(path: statePath, message: "not a valid state document"))
                }
            }
            for kind in EntityKind.allCases {
                let folder = paths.mirror(ref, kind)
                var onDisk: Set<String> = []
                var openOnDisk: [EntityID: JSONValue] = [:]
                for name in try FileSystem.listDirectory(folder) where !name.hasSuffix(".tmp") {
                    let path = folder + "/" + name
                    guard name.hasSuffix(".json"), let id = EntityID(rawValue: String(name.dropLast(5))) else {
                        problems.append(.init(path: path, message: "not a mirror document name (<id>.json)"))
                        continue
                    }
                    onDisk.insert(id.rawValue)
                    guard FileSystem.kind(of: path) == .file else {
                        problems.append(.init(path: path, message: "not a regular file (symlinks are refused)"))
                        continue
                    }
                    let bytes = try FileSystem.readFile(path)
                    guard let document = try? MirrorDocument(storedBytes: bytes) else {
                        problems.append(.init(path: path, message: "not a valid mirror document"))
                        continue
                    }
                    if document.id != id || document.entity != kind || document.business != business
                        || document.advisor != advisor
                    {
                        problems.append(.init(
                            path: path, message: "holds \(document.advisor)/\(document.business) \(document.entity) "
                                + "\(document.id), which belongs elsewhere"))
                        continue
                    }
                    openOnDisk[id] = OpenItemsIndex.openData(kind, document)
                    guard logProblems.isEmpty else { continue }
                    let key = MirrorReplay.Key(business: business, kind: kind, id: id)
                    guard let want = expected[key] else {
                        problems.append(.init(path: path, message: "the log does not produce this document"))
                        continue
                    }
                    if want.storedBytes() != bytes {
                        problems.append(.init(
                            path: path, message: "differs from a replay of the log (version \(document.version), "
                                + "log_seq \(document.logSeq); replay gives version \(want.version), log_seq "
                                + "\(want.logSeq)); run `rowcol rebuild`"))
                    }
                }
                if kind.hasOpenItems, let checkpoint {
                    problems += verifyIndex(paths.openItemsIndex(ref, kind), checkpoint: checkpoint, documents: openOnDisk)
                }
                guard logProblems.isEmpty else { continue }
                for (key, document) in expected
                where key.business == business && key.kind == kind && !onDisk.contains(key.id.rawValue) {
                    problems.append(.init(
                        path: folder + "/" + key.id.rawValue + ".json",
                        message: "missing: the log (line seq \(document.logSeq)) produces it; run `rowcol rebuild`"))
                }
            }
        }
        return problems
    }

    /// The plan is the advisor's own data, not derived from the log: it is checked on its own.
    func verifyPlan(_ ref: BusinessRef, checkPlan: ((BusinessRef, [UInt8]) -> String?)?) -> [VerificationProblem] {
        let path = paths.plan(ref)
        switch FileSystem.kind(of: path) {
        case .missing: return []
        case .file: break
        default: return [.init(path: path, message: "not a regular file (symlinks are refused)")]
        }
        guard let bytes = try? FileSystem.readFile(path) else { return [.init(path: path, message: "cannot be read")] }
        do {
            guard case .object = try JSONValue.parse(bytes) else {
                return [.init(path: path, message: "not a plan: expected a JSON object")]
            }
        } catch {
            return [.init(path: path, message: "not valid JSON: \(error)")]
        }
        return checkPlan?(ref, bytes).map { [.init(path: path, message: $0)] } ?? []
    }

    /// An open-items index that claims to be current must list exactly the open documents. A stale
    /// one (its marker is not the checkpoint, as after a crash) is ignored by readers and
    /// regenerated by the next writer, so it is not a problem.
    func verifyIndex(_ path: String, checkpoint: LogSeq, documents: [EntityID: JSONValue]) -> [VerificationProblem] {
        guard let marker = OpenItemsIndex.lastMarker(at: path), marker.checkpoint == checkpoint else { return [] }
        guard let indexed = OpenItemsIndex.read(at: path, checkpoint: checkpoint) else {
            return [.init(
                path: path, message: "open-items index is damaged (its lines do not add up to its last marker); "
                    + "run `rowcol rebuild`")]
        }
        let ids = Set(indexed.keys).union(documents.keys).sorted()
        guard let first = ids.first(where: { indexed[$0] != documents[$0] }) else { return [] }
        let count = ids.filter { indexed[$0] != documents[$0] }.count
        return [.init(
            path: path, message: "open-items index differs from the documents for \(count) item(s), first \(first); "
                + "run `rowcol rebuild`")]
    }

    /// Reads every segment, checking seq and hash chain; returns the entries read up to the first break.
    func verifyLog(_ advisor: AdvisorID) throws -> ([LogEntry], [VerificationProblem]) {
        let folder = paths.log(advisor)
        try requireRealFolder(folder)
        let numbers = try SegmentParser.segmentNumbers(in: folder)
        if let gap = IntegrationLog.gap(in: numbers, folder: folder) {
            return ([], [.init(path: gap.path ?? folder, message: "segment missing")])
        }
        var entries: [LogEntry] = []
        var expectedSeq = LogSeq(1)
        var expectedPrev = LogChain.genesis
        var previous: (path: String, line: Int)?
        for (index, number) in numbers.enumerated() {
            let path = folder + "/" + SegmentParser.segmentName(number)
            let bytes = try FileSystem.readFile(path)
            let (lines, tail) = SegmentParser.split(bytes)
            for line in lines {
                guard let entry = try? LogLineCodec.decode(line.bytes) else {
                    return (entries, [.init(path: path, line: line.number, message: "not a valid log line")])
                }
                if entry.seq != expectedSeq {
                    return (entries, [.init(
                        path: path, line: line.number,
                        message: "seq \(entry.seq) where \(expectedSeq) was expected (a line is missing or out of order)")])
                }
                if entry.prev != expectedPrev {
                    let culprit = previous ?? (path, line.number)
                    return (entries, [.init(
                        path: culprit.path, line: culprit.line,
                        message: "the next line's prev hash does not match this line: this line or the next was edited")])
                }
                if entry.advisor != advisor {
                    return (entries, [.init(path: path, line: line.number, message: "line of advisor \(entry.advisor)")])
                }
                entries.append(entry)
                expectedSeq = expectedSeq.next
                expectedPrev = LogChain.hash(ofLine: line.bytes)
                previous = (path, line.number)
            }
            if tail != nil {
                let message = index == numbers.count - 1
                    ? "torn last line (no newline); opening the advisor's store cuts it"
                    : "sealed segment does not end with a newline"
                return (entries, [.init(path: path, line: lines.count + 1, message: message)])
            }
        }
        return (entries, [])
    }

    func strayTempFiles(under folder: String) -> [VerificationProblem] {
        var problems: [VerificationProblem] = []
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        while let relative = enumerator.nextObject() as? String {
            let name = relative.split(separator: "/").last.map(String.init) ?? relative
            if name.hasSuffix(".tmp") {
                problems.append(.init(path: folder + "/" + relative, message: "stray temporary file"))
            }
        }
        return problems
    }
}
