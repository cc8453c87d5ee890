import ArgumentParser
import Foundation
import RowCol

struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Show a business's cash runway: cash, AP, AR and the 13-week projection.",
        discussion: """
            Reads through the gateways; with STRICT_ON_SNAPSHOT=true (the default) it refreshes \
            from QBO first, and answers from the mirror with hygiene flags when QBO cannot be \
            reached. --json prints the stable shape documented in Sources/RowColRunway/JSON.md; \
            --html writes a self-contained page with the 13-week chart. Each invoice and bill lands on \
            its expected date, with the reason (its basis); the business's plan.json applies, and \
            --scenario NAME applies one of its scenarios. --compare base,NAME shows two projections \
            side by side (in the terminal, as JSON, or as an HTML page).
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var business: BusinessOption
    @OptionGroup var output: JSONFlag
    @Option(help: ArgumentHelp("Also write the report as one HTML page here.", valueName: "file")) var html: String?
    @Flag(inversion: .prefixedNo, help: "Refresh from QBO first (default: STRICT_ON_SNAPSHOT).") var strict: Bool?
    @Option(name: .customLong("rate"), help: ArgumentHelp("An exchange rate into USD, as CUR=RATE (repeatable).", valueName: "CUR=RATE"))
    var rates: [String] = []
    @Option(help: ArgumentHelp("Apply this scenario of the plan.", valueName: "name")) var scenario: String?
    @Option(help: ArgumentHelp("Two projections side by side, e.g. base,slow.", valueName: "A,B")) var compare: String?

    func run() async throws {
        let business = try self.business.id
        let rateTable = try parseRates(rates)
        if let compare {
            let names = compare.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard names.count == 2, !names[0].isEmpty, !names[1].isEmpty, scenario == nil else {
                throw ValidationError("invalid --compare \"\(compare)\": expected two names such as base,slow "
                    + "(and no --scenario)")
            }
            let comparison = try await withSession(workspace, advisor) { session in
                try await session.compare(business, names[0], names[1], strict: strict, rates: rateTable)
            }
            if let html {
                try Data(HTMLReport.render(comparison).utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
            }
            if output.json { return try printJSON(comparison) }
            print(TerminalReport.render(comparison, useColor: useColor))
            if let html { print("report written to \(html)") }
            return
        }
        let snapshot = try await withSession(workspace, advisor) { session in
            try await session.snapshot(business, scenario: scenario, strict: strict, rates: rateTable)
        }
        if let html {
            try Data(HTMLReport.render(snapshot).utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
        }
        if output.json {
            try printJSON(snapshot)
        } else {
            print(TerminalReport.render(snapshot, useColor: useColor))
            if let html { print("report written to \(html)") }
        }
    }
}

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console", abstract: "Rank all of an advisor's businesses by runway risk.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var output: JSONFlag
    @Flag(inversion: .prefixedNo, help: "Refresh from QBO first (default: STRICT_ON_SNAPSHOT).") var strict: Bool?
    @Option(name: .customLong("rate"), help: ArgumentHelp("An exchange rate into USD, as CUR=RATE (repeatable).", valueName: "CUR=RATE"))
    var rates: [String] = []
    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Rank the businesses of several advisors' workspaces (clones) together, read-only.", valueName: "dir"))
    var firm: [String] = []

    func run() async throws {
        let rateTable = try parseRates(rates)
        if !firm.isEmpty {
            let now = Date()
            var workspaces: [(name: String, snapshots: [RunwaySnapshot])] = []
            for folder in firm {
                let workspace = try Workspace.open(at: URL(fileURLWithPath: folder))
                var snapshots: [RunwaySnapshot] = []
                for advisor in try workspace.advisors() {
                    let reader = try AdvisorReader(workspace: workspace, advisor: advisor, now: { now })
                    snapshots += try reader.businesses().map { try reader.snapshot(of: $0, rates: rateTable) }
                }
                workspaces.append((folder, snapshots))
            }
            let console = FirmConsole(asOf: now, workspaces: workspaces)
            if output.json { return try printJSON(console) }
            return print(console.text, terminator: "")
        }
        let console = try await withSession(workspace, advisor) { session in
            try await session.console(strict: strict, rates: rateTable)
        }
        if output.json {
            try printJSON(console)
        } else {
            print(TerminalReport.render(console, useColor: useColor))
        }
    }
}

func parseRates(_ texts: [String]) throws -> [CurrencyCode: Decimal] {
    var rates: [CurrencyCode: Decimal] = [:]
    for text in texts {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let code = CurrencyCode(rawValue: parts[0]), let rate = Money.parseDecimal(parts[1]), rate > 0
        else { throw ValidationError("invalid --rate \"\(text)\": expected CUR=RATE such as EUR=1.08") }
        rates[code] = rate
    }
    return rates
}
