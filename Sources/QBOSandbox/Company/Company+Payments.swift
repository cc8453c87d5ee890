import Foundation

/// `Payment`: money received from a customer, applied to that customer's invoices.
extension Company {
    /// Creates a Payment (`replacing` nil) or updates one, after checking it as QBO does:
    /// `CustomerRef` and `TotalAmt` are required; each line links one invoice of that customer and
    /// applies no more than its open balance; the lines apply no more than `TotalAmt` (the rest is
    /// `UnappliedAmt`); `DepositToAccountRef` names a Bank or Other Current Asset account and
    /// defaults to Undeposited Funds. Nothing changes unless every check passes.
    mutating func savePayment(_ input: [String: WireJSON], replacing old: Record?, now: Int64) throws(QBOFault) -> Record {
        var body = input
        let stored = old.map { effects(of: .payment, $0.body) } ?? .none
        let customer = try resolve("CustomerRef", body["CustomerRef"], as: .customer)
        body["CustomerRef"] = Self.namedRef(customer)
        guard let totalField = body["TotalAmt"] else { throw .missing("TotalAmt") }
        guard let total = totalField.decimalValue else {
            throw .badRequest("TotalAmt must be a number, not \(totalField.serialized().prefix(40))", element: "TotalAmt")
        }
        guard total >= 0 else { throw .business("a payment's TotalAmt cannot be negative (\(total))", element: "TotalAmt") }
        try Self.checkDates(body)
        var deposit: Record?
        if let ref = body["DepositToAccountRef"] {
            let account = try resolve("DepositToAccountRef", ref, as: .account)
            let type = account.body["AccountType"]?.stringValue ?? ""
            guard type == "Bank" || type == "Other Current Asset" else {
                throw .business("a payment is deposited to a Bank or Other Current Asset account; account \(account.id) is \(type)",
                                element: "DepositToAccountRef")
            }
            deposit = account
            body["DepositToAccountRef"] = ["value": .string(String(account.id))]
        } else {
            deposit = undepositedFunds()
        }
        if let field = body["Line"], field.arrayValue == nil {
            throw .badRequest("Line must be an array of {Amount, LinkedTxn}", element: "Line")
        }
        var applied = Effects()
        var lines: [WireJSON] = []
        for line in body["Line"]?.arrayValue ?? [] {
            guard var object = line.objectValue, let amount = object["Amount"]?.decimalValue else { throw .missing("Line.Amount") }
            guard amount > 0 else {
                throw .business("a payment line must apply a positive amount, not \(amount)", element: "Line.Amount")
            }
            let links = object["LinkedTxn"]?.arrayValue ?? []
            guard var link = links.first?.objectValue else { throw .missing("Line.LinkedTxn") }
            guard links.count == 1 else {
                throw .badRequest("a payment line links one invoice, not \(links.count): use one line per invoice", element: "Line.LinkedTxn")
            }
            let type = link["TxnType"]?.stringValue ?? "Invoice"
            guard type == "Invoice" else {
                throw .unsupported("the sandbox applies payments to invoices only, not to a \(type)", element: "Line.LinkedTxn.TxnType")
            }
            let idText = link["TxnId"]?.lenientText ?? ""
            guard let invoiceId = Int(idText), let invoice = record(.invoice, invoiceId) else {
                throw .invalidReference("invoice \(idText) does not exist", element: "Line.LinkedTxn.TxnId")
            }
            guard invoice.body["CustomerRef"]?["value"]?.lenientText == String(customer.id) else {
                throw .business("invoice \(invoiceId) belongs to another customer than \(customer.id)", element: "Line.LinkedTxn.TxnId")
            }
            let key = Effects.Document(entity: .invoice, id: invoiceId)
            let open = (openBalance(key, without: stored) ?? 0) - (applied.settled[key] ?? 0)
            guard amount <= open else {
                throw .business("the payment of \(amount) exceeds the open balance \(open) of invoice \(invoiceId)", element: "Line.Amount")
            }
            applied.settled[key, default: 0] += amount
            link["TxnId"] = .string(idText)
            link["TxnType"] = "Invoice"
            object["LinkedTxn"] = [.object(link)]
            object["LineEx"] = Self.lineEx(invoice, openBefore: open)
            lines.append(.object(object))
        }
        let sum = applied.settled.values.reduce(Decimal(0), +)
        guard sum <= total else {
            throw .business("the lines apply \(sum), more than the payment's TotalAmt \(total)", element: "TotalAmt")
        }
        body["Line"] = .array(lines)
        body["TotalAmt"] = .number(total)
        body["UnappliedAmt"] = .number(total - sum)
        if body["ProcessPayment"] == nil { body["ProcessPayment"] = false }
        if body["TxnDate"] == nil { body["TxnDate"] = .string(WireTime.formatDate(day: WireTime.localDay(now))) }
        if body["CurrencyRef"] == nil { body["CurrencyRef"] = Seeder.usd }
        // Every check passed: from here on the company changes.
        let depositId = deposit?.id ?? createUndepositedFunds(now: now)
        // As recorded, QBO answers the deposit account without its name.
        body["DepositToAccountRef"] = ["value": .string(String(depositId))]
        var record = old ?? Record(id: allocateId(), syncToken: 0, created: now, updated: now, body: [:])
        if old != nil {
            record.syncToken += 1
            record.updated = max(now, record.updated)
        }
        record.body = body
        store(.payment, record)
        transition(.payment, id: record.id, from: stored, to: effects(of: .payment, body), now: now)
        return record
    }

    /// What QBO tells about the invoice a line settles, in the line's `LineEx`.
    static func lineEx(_ invoice: Record, openBefore: Decimal) -> WireJSON {
        var pairs = [(name: "txnId", value: String(invoice.id)), (name: "txnOpenBalance", value: amountText(openBefore))]
        if let number = invoice.body["DocNumber"]?.lenientText { pairs.append((name: "txnReferenceNumber", value: number)) }
        return ExtensionElements.json(pairs)
    }

    /// The account QBO holds received payments in until they are deposited.
    func undepositedFunds() -> Record? {
        guard let table = tables[.account] else { return nil }
        return table.orderedIds.lazy.compactMap { table.records[$0] }.first { $0.body["AccountSubType"]?.stringValue == "UndepositedFunds" }
    }

    /// QBO has Undeposited Funds in every company; the sandbox adds it when a payment first needs
    /// it, so a company seeded without history keeps exactly its seeded chart of accounts until then.
    mutating func createUndepositedFunds(now: Int64) -> Int {
        let record = Record(id: allocateId(), syncToken: 0, created: now, updated: now, body: [
            "Name": "Undeposited Funds", "FullyQualifiedName": "Undeposited Funds", "SubAccount": false, "Active": true,
            "Classification": "Asset", "AccountType": "Other Current Asset", "AccountSubType": "UndepositedFunds",
            "CurrentBalance": 0, "CurrentBalanceWithSubAccounts": 0, "CurrencyRef": Seeder.usd])
        store(.account, record)
        return record.id
    }
}
