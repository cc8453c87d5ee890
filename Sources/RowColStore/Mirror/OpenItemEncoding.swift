import Foundation
import RowColDomain
import RowColJSON

/// Hand-written writers of the open-item types (``Bill``, ``Invoice``) and their parts into the
/// tree that `JSONValue(encoding:)` builds of them, with no `Encoder`: a sync maps every bill and
/// invoice of a page, and the generic path was a tenth of a full sync's time; a runway report
/// holds a ``Money`` and a ``PartyRef`` per open item. Each builds exactly what the type's
/// `Encodable` conformance encodes (absent optionals left out); tests hold them to it.
public enum OpenItemEncoding {

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

    /// `{"amount": …, "currency": …}`.
    public static func money(_ money: Money) -> JSONValue {
        .object(["amount": .number(money.amount), "currency": .string(money.currency.rawValue)])
    }

    /// `{"id": …, "name": …}`, without the name when there is none.
    public static func party(_ party: PartyRef) -> JSONValue {
        var members: [String: JSONValue] = ["id": .string(party.id)]
        members["name"] = party.name.map(JSONValue.string)
        return .object(members)
    }

    /// `"YYYY-MM-DD"`.
    public static func date(_ date: LocalDate) -> JSONValue { .string(date.description) }
}

extension Bill: JSONTreeEncodable {
    public var jsonTree: JSONValue { OpenItemEncoding.bill(self) }
}

extension Invoice: JSONTreeEncodable {
    public var jsonTree: JSONValue { OpenItemEncoding.invoice(self) }
}

extension Money: JSONTreeEncodable {
    public var jsonTree: JSONValue { OpenItemEncoding.money(self) }
}

extension PartyRef: JSONTreeEncodable {
    public var jsonTree: JSONValue { OpenItemEncoding.party(self) }
}
