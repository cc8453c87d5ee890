import ArgumentParser
import Foundation
import RowCol

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Bring the mirror up to date with QBO.",
        discussion: """
            Sends payments waiting in the outbox, then refreshes bills, invoices and balances of \
            each business (all of them with --strict, otherwise those older than their TTL), \
            businesses in parallel. Exit status: 0 when every business synced, 3 when some only \
            have hygiene flags (QBO unreachable, throttled, reconnect required, …), 1 on error.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @Option(help: ArgumentHelp("Only this business.", valueName: "id")) var business: String?
    @Flag(help: "Refresh every kind now, whatever its age.") var strict = false
    @Option(help: ArgumentHelp("Seconds to wait when another rowcol holds the advisor.", valueName: "seconds"))
    var waitLock: Int = 0
    @OptionGroup var output: JSONFlag

    func run() async throws {
        let only = try business.map { [try BusinessID(validating: $0)] }
        let progress = progressPrinter(quiet: output.json)
        let reports = try await withSession(workspace, advisor, waitingUpTo: waitLock) { session in
            try await session.sync(businesses: only, strict: strict, progress: progress)
        }
        try finish(reports, json: output.json)
    }
}

struct ReconCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recon",
        abstract: "Reconcile the mirror with QBO (the nightly job).",
        discussion: """
            For each business: sends the outbox, asks QBO's change feed (CDC) for bills, invoices and \
            payments since the cursor — deletions included, RowCol's payments confirmed — and \
            refreshes balances. A cursor older than 30 days falls back to full queries and raises \
            recon.full_resync. Exit status as for `rowcol sync`.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @Option(help: ArgumentHelp("Only this business.", valueName: "id")) var business: String?
    @Option(help: ArgumentHelp("Seconds to wait when another rowcol holds the advisor.", valueName: "seconds"))
    var waitLock: Int = 0
    @OptionGroup var output: JSONFlag

    func run() async throws {
        let only = try business.map { [try BusinessID(validating: $0)] }
        let progress = progressPrinter(quiet: output.json)
        let reports = try await withSession(workspace, advisor, waitingUpTo: waitLock) { session in
            try await session.recon(businesses: only, progress: progress)
        }
        try finish(reports, json: output.json)
    }
}

func progressPrinter(quiet: Bool) -> @Sendable (SyncProgress) -> Void {
    if quiet { return { _ in } }
    return { printProgress($0) }
}

@Sendable func printProgress(_ event: SyncProgress) {
    switch event {
    case .started(let business, let kind):
        print("  \(business): \(kind) …")
    case .finished(let business, let kind, let changed, let reached, let seq):
        // The seq is an acknowledgement: the crash campaign holds a killed run to every one printed.
        print("  \(business): \(kind) \(reached ? "done, \(changed) changed" : "not reached (see flags)")"
            + (seq.map { " (log seq \($0))" } ?? ""))
        // Out of the process now, even into a pipe or a file: a line printed as done is seen as done.
        fflush(nil)
    case .skipped(let business, let kind, let reason):
        print("  \(business): \(kind) skipped (\(reason))")
    }
}

func finish(_ reports: [BusinessSyncReport], json: Bool) throws {
    if json {
        try printJSON(reports)
    } else {
        for report in reports {
            let changes = report.changed.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            let summary = changes.isEmpty ? "no changes" : changes.joined(separator: ", ")
            print("\(report.business): \(report.synced ? "synced" : "NOT fully synced") — \(summary)"
                + (report.pendingWrites > 0 ? "; \(report.pendingWrites) payment(s) pending" : ""))
            for flag in report.flags { print("    ! \(describe(flag))") }
        }
    }
    if !reports.allSatisfy(\.synced) { throw ExitCode(exitCodeFlagsOnly) }
}
