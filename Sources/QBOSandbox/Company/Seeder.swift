import Foundation

/// What `POST /__sandbox/realms` asks for.
struct SeedRequest: Sendable, Codable {
    var realm: String
    var seed: UInt64
    var bills: Int
    var invoices: Int
    var accounts: Int
    /// Months of history before today; 0 seeds only today's open items.
    var historyMonths: Int = 0
}

/// SplitMix64: small, fast and the same on every platform, so a seed always gives the same company.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds a company with deterministic data around the sandbox's "today".
enum Seeder {
    static let vendorNames = ["Hall Properties", "Robertson & Associates", "Cal Telephone", "Norton Lumber",
                                      "Brosnahan Insurance", "PG&E", "Lee Advertising", "Tania's Nursery",
                                      "Computers by Jenni", "Diego's Road Warrior Bodyshop", "Books by Bessie",
                                      "Chin's Gas and Oil", "Squeaky Kleen Car Wash", "Hicks Hardware"]
    static let customerNames = ["Sonnenschein Family Store", "Amy's Bird Sanctuary", "Bill's Windsurf Shop",
                                        "Cool Cars", "Diego Rodriguez", "Dukes Basketball Camp", "Freeman Sporting Goods",
                                        "Geeta Kalapatapu", "Jeff's Jalopies", "Kookies by Kathy", "Mark Cho",
                                        "Paulsen Medical Supplies", "Red Rock Diner", "Rondonuwu Fruit and Vegi"]
    static let expenseAccounts = ["Rent or Lease", "Legal & Professional Fees", "Utilities", "Supplies", "Insurance"]
    static let bankNames = ["Checking", "Savings", "Operating", "Payroll", "Reserve"]
    static let usd: WireJSON = ["value": "USD", "name": "United States Dollar"]
    // What QBO fills in on every invoice of a US company without online payments (fixture invoice_open.json).
    private static let address: WireJSON = ["Id": "2", "Line1": "4581 Finch St.", "City": "Bayshore", "CountrySubDivisionCode": "CA",
                                            "PostalCode": "94326"]
    static let invoiceDefaults: [String: WireJSON] = [
        "AllowIPNPayment": false, "AllowOnlinePayment": false, "AllowOnlineCreditCardPayment": false,
        "AllowOnlineACHPayment": false, "ApplyTaxAfterDiscount": false, "PrintStatus": "NotSet",
        "CustomField": [["DefinitionId": "1", "Name": "Crew #", "Type": "StringType"]], "LinkedTxn": [],
        "TxnTaxDetail": ["TotalTax": 0], "CustomerMemo": ["value": "Thank you for your business and have a great day!"],
        "BillAddr": address, "ShipAddr": address, "BillEmail": ["Address": "accounts@example.com"],
        "SalesTermRef": ["value": "3"], "Deposit": 0, "PrivateNote": "Consulting engagement"]

    static func company(_ request: SeedRequest, now: Int64) -> Company {
        if request.historyMonths > 0 { return HistorySeeder.company(request, now: now) }
        var rng = SeededGenerator(seed: request.seed)
        var company = Company(realm: request.realm, name: "Sandbox Company \(request.realm)")
        let today = WireTime.localDay(now)
        let morning = WireTime.startOfLocalDay(today) + 9 * 3_600_000
        func cents(_ low: Int, _ high: Int) -> Decimal { Cents.amount(Int.random(in: low...high, using: &rng)) }
        func ref(_ id: Int, _ name: String) -> WireJSON { ["value": .string(String(id)), "name": .string(name)] }
        func add(_ entity: EntityName, _ body: [String: WireJSON], created: Int64, updated: Int64? = nil) -> Int {
            let id = company.allocateId()
            company.store(entity, Record(id: id, syncToken: updated == nil ? 0 : 1, created: created,
                                         updated: updated ?? created, body: body))
            return id
        }
        let setup = morning - 400 * WireTime.dayMs

        func account(_ name: String, _ type: String, _ subType: String, _ classification: String, _ balance: Decimal) -> Int {
            add(.account, ["Name": .string(name), "FullyQualifiedName": .string(name), "SubAccount": false,
                           "Active": true, "Classification": .string(classification), "AccountType": .string(type),
                           "AccountSubType": .string(subType), "CurrentBalance": .number(balance),
                           "CurrentBalanceWithSubAccounts": .number(balance), "CurrencyRef": usd], created: setup)
        }
        for index in 0..<max(0, request.accounts) {
            let name = index < bankNames.count ? bankNames[index] : "Bank \(index + 1)"
            _ = account(name, "Bank", index == 1 ? "Savings" : "Checking", "Asset", cents(500_000, 15_000_000))
        }
        let apAccount = account("Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable", "Liability", -cents(100_000, 900_000))
        _ = account("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable", "Asset", cents(100_000, 900_000))
        _ = account("Mastercard", "Credit Card", "CreditCard", "Liability", -cents(10_000, 300_000))
        var expenseIds: [(Int, String)] = []
        for name in expenseAccounts {
            expenseIds.append((account(name, "Expense", "OtherMiscellaneousExpense", "Expense", 0), name))
        }
        let incomeAccount = account("Services", "Income", "ServiceFeeIncome", "Revenue", 0)

        // Refs and line details are built once and shared by every bill (copy-on-write), which
        // keeps a 100,000-bill company small.
        func parties(_ entity: EntityName, _ names: [String], _ count: Int) -> [WireJSON] {
            (0..<count).map { index in
                let name = index < names.count ? names[index] : "\(names[index % names.count]) \(index / names.count + 1)"
                return ref(add(entity, ["DisplayName": .string(name), "CompanyName": .string(name), "Active": true,
                                        "Balance": 0, "CurrencyRef": usd], created: setup), name)
            }
        }
        let expenseDetails: [WireJSON] = expenseIds.map { id, name in
            ["AccountRef": ref(id, name), "BillableStatus": "NotBillable", "TaxCodeRef": ["value": "NON"]]
        }
        let apRef = ref(apAccount, "Accounts Payable (A/P)")
        let itemRef = ref(incomeAccount, "Services")
        let nonTaxable: WireJSON = ["value": "NON"]
        let vendors = parties(.vendor, vendorNames, min(500, max(5, request.bills / 50)))
        let customers = parties(.customer, customerNames, min(500, max(5, request.invoices / 50)))
        let terms = [15, 30, 30, 45, 60]
        let invoiceDefaults = Self.invoiceDefaults
        let netTerms: WireJSON = ["value": "3"]

        for _ in 0..<max(0, request.bills) {
            let vendorRef = vendors[Int.random(in: 0..<vendors.count, using: &rng)]
            let expenseDetail = expenseDetails[Int.random(in: 0..<expenseDetails.count, using: &rng)]
            let txnDay = today - Int64.random(in: 1...90, using: &rng)
            var dueDay = txnDay + Int64(terms[Int.random(in: 0..<terms.count, using: &rng)])
            if Int.random(in: 0..<10, using: &rng) == 0 { dueDay += Int64.random(in: 60...180, using: &rng) }
            let total = cents(5_000, 500_000)
            let roll = Int.random(in: 0..<20, using: &rng)
            let balance = roll < 3 ? Decimal(0) : (roll < 6 ? total - cents(100, 4_999) : total)
            let created = WireTime.startOfLocalDay(txnDay) + Int64.random(in: 8 * 3600...18 * 3600, using: &rng) * 1000
            let updated = balance == total ? nil : max(created, min(WireTime.startOfLocalDay(today), created + Int64.random(in: 1...20, using: &rng) * WireTime.dayMs))
            let line: WireJSON = ["Id": "1", "LineNum": 1, "Amount": .number(total), "DetailType": "AccountBasedExpenseLineDetail",
                                  "AccountBasedExpenseLineDetail": expenseDetail]
            _ = add(.bill, ["VendorRef": vendorRef, "APAccountRef": apRef,
                            "TxnDate": .string(WireTime.formatDate(day: txnDay)), "DueDate": .string(WireTime.formatDate(day: dueDay)),
                            "TotalAmt": .number(total), "Balance": .number(balance), "CurrencyRef": usd, "Line": [line],
                            "SalesTermRef": netTerms],
                    created: created, updated: updated)
        }
        for number in 0..<max(0, request.invoices) {
            let customerRef = customers[Int.random(in: 0..<customers.count, using: &rng)]
            let txnDay = today - Int64.random(in: 1...75, using: &rng)
            let dueDay = txnDay + Int64(terms[Int.random(in: 0..<terms.count, using: &rng)])
            let quantity = Int.random(in: 1...20, using: &rng)
            let price = cents(2_500, 50_000)
            let total = price * Decimal(quantity)
            let roll = Int.random(in: 0..<20, using: &rng)
            let balance = roll < 4 ? Decimal(0) : (roll < 6 ? total / 2 : total)
            let created = WireTime.startOfLocalDay(txnDay) + Int64.random(in: 8 * 3600...18 * 3600, using: &rng) * 1000
            let updated = balance == total ? nil : max(created, min(WireTime.startOfLocalDay(today), created + Int64.random(in: 1...20, using: &rng) * WireTime.dayMs))
            let line: WireJSON = ["Id": "1", "LineNum": 1, "Description": "Consulting", "Amount": .number(total),
                                  "DetailType": "SalesItemLineDetail",
                                  "SalesItemLineDetail": ["ItemRef": itemRef, "UnitPrice": .number(price),
                                                          "Qty": .number(Decimal(quantity)), "TaxCodeRef": nonTaxable]]
            let subtotal: WireJSON = ["Amount": .number(total), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": [:]]
            let fields: [String: WireJSON] = [
                "CustomerRef": customerRef, "DocNumber": .string(String(1001 + number)),
                "TxnDate": .string(WireTime.formatDate(day: txnDay)), "DueDate": .string(WireTime.formatDate(day: dueDay)),
                "TotalAmt": .number(total), "Balance": .number(balance), "CurrencyRef": usd,
                "EmailStatus": balance == total ? "NotSet" : "EmailSent", "Line": [line, subtotal]]
            _ = add(.invoice, fields.merging(invoiceDefaults) { own, _ in own }, created: created, updated: updated)
        }
        return company
    }
}
