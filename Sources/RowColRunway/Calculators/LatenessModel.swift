import Foundation
import RowColDomain

/// When an open item is expected to be paid, and why.
struct Expectation: Hashable, Sendable {
    /// The day the cash is expected to move; never before the as-of date.
    var expectedOn: LocalDate
    /// Due date + typical lateness, before it was moved to the as-of date or later: the period the
    /// item stands for (what a recurring series is compared with).
    var natural: LocalDate
    var basis: ProjectionBasis
}

/// Typical lateness, learned from paid invoices (or paid bills) before the as-of date.
///
/// The rules, in order:
/// 1. The counterparty's own history, when it has at least ``TimingPolicy/minimumSample`` paid
///    items: the median days late of its latest ``TimingPolicy/partyWindow`` (basis `party_history`).
/// 2. Else the business's, over all counterparties' latest ``TimingPolicy/businessWindow``
///    (basis `business_history`), under the same minimum.
/// 3. Else the due date itself (basis `due_date`).
///
/// Expected date = due date + that lateness. When it is already past (the item is later than its
/// usual), it is known that payment comes at least as late as today: among the past items at
/// least that late (the counterparty's, else the business's, each with the minimum sample), the
/// median lateness gives the date; with too few of them, the item is expected now (week 1).
/// The median is the robust statistic: one invoice paid a year late does not move it.
struct LatenessModel {
    enum Side {
        case receivable, payable

        var itemName: String { self == .receivable ? "invoices" : "bills" }
    }

    let side: Side
    let policy: TimingPolicy
    let asOf: LocalDate
    /// Days late per counterparty id, oldest payment first.
    private let byParty: [String: [Int]]
    /// Days late across counterparties, oldest payment first.
    private let business: [Int]

    init(items: [SettledItem], side: Side, asOf: LocalDate, policy: TimingPolicy) {
        self.side = side
        self.policy = policy
        self.asOf = asOf
        let past = items.filter { $0.paidOn < asOf && !$0.party.id.isEmpty }
            .sorted { ($0.paidOn, $0.id) < ($1.paidOn, $1.id) }
        var byParty: [String: [Int]] = [:]
        for item in past { byParty[item.party.id, default: []].append(item.daysLate) }
        self.byParty = byParty
        business = past.map(\.daysLate)
    }

    /// The expectation of an open item due on `due` (`nil`: no date, treated as due now).
    func expectation(due: LocalDate?, party: PartyRef) -> Expectation {
        guard let due else {
            return Expectation(
                expectedOn: asOf, natural: asOf, basis: ProjectionBasis(.dueDate, "no due date: expected now (week 1)"))
        }
        let overdue = due.days(until: asOf)
        let own = policy.learnsLateness ? byParty[party.id] ?? [] : []
        let all = policy.learnsLateness ? business : []
        let name = party.displayName

        let typical: (days: Int, code: ProjectionBasis.Code, text: String)
        let usual = usualLateness(of: party)
        if let usual, usual.code == .partyHistory {
            typical = (usual.days, .partyHistory, "\(partyHabit(name, usual.days)) (median of its last "
                + "\(usual.sample) paid \(side.itemName))")
        } else if let usual {
            let days = usual.days
            let few = own.isEmpty ? "no paid \(side.itemName) of \(name) yet"
                : "only \(own.count) paid \(own.count == 1 ? String(side.itemName.dropLast()) : side.itemName) "
                    + "of \(name) (\(policy.minimumSample) needed)"
            typical = (days, .businessHistory, "\(few); \(businessHabit(days)) (median of the last \(usual.sample))")
        } else {
            let why = policy.learnsLateness
                ? "no payment history for \(name) or the business yet" : "history not used"
            typical = (0, .dueDate, why)
        }

        let natural = due.adding(days: typical.days)
        if natural >= asOf {
            let when = typical.code == .dueDate ? "expected on its due date" : "expected \(natural)"
            return Expectation(expectedOn: natural, natural: natural, basis: ProjectionBasis(typical.code,
                typical.text + ": " + when))
        }
        // Later than usual: payment comes at least `overdue` days after the due date.
        let lateness = switch overdue {
        case 1...: "\(overdue) day\(overdue == 1 ? "" : "s") overdue"
        case 0: "due today and unpaid"
        default: "unpaid \(-overdue) day\(overdue == -1 ? "" : "s") before its due date"
        }
        for (values, code, whose) in [(own, ProjectionBasis.Code.partyHistory, "\(name)'s"),
                                      (all, ProjectionBasis.Code.businessHistory, "the business's")] {
            let late = values.filter { $0 >= overdue }
            guard late.count >= policy.minimumSample else { continue }
            let days = RecurringDetector.medianInt(late)
            let expected = max(due.adding(days: days), asOf)
            return Expectation(expectedOn: expected, natural: natural, basis: ProjectionBasis(code,
                "already \(lateness); \(whose) \(side.itemName) that were this late were paid a median \(days) days "
                    + "after due (\(late.count) of \(values.count)): expected \(expected)"))
        }
        let text = typical.code == .dueDate
            ? "\(typical.text); already \(lateness): expected now (week 1)"
            : "\(typical.text), but already \(lateness), later than the history shows: expected now (week 1)"
        return Expectation(expectedOn: asOf, natural: natural, basis: ProjectionBasis(typical.code, text))
    }

    /// The counterparty's usual lateness in days: the median of its own latest paid items when it
    /// has enough (`party_history`), else the business's (`business_history`); `nil` without enough
    /// history (or when the policy does not learn). `sample` is how many paid items the median is of.
    func usualLateness(of party: PartyRef) -> (days: Int, code: ProjectionBasis.Code, sample: Int)? {
        guard policy.learnsLateness else { return nil }
        let own = byParty[party.id] ?? []
        if own.count >= policy.minimumSample {
            let sample = own.suffix(policy.partyWindow)
            return (RecurringDetector.medianInt(Array(sample)), .partyHistory, sample.count)
        }
        guard business.count >= policy.minimumSample else { return nil }
        let sample = business.suffix(policy.businessWindow)
        return (RecurringDetector.medianInt(Array(sample)), .businessHistory, sample.count)
    }

    private func partyHabit(_ name: String, _ days: Int) -> String {
        side == .receivable ? "\(name) pays \(Self.late(days))" : "\(name) is paid \(Self.late(days))"
    }

    private func businessHabit(_ days: Int) -> String {
        side == .receivable ? "the business's customers pay \(Self.late(days))"
            : "the business pays its vendors \(Self.late(days))"
    }

    /// `5 days late`, `1 day early`, `on the due date`.
    static func late(_ days: Int) -> String {
        if days == 0 { return "on the due date" }
        let count = abs(days)
        return "\(count) day\(count == 1 ? "" : "s") \(days > 0 ? "late" : "early")"
    }
}
