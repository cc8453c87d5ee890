import Foundation
import RowColDomain
import RowColRunway
import RowColStore
import RowColSync

/// Reads one advisor's businesses without taking the advisor's lock: runway snapshots, the
/// console, freshness and flags, RowCol's payments, straight from the mirror (documents are
/// replaced by atomic renames, so every read sees whole files).
///
/// It is the read half of the session API for a process that lives beside writers: an
/// ``AdvisorSession`` holds the advisor's writer lock until it closes, so a long-lived reader —
/// `rowcol serve` — reads through this type and opens a session only for each write. Unlike
/// ``AdvisorSession/snapshot(_:strict:rates:)`` it never goes to QBO: a stale mirror is answered
/// as it is, with the staleness flags ``BusinessSyncState/flagsInForce(for:business:configuration:now:)``
/// derives, the same ones a session's gateways attach.
///
/// ```swift
/// let reader = try AdvisorReader(workspace: workspace, advisor: ada)
/// for row in try reader.console().rows { print(row.business.name, row.weeksOfRunway) }
/// ```
public struct AdvisorReader: Sendable {
    public let workspace: Workspace
    public let advisor: AdvisorID
    /// The TTLs the freshness and staleness flags are judged by.
    public let configuration: SyncConfiguration
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - environment: where `SYNC_*` variables are read (usually the process's).
    ///   - now: the clock; the snapshot's as-of instant and every staleness judgement use it.
    /// - Throws: ``ConfigurationError`` for a bad variable; `StoreError` when the advisor does not exist.
    public init(
        workspace: Workspace, advisor: AdvisorID, environment: [String: String] = ProcessInfo.processInfo.environment,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.workspace = workspace
        self.advisor = advisor
        configuration = try RowColConfiguration.sync(workspace: workspace, environment: environment)
        self.now = now
        _ = try workspace.advisor(advisor)
    }

    /// A reader judging freshness by a session's configuration and clock.
    init(session: AdvisorSession) {
        workspace = session.workspace
        advisor = session.advisor
        configuration = session.configuration
        now = session.now
    }

    /// The advisor's businesses, sorted.
    public func businesses() throws -> [BusinessID] { try workspace.businesses(of: advisor) }

    public func ref(_ business: BusinessID) -> BusinessRef { BusinessRef(advisor: advisor, business: business) }

    /// The business's `business.json` (realm, environment, display name).
    /// - Throws: `StoreError` when the advisor has no such business — whoever else may have it.
    public func business(_ business: BusinessID) throws -> BusinessInfo { try workspace.business(ref(business)) }

    /// Whether the advisor has `business` (another advisor's business is not the advisor's).
    public func has(_ business: BusinessID) -> Bool { (try? workspace.business(ref(business))) != nil }

    /// The business's `state.json`: the applied log seq and the sync section (freshness, cursors, flags).
    /// - Throws: `StoreError` when the business does not exist or the file is unreadable,
    ///   `SyncError.corruptState` when its sync section is.
    public func syncState(of business: BusinessID) throws -> (checkpoint: LogSeq, sync: BusinessSyncState) {
        let state = try workspace.businessState(ref(business))
        return (state.checkpoint, try BusinessSyncState(stored: state.sync, business: business))
    }

    /// The flags in force for the business now, with the staleness its mirror's age implies.
    public func flags(of business: BusinessID) throws -> [HygieneFlag] {
        try syncState(of: business).sync.flagsInForce(for: nil, business: business, configuration: configuration, now: now())
    }

    /// RowCol's payments of the business (every state), as the mirror holds them.
    public func payments(of business: BusinessID) throws -> [BillPayment] {
        try workspace.mirrorReader(for: advisor).payments(of: ref(business))
    }

    /// The stamps of the files a business's derived views depend on (see ``Workspace/stamps(of:)``):
    /// while they are unchanged, so is everything this reader would answer about the business but
    /// its age.
    public func stamps(of business: BusinessID) throws -> [FileStamp?] { try workspace.stamps(of: ref(business)) }

    /// The runway snapshot of one business, from the mirror as it is.
    /// - Throws: `StoreError` when the business does not exist or a document is unreadable.
    public func snapshot(of business: BusinessID, rates: [CurrencyCode: Decimal] = [:]) throws -> RunwaySnapshot {
        RunwayCalculator.snapshot(inputs: try inputs(of: business, rates: rates))
    }

    /// What ``snapshot(of:rates:)`` hands the calculator: the open items, balances, payments, their
    /// freshness, the flags in force, the paid past the timing model learns from and the plan
    /// (`plan.json`; a broken one is left out and named), as of now. Set `scenario` for a scenario.
    public func inputs(of business: BusinessID, rates: [CurrencyCode: Decimal] = [:]) throws -> RunwayInputs {
        let ref = ref(business)
        let info = try workspace.business(ref)
        let sync = try syncState(of: business).sync
        let reader = workspace.mirrorReader(for: advisor)
        let at = now()
        var flags: [HygieneFlag] = []
        for flag in sync.flagsInForce(for: nil, business: business, configuration: configuration, now: at)
        where !flags.contains(flag) {
            flags.append(flag)
        }
        // The paid past the timing model learns from, over the window a session's runway uses:
        // only the bills and invoices its payments settle are read.
        let since = LocalDate(at).adding(days: -AdvisorSession.historyWindowDays)
        let received = try reader.values(.customerPayment, as: CustomerPayment.self, of: ref)
        let paid = try reader.values(.billPayment, as: VendorPayment.self, of: ref)
        let settled = BusinessHistory.settledDocuments(customerPayments: received, vendorPayments: paid, since: since)
        let history = BusinessHistory.assemble(
            bills: try reader.bills(settled.bills, of: ref), invoices: try reader.invoices(settled.invoices, of: ref),
            customerPayments: received, vendorPayments: paid,
            purchases: try reader.values(.purchase, as: Purchase.self, of: ref), since: since)
        let plan = try PlanLoad.read(workspace, ref)
        return RunwayInputs(
            business: ref, businessName: info.displayName ?? business.rawValue, asOf: at, homeCurrency: .usd,
            bills: try reader.openBills(of: ref), invoices: try reader.openInvoices(of: ref),
            balances: try reader.balances(of: ref), payments: try reader.payments(of: ref),
            freshness: .init(
                bills: sync.freshness(of: .bill, configuration: configuration, now: at),
                invoices: sync.freshness(of: .invoice, configuration: configuration, now: at),
                balances: sync.freshness(of: .balance, configuration: configuration, now: at)),
            flags: flags, rates: rates, history: RunwayHistory(history), plan: plan.plan, planProblem: plan.problem,
            alerts: sync.alerts)
    }

    /// Every business of the advisor, ranked by runway risk, from the mirror as it is.
    public func console(rates: [CurrencyCode: Decimal] = [:]) throws -> AdvisorConsole {
        try AdvisorConsole(advisor: advisor, asOf: now(), snapshots: businesses().map { try snapshot(of: $0, rates: rates) })
    }
}
