import Foundation

/// `Purchase`: an expense paid at once by check, cash or credit card, that never was a bill.
extension Company {
    /// QBO's internal transaction type, which it reports in `PurchaseEx` (`TxnType`): 3 for a check
    /// (a recorded check), 54 for an expense paid from a bank account (recorded cash expenses), 1 for
    /// a credit card charge as in the recordings of purchase_creditcard.json.
    static let internalTxnType = ["Check": "3", "Cash": "54", "CreditCard": "1"]

    /// Creates a Purchase (`replacing` nil) or updates one, after checking it as QBO does:
    /// `PaymentType` is `Cash`, `Check` or `CreditCard`; `AccountRef` is the account paid from (a
    /// Bank account, a Credit Card account for `CreditCard`); every line is an
    /// `AccountBasedExpenseLineDetail` with its expense `AccountRef`; `TotalAmt` is the sum of the
    /// lines; `EntityRef` (the payee) is optional. Nothing changes unless every check passes.
    mutating func savePurchase(_ input: [String: WireJSON], replacing old: Record?, now: Int64) throws(QBOFault) -> Record {
        var body = input
        guard let paymentField = body["PaymentType"] else { throw .missing("PaymentType") }
        guard let paymentType = paymentField.stringValue, let txnType = Self.internalTxnType[paymentType] else {
            throw .badRequest("PaymentType must be Cash, Check or CreditCard, not \(paymentField.serialized().prefix(40))", element: "PaymentType")
        }
        let account = try resolve("AccountRef", body["AccountRef"], as: .account)
        let accountType = account.body["AccountType"]?.stringValue ?? ""
        let allowed = paymentType == "CreditCard" ? ["Credit Card"] : (paymentType == "Cash" ? ["Bank", "Other Current Asset"] : ["Bank"])
        guard allowed.contains(accountType) else {
            throw .business("a \(paymentType) purchase is paid from a \(allowed.joined(separator: " or ")) account; account \(account.id) is \(accountType)",
                            element: "AccountRef")
        }
        body["AccountRef"] = Self.namedRef(account)
        if let credit = body["Credit"] {
            guard let flag = credit.boolValue else { throw .badRequest("Credit must be true or false", element: "Credit") }
            guard paymentType == "CreditCard" || !flag else {
                throw .badRequest("Credit (a refund) applies to CreditCard purchases only", element: "Credit")
            }
            body["Credit"] = .bool(flag)
        } else if paymentType == "CreditCard" {
            body["Credit"] = false
        }
        if let payee = body["EntityRef"] { body["EntityRef"] = try payeeRef(payee) }
        try Self.checkDates(body)
        guard let lines = body["Line"]?.arrayValue, !lines.isEmpty else { throw .missing("Line") }
        var total = Decimal(0)
        var normalized: [WireJSON] = []
        for (index, line) in lines.enumerated() {
            guard var object = line.objectValue, let amount = object["Amount"]?.decimalValue else { throw .missing("Line.Amount") }
            let detailType = object["DetailType"]?.stringValue ?? "AccountBasedExpenseLineDetail"
            guard detailType == "AccountBasedExpenseLineDetail" else {
                throw .unsupported("the sandbox holds no items: a Purchase line is an AccountBasedExpenseLineDetail, not \(detailType)",
                                   element: "Line.DetailType")
            }
            guard var detail = object["AccountBasedExpenseLineDetail"]?.objectValue else {
                throw .missing("Line.AccountBasedExpenseLineDetail.AccountRef")
            }
            let expense = try resolve("Line.AccountBasedExpenseLineDetail.AccountRef", detail["AccountRef"], as: .account)
            detail["AccountRef"] = Self.namedRef(expense)
            // What QBO fills in for a company that does not track billable expenses or sales tax.
            if detail["BillableStatus"] == nil { detail["BillableStatus"] = "NotBillable" }
            if detail["TaxCodeRef"] == nil { detail["TaxCodeRef"] = ["value": "NON"] }
            object["AccountBasedExpenseLineDetail"] = .object(detail)
            object["DetailType"] = .string(detailType)
            if object["Id"] == nil { object["Id"] = .string(String(index + 1)) }
            total += amount
            normalized.append(.object(object))
        }
        if let given = body["TotalAmt"] {
            guard given.decimalValue == total else {
                throw .business("TotalAmt \(given.serialized().prefix(40)) differs from the sum of the lines \(total)", element: "TotalAmt")
            }
        }
        guard total >= 0 else { throw .business("the lines add up to \(total): a purchase cannot be negative", element: "Line.Amount") }
        body["Line"] = .array(normalized)
        body["TotalAmt"] = .number(total)
        if body["PurchaseEx"] == nil || old?.body["PaymentType"] != body["PaymentType"] {
            body["PurchaseEx"] = ExtensionElements.json([(name: "TxnType", value: txnType)])
        }
        if paymentType == "Check", body["PrintStatus"] == nil { body["PrintStatus"] = "NotSet" }
        if body["TxnDate"] == nil { body["TxnDate"] = .string(WireTime.formatDate(day: WireTime.localDay(now))) }
        if body["CurrencyRef"] == nil { body["CurrencyRef"] = Seeder.usd }
        let stored = old.map { effects(of: .purchase, $0.body) } ?? .none
        var record = old ?? Record(id: allocateId(), syncToken: 0, created: now, updated: now, body: [:])
        if old != nil {
            record.syncToken += 1
            record.updated = max(now, record.updated)
        }
        record.body = body
        store(.purchase, record)
        transition(.purchase, id: record.id, from: stored, to: effects(of: .purchase, body), now: now)
        return record
    }

    /// The payee of a purchase: a vendor or a customer of the company (`"type"` says which; without
    /// it, whichever holds the id), answered with its name and type.
    private func payeeRef(_ ref: WireJSON) throws(QBOFault) -> WireJSON {
        let type = ref["type"]?.stringValue
        let kinds: [EntityName]
        switch type {
        case nil: kinds = [.vendor, .customer]
        case "Vendor": kinds = [.vendor]
        case "Customer": kinds = [.customer]
        default:
            throw .invalidReference("EntityRef type \(type!) is not held by the sandbox: name a Vendor or a Customer", element: "EntityRef")
        }
        let text = ref["value"]?.lenientText ?? ""
        for kind in kinds {
            if let id = Int(text), let record = record(kind, id) { return Self.namedRef(record, type: kind.rawValue) }
        }
        throw .invalidReference("EntityRef \(text) is not a \(kinds.map(\.rawValue).joined(separator: " or ")) of this company", element: "EntityRef")
    }
}
