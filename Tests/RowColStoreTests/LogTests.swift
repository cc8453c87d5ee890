import RowColJSON
import Foundation
import RowColDomain
import Testing
@testable import RowColStore

@Suite struct LogTests {
    @Test func committedLinesRoundTripAndChain() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var outbound = LogRecord(
            business: fixture.business, direction: .outbound, operation: "billpayment.create", phase: .intent,
            idemKey: "pay-1", payload: LogPayload(request: .object(["Amount": .number(Decimal(string: "1234.56")!)])))
        outbound.sourceVersion = "3"
        let written = try await store.commit([record(fixture.business, [try bill("1", cents: 12345)]), outbound])
        #expect(written.map(\.seq) == [LogSeq(1), LogSeq(2)])
        #expect(try store.entries(after: .zero) == written)
        #expect(try store.entries(after: LogSeq(1)) == [written[1]])
        #expect(await store.lastSeq() == LogSeq(2))
        await store.close()

        let bytes = try readBytes(fixture.segment(1))
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty)
        let first = String(decoding: lines[0], as: UTF8.self)
        #expect(first.hasPrefix("{\"advisor_id\":\"ada\",\"at\":\""))
        #expect(first.contains("\"prev\":\"\(LogChain.genesis)\""))
        let second = String(decoding: lines[1], as: UTF8.self)
        #expect(second.contains("\"prev\":\"\(LogChain.hash(ofLine: lines[0]))\""))
        #expect(second.contains("\"idem_key\":\"pay-1\""))
        #expect(second.contains("1234.56"))
        // Milliseconds, UTC.
        let at = try #require(first.range(of: "\"at\":\"")).upperBound
        #expect(first[at...].prefix(25).hasSuffix("Z\""))
        #expect(first[at...].dropFirst(19).first == ".")
        // Reading again from disk gives the same entries as were returned.
        #expect(try LogReader(workspace: fixture.workspace, advisor: fixture.advisor).entries(after: .zero) == written)
    }

    /// Concurrent callers share batches (the writer writes the lines of callers that come back
    /// while it gathers, then flushes once): each gets its own lines back, and the log and mirror
    /// hold every one, also when batches cross segment boundaries.
    @Test(arguments: [64 << 20, 4096])
    func concurrentAppendsGetConsecutiveSeqs(segmentLimit: Int) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open(segmentLimit: segmentLimit)
        let seqs = try await withThrowingTaskGroup(of: [LogSeq].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var seqs: [LogSeq] = []
                    for index in 0..<25 {
                        let entry = try await store.append(record(fixture.business, [try bill("w\(worker)", cents: index)]))
                        // The entry returned is this caller's own line, not a neighbour's in the batch.
                        #expect(entry.payload?.changes.first?.id.rawValue == "w\(worker)")
                        #expect(entry.payload?.changes.first?.data?["total"]?["amount"] == .number(Decimal(index) / 100))
                        seqs.append(entry.seq)
                    }
                    return seqs
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(seqs.sorted() == (1...200).map { LogSeq(UInt64($0)) })
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
        #expect(try LogReader(workspace: fixture.workspace, advisor: fixture.advisor).entries(after: .zero).count == 200)
        let document = try #require(try fixture.workspace.mirrorReader(for: fixture.advisor)
            .document(.bill, EntityID(validating: "w3"), of: fixture.ref))
        #expect(document.version == 25)
    }

    @Test func segmentsRollAtTheLimitAndKeepTheChain() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open(segmentLimit: 4096)
        for index in 0..<30 { _ = try await store.commit([record(fixture.business, [try bill("r\(index % 4)", cents: index)])]) }
        await store.close()
        store = try fixture.open(segmentLimit: 4096)
        for index in 30..<40 { _ = try await store.commit([record(fixture.business, [try bill("r\(index % 4)", cents: index)])]) }
        await store.close()
        let segments = try FileManager.default.contentsOfDirectory(atPath: fixture.logFolder).filter { $0.hasSuffix(".jsonl") }
        #expect(segments.count > 3)
        for name in segments {
            let size = try readBytes(fixture.logFolder + "/" + name).count
            #expect(size <= 4096)
        }
        #expect(try fixture.workspace.verify().isEmpty)
        let entries = try LogReader(workspace: fixture.workspace, advisor: fixture.advisor).entries(after: LogSeq(5))
        #expect(entries.map(\.seq.rawValue) == Array(6...40))
    }

    /// Writes five lines and returns the fixture (store closed).
    func fiveLines() async throws -> Fixture {
        let fixture = try Fixture()
        let store = try fixture.open()
        for index in 0..<5 { _ = try await store.commit([record(fixture.business, [try bill("c\(index)", cents: 100 + index)])]) }
        await store.close()
        return fixture
    }

    func lines(_ path: String) throws -> [[UInt8]] {
        try readBytes(path).split(separator: UInt8(ascii: "\n")).map(Array.init)
    }

    func join(_ lines: [[UInt8]]) -> [UInt8] { lines.flatMap { $0 + [UInt8(ascii: "\n")] } }

    @Test func anEditedLineBreaksTheChain() async throws {
        let fixture = try await fiveLines()
        defer { fixture.remove() }
        var content = try lines(fixture.segment(1))
        let text = String(decoding: content[1], as: UTF8.self).replacingOccurrences(of: "\"status\":\"ok\"", with: "\"status\":\"ko\"")
        content[1] = Array(text.utf8)
        try writeBytes(join(content), fixture.segment(1))
        let problems = try fixture.workspace.verify()
        #expect(problems.contains { $0.path == fixture.segment(1) && $0.line == 2 })
        let error = try #require(throws: StoreError.self) { try fixture.open() }
        #expect(error.code == .corruptLog && error.line != nil && error.path == fixture.segment(1))
    }

    @Test func aMissingLineBreaksTheChain() async throws {
        let fixture = try await fiveLines()
        defer { fixture.remove() }
        var content = try lines(fixture.segment(1))
        content.remove(at: 2)
        try writeBytes(join(content), fixture.segment(1))
        let problems = try fixture.workspace.verify()
        #expect(problems.contains { $0.line == 3 && $0.message.contains("seq 4 where 3") })
        #expect(throws: StoreError.self) { try fixture.open() }
    }

    @Test func reorderedLinesBreakTheChain() async throws {
        let fixture = try await fiveLines()
        defer { fixture.remove() }
        var content = try lines(fixture.segment(1))
        content.swapAt(1, 2)
        try writeBytes(join(content), fixture.segment(1))
        let problems = try fixture.workspace.verify()
        #expect(problems.contains { $0.path == fixture.segment(1) && $0.line == 2 })
        #expect(throws: StoreError.self) { try fixture.open() }
    }

    @Test func aFlippedByteInAMiddleLineIsReportedWithSegmentAndLine() async throws {
        let fixture = try await fiveLines()
        defer { fixture.remove() }
        var bytes = try readBytes(fixture.segment(1))
        let content = try lines(fixture.segment(1))
        let offset = content[0].count + 1 + content[1].count + 1 + 40  // inside line 3, before its prev
        bytes[offset] ^= 0x01
        try writeBytes(bytes, fixture.segment(1))
        let error = try #require(throws: StoreError.self) { try fixture.open() }
        #expect(error.code == .corruptLog)
        #expect(error.path == fixture.segment(1))
        #expect(error.line == 3 || error.line == 4)
        #expect(error.message.contains("000001.jsonl line"))
        #expect(try fixture.workspace.verify().contains { $0.line == 3 })
        // Nothing was cut or skipped.
        #expect(try readBytes(fixture.segment(1)) == bytes)
    }

    @Test func aTornLastLineRecoversAtEveryByteOffset() async throws {
        let fixture = try await fiveLines()
        defer { fixture.remove() }
        let original = try readBytes(fixture.segment(1))
        let content = try lines(fixture.segment(1))
        let lastStart = original.count - content[4].count - 1
        let mirrorBefore = try snapshot(fixture.billsFolder)
        for cut in lastStart..<original.count {
            try writeBytes(Array(original[..<cut]), fixture.segment(1))
            for name in try FileManager.default.contentsOfDirectory(atPath: fixture.logFolder) where name.contains(".broken") {
                try FileManager.default.removeItem(atPath: fixture.logFolder + "/" + name)
            }
            let store = try fixture.open()
            #expect(await store.lastSeq() == LogSeq(4), "cut at \(cut)")
            if cut > lastStart {
                let cutLine = try #require(store.recovery.cutLine)
                #expect(cutLine.line == 5)
                #expect(try readBytes(cutLine.brokenFile) == Array(original[lastStart..<cut]))
            } else {
                #expect(store.recovery.cutLine == nil)
            }
            #expect(try readBytes(fixture.segment(1)) == Array(original[..<lastStart]))
            await store.close()
            // The mirror had applied the line now gone; the log wins.
            #expect(try fixture.workspace.verify().isEmpty, "cut at \(cut)")
        }
        #expect(try snapshot(fixture.billsFolder) != mirrorBefore)
        #expect(FileSystem.kind(of: fixture.billsFolder + "/c4.json") == .missing)
    }

    @Test func aLastLineWithABrokenHashIsCut() async throws {
        let fixture = try await fiveLines()
        defer { fixture.remove() }
        var content = try lines(fixture.segment(1))
        let text = String(decoding: content[4], as: UTF8.self)
        let prevRange = try #require(text.range(of: "\"prev\":\""))
        var edited = text
        edited.replaceSubrange(prevRange.upperBound..<text.index(prevRange.upperBound, offsetBy: 4), with: "ffff")
        content[4] = Array(edited.utf8)
        try writeBytes(join(content), fixture.segment(1))
        let store = try fixture.open()
        #expect(store.recovery.cutLine?.reason.contains("prev hash") == true)
        #expect(await store.lastSeq() == LogSeq(4))
        await store.close()
    }
}
