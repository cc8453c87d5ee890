import Foundation
import QBO
import RowColJSON

/// A small seeded generator (SplitMix64), so every fuzz run feeds the same cases and a failure
/// names a case that can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// How many cases each fuzz target runs: 5,000 by default, 100,000 with `ROWCOL_FUZZ_LONG=1`.
enum FuzzBudget {
    static let isLong = ProcessInfo.processInfo.environment["ROWCOL_FUZZ_LONG"] == "1"
    static let cases = isLong ? 100_000 : 5_000
    /// With `ROWCOL_FUZZ_TRACE=<file>`, each input is written there before it is decoded, so a
    /// crash leaves the input that caused it behind.
    static let tracePath = ProcessInfo.processInfo.environment["ROWCOL_FUZZ_TRACE"]

    static func trace(_ data: Data) {
        if let tracePath { try? data.write(to: URL(fileURLWithPath: tracePath)) }
    }
}

/// Byte- and token-level mutations of recorded payloads.
///
/// The mutations are the ones a broken proxy, a truncated download or a hostile server produce:
/// flipped bytes, cuts, lost and repeated ranges, two bodies glued together, values of the wrong
/// type, absurd numbers, nesting far past any real body, invalid UTF-8, NUL bytes, huge strings and
/// plain noise.
struct Mutator {
    var rng: SplitMix64
    let seeds: [Data]

    init(seed: UInt64, seeds: [Data]) {
        rng = SplitMix64(seed: seed)
        self.seeds = seeds
    }

    /// Values to put where another value was: every JSON type, plus numbers no `Decimal` holds.
    static let replacements: [String] = [
        "null", "true", "false", "0", "-0", "42", "-1", "0.1", "\"\"", "\"text\"", "\"42\"", "\"-15.25\"",
        "{}", "[]", "[1,2]", "{\"value\":\"1\"}", "{\"value\":null,\"name\":42}", "[{}]", "[null]",
        "1e400", "-1e400", "1e-400", "99999999999999999999999999999999999999999",
        "-99999999999999999999999999999999999999999.99999999999999999999", "0.00000000000000000000000000000000000000001",
        "\"1e400\"", "\"99999999999999999999999999999999999999999\"", "\"NaN\"", "\"Infinity\"", "\"2023-13-45\"",
        "\"2023-02-29\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"Deleted\"", "\"\u{202E}evil\"",
    ]

    static let fragments: [String] = [
        "{", "}", "[", "]", ":", ",", "\"", "\\", "\\u", "\\u12", "null", "tru", "-", ".", "e", "E+",
        "<", ">", "</", "<!--", "]]>", "&amp;", "&#0;", "&#xFFFFFFFF;", "&undefined;", "<?xml", "<!DOCTYPE",
    ]

    mutating func int(_ upperBound: Int) -> Int { upperBound <= 0 ? 0 : Int(rng.next() % UInt64(upperBound)) }
    mutating func chance(_ oneIn: Int) -> Bool { int(oneIn) == 0 }

    /// The input of case `index`: a mutation of one seed, or random bytes.
    mutating func input(_ index: Int) -> Data {
        let base = seeds[index % seeds.count]
        if index % 20 == 19 { return noise() }
        var data = mutate(base, index: index)
        // Stack a few mutations on some cases, so damage combines.
        if chance(4) {
            for _ in 0..<(1 + int(3)) { data = mutate(data, index: int(1 << 20)) }
        }
        FuzzBudget.trace(data)
        return data
    }

    mutating func mutate(_ input: Data, index: Int) -> Data {
        var bytes = [UInt8](input)
        switch int(13) {
        case 0: // flip bytes
            for _ in 0..<(1 + int(8)) where !bytes.isEmpty {
                let at = int(bytes.count)
                bytes[at] = chance(2) ? bytes[at] ^ UInt8(1 << int(8)) : UInt8(truncatingIfNeeded: rng.next())
            }
        case 1: // truncate at every 7th offset in turn
            bytes = Array(bytes.prefix((index &* 7) % (bytes.count + 1)))
        case 2: // delete a range
            if !bytes.isEmpty {
                let start = int(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + int(64)))
            }
        case 3: // duplicate a range
            if !bytes.isEmpty {
                let start = int(bytes.count)
                let range = start..<min(bytes.count, start + 1 + int(128))
                bytes.insert(contentsOf: Array(bytes[range]), at: int(bytes.count + 1))
            }
        case 4: // splice with another seed
            let other = [UInt8](seeds[int(seeds.count)])
            bytes = Array(bytes.prefix(int(bytes.count + 1))) + Array(other.suffix(int(other.count + 1)))
        case 5, 6: // swap the type of a value
            bytes = swapValue(bytes, with: Self.replacements[int(Self.replacements.count)])
        case 7: // nest 10,000 levels deep, around the body or in a value
            let open = chance(2) ? "[" : "{\"a\":"
            let close = open == "[" ? "]" : "}"
            let depth = chance(2) ? 10_000 : 100 + int(1_000)
            let nested = String(repeating: open, count: depth) + "1" + String(repeating: close, count: chance(3) ? depth - 1 : depth)
            bytes = chance(2) ? Array(nested.utf8) : swapValue(bytes, with: nested)
        case 8: // invalid UTF-8 inside a string
            let bad: [[UInt8]] = [[0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]]
            let at = stringPosition(bytes) ?? int(bytes.count + 1)
            bytes.insert(contentsOf: bad[int(bad.count)], at: at)
        case 9: // NUL bytes, raw or escaped
            let at = chance(2) ? (stringPosition(bytes) ?? 0) : int(bytes.count + 1)
            bytes.insert(contentsOf: chance(2) ? [0x00] : Array("\\u0000".utf8), at: at)
        case 10: // a huge string value
            let length = chance(50) ? 1 << 20 : 1_000 + int(16_000)
            let text = "\"" + String(repeating: chance(2) ? "x" : "é€", count: length / 2) + "\""
            bytes = swapValue(bytes, with: text)
        case 11: // a grammar fragment at a random place
            bytes.insert(contentsOf: Array(Self.fragments[int(Self.fragments.count)].utf8), at: int(bytes.count + 1))
        default: // byte-order mark, white space or trailing garbage
            switch int(3) {
            case 0: bytes = [0xEF, 0xBB, 0xBF] + bytes
            case 1: bytes = Array(" \t\r\n".utf8) + bytes + Array("\n".utf8)
            default: bytes += Array((chance(2) ? "}" : " x").utf8)
            }
        }
        return Data(bytes)
    }

    /// Random bytes, sometimes drawn from the JSON/XML alphabet so they get past the first byte.
    mutating func noise() -> Data {
        let length = int(600)
        if chance(2) {
            return Data((0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        }
        let alphabet = Array("{}[]\":,0123456789.-eE truefalsnul<>/=?!abcXYZ\\".utf8)
        let lead: [UInt8] = chance(2) ? [UInt8(ascii: "{")] : [UInt8(ascii: "<")]
        return Data(lead + (0..<length).map { _ in alphabet[int(alphabet.count)] })
    }

    /// Replaces the value after a random `:` (or `>` for XML text) with `replacement`.
    mutating func swapValue(_ bytes: [UInt8], with replacement: String) -> [UInt8] {
        let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") || bytes[$0] == UInt8(ascii: ">") }
        guard !colons.isEmpty else { return Array(replacement.utf8) }
        let colon = colons[int(colons.count)]
        var start = colon + 1
        if bytes[colon] == UInt8(ascii: ">") {
            // XML text: replace up to the next tag.
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "<") { end += 1 }
            return Array(bytes[..<start]) + Array(replacement.utf8) + Array(bytes[end...])
        }
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x0A || bytes[start] == 0x0D || bytes[start] == 0x09 { start += 1 }
        let end = Self.valueEnd(bytes, from: start)
        return Array(bytes[..<start]) + Array(replacement.utf8) + Array(bytes[end...])
    }

    /// The end of the JSON value starting at `start`, tolerating broken text.
    static func valueEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        var depth = 0
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return index + 1 }
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return index }
                    depth -= 1
                    if depth == 0 { return index + 1 }
                case UInt8(ascii: ","):
                    if depth == 0 { return index }
                default: break
                }
            }
            index += 1
        }
        return min(index, bytes.count)
    }

    /// A position just inside a random string literal, if there is one.
    mutating func stringPosition(_ bytes: [UInt8]) -> Int? {
        let quotes = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\"") }
        guard !quotes.isEmpty else { return nil }
        return quotes[int(quotes.count)] + 1
    }

    /// Structural damage to a parsed tree: one node replaced by a value of another type, or removed.
    mutating func mutateTree(_ json: JSONValue) -> JSONValue {
        switch json {
        case .object(var object) where !object.isEmpty && !chance(4):
            let key = object.keys.sorted()[int(object.count)]
            if chance(6) {
                object[key] = nil
            } else {
                object[key] = mutateTree(object[key]!)
            }
            return .object(object)
        case .array(var array) where !array.isEmpty && !chance(4):
            let at = int(array.count)
            if chance(6) {
                array.remove(at: at)
            } else {
                array[at] = mutateTree(array[at])
            }
            return .array(array)
        default:
            return randomValue()
        }
    }

    mutating func randomValue() -> JSONValue {
        switch int(12) {
        case 0: return .null
        case 1: return .bool(chance(2))
        case 2: return .number(Decimal(string: "99999999999999999999999999999999999999")!)
        case 3: return .number(Decimal(string: "-0.000000000000000000000000000000000001")!)
        case 4: return .number(Decimal(int(1_000_000)) - 500_000)
        case 5: return .string("")
        case 6: return .string(["x", "2023-02-30", "-1", "1e400", "Deleted", "\u{0}", "true", String(repeating: "9", count: 300)][int(8)])
        case 7: return .object([:])
        case 8: return .array([])
        case 9: return .object(["value": .null, "name": .number(1)])
        case 10: return .array([.null, .object([:])])
        default: return .object(["Id": .string("\(int(100))"), "status": "Deleted"])
        }
    }
}

/// What a fuzz target did with its cases: how many it accepted, and every contract breach.
struct FuzzReport: CustomStringConvertible {
    let target: String
    var accepted = 0
    var rejected = 0
    var breaches: [String] = []
    var elapsed: Duration = .zero

    mutating func breach(_ index: Int, _ what: String) {
        if breaches.count < 20 { breaches.append("case \(index): \(what)") }
    }

    var description: String {
        "\(target): \(accepted + rejected) cases, \(accepted) accepted, \(rejected) rejected with a typed error, \(breaches.count) breaches, \(elapsed)"
    }
}
