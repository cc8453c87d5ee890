import ArgumentParser
import Foundation
import RowCol

struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "What changed in each business since a date, from the integration log, for mail or chat.",
        discussion: """
            New, changed, paid and deleted bills and invoices, RowCol's payments as they moved, cash \
            moves per bank account, flags raised since, and the runway then and now; each line names \
            the log seq behind it (see `rowcol log --since SEQ-1`). Reads without a lock, so it is \
            safe while a sync runs; it never goes to QBO.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, html, json
    }

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @Option(help: ArgumentHelp("A date (YYYY-MM-DD, from 00:00 UTC) or an RFC 3339 instant; default 7 days ago.", valueName: "date"))
    var since: String?
    @Option(help: "text, markdown, html or json.") var format: Format = .text
    @Option(help: "The most lines per business (the counts stay exact).") var limit: Int = 200

    func run() async throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        let workspace = try self.workspace.open()
        let advisor = try self.advisor.resolve(in: workspace)
        let now = Date()
        let start: DigestStart
        do {
            start = try DigestStart(since, now: now)
        } catch {
            throw ValidationError("invalid --since: \(error.description)")
        }
        let reader = try AdvisorReader(workspace: workspace, advisor: advisor, now: { now })
        let snapshots = try reader.businesses().map { try reader.snapshot(of: $0) }
        let digest = try await LogHistory(workspace: workspace, advisor: advisor)
            .digest(since: start.text, instant: start.instant, snapshots: snapshots, asOf: now, lineLimit: limit)
        switch format {
        case .text: print(DigestReport.text(digest), terminator: "")
        case .markdown: print(DigestReport.markdown(digest), terminator: "")
        case .html: print(DigestReport.html(digest), terminator: "")
        case .json: try printJSON(digest)
        }
    }
}
