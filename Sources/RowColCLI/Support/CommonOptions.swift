import ArgumentParser
import Foundation
import RowCol

/// `--advisor A`; optional when the workspace has exactly one advisor.
struct AdvisorOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The advisor (optional when the workspace has only one).", valueName: "id"))
    var advisor: String?

    func resolve(in workspace: Workspace) throws -> AdvisorID {
        if let advisor { return try AdvisorID(validating: advisor) }
        let all = try workspace.advisors()
        guard all.count == 1 else {
            throw ValidationError(all.isEmpty
                ? "the workspace has no advisor yet: run `rowcol advisor add A`"
                : "the workspace has several advisors (\(all.map(\.rawValue).joined(separator: ", "))): pass --advisor")
        }
        return all[0]
    }
}

/// `--business B` (required).
struct BusinessOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The client business.", valueName: "id"))
    var business: String

    var id: BusinessID { get throws { try BusinessID(validating: business) } }
}

/// `--json`.
struct JSONFlag: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (stable, sorted keys) instead of text.")
    var json = false
}

/// Opens the advisor's writer session for the length of `body`, closing it on every path.
/// - Parameter waitingUpTo: seconds to keep trying while another process holds the advisor.
func withSession<T>(
    _ workspaceOption: WorkspaceOptions, _ advisorOption: AdvisorOption, waitingUpTo: Int = 0,
    _ body: (AdvisorSession) async throws -> T
) async throws -> T {
    let workspace = try workspaceOption.open()
    let advisor = try advisorOption.resolve(in: workspace)
    let session = try await AdvisorSession.open(
        workspace: workspace, advisor: advisor, waitingUpTo: .seconds(max(0, waitingUpTo)),
        whileWaiting: { printWaiting($0, seconds: waitingUpTo) })
    do {
        let result = try await body(session)
        await session.close()
        return result
    } catch {
        await session.close()
        throw error
    }
}

/// Tells the user, once, that the command waits for another process to release the advisor.
@Sendable func printWaiting(_ busy: StoreError, seconds: Int) {
    printError("\(busy.message) — waiting up to \(seconds) s")
}

/// Writes `value` as every `--json` output is written: sorted keys, two-space indent, times as
/// RFC 3339 UTC with milliseconds, a final newline.
/// Prints `value` as pretty JSON through the JSON leaf's tree encoder and byte writer: the same
/// bytes as `JSONEncoder(layout: .pretty)`, without its generic path (`snapshot --json` of 15,000
/// open items prints megabytes).
func printJSON(_ value: some Encodable) throws {
    var bytes = try JSONValue.encode(value, layout: .pretty)
    bytes.append(UInt8(ascii: "\n"))
    FileHandle.standardOutput.write(Data(bytes))
}

/// Whether to colour output: only on a terminal, and never when NO_COLOR is set.
var useColor: Bool {
    isatty(STDOUT_FILENO) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
}

/// Parses an amount given on the command line, exactly.
func parseMoney(_ text: String, currency: String) throws -> Money {
    guard let code = CurrencyCode(rawValue: currency) else {
        throw ValidationError("invalid --currency \"\(currency)\": expected a 3-letter code such as USD")
    }
    guard let money = Money(text, code) else {
        throw ValidationError("invalid --amount \"\(text)\": expected a decimal such as 1250.00")
    }
    return money
}

func parseDate(_ text: String, option: String) throws -> LocalDate {
    guard let date = LocalDate(text) else { throw ValidationError("invalid \(option) \"\(text)\": expected YYYY-MM-DD") }
    return date
}

/// A short human line for a flag.
func describe(_ flag: HygieneFlag) -> String {
    "\(flag.code) [\(flag.business)\(flag.entity.map { "/\($0)" } ?? "")] \(flag.message)"
}

/// Exit code of `rowcol sync`/`recon` when every business answered but some carry hygiene flags.
let exitCodeFlagsOnly: Int32 = 3

/// Exit code of `rowcol pay` when the payment is recorded but QBO has not confirmed it yet.
let exitCodePaymentQueued: Int32 = 4

/// Exit code of `rowcol pay` when QBO refused the payment or its bill can no longer take it.
let exitCodePaymentRejected: Int32 = 5
