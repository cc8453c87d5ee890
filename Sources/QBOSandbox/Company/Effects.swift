import Foundation

/// What a money-moving transaction (BillPayment, Payment, Purchase) does to the rest of its
/// company: the open balances of the documents it settles and the balances of the accounts it
/// moves. Always derived from the transaction's stored body, so a create applies its effects, a
/// delete or void takes them back, and an update applies only the difference.
struct Effects: Equatable, Sendable {
    struct Document: Hashable, Sendable, Comparable {
        var entity: EntityName
        var id: Int

        static func < (a: Document, b: Document) -> Bool { a.id < b.id }
    }

    /// Amount settled per document (a bill, an invoice).
    var settled: [Document: Decimal] = [:]
    /// Change of `CurrentBalance` per account id.
    var accounts: [Int: Decimal] = [:]

    static let none = Effects()
}

extension EntityName {
    /// The documents a transaction settles, and the `TxnType` a settled document links it by.
    var settles: (document: EntityName, linkType: String)? {
        switch self {
        // Real QBO links a paid bill with "BillPaymentCheck" whatever the pay type (fixture bill_paid_linkedtxn.json).
        case .billPayment: return (.bill, "BillPaymentCheck")
        // Fixture change_data_capture_response.xml: the paid invoice links the Payment.
        case .payment: return (.invoice, "Payment")
        default: return nil
        }
    }
}

extension Company {
    /// The effects of a transaction as stored (none for entities that move no money).
    func effects(of entity: EntityName, _ body: [String: WireJSON]) -> Effects {
        var effects = Effects()
        if let settles = entity.settles {
            for line in body["Line"]?.arrayValue ?? [] {
                guard let amount = line["Amount"]?.decimalValue, amount > 0 else { continue }
                for link in line["LinkedTxn"]?.arrayValue ?? [] where link["TxnType"]?.stringValue == settles.document.rawValue {
                    guard let id = link["TxnId"]?.lenientText.flatMap({ Int($0) }) else { continue }
                    effects.settled[Effects.Document(entity: settles.document, id: id), default: 0] += amount
                }
            }
        }
        let total = body["TotalAmt"]?.decimalValue ?? 0
        func account(_ ref: WireJSON?) -> Int? { ref?["value"]?.lenientText.flatMap { Int($0) } }
        let moved: (Int?, Decimal)
        switch entity {
        case .billPayment:
            moved = (account(body["CheckPayment"]?["BankAccountRef"] ?? body["CreditCardPayment"]?["CCAccountRef"]), -total)
        case .payment:
            moved = (account(body["DepositToAccountRef"]), total)
        case .purchase:
            // A credit card credit (a refund, "Credit": true) gives the money back.
            moved = (account(body["AccountRef"]), body["Credit"]?.boolValue == true ? total : -total)
        default:
            moved = (nil, 0)
        }
        if let id = moved.0, moved.1 != 0 { effects.accounts[id, default: 0] += moved.1 }
        return effects
    }

    /// What a document has left to settle once `old` (the stored version of the transaction being
    /// changed) is taken back.
    func openBalance(_ document: Effects.Document, without old: Effects) -> Decimal? {
        guard let record = record(document.entity, document.id) else { return nil }
        return (record.body["Balance"]?.decimalValue ?? 0) + (old.settled[document] ?? 0)
    }

    /// Moves the company from a transaction's old effects to its new ones: a create goes from
    /// ``Effects/none``, a delete or void to it. A settled document whose amount changes gets its
    /// `Balance`, its `LinkedTxn` to the transaction, a new SyncToken and LastUpdatedTime; a
    /// document whose amount stays is not touched, so CDC reports only what changed.
    mutating func transition(_ entity: EntityName, id: Int, from old: Effects, to new: Effects, now: Int64) {
        if let settles = entity.settles {
            let txnId = String(id)
            for document in Set(old.settled.keys).union(new.settled.keys).sorted() {
                let before = old.settled[document] ?? 0, after = new.settled[document] ?? 0
                guard before != after, var record = record(document.entity, document.id) else { continue }
                record.body["Balance"] = .number((record.body["Balance"]?.decimalValue ?? 0) + before - after)
                var links = record.body["LinkedTxn"]?.arrayValue ?? []
                let linked = links.contains { $0["TxnId"]?.lenientText == txnId && $0["TxnType"]?.stringValue == settles.linkType }
                if after > 0, !linked {
                    links.append(["TxnId": .string(txnId), "TxnType": .string(settles.linkType)])
                } else if after <= 0 {
                    links.removeAll { $0["TxnId"]?.lenientText == txnId && $0["TxnType"]?.stringValue == settles.linkType }
                }
                // An open invoice renders "LinkedTxn": [] (fixture invoice_open.json); an open bill has none.
                record.body["LinkedTxn"] = links.isEmpty && document.entity != .invoice ? nil : .array(links)
                record.syncToken += 1
                record.updated = max(now, record.updated)
                store(document.entity, record)
            }
        }
        for account in Set(old.accounts.keys).union(new.accounts.keys).sorted() {
            let delta = (new.accounts[account] ?? 0) - (old.accounts[account] ?? 0)
            if delta != 0 { adjustBalance(account, by: delta) }
        }
    }

    /// As in QBO, a balance change does not move the account's SyncToken or LastUpdatedTime.
    mutating func adjustBalance(_ accountId: Int, by delta: Decimal) {
        guard var account = record(.account, accountId) else { return }
        for key in ["CurrentBalance", "CurrentBalanceWithSubAccounts"] {
            account.body[key] = .number((account.body[key]?.decimalValue ?? 0) + delta)
        }
        store(.account, account)
    }
}
