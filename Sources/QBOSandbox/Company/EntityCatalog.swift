import Foundation

/// One entity of QBO's Accounting API as the sandbox knows it: its wire name, whether the sandbox
/// holds rows of it, and the properties a query may filter and sort on.
struct CatalogEntry: Sendable {
    /// The wire name, as QBO spells it (`BillPayment`).
    var name: String
    /// The kind the sandbox stores; `nil` for an entity QBO has and the sandbox holds no rows of
    /// (its queries answer an empty `QueryResponse`, as QBO does for a company without them).
    var held: EntityName?
    /// Properties a WHERE or ORDERBY may name, lower case; a listed object (`checkpayment`) takes
    /// its sub-properties too. `nil`: not checked (an entity the sandbox holds no rows of).
    var queryable: Set<String>?

    func isQueryable(_ property: String) -> Bool {
        guard let queryable else { return true }
        let lower = property.lowercased()
        if Self.everywhere.contains(lower) || queryable.contains(lower) { return true }
        guard let dot = lower.firstIndex(of: ".") else { return false }
        return queryable.contains(String(lower[..<dot]))
    }

    /// Every entity has these.
    static let everywhere: Set<String> = ["id", "metadata.createtime", "metadata.lastupdatedtime"]
}

/// The entity table: every name QBO's query endpoint takes, from Intuit's API reference. Adding
/// an entity to the sandbox is a new ``EntityName`` case, its `held` here, its properties, its
/// creation rules (`Company+Writes.swift` routes to them) and, if it moves money, its ``Effects``.
enum EntityCatalog {
    /// The properties Intuit's reference marks filterable (plus `TotalAmt` on invoices, which
    /// Intuit's own query examples filter on).
    static let entries: [CatalogEntry] = [
        CatalogEntry(name: "Account", held: .account, queryable: [
            "name", "subaccount", "parentref", "description", "active", "classification", "accounttype", "accountsubtype",
            "fullyqualifiedname", "acctnum", "currentbalance", "currentbalancewithsubaccounts", "currencyref"]),
        CatalogEntry(name: "Attachable"),
        CatalogEntry(name: "Bill", held: .bill, queryable: [
            "vendorref", "txndate", "apaccountref", "salestermref", "totalamt", "duedate", "docnumber", "balance"]),
        CatalogEntry(name: "BillPayment", held: .billPayment, queryable: [
            "vendorref", "totalamt", "docnumber", "txndate", "apaccountref", "checkpayment", "creditcardpayment"]),
        CatalogEntry(name: "Budget"),
        CatalogEntry(name: "Class"),
        CatalogEntry(name: "CompanyCurrency"),
        CatalogEntry(name: "CompanyInfo", queryable: []),
        CatalogEntry(name: "CreditCardPayment"),
        CatalogEntry(name: "CreditMemo"),
        CatalogEntry(name: "Customer", held: .customer, queryable: [
            "displayname", "givenname", "familyname", "middlename", "companyname", "primaryemailaddr", "primaryphone",
            "active", "balance", "balancewithjobs", "fullyqualifiedname", "job", "parentref", "printoncheckname"]),
        CatalogEntry(name: "CustomerType"),
        CatalogEntry(name: "Department"),
        CatalogEntry(name: "Deposit"),
        CatalogEntry(name: "Employee"),
        CatalogEntry(name: "Estimate"),
        CatalogEntry(name: "ExchangeRate"),
        CatalogEntry(name: "InventoryAdjustment"),
        CatalogEntry(name: "Invoice", held: .invoice, queryable: [
            "customerref", "docnumber", "projectref", "txndate", "salestermref", "duedate", "balance", "totalamt"]),
        CatalogEntry(name: "Item"),
        CatalogEntry(name: "JournalCode"),
        CatalogEntry(name: "JournalEntry"),
        CatalogEntry(name: "Payment", held: .payment, queryable: [
            "customerref", "txndate", "totalamt", "paymentrefnum", "paymentmethodref", "deposittoaccountref", "unappliedamt"]),
        CatalogEntry(name: "PaymentMethod"),
        CatalogEntry(name: "Preferences", queryable: []),
        CatalogEntry(name: "Purchase", held: .purchase, queryable: [
            "txndate", "totalamt", "docnumber", "paymenttype", "accountref", "entityref", "credit", "paymentmethodref",
            "departmentref"]),
        CatalogEntry(name: "PurchaseOrder"),
        CatalogEntry(name: "RecurringTransaction"),
        CatalogEntry(name: "RefundReceipt"),
        CatalogEntry(name: "ReimburseCharge"),
        CatalogEntry(name: "SalesReceipt"),
        CatalogEntry(name: "TaxAgency"),
        CatalogEntry(name: "TaxClassification"),
        CatalogEntry(name: "TaxCode"),
        CatalogEntry(name: "TaxPayment"),
        CatalogEntry(name: "TaxRate"),
        CatalogEntry(name: "Term"),
        CatalogEntry(name: "TimeActivity"),
        CatalogEntry(name: "Transfer"),
        CatalogEntry(name: "Vendor", held: .vendor, queryable: [
            "displayname", "givenname", "familyname", "middlename", "companyname", "primaryemailaddr", "primaryphone",
            "active", "balance", "acctnum", "printoncheckname", "vendor1099"]),
        CatalogEntry(name: "VendorCredit"),
    ]

    private static let byLowercasedName: [String: CatalogEntry] =
        Dictionary(uniqueKeysWithValues: entries.map { ($0.name.lowercased(), $0) })

    /// Entity names are not case sensitive in QBO's query language (`from cUstomer`).
    static func entry(named name: String) -> CatalogEntry? {
        byLowercasedName[name.lowercased()]
    }

    /// Properties holding a calendar date (`YYYY-MM-DD`); a literal that is not one is a fault.
    static let dateProperties: Set<String> = ["txndate", "duedate", "shipdate", "expirationdate", "companystartdate"]
}
