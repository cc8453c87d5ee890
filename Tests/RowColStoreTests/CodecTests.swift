import Foundation
import RowColDomain
import RowColJSON
import Testing
@testable import RowColStore

/// The store writes log lines and documents with its own byte codecs; they must produce what
/// `JSONEncoder` produced before them (workspaces written by either compare equal and verify
/// clean) and read back what they wrote.
@Suite struct CodecTests {
    /// Foundation's own reading, times as RFC 3339: the reference the byte codecs are held to.
    static func foundationDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let timestamp = Timestamp(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not RFC 3339: \(text)")
            }
            return timestamp.date
        }
        return decoder
    }

    static func value(_ random: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        let strings = ["", "Acme/Co \"quoted\"", "é\u{301}\n\t\u{0}", "2026-11-28", "😀 ǅ", "\\path"]
        switch random.int(depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(random.int(2) == 0)
        case 2:
            var amount = Decimal(Int64(bitPattern: random.next()) % 100_000_000)
            for _ in 0..<random.int(4) { amount /= 10 }
            return .number(amount)
        case 3: return .string(strings[random.int(strings.count)])
        case 4: return .array((0..<random.int(4)).map { _ in value(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<random.int(5) { members[["Id", "Balance", "Line", "é", "a b", "Z"][index]] = value(&random, depth: depth + 1) }
            return .object(members)
        }
    }

    static func optional(_ random: inout SeededGenerator, _ text: String) -> String? {
        random.int(3) == 0 ? nil : text
    }

    static func entry(_ random: inout SeededGenerator, seq: UInt64) -> LogEntry {
        let changes = (0..<random.int(3)).map { index in
            MirrorChange(
                entity: EntityKind.allCases[random.int(4)], id: EntityID(unchecked: "id-\(index)"),
                operation: random.int(4) == 0 ? .delete : .upsert, sourceVersion: optional(&random, "\(index)"),
                updatedAt: optional(&random, "2026-11-28T03:00:00-08:00"),
                data: random.int(3) == 0 ? nil : value(&random), qbo: random.int(3) == 0 ? nil : value(&random))
        }
        let payload = random.int(4) == 0 ? nil : LogPayload(
            changes: changes, request: random.int(2) == 0 ? nil : value(&random),
            response: random.int(2) == 0 ? nil : value(&random), fault: random.int(3) == 0 ? value(&random) : nil,
            detail: random.int(2) == 0 ? nil : value(&random))
        let record = LogRecord(
            business: BusinessID(unchecked: "acme"), direction: random.int(2) == 0 ? .inbound : .outbound,
            operation: "bill.refresh", phase: [LogPhase.fetched, .intent, .result][random.int(3)],
            idemKey: optional(&random, "rc1-abc"), httpCode: random.int(2) == 0 ? nil : 200 + random.int(300),
            status: optional(&random, "ok"), payload: payload, sourceVersion: optional(&random, "7"))
        let at = Date(timeIntervalSince1970: Double(1_700_000_000_000 + Int64(random.int(1_000_000_000))) / 1000)
        return LogEntry(seq: LogSeq(seq), at: at, advisor: AdvisorID(unchecked: "ada"), record: record,
                        prev: String(repeating: "ab", count: 32))
    }

    @Test func logLinesAreWhatJSONEncoderWroteAndReadBack() throws {
        var random = SeededGenerator(seed: 3)
        let encoder = JSONEncoder(layout: .compact)
        var bodiesChecked = 0
        for seq in 1...2_000 {
            let entry = Self.entry(&random, seq: UInt64(seq))
            let bytes = LogLineCodec.encode(entry)
            let sameBytes = bytes == Array(try encoder.encode(entry))
            #expect(sameBytes, "seq \(seq): \(String(decoding: bytes, as: UTF8.self))")
            // The line a commit writes splices the payload its caller encoded: the same bytes, the same bodies.
            let record = LogRecord(
                business: entry.business, direction: entry.direction, rail: entry.rail, operation: entry.operation,
                phase: entry.phase, idemKey: entry.idemKey, httpCode: entry.httpCode, status: entry.status,
                payload: entry.payload, sourceVersion: entry.sourceVersion)
            let spliced = LogLineCodec.encodeWithBodies(entry, prepared: PreparedRecord(record))
            let whole = LogLineCodec.encodeWithBodies(entry)
            #expect(spliced.line == bytes, "seq \(seq)")
            #expect(spliced.changes.map(\.data) == whole.changes.map(\.data) && spliced.changes.map(\.qbo) == whole.changes.map(\.qbo))
            // An open-items line made from the line's compact data is the one made from the value.
            for (index, change) in (entry.payload?.changes ?? []).enumerated() {
                guard let data = change.data else { continue }
                let range = try #require(spliced.changes[index].data)
                var fromCompact: [UInt8] = [], fromValue: [UInt8] = []
                spliced.line.withUnsafeBufferPointer { line in
                    OpenItemsIndex.encodeItem(change.id, compactData: UnsafeBufferPointer(rebasing: line[range]), into: &fromCompact)
                }
                OpenItemsIndex.encode(.item(change.id, data), into: &fromValue)
                #expect(fromCompact == fromValue, "seq \(seq) change \(index)")
                bodiesChecked += 1
            }
            // A `null` body reads back as absent, as `decodeIfPresent` reads it: compare with Foundation's reading.
            let sameEntry = try LogLineCodec.decode(bytes) == (try Self.foundationDecoder().decode(LogEntry.self, from: Data(bytes)))
            #expect(sameEntry, "seq \(seq): \(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(bodiesChecked > 500)
    }

    @Test func documentsAreWhatJSONEncoderWroteAndReadBack() throws {
        var random = SeededGenerator(seed: 4)
        let encoder = JSONEncoder(layout: .pretty)
        for index in 0..<2_000 {
            let document = MirrorDocument(
                advisor: AdvisorID(unchecked: "ada"), business: BusinessID(unchecked: "acme"),
                entity: EntityKind.allCases[random.int(4)], id: EntityID(unchecked: "\(index)"), version: 1 + random.int(9),
                sourceVersion: Self.optional(&random, "3"), logSeq: LogSeq(UInt64(random.int(1_000_000))),
                updatedAt: Self.optional(&random, "2026-11-28T03:00:00-08:00"),
                data: random.int(4) == 0 ? nil : Self.value(&random), qbo: random.int(4) == 0 ? nil : Self.value(&random))
            let bytes = document.storedBytes()
            let sameBytes = bytes == Array(try encoder.encode(document)) + [UInt8(ascii: "\n")]
            #expect(sameBytes, "case \(index): \(String(decoding: bytes, as: UTF8.self))")
            let back = try MirrorDocument(storedBytes: bytes)
            let sameDocument = back == (try Self.foundationDecoder().decode(MirrorDocument.self, from: Data(bytes)))
            #expect(sameDocument, "case \(index)")
            // Every key is written, so a document reads back to the bytes it came from.
            let rewritten = back.storedBytes() == bytes
            #expect(rewritten, "case \(index)")
        }
    }

    @Test func aLineWithAWrongShapeIsRefusedNamingTheField() throws {
        var random = SeededGenerator(seed: 5)
        let good = LogLineCodec.encode(Self.entry(&random, seq: 9))
        let text = String(decoding: good, as: UTF8.self)
        for (edit, field) in [(#""seq":9"#, #""seq":-9"#), (#""seq":9"#, #""seq":"9""#)] {
            #expect { _ = try LogLineCodec.decode(Array(text.replacingOccurrences(of: edit, with: field).utf8)) } throws: {
                "\($0)".contains("\"seq\"")
            }
        }
        #expect { _ = try LogLineCodec.decode(Array(text.replacingOccurrences(of: #""advisor_id":"ada""#, with: #""advisor_id":"../x""#).utf8)) }
            throws: { "\($0)".contains("advisor_id") }
    }
}
