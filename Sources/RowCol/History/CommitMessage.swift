import Foundation
import RowColDomain
import RowColRunway
import RowColStore

/// The message of a RowCol commit, for a person reading `git log`:
///
/// ```
/// sync: bluebird 2 bill.new, 1 invoice.paid; redwood 1 cash.moved
///
/// Bluebird Bakery (bluebird)
///   runway runs out in week 6 → runs out in week 5; cash 60,000.00 → 58,750.00 USD
///   #41 bill.new  new bill 1042 (id 57) from Acme Supplies, 1,250.00 USD open, due 2026-12-15
///   #41 invoice.paid  invoice 1007 (id 12) to Hill Farm paid in full
///
/// RowCol-Advisor: ada
/// RowCol-Log-Seq: 40..41
/// ```
///
/// The lines are the digest's (``Digest``): the same words `rowcol digest` prints.
enum CommitMessage {
    /// Lines kept per business (the counts in the subject stay exact).
    static let lineLimit = 20

    static func render(
        operation: String, advisor: AdvisorID, sections: [ChangeSet.Section], seqs: ClosedRange<LogSeq>?
    ) -> String {
        let summary = sections.map { section -> String in
            var parts = Digest.Kind.all.compactMap { kind in
                section.digest.counts[kind.rawValue].map { "\($0) \(kind)" }
            }
            for (folder, count) in section.others.sorted(by: { $0.key < $1.key }) { parts.append("\(count) \(folder)") }
            if !section.planEdits.isEmpty { parts.append("plan edited") }
            return "\(section.ref.business) " + (parts.isEmpty ? "details" : parts.joined(separator: ", "))
        }
        var subject = "\(operation): " + (summary.isEmpty ? "workspace files" : summary.joined(separator: "; "))
        if subject.count > 100 { subject = String(subject.prefix(99)) + "…" }
        let body = self.body(sections)
        var trailers = "\(CommitTrailers.advisor): \(advisor)\n"
        if let seqs { trailers += "\(CommitTrailers.logSeq): \(seqs.lowerBound)..\(seqs.upperBound)\n" }
        return subject + "\n" + body + "\n" + trailers
    }

    /// Each business's block: its name, runway before → after, the digest's lines, other kinds, plan edits.
    static func body(_ sections: [ChangeSet.Section]) -> String {
        var body = ""
        for section in sections {
            body += "\n\(section.name) (\(section.ref.business))\n"
            body += "  " + runway(before: section.runwayBefore, after: section.runwayAfter) + "\n"
            for line in section.digest.lines where line.kind != .flagRaised {
                body += "  " + (line.seq.map { "#\($0) " } ?? "") + "\(line.kind)  \(line.text)\n"
            }
            if section.digest.omitted > 0 { body += "  … and \(section.digest.omitted) more\n" }
            for (folder, count) in section.others.sorted(by: { $0.key < $1.key }) {
                body += "  \(count) \(folder) document\(count == 1 ? "" : "s") changed\n"
            }
            for edit in section.planEdits { body += "  plan: \(edit)\n" }
        }
        return body
    }

    /// `runway 13+ weeks → runs out in week 5; lowest closing … → …; cash … → …`, or the value
    /// alone where it did not move.
    static func runway(before: RunwaySnapshot, after: RunwaySnapshot) -> String {
        func arrow(_ old: Money, _ new: Money) -> String {
            old == new ? DisplayFormat.money(new) : "\(DisplayFormat.amount(old.amount)) → \(DisplayFormat.money(new))"
        }
        let weeks = before.weeksOfRunway == after.weeksOfRunway
            ? DisplayFormat.runway(after.weeksOfRunway)
            : "\(DisplayFormat.runway(before.weeksOfRunway)) → \(DisplayFormat.runway(after.weeksOfRunway))"
        let lowest = arrow(before.lowestWeek.closing, after.lowestWeek.closing)
        let cash = arrow(before.cash.total, after.cash.total)
        return "runway \(weeks); lowest closing \(lowest); cash \(cash)"
    }
}
