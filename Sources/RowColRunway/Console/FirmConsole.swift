import Foundation
import RowColDomain

/// The businesses of several advisors ranked together (`rowcol console --firm DIR…`): each
/// advisor's clone is read as it is, and every business is placed by ``AdvisorConsole``'s
/// risk order, so a firm sees its most urgent clients first whoever keeps their books.
public struct FirmConsole: Hashable, Sendable, Codable {
    /// One business in the firm's ranking.
    public struct Row: Hashable, Sendable, Codable {
        /// The workspace the business was read from, as given.
        public var workspace: String
        /// Its advisor.
        public var advisor: AdvisorID
        /// The business's console row; its `rank` is the firm-wide rank.
        public var row: AdvisorConsole.Row

        enum CodingKeys: String, CodingKey {
            case workspace, row
            case advisor = "advisor_id"
        }
    }

    /// When the ranking was made.
    public var asOf: Date
    public var rows: [Row]

    /// Ranks every snapshot of every workspace together.
    /// - Parameter workspaces: per workspace (as named to the user), its snapshots.
    public init(asOf: Date, workspaces: [(name: String, snapshots: [RunwaySnapshot])]) {
        self.asOf = asOf
        let all = workspaces.flatMap { workspace in workspace.snapshots.map { (workspace.name, $0) } }
        let ranked = all.sorted { lhs, rhs in
            if AdvisorConsole.isRiskier(lhs.1, than: rhs.1) { return true }
            if AdvisorConsole.isRiskier(rhs.1, than: lhs.1) { return false }
            return (lhs.0, lhs.1.business.advisor) < (rhs.0, rhs.1.business.advisor)
        }
        rows = ranked.enumerated().map { index, entry in
            Row(workspace: entry.0, advisor: entry.1.business.advisor, row: AdvisorConsole.Row(rank: index + 1,
                snapshot: entry.1))
        }
    }

    /// A plain table for a terminal.
    public var text: String {
        var out = "Firm console: \(rows.count) businesses, as of \(DisplayFormat.instant(asOf))\n\n"
        out += "rank  advisor       business                  runway              cash               flags\n"
        for entry in rows {
            let row = entry.row
            out += pad(String(row.rank), 6) + pad(entry.advisor.rawValue, 14) + pad(row.business.name, 26)
                + pad(DisplayFormat.runway(row.weeksOfRunway), 20) + pad(DisplayFormat.money(row.cashOnHand), 19)
                + (row.flagCodes.isEmpty ? "-" : row.flagCodes.joined(separator: ",")) + "\n"
        }
        return out
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ",
            count: width - text.count)
    }

    enum CodingKeys: String, CodingKey {
        case rows
        case asOf = "as_of"
    }
}
