import Foundation

extension Company {
    private static let managedKeys: Set<String> = ["Id", "SyncToken", "MetaData", "domain", "sparse", "status"]

    /// `POST …/{entity}`: a body without `Id` creates, with `Id` updates (sparse or full).
    mutating func write(_ entity: EntityName, body: [String: WireJSON], now: Int64) throws(QBOFault) -> Record {
        if let idValue = body["Id"] {
            return try update(entity, body: body, idValue: idValue, now: now)
        }
        return try create(entity, body: body, now: now)
    }

    private mutating func create(_ entity: EntityName, body input: [String: WireJSON], now: Int64) throws(QBOFault) -> Record {
        var body = input.filter { !Self.managedKeys.contains($0.key) }
        let today = WireTime.formatDate(day: WireTime.localDay(now))
        switch entity {
        case .bill, .invoice:
            let party = entity == .bill ? "VendorRef" : "CustomerRef"
            guard let ref = body[party]?["value"]?.lenientText else { throw .missing(party) }
            let partyKind: EntityName = entity == .bill ? .vendor : .customer
            guard let partyId = Int(ref), record(partyKind, partyId) != nil else {
                throw .invalidReference("\(party) \(ref) is not a \(partyKind.rawValue) of this company")
            }
            guard let lines = body["Line"]?.arrayValue, !lines.isEmpty else { throw .missing("Line") }
            let total = try Self.total(of: lines)
            body["TotalAmt"] = .number(total)
            body["Balance"] = .number(total)
            if body["TxnDate"] == nil { body["TxnDate"] = .string(today) }
            if body["DueDate"] == nil { body["DueDate"] = body["TxnDate"] }
            if body["CurrencyRef"] == nil { body["CurrencyRef"] = ["value": "USD", "name": "United States Dollar"] }
            if entity == .bill, body["APAccountRef"] == nil, let payable = firstAccount(ofType: "Accounts Payable") {
                body["APAccountRef"] = ["value": .string(String(payable.id)), "name": payable.body["Name"] ?? ""]
            }
            if entity == .invoice {
                // The fields QBO fills in on a new invoice of a company without online payments.
                let defaults: [String: WireJSON] = [
                    "AllowIPNPayment": false, "AllowOnlinePayment": false, "AllowOnlineCreditCardPayment": false,
                    "AllowOnlineACHPayment": false, "ApplyTaxAfterDiscount": false, "PrintStatus": "NotSet",
                    "EmailStatus": "NotSet", "TxnTaxDetail": ["TotalTax": 0], "LinkedTxn": []]
                for (key, value) in defaults where body[key] == nil { body[key] = value }
            }
        case .billPayment:
            return try createBillPayment(body: body, now: now)
        case .account:
            guard body["Name"]?.stringValue?.isEmpty == false else { throw .missing("Name") }
            guard body["AccountType"]?.stringValue != nil else { throw .missing("AccountType") }
            if body["CurrentBalance"] == nil { body["CurrentBalance"] = 0 }
            if body["CurrentBalanceWithSubAccounts"] == nil { body["CurrentBalanceWithSubAccounts"] = body["CurrentBalance"] }
            if body["Active"] == nil { body["Active"] = true }
        case .vendor, .customer:
            guard body["DisplayName"]?.stringValue?.isEmpty == false else { throw .missing("DisplayName") }
            if body["Active"] == nil { body["Active"] = true }
        }
        let record = Record(id: allocateId(), syncToken: 0, created: now, updated: now, body: body)
        store(entity, record)
        return record
    }

    private mutating func update(_ entity: EntityName, body input: [String: WireJSON], idValue: WireJSON,
                                 now: Int64) throws(QBOFault) -> Record {
        let idText = idValue.lenientText ?? ""
        guard let id = Int(idText), var record = record(entity, id) else { throw .notFound(entity.rawValue, idText) }
        guard let token = input["SyncToken"]?.lenientText else { throw .missing("SyncToken") }
        guard Int(token) == record.syncToken else { throw .stale(entity.rawValue, idText, current: record.syncToken) }
        let changes = input.filter { !Self.managedKeys.contains($0.key) }
        let sparse = input["sparse"]?.boolValue ?? false
        let old = record.body
        if entity == .billPayment, changes["Line"] != nil || changes["TotalAmt"] != nil {
            throw .business("the sandbox does not change the amounts of a BillPayment: void it and create a new one")
        }
        if sparse {
            for (key, value) in changes { record.body[key] = value }
        } else {
            record.body = changes
            // Fields the client cannot set stay as the server computed them.
            for key in ["TotalAmt", "Balance", "LinkedTxn", "CurrentBalance", "CurrentBalanceWithSubAccounts"] where old[key] != nil {
                record.body[key] = old[key]
            }
        }
        if entity == .bill || entity == .invoice, let lines = changes["Line"]?.arrayValue {
            let oldTotal = old["TotalAmt"]?.decimalValue ?? 0
            let paid = oldTotal - (old["Balance"]?.decimalValue ?? oldTotal)
            let total = try Self.total(of: lines)
            guard total >= paid else { throw .business("the new total \(total) is less than the \(paid) already paid") }
            record.body["TotalAmt"] = .number(total)
            record.body["Balance"] = .number(total - paid)
        }
        record.syncToken += 1
        record.updated = max(now, record.updated)
        store(entity, record)
        return record
    }

    /// `POST …?operation=delete` with `{"Id", "SyncToken"}`.
    mutating func apiDelete(_ entity: EntityName, body: [String: WireJSON], now: Int64) throws(QBOFault) -> Record {
        guard let idText = body["Id"]?.lenientText else { throw .missing("Id") }
        guard let id = Int(idText), let record = record(entity, id) else { throw .notFound(entity.rawValue, idText) }
        guard let token = body["SyncToken"]?.lenientText else { throw .missing("SyncToken") }
        guard Int(token) == record.syncToken else { throw .stale(entity.rawValue, idText, current: record.syncToken) }
        if entity.isList {
            throw .unsupported("\(entity.rawValue) cannot be deleted: make it inactive with \"Active\": false")
        }
        return try delete(entity, id: id, now: now)
    }

    /// `POST …/billpayment?operation=update&include=void`: amounts go to zero, bills reopen.
    mutating func void(_ entity: EntityName, body: [String: WireJSON], now: Int64) throws(QBOFault) -> Record {
        guard entity == .billPayment || entity == .invoice else {
            throw .unsupported("void applies to BillPayment and Invoice, not \(entity.rawValue)")
        }
        guard let idText = body["Id"]?.lenientText else { throw .missing("Id") }
        guard let id = Int(idText), var record = record(entity, id) else { throw .notFound(entity.rawValue, idText) }
        guard let token = body["SyncToken"]?.lenientText else { throw .missing("SyncToken") }
        guard Int(token) == record.syncToken else { throw .stale(entity.rawValue, idText, current: record.syncToken) }
        if entity == .billPayment { try reverseEffects(of: record, now: now) }
        record.body["TotalAmt"] = 0
        if entity == .invoice { record.body["Balance"] = 0 }
        if let lines = record.body["Line"]?.arrayValue {
            record.body["Line"] = .array(lines.map { line in
                guard var object = line.objectValue else { return line }
                object["Amount"] = 0
                return .object(object)
            })
        }
        record.body["PrivateNote"] = "Voided"
        record.syncToken += 1
        record.updated = max(now, record.updated)
        store(entity, record)
        return record
    }

    static func total(of lines: [WireJSON]) throws(QBOFault) -> Decimal {
        var total = Decimal(0)
        for line in lines {
            if line["DetailType"]?.stringValue == "SubTotalLineDetail" { continue }
            guard let amount = line["Amount"]?.decimalValue else { throw .missing("Line.Amount") }
            total += line["DetailType"]?.stringValue == "DiscountLineDetail" ? -amount : amount
        }
        return total
    }

    // MARK: Bill payments

    private mutating func createBillPayment(body input: [String: WireJSON], now: Int64) throws(QBOFault) -> Record {
        var body = input
        guard let vendor = body["VendorRef"]?["value"]?.lenientText else { throw .missing("VendorRef") }
        let payType = body["PayType"]?.stringValue ?? "Check"
        let accountRef: WireJSON?
        switch payType {
        case "Check": accountRef = body["CheckPayment"]?["BankAccountRef"]
        case "CreditCard": accountRef = body["CreditCardPayment"]?["CCAccountRef"]
        default: throw .badRequest("PayType must be Check or CreditCard, not \(payType)")
        }
        guard let accountText = accountRef?["value"]?.lenientText else {
            throw .missing(payType == "Check" ? "CheckPayment.BankAccountRef" : "CreditCardPayment.CCAccountRef")
        }
        guard let accountId = Int(accountText), record(.account, accountId) != nil else {
            throw .invalidReference("account \(accountText) does not exist")
        }
        guard let lines = body["Line"]?.arrayValue, !lines.isEmpty else { throw .missing("Line") }
        var payments: [(bill: Int, amount: Decimal)] = []
        for line in lines {
            guard let amount = line["Amount"]?.decimalValue else { throw .missing("Line.Amount") }
            guard amount > 0 else { throw .business("a payment line must pay a positive amount, not \(amount)") }
            let links = line["LinkedTxn"]?.arrayValue ?? []
            guard let link = links.first, links.count == 1 else { throw .missing("Line.LinkedTxn") }
            guard let billText = link["TxnId"]?.lenientText, let billId = Int(billText),
                  let bill = record(.bill, billId) else {
                throw .invalidReference("bill \(link["TxnId"]?.lenientText ?? "") does not exist")
            }
            guard bill.body["VendorRef"]?["value"]?.lenientText == vendor else {
                throw .business("bill \(billId) belongs to another vendor than \(vendor)")
            }
            let already = payments.filter { $0.bill == billId }.reduce(Decimal(0)) { $0 + $1.amount }
            let balance = bill.body["Balance"]?.decimalValue ?? 0
            guard amount + already <= balance else {
                throw .business("the payment of \(amount + already) exceeds the open balance \(balance) of bill \(billId)")
            }
            payments.append((billId, amount))
        }
        let sum = payments.reduce(Decimal(0)) { $0 + $1.amount }
        if let total = body["TotalAmt"]?.decimalValue {
            guard total == sum else { throw .business("TotalAmt \(total) differs from the sum of the lines \(sum)") }
        }
        body["TotalAmt"] = .number(sum)
        body["PayType"] = .string(payType)
        if payType == "Check", var check = body["CheckPayment"]?.objectValue, check["PrintStatus"] == nil {
            check["PrintStatus"] = "NotSet"
            body["CheckPayment"] = .object(check)
        }
        if body["TxnDate"] == nil { body["TxnDate"] = .string(WireTime.formatDate(day: WireTime.localDay(now))) }
        if body["CurrencyRef"] == nil { body["CurrencyRef"] = ["value": "USD", "name": "United States Dollar"] }
        let id = allocateId()
        for (billId, amount) in payments {
            var bill = record(.bill, billId)!
            bill.body["Balance"] = .number((bill.body["Balance"]?.decimalValue ?? 0) - amount)
            var linked = bill.body["LinkedTxn"]?.arrayValue ?? []
            // Real QBO links a paid bill with "BillPaymentCheck" whatever the pay type (fixture bill_paid_linkedtxn.json).
            linked.append(["TxnId": .string(String(id)), "TxnType": "BillPaymentCheck"])
            bill.body["LinkedTxn"] = .array(linked)
            bill.syncToken += 1
            bill.updated = max(now, bill.updated)
            store(.bill, bill)
        }
        adjustBalance(accountId, by: -sum)
        let record = Record(id: id, syncToken: 0, created: now, updated: now, body: body)
        store(.billPayment, record)
        return record
    }

    /// Undoes a payment's effects (void, delete): the bills reopen, the account gets its money back.
    mutating func reverseEffects(of payment: Record, now: Int64) throws(QBOFault) {
        let paymentId = String(payment.id)
        for line in payment.body["Line"]?.arrayValue ?? [] {
            guard let amount = line["Amount"]?.decimalValue, amount > 0 else { continue }
            for link in line["LinkedTxn"]?.arrayValue ?? [] {
                guard let billId = link["TxnId"]?.lenientText.flatMap({ Int($0) }), var bill = record(.bill, billId) else { continue }
                bill.body["Balance"] = .number((bill.body["Balance"]?.decimalValue ?? 0) + amount)
                let linked = (bill.body["LinkedTxn"]?.arrayValue ?? []).filter { $0["TxnId"]?.lenientText != paymentId }
                bill.body["LinkedTxn"] = linked.isEmpty ? nil : .array(linked)
                bill.syncToken += 1
                bill.updated = max(now, bill.updated)
                store(.bill, bill)
            }
        }
        let accountRef = payment.body["CheckPayment"]?["BankAccountRef"] ?? payment.body["CreditCardPayment"]?["CCAccountRef"]
        if let accountId = accountRef?["value"]?.lenientText.flatMap({ Int($0) }),
           let total = payment.body["TotalAmt"]?.decimalValue {
            adjustBalance(accountId, by: total)
        }
    }

    func firstAccount(ofType type: String) -> Record? {
        guard let table = tables[.account] else { return nil }
        return table.orderedIds.lazy.compactMap { table.records[$0] }.first { $0.body["AccountType"]?.stringValue == type }
    }

    /// As in QBO, a balance change does not move the account's SyncToken or LastUpdatedTime.
    private mutating func adjustBalance(_ accountId: Int, by delta: Decimal) {
        guard var account = record(.account, accountId) else { return }
        for key in ["CurrentBalance", "CurrentBalanceWithSubAccounts"] {
            account.body[key] = .number((account.body[key]?.decimalValue ?? 0) + delta)
        }
        store(.account, account)
    }
}
