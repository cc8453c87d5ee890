import Foundation
import RowColDomain
import RowColJSON
import Testing
@testable import RowColStore

/// Hostile and broken workspace files (issue 7): mutated log lines, mirror documents and
/// `state.json` must be refused with an error or a verify problem that names the file — never a
/// crash, never a silent skip.
@Suite struct StoreFuzzTests {
    static var cases: Int { ProcessInfo.processInfo.environment["ROWCOL_FUZZ_LONG"] == "1" ? 100_000 : 5_000 }

    /// A seeded generator (SplitMix64): every run sees the same cases.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
    }

    static let replacements: [String] = [
        "null", "1e400", "-0", "\"\"", "[]", "{}", "\"../../etc/passwd\"", "\"\\u0000\"", "true",
        "99999999999999999999999999999999999999999", "\"2026-13-45\"", "\"ǅ\"", "<<<<<<< HEAD",
    ]

    static func mutate(_ input: [UInt8], _ random: inout Random) -> [UInt8] {
        var bytes = input
        switch random.int(7) {
        case 0 where !bytes.isEmpty: bytes[random.int(bytes.count)] ^= UInt8(1 << random.int(8))
        case 1: bytes = Array(bytes.prefix(random.int(bytes.count + 1)))
        case 2 where bytes.count > 2:
            let start = random.int(bytes.count - 1)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.int(40)))
        case 3:
            // Replace a value after a colon with a value of another type.
            let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
            if let colon = colons.isEmpty ? nil : colons[random.int(colons.count)] {
                var end = colon + 1
                while end < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "\n")].contains(bytes[end]) { end += 1 }
                bytes.replaceSubrange((colon + 1)..<end, with: Array(replacements[random.int(replacements.count)].utf8))
            }
        case 4: bytes.insert(contentsOf: Array("<<<<<<< HEAD\n".utf8), at: random.int(bytes.count + 1))
        case 5: bytes = (0..<random.int(200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        default: bytes += bytes.prefix(random.int(bytes.count + 1))
        }
        return bytes
    }

    /// Runs on a thread of its own: CPU-bound loops must not starve tests serving HTTP.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in Thread { continuation.resume(returning: work()) }.start() }
    }

    /// Mutations of real log lines, mirror documents, `state.json` and open-items index lines, decoded as the store decodes them.
    @Test func decodersRefuseBrokenFilesWithAnError() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        _ = try await store.commit([record(fixture.business, [try bill("42", cents: 12_345), try bill("43", cents: 99)])])
        _ = try await store.commit([], syncStates: [fixture.business: .object(["cursor": "2026-11-28T00:00:00Z"])])
        await store.close()
        let line = Array(try readBytes(fixture.segment(1)).split(separator: UInt8(ascii: "\n")).first!)
        let document = try readBytes(fixture.billsFolder + "/42.json")
        let state = try readBytes(fixture.root + "/advisors/ada/businesses/acme/state.json")
        let indexLine = Array(try readBytes(fixture.workspace.paths.openItemsIndex(fixture.ref, .bill))
            .split(separator: UInt8(ascii: "\n")).first!)


        let outcome = await Self.offPool { () -> (accepted: Int, rejected: Int, problems: [String]) in
            var random = Random(state: 7)
            var accepted = 0
            var rejected = 0
            var problems: [String] = []
            func note(_ problem: String) { if problems.count < 10 { problems.append(problem) } }
            for index in 0..<Self.cases {
                let (seed, kind) = [(line, "log line"), (document, "document"), (state, "state.json"), (indexLine, "index line")][index % 4]
                let mutated = Self.mutate(seed, &random)
                let input = Data(mutated)
                do {
                    // An accepted input may lose what it cannot read (an unknown or misspelt key),
                    // but everything the decoder returns must be in the input as written: encoded
                    // again, its tree is a part of the input's tree — never a value made up.
                    let reencoded: [UInt8]
                    switch index % 4 {
                    case 0: reencoded = LogLineCodec.encode(try LogLineCodec.decode(input))
                    case 1: reencoded = try MirrorDocument(storedBytes: input).storedBytes()
                    case 3:
                        var bytes: [UInt8] = []
                        OpenItemsIndex.encode(try OpenItemsIndex.decode(input), into: &bytes)
                        reencoded = bytes
                    default: reencoded = try JSONCoding.documentBytes(JSONCoding.decode(BusinessState.self, from: Array(input)))
                    }
                    let faithful = Self.isPart(try JSONValue.parse(reencoded), of: try JSONValue.parse(mutated))
                    if !faithful { note("\(kind) case \(index): accepted as something else: \(String(decoding: mutated.prefix(160), as: UTF8.self))") }
                    accepted += 1
                } catch let error as JSONError {
                    rejected += 1
                    if error.message.isEmpty { note("\(kind) case \(index): a JSONError without a message") }
                } catch let error as StoreError {
                    rejected += 1
                    if error.message.isEmpty { note("\(kind) case \(index): a StoreError without a message") }
                } catch let error as IdentifierError {
                    rejected += 1
                    if error.message.isEmpty { note("\(kind) case \(index): an IdentifierError without a message") }
                } catch {
                    note("\(kind) case \(index): refused with an untyped error \(type(of: error)): \(error)")
                }
            }
            return (accepted, rejected, problems)
        }
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        #expect(outcome.rejected > Self.cases / 2)
        #expect(outcome.accepted > 0)
    }

    /// Whether every member of `part` is in `whole` with the same value, recursively (arrays
    /// element by element, numbers by exact decimal value); a `null` stands for an absent member.
    static func isPart(_ part: JSONValue, of whole: JSONValue) -> Bool {
        switch (part, whole) {
        case (.object(let members), .object(let all)):
            return members.allSatisfy { key, value in all[key].map { isPart(value, of: $0) } ?? (value == .null) }
        case (.array(let items), .array(let all)):
            return items.count == all.count && zip(items, all).allSatisfy { isPart($0, of: $1) }
        default:
            return part == whole
        }
    }

    /// The same damage on disk: `verify` names the file (and the line for the log), and opening the
    /// advisor either repairs a torn last line or refuses with the segment and line.
    @Test func damagedFilesOnDiskAreNamedByVerify() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        for round in 0..<3 {
            _ = try await store.commit([record(fixture.business, [try bill("4\(round)", cents: 1_000 + round)])])
        }
        await store.close()
        let pristine = try snapshot(fixture.root)
        let targets = [
            "advisors/ada/log/000001.jsonl", "advisors/ada/businesses/acme/mirror/bills/41.json",
            "advisors/ada/businesses/acme/state.json",
        ]
        var random = Random(state: 11)
        for index in 0..<150 {
            let target = targets[index % targets.count]
            var damaged = Self.mutate(pristine[target]!, &random)
            if target.hasSuffix(".jsonl") {
                // Keep the last line whole so the damage lands in the middle of the log.
                damaged = Array(pristine[target]!.prefix(60)) + damaged.dropFirst(60)
            }
            guard damaged != pristine[target]! else { continue }
            try writeBytes(damaged, fixture.root + "/" + target)
            let problems: [VerificationProblem]
            do {
                problems = try fixture.workspace.verify()
            } catch {
                #expect("\(error)".contains(target.split(separator: "/").last!), "case \(index): \(error)")
                try writeBytes(pristine[target]!, fixture.root + "/" + target)
                continue
            }
            // An edited last log line has no successor whose `prev` would break; it shows as
            // documents that differ from a replay of the log instead.
            let named = problems.contains {
                "\($0)".contains(String(target.split(separator: "/").last!))
                    || (target.hasSuffix(".jsonl") && "\($0)".contains("replay of the log"))
            }
            #expect(!problems.isEmpty || damaged == pristine[target]!, "case \(index) on \(target): verify saw nothing")
            if !problems.isEmpty { #expect(named, "case \(index) on \(target): \(problems)") }
            try writeBytes(pristine[target]!, fixture.root + "/" + target)
        }
        #expect(try fixture.workspace.verify().isEmpty)
    }
}
