import Foundation
import QBOSandbox
import RowCol
import Testing

/// Every time RowCol writes for a person or for git is RFC 3339 UTC with milliseconds (DESIGN §2):
/// each `--json` output, the log and `state.json`. QBO's own times (`updated_at`, `MetaData`,
/// CDC cursors) are kept as QBO wrote them and are not RowCol's to format.
@Suite("timestamps")
struct TimestampFormatTests {
    /// The keys under which RowCol writes an instant.
    static let instantKeys: Set<String> = ["at", "as_of", "since", "refreshed_at"]

    /// Every value found under ``instantKeys`` (the values of a `refreshed_at` object included).
    static func instants(in value: JSONValue) -> [JSONValue] {
        switch value {
        case .object(let members):
            return members.flatMap { key, member -> [JSONValue] in
                guard instantKeys.contains(key) else { return instants(in: member) }
                if case .object(let perKind) = member { return Array(perKind.values) }
                return [member]
            }
        case .array(let items): return items.flatMap(instants(in:))
        default: return []
        }
    }

    static func isRFC3339Milliseconds(_ value: JSONValue) -> Bool {
        guard case .string(let text) = value else { return false }
        return text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil
    }

    @Test("every --json output, the log and state.json write times one way")
    func oneFormat() async throws {
        let temp = try TempFolder("timestamps")
        defer { temp.remove() }
        let sandbox = try await QBOSandboxServer.start()
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let ws = try await ConnectedWorkspace.make(in: temp.url, control: control, businesses: [("acme", "9700301")])
            // A TTL of 0 makes every answer stale, so that flags (with their `since`) appear.
            let stale = ["SYNC_CACHE_TTL_BILLS": "0", "SYNC_CACHE_TTL_INVOICES": "0", "SYNC_CACHE_TTL_BALANCES": "0"]
            var documents: [(String, JSONValue)] = []
            for arguments in [
                ["sync", "--strict", "--json"], ["recon", "--json"], ["status", "--json"],
                ["bills", "--business", "acme", "--json"], ["invoices", "--business", "acme", "--json"],
                ["balances", "--business", "acme", "--json"], ["snapshot", "--business", "acme", "--no-strict", "--json"],
                ["console", "--no-strict", "--json"], ["outbox", "--json"],
            ] {
                let result = try await rowcol(ws.folder, arguments, environment: stale)
                #expect(result.status == 0, "\(arguments): \(result.output)")
                documents.append((arguments.joined(separator: " "), try JSONValue.parse(Array(result.stdout.utf8))))
            }
            let log = try await rowcol(ws.folder, ["log", "--advisor", "ada", "--json"])
            for line in log.stdout.split(separator: "\n") {
                documents.append(("log", try JSONValue.parse(Array(line.utf8))))
            }
            let state = ws.folder.appendingPathComponent("advisors/ada/businesses/acme/state.json")
            documents.append(("state.json", try JSONValue.parse([UInt8](try Data(contentsOf: state)))))

            var found: [String: Int] = [:]
            for (source, document) in documents {
                for instant in Self.instants(in: document) {
                    #expect(Self.isRFC3339Milliseconds(instant), "\(source): \(instant)")
                    found[source.split(separator: " ").first.map(String.init) ?? source, default: 0] += 1
                }
            }
            // Each kind of output did carry times, so the checks above were not vacuous.
            for source in ["status", "bills", "snapshot", "console", "log", "state.json"] {
                #expect(found[source, default: 0] > 0, "no time found in \(source)")
            }
        } catch {
            try await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }
}
