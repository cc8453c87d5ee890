import Foundation
import RowColDomain
import RowColJSON
import RowColRunway
import RowColStore

/// One mirrored document as it was before and after a span of history (a commit, a `diff`).
struct DocumentChange: Sendable {
    var ref: BusinessRef
    var kind: EntityKind
    var id: EntityID
    /// The document's `data` before (`nil`: it did not exist).
    var before: JSONValue?
    /// The document's `data` after (`nil`: deleted).
    var after: JSONValue?
    /// The log line that made the change.
    var seq: UInt64
    var at: Date
}

/// What a span of history changed in an advisor's businesses, told in the digest's words: the
/// digest's lines per business, the runway before → after, the other kinds counted, and plan edits.
///
/// The runway here is what the documents and the plan say (open items on their expected dates by
/// due date and plan, cash, RowCol's payments), without the timing learned from the paid past:
/// that one reads every paid document of the business, which would cost a commit more than the
/// sync it records. Before and after are computed the same way, so the arrow shows what the span
/// changed.
struct ChangeSet: Sendable {
    var changes: [DocumentChange] = []
    /// Per business, its `plan.json` before and after (only those that differ).
    var plans: [BusinessRef: (before: [UInt8]?, after: [UInt8]?)] = [:]

    var isEmpty: Bool { changes.isEmpty && plans.isEmpty }

    /// The businesses touched, sorted.
    var businesses: [BusinessRef] {
        Array(Set(changes.map(\.ref)).union(plans.keys)).sorted { ($0.advisor, $0.business) < ($1.advisor,
            $1.business) }
    }

    /// One business's part, ready to print.
    struct Section: Sendable {
        var ref: BusinessRef
        var name: String
        var digest: Digest.Section
        var runwayBefore: RunwaySnapshot
        var runwayAfter: RunwaySnapshot
        /// Documents of kinds the digest does not describe (customer payments, bill payments,
        /// purchases), per kind folder.
        var others: [String: Int]
        /// The plan edits, in words.
        var planEdits: [String]
    }

    /// The sections, one per business touched.
    func sections(workspace: Workspace, now: Date, lineLimit: Int) throws -> [Section] {
        try businesses.map { ref in
            let info = try workspace.business(ref)
            let name = info.displayName ?? ref.business.rawValue
            let mine = changes.filter { $0.ref == ref }
            var others: [String: Int] = [:]
            var transitions: [DigestTransition] = []
            for change in mine {
                guard let decode = LogHistory.decoders[change.kind] else {
                    others[change.kind.folderName, default: 0] += 1
                    continue
                }
                let before = change.before.flatMap { try? decode($0) }
                let after = change.after.flatMap { try? decode($0) }
                transitions.append(DigestTransition(
                    seq: change.seq, at: change.at, business: ref.business, before: before, after: after))
            }
            let plan = plans[ref]
            let planBefore = plan?.before.flatMap { try? RunwayPlanFile.decode($0, file: "plan.json") }
            let planAfter = plan?.after.flatMap { try? RunwayPlanFile.decode($0, file: "plan.json") }
            let (before, after) = try runway(
                workspace: workspace, ref: ref, name: name, changes: mine, planChange: plan.map { _ in (planBefore,
                    planAfter) },
                now: now)
            let start = transitions.map(\.at).min() ?? now
            let digest = Digest(
                advisor: ref.advisor, since: Timestamp(start).description, sinceInstant: start, asOf: now,
                sections: [Digest.SectionInput(business: after.business, transitions: transitions, now: after,
                    then: before)],
                lineLimit: lineLimit)
            return Section(
                ref: ref, name: name, digest: digest.businesses[0], runwayBefore: before, runwayAfter: after,
                others: others, planEdits: plan == nil ? [] : PlanEdits.describe(before: planBefore, after: planAfter))
        }
    }

    /// The business's runway after the span (the mirror and plan as they are) and before it (the
    /// same, with the span's documents and plan put back as they were).
    func runway(
        workspace: Workspace, ref: BusinessRef, name: String, changes: [DocumentChange],
        planChange: (before: RunwayPlan?, after: RunwayPlan?)?, now: Date
    ) throws -> (before: RunwaySnapshot, after: RunwaySnapshot) {
        let reader = workspace.mirrorReader(for: ref.advisor)
        let load = try PlanLoad.read(workspace, ref)
        var after = RunwayInputs(
            business: ref, businessName: name, asOf: now, homeCurrency: .usd,
            bills: try reader.openBills(of: ref), invoices: try reader.openInvoices(of: ref),
            balances: try reader.balances(of: ref), payments: try reader.payments(of: ref),
            plan: load.plan, planProblem: load.problem)
        after.freshness = .init(
            bills: Freshness(refreshedAt: now, level: .fresh), invoices: Freshness(refreshedAt: now, level: .fresh),
            balances: Freshness(refreshedAt: now, level: .fresh))
        var before = after
        if let planChange { before.plan = planChange.before ?? .empty }
        // Net per document: the first `before` and the last `after` of the span.
        var first: [String: DocumentChange] = [:]
        for change in changes where first["\(change.kind)/\(change.id)"] == nil {
            first["\(change.kind)/\(change.id)"] = change
        }
        for change in first.values {
            let id = change.id
            switch change.kind {
            case .bill:
                before.bills.removeAll { $0.id == id }
                if let bill = try? change.before?.decode(Bill.self), bill.isOpen { before.bills.append(bill) }
            case .invoice:
                before.invoices.removeAll { $0.id == id }
                if let invoice = try? change.before?.decode(Invoice.self), invoice.isOpen {
                    before.invoices.append(invoice)
                }
            case .balance:
                before.balances.removeAll { $0.id == id }
                if let account = try? change.before?.decode(AccountBalance.self) { before.balances.append(account) }
            case .payment:
                before.payments.removeAll { $0.id == id }
                if let payment = try? change.before?.decode(BillPayment.self) { before.payments.append(payment) }
            default:
                continue
            }
        }
        return (RunwayCalculator.snapshot(inputs: before), RunwayCalculator.snapshot(inputs: after))
    }
}

/// A plan edit in words: `cash floor none → 5,000.00`, `invoice 130: expected 2026-12-20`.
enum PlanEdits {
    static func describe(before: RunwayPlan?, after: RunwayPlan?) -> [String] {
        let old = before ?? .empty
        let new = after ?? .empty
        if after == nil { return ["plan.json cannot be read (the runway is computed without it)"] }
        var lines: [String] = []
        if old.cashFloor != new.cashFloor {
            lines.append("cash floor \(old.cashFloor.map(DisplayFormat.amount) ?? "none") → "
                + "\(new.cashFloor.map(DisplayFormat.amount) ?? "none")")
        }
        lines += keyed("invoice", old.invoices, new.invoices, describe: override)
        lines += keyed("bill", old.bills, new.bills, describe: override)
        lines += keyed("one-off", old.oneOffs, new.oneOffs) { item in
            "\(item.name), \(item.direction.rawValue) \(DisplayFormat.amount(item.amount)) on \(item.on)"
        }
        lines += keyed("recurring", old.recurring, new.recurring) { edit in "\(edit.action.rawValue)" }
        lines += keyed("scenario", old.scenarios, new.scenarios) { _ in "defined" }
        if old.timing != new.timing { lines.append("timing settings changed") }
        return lines.isEmpty ? ["plan.json rewritten, nothing in it changed"] : lines
    }

    static func override(_ item: RunwayPlan.ItemOverride) -> String {
        var parts: [String] = []
        if let on = item.expectOn { parts.append("expected \(on)") }
        if item.exclude { parts.append("left out") }
        if let note = item.note { parts.append("(\(note))") }
        return parts.isEmpty ? "no override" : parts.joined(separator: " ")
    }

    static func keyed<Value: Equatable>(
        _ what: String, _ old: [String: Value], _ new: [String: Value], describe: (Value) -> String
    ) -> [String] {
        var lines: [String] = []
        for key in Set(old.keys).union(new.keys).sorted() where old[key] != new[key] {
            switch (old[key], new[key]) {
            case (nil, let value?): lines.append("\(what) \(key): \(describe(value)) (added)")
            case (_?, nil): lines.append("\(what) \(key): removed")
            case (_?, let value?): lines.append("\(what) \(key): \(describe(value))")
            default: break
            }
        }
        return lines
    }
}
