import Foundation
import RowColDomain
import RowColRunway
import RowColStore
import RowColSync

/// Builds runway snapshots through the domain gateways (DESIGN §6): it reads bills, invoices,
/// balances and scheduled payments through their gateways — refreshing first when
/// `STRICT_ON_SNAPSHOT` says so — and hands the values, their freshness and every flag to the
/// pure calculator.
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

    public init(
        bills: any BillsGateway, invoices: any InvoicesGateway, balances: any BalancesGateway, hint: FreshnessHint,
        homeCurrency: CurrencyCode = .usd, rates: [CurrencyCode: Decimal] = [:],
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.bills = bills
        self.invoices = invoices
        self.balances = balances
        self.hint = hint
        self.homeCurrency = homeCurrency
        self.rates = rates
        self.now = now
    }

    /// The runway snapshot of one business.
    public func snapshot(of business: BusinessRef, name: String) async throws -> RunwaySnapshot {
        async let billAnswer = bills.list(ListBillsQuery(business: business, hint: hint, openOnly: true))
        async let invoiceAnswer = invoices.list(ListInvoicesQuery(business: business, hint: hint, openOnly: true))
        async let balanceAnswer = balances.get(BalancesQuery(business: business, hint: hint))
        let (billsRead, invoicesRead, balancesRead) = try await (billAnswer, invoiceAnswer, balanceAnswer)
        let payments = try await bills.scheduledPayments(of: business)
        var flags: [HygieneFlag] = []
        for flag in billsRead.flags + invoicesRead.flags + balancesRead.flags + payments.flags where !flags.contains(flag) {
            flags.append(flag)
        }
        let inputs = RunwayInputs(
            business: business, businessName: name, asOf: now(), homeCurrency: homeCurrency,
            bills: billsRead.items, invoices: invoicesRead.items, balances: balancesRead.items,
            payments: payments.items,
            freshness: .init(bills: billsRead.freshness, invoices: invoicesRead.freshness, balances: balancesRead.freshness),
            flags: flags, rates: rates)
        return RunwayCalculator.snapshot(inputs: inputs)
    }
}

extension AdvisorSession {
    /// The runway orchestrator of this advisor, with the hint `STRICT_ON_SNAPSHOT` decides.
    public func runway(strict: Bool? = nil, rates: [CurrencyCode: Decimal] = [:]) -> RunwayOrchestrator {
        let useStrict = strict ?? configuration.strictOnSnapshot
        return RunwayOrchestrator(
            bills: gateways, invoices: gateways, balances: gateways, hint: useStrict ? .strict : .cachedOK, rates: rates,
            now: now)
    }

    /// The snapshot of one business.
    public func snapshot(_ business: BusinessID, strict: Bool? = nil, rates: [CurrencyCode: Decimal] = [:]) async throws
        -> RunwaySnapshot
    {
        let info = try workspace.business(ref(business))
        return try await runway(strict: strict, rates: rates).snapshot(
            of: ref(business), name: info.displayName ?? business.rawValue)
    }

    /// Every business of the advisor, ranked by runway risk.
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
