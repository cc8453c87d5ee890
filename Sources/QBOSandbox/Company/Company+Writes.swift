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
            try Self.checkDates(body)
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
        case .payment:
            return try savePayment(body, replacing: nil, now: now)
        case .purchase:
            return try savePurchase(body, replacing: nil, now: now)
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
        if entity == .payment || entity == .purchase {
            // A full update replaces every field the client sets; the server's own fields are recomputed.
            var body = sparse ? record.body.merging(changes) { $1 } : changes
            if entity == .payment, !sparse, let deposits = record.body["LinkedTxn"] { body["LinkedTxn"] = deposits }
            // A purchase's total is its lines': only a total the client sends now is checked against them.
            if entity == .purchase, changes["TotalAmt"] == nil { body["TotalAmt"] = nil }
            return entity == .payment ? try savePayment(body, replacing: record, now: now) : try savePurchase(body, replacing: record, now: now)
        }
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
        if entity == .bill || entity == .invoice { try Self.checkDates(changes) }
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

    /// `POST …/{billpayment|payment}?operation=update&include=void`, `POST …/invoice?operation=void`:
    /// amounts go to zero, the documents a payment settled reopen, the money returns.
    mutating func void(_ entity: EntityName, body: [String: WireJSON], now: Int64) throws(QBOFault) -> Record {
        guard [.billPayment, .payment, .invoice].contains(entity) else {
            throw .unsupported("void applies to BillPayment, Payment and Invoice, not \(entity.rawValue)\(entity == .purchase ? ": delete a Purchase instead" : "")")
        }
        guard let idText = body["Id"]?.lenientText else { throw .missing("Id") }
        guard let id = Int(idText), var record = record(entity, id) else { throw .notFound(entity.rawValue, idText) }
        guard let token = body["SyncToken"]?.lenientText else { throw .missing("SyncToken") }
        guard Int(token) == record.syncToken else { throw .stale(entity.rawValue, idText, current: record.syncToken) }
        if entity == .invoice {
            // QBO will not void an invoice that still has a payment applied.
            let payments = (record.body["LinkedTxn"]?.arrayValue ?? []).filter { $0["TxnType"]?.stringValue == "Payment" }
            if let first = payments.first?["TxnId"]?.lenientText {
                throw .business("invoice \(id) has payment \(first) applied: void or delete the payment first", element: "LinkedTxn")
            }
        }
        transition(entity, id: id, from: effects(of: entity, record.body), to: .none, now: now)
        record.body["TotalAmt"] = 0
        if entity == .invoice { record.body["Balance"] = 0 }
        if entity == .payment { record.body["UnappliedAmt"] = 0 }
        if let lines = record.body["Line"]?.arrayValue {
            record.body["Line"] = .array(lines.map { line in
                guard var object = line.objectValue else { return line }
                object["Amount"] = 0
                return .object(object)
            })
        }
        // "Voided" is prepended to the memo a person wrote, if any (a voided payment reads "Voided - RC 93").
        let note = record.body["PrivateNote"]?.stringValue ?? ""
        if !note.hasPrefix("Voided") { record.body["PrivateNote"] = .string(note.isEmpty ? "Voided" : "Voided - " + note) }
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

    func firstAccount(ofType type: String) -> Record? {
        guard let table = tables[.account] else { return nil }
        return table.orderedIds.lazy.compactMap { table.records[$0] }.first { $0.body["AccountType"]?.stringValue == type }
    }
}
