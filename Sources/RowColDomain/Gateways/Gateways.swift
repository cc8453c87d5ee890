import Foundation

/// What a gateway returns: the entities, how fresh they are, and the flags raised on the way.
public struct GatewayAnswer<Item: Sendable>: Sendable {
    public var items: [Item]
    public var freshness: Freshness
    public var flags: [HygieneFlag]

    public init(items: [Item], freshness: Freshness, flags: [HygieneFlag]) {
        self.items = items
        self.freshness = freshness
        self.flags = flags
    }
}

/// Which bills to list.
public struct ListBillsQuery: Hashable, Sendable {
    public var business: BusinessRef
    public var hint: FreshnessHint
    /// Only bills with an open balance.
    public var openOnly: Bool
    /// Only bills due on or before this date.
    public var dueOnOrBefore: LocalDate?
    public var vendorID: String?

    public init(business: BusinessRef, hint: FreshnessHint = .cachedOK, openOnly: Bool = false,
                dueOnOrBefore: LocalDate? = nil, vendorID: String? = nil) {
        self.business = business
        self.hint = hint
        self.openOnly = openOnly
        self.dueOnOrBefore = dueOnOrBefore
        self.vendorID = vendorID
    }

    /// Whether `bill` passes the filters.
    public func matches(_ bill: Bill) -> Bool {
        if openOnly && !bill.isOpen { return false }
        if let dueOnOrBefore, let due = bill.effectiveDueDate, due > dueOnOrBefore { return false }
        if let vendorID, bill.vendor.id != vendorID { return false }
        return true
    }
}

/// Which invoices to list.
public struct ListInvoicesQuery: Hashable, Sendable {
    public var business: BusinessRef
    public var hint: FreshnessHint
    public var openOnly: Bool
    public var dueOnOrBefore: LocalDate?
    public var customerID: String?

    public init(business: BusinessRef, hint: FreshnessHint = .cachedOK, openOnly: Bool = false,
                dueOnOrBefore: LocalDate? = nil, customerID: String? = nil) {
        self.business = business
        self.hint = hint
        self.openOnly = openOnly
        self.dueOnOrBefore = dueOnOrBefore
        self.customerID = customerID
    }

    public func matches(_ invoice: Invoice) -> Bool {
        if openOnly && !invoice.isOpen { return false }
        if let dueOnOrBefore, let due = invoice.effectiveDueDate, due > dueOnOrBefore { return false }
        if let customerID, invoice.customer.id != customerID { return false }
        return true
    }
}

/// Which balances to fetch.
public struct BalancesQuery: Hashable, Sendable {
    public var business: BusinessRef
    public var hint: FreshnessHint
    /// Only active `Bank` accounts (what cash on hand counts).
    public var bankOnly: Bool

    public init(business: BusinessRef, hint: FreshnessHint = .cachedOK, bankOnly: Bool = false) {
        self.business = business
        self.hint = hint
        self.bankOnly = bankOnly
    }
}

/// Bills and their payments, wherever they live (QBO through the mirror, in RowColSync).
public protocol BillsGateway: Sendable {
    func list(_ query: ListBillsQuery) async throws -> GatewayAnswer<Bill>
    /// The payments scheduled through RowCol for the business, in any state.
    func scheduledPayments(of business: BusinessRef) async throws -> GatewayAnswer<BillPayment>
    /// Schedules a payment exactly once: approving the same (bill, amount, date) again returns the same id.
    func schedulePayment(
        business: BusinessRef, billID: EntityID, amount: Money, payOn: LocalDate, fromAccountID: String?
    ) async throws -> BillPayment
}

/// Invoices, wherever they live.
public protocol InvoicesGateway: Sendable {
    func list(_ query: ListInvoicesQuery) async throws -> GatewayAnswer<Invoice>
}

/// Account balances, wherever they live.
public protocol BalancesGateway: Sendable {
    func get(_ query: BalancesQuery) async throws -> GatewayAnswer<AccountBalance>
}

/// Which history to read.
public struct HistoryQuery: Hashable, Sendable {
    public var business: BusinessRef
    public var hint: FreshnessHint
    /// Only what was paid (purchases: dated) on or after this day; nil for all the mirror holds.
    public var since: LocalDate?

    public init(business: BusinessRef, hint: FreshnessHint = .cachedOK, since: LocalDate? = nil) {
        self.business = business
        self.hint = hint
        self.since = since
    }
}

/// A business's history with the freshness of each kind it was read from and the flags in force.
public struct HistoryAnswer: Sendable {
    public var history: BusinessHistory
    /// The freshness of every kind the history joins (bills, invoices, customer payments, bill
    /// payments, purchases).
    public var freshness: [EntityKind: Freshness]
    public var flags: [HygieneFlag]

    public init(history: BusinessHistory, freshness: [EntityKind: Freshness], flags: [HygieneFlag]) {
        self.history = history
        self.freshness = freshness
        self.flags = flags
    }
}

/// The paid past of a business, wherever it lives.
public protocol HistoryGateway: Sendable {
    func history(_ query: HistoryQuery) async throws -> HistoryAnswer
}
