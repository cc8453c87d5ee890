import Foundation
import RowColDomain
import RowColRunway
import RowColStore
import RowColSync

/// Builds runway snapshots through the domain gateways (DESIGN §6): it reads bills, invoices,
/// balances and scheduled payments through their gateways — refreshing first when
/// `STRICT_ON_SNAPSHOT` says so — and hands the values, their freshness, every flag, the
/// business's payment history and its plan to the pure calculator.
public struct RunwayOrchestrator: Sendable {
    public let bills: any BillsGateway
    public let invoices: any InvoicesGateway
    public let balances: any BalancesGateway
    /// Whether snapshots go to QBO first (`strict`) or accept a fresh-enough mirror.
    public let hint: FreshnessHint
    public let now: @Sendable () -> Date
    /// Exchange rates into the home currency.
    public var rates: [CurrencyCode: Decimal]
    public var homeCurrency: CurrencyCode
    /// The business's paid invoices, paid bills and purchases, as the timing model learns from them.
    public var history: @Sendable (BusinessRef) async throws -> RunwayHistory
    /// The business's plan, or what is wrong with its file.
    public var plan: @Sendable (BusinessRef) throws -> PlanLoad
    /// The timing model's knobs (each plan's `timing` overrides them).
    public var policy: TimingPolicy
    /// The alerts the business's state remembers (the floor breach's first sighting).
    public var alerts: @Sendable (BusinessRef) async throws -> [BusinessAlert]

    /// - Parameters:
    ///   - history: where the history comes from; none by default (every item is then expected on
    ///     its due date, and nothing recurs).
    ///   - plan: where the plan comes from; none by default.
    public init(
        bills: any BillsGateway, invoices: any InvoicesGateway, balances: any BalancesGateway, hint: FreshnessHint,
        homeCurrency: CurrencyCode = .usd, rates: [CurrencyCode: Decimal] = [:],
        now: @escaping @Sendable () -> Date = { Date() },
        history: @escaping @Sendable (BusinessRef) async throws -> RunwayHistory = { _ in .empty },
        plan: @escaping @Sendable (BusinessRef) throws -> PlanLoad = { _ in PlanLoad(plan: nil, problem: nil) },
        policy: TimingPolicy = .standard,
        alerts: @escaping @Sendable (BusinessRef) async throws -> [BusinessAlert] = { _ in [] }
    ) {
        self.bills = bills
        self.invoices = invoices
        self.balances = balances
        self.hint = hint
        self.homeCurrency = homeCurrency
        self.rates = rates
        self.now = now
        self.history = history
        self.plan = plan
        self.policy = policy
        self.alerts = alerts
    }

    /// Everything a snapshot of one business is computed from, read once (a comparison computes
    /// two snapshots from the same inputs).
    public func inputs(of business: BusinessRef, name: String) async throws -> RunwayInputs {
        async let billAnswer = bills.list(ListBillsQuery(business: business, hint: hint, openOnly: true))
        async let invoiceAnswer = invoices.list(ListInvoicesQuery(business: business, hint: hint, openOnly: true))
        async let balanceAnswer = balances.get(BalancesQuery(business: business, hint: hint))
        let (billsRead, invoicesRead, balancesRead) = try await (billAnswer, invoiceAnswer, balanceAnswer)
        let payments = try await bills.scheduledPayments(of: business)
        var flags: [HygieneFlag] = []
        for flag in billsRead.flags + invoicesRead.flags + balancesRead.flags + payments.flags where !flags.contains(flag) {
            flags.append(flag)
        }
        let load = try plan(business)
        return RunwayInputs(
            business: business, businessName: name, asOf: now(), homeCurrency: homeCurrency,
            bills: billsRead.items, invoices: invoicesRead.items, balances: balancesRead.items,
            payments: payments.items,
            freshness: .init(bills: billsRead.freshness, invoices: invoicesRead.freshness, balances: balancesRead.freshness),
            flags: flags, rates: rates, history: try await history(business), plan: load.plan,
            planProblem: load.problem, policy: policy, alerts: try await alerts(business))
    }

    /// The runway snapshot of one business, for `scenario` (`nil` or `"base"`: none).
    /// - Throws: ``PlanError`` when the plan is readable and has no such scenario (a broken plan
    ///   does not throw: the snapshot carries its flag).
    public func snapshot(of business: BusinessRef, name: String, scenario: String? = nil) async throws -> RunwaySnapshot {
        var inputs = try await inputs(of: business, name: name)
        try Self.check(scenario, in: inputs)
        inputs.scenario = scenario
        return RunwayCalculator.snapshot(inputs: inputs)
    }

    /// Two snapshots of one business side by side, from one read of its inputs.
    public func comparison(of business: BusinessRef, name: String, left: String, right: String) async throws
        -> RunwayComparison
    {
        var inputs = try await inputs(of: business, name: name)
        var sides: [RunwayComparison.Side] = []
        for scenario in [left, right] {
            try Self.check(scenario, in: inputs)
            inputs.scenario = scenario
            sides.append(.init(name: scenario, snapshot: RunwayCalculator.snapshot(inputs: inputs)))
        }
        return RunwayComparison(left: sides[0], right: sides[1])
    }

    static func check(_ scenario: String?, in inputs: RunwayInputs) throws {
        guard let scenario, inputs.planProblem == nil else { return }
        _ = try (inputs.plan ?? .empty).scenario(named: scenario)
    }
}

extension AdvisorSession {
    /// The runway orchestrator of this advisor, with the hint `STRICT_ON_SNAPSHOT` decides and each
    /// business's plan.
    ///
    /// The learning reads the business's paid past from the mirror (customer payments, every bill
    /// payment, purchases) over the last ``historyWindowDays`` days; with no history, items are
    /// expected on their due dates (their basis says so) and no recurring flow is detected.
    public func runway(strict: Bool? = nil, rates: [CurrencyCode: Decimal] = [:]) -> RunwayOrchestrator {
        let useStrict = strict ?? configuration.strictOnSnapshot
        let workspace = workspace
        return RunwayOrchestrator(
            bills: gateways, invoices: gateways, balances: gateways, hint: useStrict ? .strict : .cachedOK, rates: rates,
            now: now,
            history: { [gateways, now] ref in
                let since = LocalDate(now()).adding(days: -Self.historyWindowDays)
                let answer = try await gateways.history(HistoryQuery(business: ref, hint: .cachedOK, since: since))
                return RunwayHistory(answer.history)
            },
            plan: { try PlanLoad.read(workspace, $0) },
            alerts: { [orchestrator] in try await orchestrator.alerts(of: $0.business) })
    }

    /// How far back the runway learns from: a little over a year, so quarterly series show four times.
    public static let historyWindowDays = 400

    /// The snapshot of one business, for `scenario` of its plan (`nil` or `"base"`: none).
    /// - Throws: ``PlanError`` when the plan has no such scenario; gateway and store errors.
    public func snapshot(
        _ business: BusinessID, scenario: String? = nil, strict: Bool? = nil, rates: [CurrencyCode: Decimal] = [:]
    ) async throws -> RunwaySnapshot {
        let info = try workspace.business(ref(business))
        do {
            return try await runway(strict: strict, rates: rates).snapshot(
                of: ref(business), name: info.displayName ?? business.rawValue, scenario: scenario)
        } catch let problem as PlanError {
            throw problem.inFile(plans.fileName(of: business))
        }
    }

    /// Two projections of one business side by side: `left` and `right` name scenarios of its
    /// plan, or `"base"`.
    public func compare(
        _ business: BusinessID, _ left: String, _ right: String, strict: Bool? = nil,
        rates: [CurrencyCode: Decimal] = [:]
    ) async throws -> RunwayComparison {
        let info = try workspace.business(ref(business))
        do {
            return try await runway(strict: strict, rates: rates).comparison(
                of: ref(business), name: info.displayName ?? business.rawValue, left: left, right: right)
        } catch let problem as PlanError {
            throw problem.inFile(plans.fileName(of: business))
        }
    }

    /// Every business of the advisor, ranked by runway risk (each with its plan, no scenario).
    public func console(strict: Bool? = nil, rates: [CurrencyCode: Decimal] = [:]) async throws -> AdvisorConsole {
        let businesses = try businesses()
        let snapshots = try await withThrowingTaskGroup(of: RunwaySnapshot.self) { group in
            for business in businesses {
                group.addTask { try await self.snapshot(business, strict: strict, rates: rates) }
            }
            var all: [RunwaySnapshot] = []
            for try await snapshot in group { all.append(snapshot) }
            return all
        }
        return try AdvisorConsole(advisor: advisor, asOf: now(), snapshots: snapshots)
    }
}
