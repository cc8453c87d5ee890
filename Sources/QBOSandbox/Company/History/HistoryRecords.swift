import Foundation

/// Turns a ``HistoryPlan`` into records. Ids follow the order in which things happened, as QBO
/// numbers them, so a payment's id is above those of the documents it settles; every document
/// carries the payments that settled it (`LinkedTxn`, `Balance`, a SyncToken per change, the last
/// payment's time as LastUpdatedTime) and every payment what it settled. Records are built in id
/// order, so each table only appends, and shared values (refs, line details) are built once.
struct HistoryRecords {
    let plan: HistoryPlan
    let refs: HistorySeeder.Refs
    let vendorTraits: [HistoryPlan.Traits]
    /// Money in (+) and out (−) of the checking account, in the order it moved.
    private(set) var checkingFlows: [Int] = []
    private(set) var cardCharges = 0
    private(set) var openPayable = 0
    private(set) var openReceivable = 0

    private struct Slot {
        var created: Int64
        var kind: Kind
        var index: Int
    }

    private enum Kind: Int { case item, settlement, expense }

    init(plan: HistoryPlan, refs: HistorySeeder.Refs, vendorTraits: [HistoryPlan.Traits]) {
        self.plan = plan
        self.refs = refs
        self.vendorTraits = vendorTraits
    }

    mutating func build(into company: inout Company) {
        var slots: [Slot] = []
        slots.reserveCapacity(plan.items.count + plan.settlements.count + plan.expenses.count)
        for (index, item) in plan.items.enumerated() {
            slots.append(Slot(created: item.created, kind: .item, index: index))
        }
        for (index, settlement) in plan.settlements.enumerated() {
            slots.append(Slot(created: settlement.created, kind: .settlement, index: index))
        }
        for (index, expense) in plan.expenses.enumerated() {
            slots.append(Slot(created: expense.created, kind: .expense, index: index))
        }
        slots.sort { ($0.created, $0.kind.rawValue, $0.index) < ($1.created, $1.kind.rawValue, $1.index) }

        var itemIds = [Int](repeating: 0, count: plan.items.count)
        var settlementIds = [Int](repeating: 0, count: plan.settlements.count)
        var links = [[Int]](repeating: [], count: plan.items.count)
        var lastPaid = [Int64](repeating: 0, count: plan.items.count)
        // Invoice numbers run in the order the invoices were made.
        var invoiceNumbers = [Int](repeating: 0, count: plan.items.count)
        var nextNumber = 1001
        var ids: [Int] = []
        ids.reserveCapacity(slots.count)
        for slot in slots {
            let id = company.allocateId()
            ids.append(id)
            switch slot.kind {
            case .item:
                itemIds[slot.index] = id
                if !plan.items[slot.index].isBill {
                    invoiceNumbers[slot.index] = nextNumber
                    nextNumber += 1
                }
            case .settlement:
                settlementIds[slot.index] = id
                let settlement = plan.settlements[slot.index]
                for line in settlement.lines {
                    links[line.item].append(id)
                    lastPaid[line.item] = max(lastPaid[line.item], settlement.created)
                }
            case .expense: break
            }
        }

        let usd = Seeder.usd
        let vendorRefs = refs.vendors.map { Company.namedRef($0) }
        let customerRefs = refs.customers.map { Company.namedRef($0) }
        let apRef = Company.namedRef(refs.payable)
        let checkingRef = Company.namedRef(refs.checking)
        let cardRef = Company.namedRef(refs.card)
        let depositRef: WireJSON = ["value": .string(String(refs.checking.id))]
        let billDetails: [WireJSON] = Seeder.expenseAccounts.map { name in
            [
                "AccountRef": Company.namedRef(refs.expenses[name]!), "BillableStatus": "NotBillable",
                "TaxCodeRef": ["value": "NON"],
            ]
        }
        let purchaseDetails: [String: WireJSON] = refs.expenses.mapValues { account in
            ["AccountRef": Company.namedRef(account), "BillableStatus": "NotBillable", "TaxCodeRef": ["value": "NON"]]
        }
        let payees: [WireJSON] = refs.vendors.map { Company.namedRef($0, type: "Vendor") }
        let purchaseEx = Company.internalTxnType.mapValues { ExtensionElements.json([(name: "TxnType", value: $0)]) }
        let serviceRef = Company.namedRef(refs.income)
        let nonTaxable: WireJSON = ["value": "NON"]
        let netTerms: WireJSON = ["value": "3"]
        let checkPrint: WireJSON = "NotSet"
        let noBank = refs.banks.isEmpty
        var checkNumber = 1001

        for (position, slot) in slots.enumerated() {
            let id = ids[position]
            switch slot.kind {
            case .item:
                let item = plan.items[slot.index]
                let settled = item.installments.reduce(0) { $0 + $1.cents }
                let total = Cents.amount(item.cents)
                let balance = Cents.amount(item.cents - settled)
                var body: [String: WireJSON]
                if item.isBill {
                    let line: WireJSON = [
                        "Id": "1", "LineNum": 1, "Amount": .number(total),
                        "DetailType": "AccountBasedExpenseLineDetail",
                        "AccountBasedExpenseLineDetail": billDetails[item.detail],
                    ]
                    body = [
                        "VendorRef": vendorRefs[item.party], "APAccountRef": apRef, "TotalAmt": .number(total),
                        "Balance": .number(balance), "CurrencyRef": usd, "Line": [line], "SalesTermRef": netTerms,
                    ]
                    if !links[slot.index].isEmpty {
                        body["LinkedTxn"] = .array(
                            links[slot.index].map { ["TxnId": .string(String($0)), "TxnType": "BillPaymentCheck"] })
                    }
                    openPayable += item.cents - settled
                } else {
                    let price = Cents.amount(item.cents / item.quantity)
                    let line: WireJSON = [
                        "Id": "1", "LineNum": 1, "Description": "Consulting", "Amount": .number(total),
                        "DetailType": "SalesItemLineDetail",
                        "SalesItemLineDetail": [
                            "ItemRef": serviceRef, "UnitPrice": .number(price),
                            "Qty": .number(Decimal(item.quantity)), "TaxCodeRef": nonTaxable,
                        ],
                    ]
                    let subtotal: WireJSON = [
                        "Amount": .number(total), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": [:],
                    ]
                    body = Seeder.invoiceDefaults
                    body["CustomerRef"] = customerRefs[item.party]
                    body["DocNumber"] = .string(String(invoiceNumbers[slot.index]))
                    body["TotalAmt"] = .number(total)
                    body["Balance"] = .number(balance)
                    body["CurrencyRef"] = usd
                    body["EmailStatus"] = "EmailSent"
                    body["Line"] = [line, subtotal]
                    body["LinkedTxn"] = .array(
                        links[slot.index].map { ["TxnId": .string(String($0)), "TxnType": "Payment"] })
                    openReceivable += item.cents - settled
                }
                body["TxnDate"] = .string(WireTime.formatDate(day: item.txnDay))
                body["DueDate"] = .string(WireTime.formatDate(day: item.dueDay))
                let changes = links[slot.index].count
                company.store(
                    item.isBill ? .bill : .invoice,
                    Record(
                        id: id, syncToken: changes, created: item.created,
                        updated: changes == 0 ? item.created : lastPaid[slot.index], body: body))

            case .settlement:
                let settlement = plan.settlements[slot.index]
                let cents = settlement.lines.reduce(0) { $0 + $1.cents }
                var body: [String: WireJSON] = [
                    "TotalAmt": .number(Cents.amount(cents)), "CurrencyRef": usd,
                    "TxnDate": .string(WireTime.formatDate(day: settlement.day)),
                ]
                if settlement.isBill {
                    let byCard = noBank || vendorTraits[settlement.party].byCard
                    body["VendorRef"] = vendorRefs[settlement.party]
                    body["Line"] = .array(
                        settlement.lines.map { line in
                            [
                                "Amount": .number(Cents.amount(line.cents)),
                                "LinkedTxn": [["TxnId": .string(String(itemIds[line.item])), "TxnType": "Bill"]],
                            ]
                        })
                    if byCard {
                        body["PayType"] = "CreditCard"
                        body["CreditCardPayment"] = ["CCAccountRef": cardRef]
                        cardCharges += cents
                    } else {
                        body["PayType"] = "Check"
                        body["CheckPayment"] = ["BankAccountRef": checkingRef, "PrintStatus": checkPrint]
                        body["DocNumber"] = .string(String(checkNumber))
                        checkNumber += 1
                        checkingFlows.append(-cents)
                    }
                    company.store(
                        .billPayment,
                        Record(
                            id: id, syncToken: 0, created: settlement.created, updated: settlement.created, body: body))
                } else {
                    body["CustomerRef"] = customerRefs[settlement.party]
                    body["DepositToAccountRef"] = depositRef
                    body["UnappliedAmt"] = 0
                    body["ProcessPayment"] = false
                    body["Line"] = .array(
                        settlement.lines.map { line in
                            let invoice = itemIds[line.item]
                            let number = String(invoiceNumbers[line.item])
                            return [
                                "Amount": .number(Cents.amount(line.cents)),
                                "LinkedTxn": [["TxnId": .string(String(invoice)), "TxnType": "Invoice"]],
                                "LineEx": ExtensionElements.json([
                                    (name: "txnId", value: String(invoice)),
                                    (name: "txnOpenBalance", value: Cents.text(line.openBefore)),
                                    (name: "txnReferenceNumber", value: number),
                                ]),
                            ]
                        })
                    checkingFlows.append(cents)
                    company.store(
                        .payment,
                        Record(
                            id: id, syncToken: 0, created: settlement.created, updated: settlement.created, body: body))
                }

            case .expense:
                let expense = plan.expenses[slot.index]
                let total = Cents.amount(expense.cents)
                var body: [String: WireJSON] = [
                    "PaymentType": .string(expense.paymentType), "TotalAmt": .number(total), "CurrencyRef": usd,
                    "TxnDate": .string(WireTime.formatDate(day: expense.day)),
                    "PurchaseEx": purchaseEx[expense.paymentType]!,
                    "Line": [
                        [
                            "Id": "1", "Amount": .number(total), "DetailType": "AccountBasedExpenseLineDetail",
                            "AccountBasedExpenseLineDetail": purchaseDetails[expense.account]!,
                        ]
                    ],
                ]
                if let payee = expense.payee { body["EntityRef"] = payees[payee] }
                if let note = expense.note { body["PrivateNote"] = .string(note) }
                switch expense.paymentType {
                case "CreditCard":
                    body["AccountRef"] = cardRef
                    body["Credit"] = false
                    cardCharges += expense.cents
                case "Check":
                    body["AccountRef"] = checkingRef
                    body["PrintStatus"] = checkPrint
                    body["DocNumber"] = .string(String(checkNumber))
                    checkNumber += 1
                    checkingFlows.append(-expense.cents)
                default:
                    body["AccountRef"] = checkingRef
                    checkingFlows.append(-expense.cents)
                }
                company.store(
                    .purchase,
                    Record(id: id, syncToken: 0, created: expense.created, updated: expense.created, body: body))
            }
        }
    }

    /// Balances that agree with the history: checking holds the sum of its flows and never went
    /// below `cushion`; the card owes its opening balance and every charge; A/P and A/R hold
    /// what is open. As QBO shows them, liabilities are negative.
    func setBalances(in company: inout Company, dice: inout SeedDice, receivable: Record) {
        var running = 0
        var lowest = 0
        for flow in checkingFlows {
            running += flow
            lowest = min(lowest, running)
        }
        let cushion = dice.int(500_000...15_000_000)
        set(refs.checking, cushion - lowest + running, in: &company)
        for bank in refs.banks.dropFirst() { set(bank, dice.int(500_000...15_000_000), in: &company) }
        set(refs.card, -(dice.int(10_000...300_000) + cardCharges), in: &company)
        set(refs.payable, -openPayable, in: &company)
        set(receivable, openReceivable, in: &company)
    }

    private func set(_ account: Record, _ cents: Int, in company: inout Company) {
        guard var record = company.record(.account, account.id) else { return }
        record.body["CurrentBalance"] = .number(Cents.amount(cents))
        record.body["CurrentBalanceWithSubAccounts"] = .number(Cents.amount(cents))
        company.store(.account, record)
    }
}
