import Foundation
import RowColDomain

/// The tray: one queue, across an advisor's businesses, of what needs a decision today (DESIGN §6).
///
/// Built from the businesses' runway snapshots, so it sees exactly what the console and the
/// business pages show:
/// - **bills to pay**: open bills due within ``Rules/dueWithinDays`` of the as-of date, overdue or
///   undated, whose balance is not already covered by scheduled payments; overdue ones first;
/// - **invoices to chase**: open invoices later than their customer usually pays (its learned
///   ``AgingSummary/Item/usualDaysLate``, never less than ``Rules/chaseAfterDaysOverdue`` days
///   overdue), the most overdue first, each with a reminder text a person can copy;
/// - **flags to fix**: every hygiene flag, with the action that clears it;
/// - **payments in flight**: payments waiting in the outbox, and payments QBO rejected.
///
/// A customer who always pays three weeks late is not chased on day one: that is its habit, and
/// the projection already expects it then. It is chased once it is later than that.
public struct Tray: Hashable, Sendable, Codable {
    /// What makes an item tray-worthy.
    public struct Rules: Hashable, Sendable, Codable {
        /// Bills due on or before the as-of date plus this many days are listed (overdue ones always).
        public var dueWithinDays: Int
        /// Invoices more than this many days overdue are listed to chase — or more than their
        /// customer's usual lateness, when that is later (``chaseThreshold(usualDaysLate:)``).
        public var chaseAfterDaysOverdue: Int

        /// The default horizon is a week: what an advisor decides in a weekly review.
        public init(dueWithinDays: Int = 7, chaseAfterDaysOverdue: Int = 0) {
            self.dueWithinDays = dueWithinDays
            self.chaseAfterDaysOverdue = chaseAfterDaysOverdue
        }

        /// The days overdue past which an invoice is chased: its customer's usual lateness (when
        /// known and later), else ``chaseAfterDaysOverdue``.
        public func chaseThreshold(usualDaysLate: Int?) -> Int {
            max(chaseAfterDaysOverdue, usualDaysLate ?? 0)
        }

        enum CodingKeys: String, CodingKey {
            case dueWithinDays = "due_within_days"
            case chaseAfterDaysOverdue = "chase_after_days_overdue"
        }
    }

    /// An open bill to pay or schedule.
    public struct BillToPay: Hashable, Sendable, Codable {
        /// Why the bill is in the tray.
        public enum Reason: String, Hashable, Sendable, Codable {
            case overdue
            case dueSoon = "due_soon"
            /// QBO gave neither a due date nor a transaction date.
            case undated
        }

        public var business: RunwayBusiness
        public var billID: EntityID
        public var vendor: PartyRef
        public var docNumber: String?
        public var dueDate: LocalDate?
        public var daysOverdue: Int
        public var reason: Reason
        /// The open balance in the bill's own currency.
        public var balance: Money
        /// The part already settled by scheduled payments (home currency), if any.
        public var scheduled: Money?
        /// What is left to pay in the bill's own currency; `nil` when a foreign bill is partly
        /// scheduled (its scheduled part is in the home currency, so no exact remainder exists).
        public var remaining: Money?

        enum CodingKeys: String, CodingKey {
            case business, vendor, reason, balance, scheduled, remaining
            case billID = "bill_id"
            case docNumber = "doc_number"
            case dueDate = "due_date"
            case daysOverdue = "days_overdue"
        }
    }

    /// An overdue invoice to chase.
    public struct InvoiceToChase: Hashable, Sendable, Codable {
        public var business: RunwayBusiness
        public var invoiceID: EntityID
        public var customer: PartyRef
        public var docNumber: String?
        public var dueDate: LocalDate?
        public var daysOverdue: Int
        /// The open balance in the invoice's own currency.
        public var balance: Money
        /// A polite reminder, ready to paste into a mail.
        public var reminder: String
        /// How late the customer usually pays, when the history says (the invoice is later than that).
        public var usualDaysLate: Int?

        enum CodingKeys: String, CodingKey {
            case business, customer, balance, reminder
            case usualDaysLate = "usual_days_late"
            case invoiceID = "invoice_id"
            case docNumber = "doc_number"
            case dueDate = "due_date"
            case daysOverdue = "days_overdue"
        }
    }

    /// A hygiene flag and what clears it.
    public struct FlagToFix: Hashable, Sendable, Codable {
        /// What a person does about a flag; stable strings.
        public enum Action: String, Hashable, Sendable, Codable {
            /// Sync the business (now, or again later).
            case sync
            /// Connect the business to QBO again (`rowcol connect`).
            case reconnect
            /// Look at the payment QBO refused.
            case reviewPayment = "review_payment"
            /// Check the workspace's files (`rowcol verify`).
            case checkWorkspace = "check_workspace"
            /// Nothing to do; shown so the numbers are read with it in mind.
            case none
        }

        public var business: RunwayBusiness
        public var flag: HygieneFlag
        public var action: Action
        /// One line saying what to do.
        public var hint: String
    }

    /// A payment that is not settled: waiting in the outbox, or refused by QBO.
    public struct PaymentInFlight: Hashable, Sendable, Codable {
        public var business: RunwayBusiness
        public var payment: ScheduledPayment
    }

    /// The advisor whose businesses these are.
    public var advisor: AdvisorID
    /// The instant the tray was assembled.
    public var asOf: Date
    public var rules: Rules
    public var bills: [BillToPay]
    public var invoices: [InvoiceToChase]
    public var flags: [FlagToFix]
    /// Payments still `pending` (the next sync sends or confirms them: do not pay again).
    public var pendingPayments: [PaymentInFlight]
    /// Payments QBO refused or that could no longer be made.
    public var rejectedPayments: [PaymentInFlight]

    /// Assembles the tray of `snapshots` (one advisor's businesses).
    public init(advisor: AdvisorID, asOf: Date, snapshots: [RunwaySnapshot], rules: Rules = Rules()) {
        self.advisor = advisor
        self.asOf = asOf
        self.rules = rules
        var bills: [BillToPay] = []
        var invoices: [InvoiceToChase] = []
        var flags: [FlagToFix] = []
        var pending: [PaymentInFlight] = []
        var rejected: [PaymentInFlight] = []
        for snapshot in snapshots.sorted(by: { $0.business.business < $1.business.business }) {
            let horizon = snapshot.asOfDate.adding(days: rules.dueWithinDays)
            for item in snapshot.payables.items where item.balance.isPositive {
                let reason: BillToPay.Reason
                if item.daysOverdue > 0 {
                    reason = .overdue
                } else if let due = item.dueDate {
                    guard due <= horizon else { continue }
                    reason = .dueSoon
                } else {
                    reason = .undated
                }
                let remaining = Self.remaining(item, homeCurrency: snapshot.homeCurrency)
                if let remaining, !remaining.isPositive { continue }
                bills.append(BillToPay(
                    business: snapshot.business, billID: item.id, vendor: item.party, docNumber: item.docNumber,
                    dueDate: item.dueDate, daysOverdue: item.daysOverdue, reason: reason, balance: item.balance,
                    scheduled: item.scheduled, remaining: remaining))
            }
            for item in snapshot.receivables.items
            where item.balance.isPositive && item.daysOverdue > rules.chaseThreshold(usualDaysLate: item.usualDaysLate) {
                invoices.append(InvoiceToChase(
                    business: snapshot.business, invoiceID: item.id, customer: item.party, docNumber: item.docNumber,
                    dueDate: item.dueDate, daysOverdue: item.daysOverdue, balance: item.balance,
                    reminder: Self.reminder(item, from: snapshot.business.name), usualDaysLate: item.usualDaysLate))
            }
            for flag in snapshot.flags {
                let (action, hint) = Self.actions[flag.code] ?? (.none, flag.message)
                flags.append(FlagToFix(business: snapshot.business, flag: flag, action: action, hint: hint))
            }
            for payment in snapshot.scheduledPayments {
                switch payment.state {
                case .pending: pending.append(PaymentInFlight(business: snapshot.business, payment: payment))
                case .rejected: rejected.append(PaymentInFlight(business: snapshot.business, payment: payment))
                case .sent, .confirmed: break
                }
            }
        }
        self.bills = bills.sorted { Self.urgency($0) < Self.urgency($1) }
        self.invoices = invoices.sorted {
            (-$0.daysOverdue, $0.business.business.rawValue, $0.invoiceID.rawValue)
                < (-$1.daysOverdue, $1.business.business.rawValue, $1.invoiceID.rawValue)
        }
        self.flags = flags
        pendingPayments = pending
        rejectedPayments = rejected
    }

    /// Most overdue first, then the undated, then by due date; business and id keep the order stable.
    static func urgency(_ bill: BillToPay) -> (Int, Int, String, String) {
        (-bill.daysOverdue, bill.dueDate?.daysSinceEpoch ?? Int.min, bill.business.business.rawValue, bill.billID.rawValue)
    }

    /// The open balance less what scheduled payments already cover, when that is exact.
    static func remaining(_ item: AgingSummary.Item, homeCurrency: CurrencyCode) -> Money? {
        guard let scheduled = item.scheduled, scheduled.isPositive else { return item.balance }
        guard item.balance.currency == scheduled.currency else { return nil }
        return Money(item.balance.amount - scheduled.amount, item.balance.currency)
    }

    /// The reminder text of an overdue invoice.
    static func reminder(_ item: AgingSummary.Item, from business: String) -> String {
        let number = item.docNumber.map { "invoice \($0)" } ?? "our invoice (ref. \(item.id))"
        let due = item.dueDate.map { " was due on \($0), \(item.daysOverdue) day\(item.daysOverdue == 1 ? "" : "s") ago," } ?? " is overdue,"
        return """
            Dear \(item.party.displayName),

            A friendly reminder: \(number) for \(DisplayFormat.money(item.balance))\(due) and we have not received payment yet. \
            Could you let us know when we can expect it? If it is already on its way, please disregard this note.

            Thank you,
            \(business)
            """
    }

    /// What clears each flag; a code not listed is shown with its own message and no action.
    static let actions: [HygieneFlag.Code: (FlagToFix.Action, String)] = [
        .mirrorStale: (.sync, "The mirror is older than its TTL: sync to refresh it."),
        .mirrorStaleHard: (.sync, "The mirror is old or was never synced: sync before relying on these figures."),
        .railOffline: (.sync, "QBO could not be reached: sync again once the network is back."),
        .railThrottled: (.sync, "QBO throttled the requests: sync again in a minute."),
        .railUnavailable: (.sync, "QBO answered with server errors: sync again later."),
        .authReconnectRequired: (.reconnect, "The QBO connection was refused: run `rowcol connect` for this business again."),
        .authForbidden: (.reconnect, "QBO refused access: check the app's permissions, then reconnect."),
        .writePending: (.sync, "Payments wait in the outbox: a sync sends or confirms them. Do not pay them again."),
        .writeRejected: (.reviewPayment, "QBO refused a payment: review it under rejected payments."),
        .writeConflict: (.sync, "QBO holds a newer version: sync, then try again."),
        .reconFullResync: (.none, "The change feed was too old, so a full query replaced it; nothing to do."),
        .syncFailed: (.checkWorkspace, "The business's own files stopped the sync: run `rowcol verify`."),
    ]

    enum CodingKeys: String, CodingKey {
        case advisor = "advisor_id"
        case asOf = "as_of"
        case rules, bills, invoices, flags
        case pendingPayments = "pending_payments"
        case rejectedPayments = "rejected_payments"
    }
}
