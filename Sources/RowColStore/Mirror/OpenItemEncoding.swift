import Foundation
import RowColDomain
import RowColJSON

/// Hand-written writers of the open-item types (``Bill``, ``Invoice``) into the tree that
/// `JSONValue(encoding:)` builds of them, with no `Encoder`: a sync maps every bill and invoice of
/// a page, and the generic path was a tenth of a full sync's time. Each builds exactly what the
/// type's `Encodable` conformance encodes (absent optionals left out); tests hold them to it.
enum OpenItemEncoding {
    /// The tree of `value` when it is an open-item type, else nil (the caller encodes it generically).
    static func tree(of value: some Encodable) -> JSONValue? {
        if let bill = value as? Bill { return Self.bill(bill) }
        if let invoice = value as? Invoice { return Self.invoice(invoice) }
        return nil
    }

    static func bill(_ bill: Bill) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(bill.id.rawValue), "vendor": party(bill.vendor), "total": money(bill.total),
            "balance": money(bill.balance), "linked_payment_ids": .array(bill.linkedPaymentIDs.map(JSONValue.string)),
        ]
        members["doc_number"] = bill.docNumber.map(JSONValue.string)
        members["txn_date"] = bill.txnDate.map(date)
        members["due_date"] = bill.dueDate.map(date)
        return .object(members)
    }

    static func invoice(_ invoice: Invoice) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(invoice.id.rawValue), "customer": party(invoice.customer), "total": money(invoice.total),
            "balance": money(invoice.balance),
        ]
        members["doc_number"] = invoice.docNumber.map(JSONValue.string)
        members["txn_date"] = invoice.txnDate.map(date)
        members["due_date"] = invoice.dueDate.map(date)
        members["email_status"] = invoice.emailStatus.map(JSONValue.string)
        return .object(members)
    }

    private static func money(_ money: Money) -> JSONValue {
        .object(["amount": .number(money.amount), "currency": .string(money.currency.rawValue)])
    }

    private static func party(_ party: PartyRef) -> JSONValue {
        var members: [String: JSONValue] = ["id": .string(party.id)]
        members["name"] = party.name.map(JSONValue.string)
        return .object(members)
    }

    private static func date(_ date: LocalDate) -> JSONValue { .string(date.description) }
}
