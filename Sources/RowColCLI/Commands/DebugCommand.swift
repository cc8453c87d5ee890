import ArgumentParser
import Foundation
import RowCol

/// Test support: drives the real binary so crash tests can kill it at a failpoint. Every
/// subcommand refuses a workspace not made with `rowcol init --for-tests`.
struct DebugCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug", abstract: "Test support commands.", shouldDisplay: false, subcommands: [Append.self, RefreshToken.self])

    /// Spends the business's refresh token now, as a 401 would: tests start several at once to
    /// show that processes never spend the same refresh token twice.
    struct RefreshToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refresh a business's access token now.")

        @OptionGroup var options: WorkspaceOptions
        @Option var advisor: String
        @Option var business: String

        func run() async throws {
            let workspace = try options.open()
            try workspace.requireForTests("`rowcol debug refresh-token` would spend its real refresh token")
            let connections = Connections(workspace: workspace, advisor: try parseID(AdvisorID.self, advisor))
            let expiry = try await connections.refreshAccessToken(for: try parseID(BusinessID.self, business))
            print("access token valid until \(expiry)")
        }
    }

    struct Append: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Commit log lines carrying bill upserts and deletions, printing each acknowledged seq.")

        @OptionGroup var options: WorkspaceOptions
        @Option var advisor: String
        @Option var business: String
        @Option(help: "How many lines to commit.") var count: Int = 10
        @Option(help: "How many commits run at once (they share syncs).") var concurrency: Int = 1
        @Option(help: "Segment size limit in bytes.") var segmentLimit: Int = 64 << 20

        func run() async throws {
            let advisorID = try parseID(AdvisorID.self, advisor)
            let businessID = try parseID(BusinessID.self, business)
            let workspace = try options.open()
            try workspace.requireForTests("`rowcol debug append` would write synthetic bills into its log and mirror")
            let store = try AdvisorStore.open(workspace, advisor: advisorID, options: .init(segmentLimit: segmentLimit))
            if !store.recovery.isClean { printError(store.recovery.description) }
            let start = Int(await store.lastSeq().rawValue)
            let workers = max(1, concurrency)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var index = worker
                        while index < count {
                            let record = try Self.record(start + index, business: businessID)
                            let entry = try await store.append(record)
                            Self.emit("\(entry.seq)")
                            index += workers
                        }
                    }
                }
                try await group.waitForAll()
            }
            await store.close()
        }

        static func emit(_ line: String) {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }

        /// Line n upserts bills n%7 and (n+3)%7 and deletes bill (n+5)%11 now and then, so that
        /// versions, unchanged writes and deletions all occur.
        static func record(_ n: Int, business: BusinessID) throws -> LogRecord {
            func bill(_ number: Int, amount: Int) throws -> MirrorChange {
                let id = try EntityID(validating: "b\(number)")
                let value = Bill(
                    id: id, vendor: PartyRef(id: "v\(number % 3)", name: "Vendor \(number % 3)"),
                    dueDate: LocalDate(daysSinceEpoch: 20_000 + number), total: Money(Decimal(amount) / 100, .usd),
                    balance: Money(Decimal(amount) / 100, .usd))
                return try .upsert(
                    .bill, id: id, value: value, qbo: .object(["Id": .string(id.rawValue), "Balance": .number(Decimal(amount) / 100)]),
                    sourceVersion: String(amount % 5), updatedAt: "2026-01-0\(1 + amount % 5)T00:00:00-08:00")
            }
            var changes = [try bill(n % 7, amount: 1000 + (n / 2) % 5), try bill((n + 3) % 7, amount: 2500)]
            if n % 4 == 3 { changes.append(.delete(.bill, id: try EntityID(validating: "b\((n + 5) % 11)"))) }
            return LogRecord(
                business: business, direction: .inbound, operation: "bill.refresh", phase: .fetched,
                httpCode: 200, status: "ok", payload: LogPayload(changes: changes))
        }
    }
}
