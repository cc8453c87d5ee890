import Foundation
import RowColDomain
import RowColJSON

/// Hand-written readers of the open-item types (``Bill``, ``Invoice``, and the ``Money`` and
/// ``PartyRef`` inside them) straight from the bytes of their stored `data`, with no tree and no
/// `Decoder`: the runway's hot path reads them by the thousand, from the open-items index and
/// from bill and invoice documents. Each reads exactly what the type's `Decodable` conformance
/// reads from the same JSON; tests hold them to it.
enum OpenItemDecoding {
    static func bill(_ cursor: inout JSONCursor) throws -> Bill {
        var id: EntityID?, vendor: PartyRef?, docNumber: String?, txnDate: LocalDate?, dueDate: LocalDate?
        var total: Money?, balance: Money?, linked: [String]?
        try cursor.forEachMember { key, cursor in
            switch key {
            case "id": id = try entityID(&cursor, "Bill.id")
            case "vendor": vendor = try party(&cursor, "Bill.vendor")
            case "doc_number": docNumber = try cursor.readOptionalString()
            case "txn_date": txnDate = try date(&cursor, "Bill.txn_date")
            case "due_date": dueDate = try date(&cursor, "Bill.due_date")
            case "total": total = try money(&cursor, "Bill.total")
            case "balance": balance = try money(&cursor, "Bill.balance")
            case "linked_payment_ids":
                var ids: [String] = []
                try cursor.forEachElement { ids.append(try $0.readString()) }
                linked = ids
            default: try cursor.skipValue()
            }
        }
        return Bill(
            id: try required(id, "Bill.id"), vendor: try required(vendor, "Bill.vendor"), docNumber: docNumber,
            txnDate: txnDate, dueDate: dueDate, total: try required(total, "Bill.total"),
            balance: try required(balance, "Bill.balance"),
            linkedPaymentIDs: try required(linked, "Bill.linked_payment_ids"))
    }

    static func invoice(_ cursor: inout JSONCursor) throws -> Invoice {
        var id: EntityID?, customer: PartyRef?, docNumber: String?, txnDate: LocalDate?, dueDate: LocalDate?
        var total: Money?, balance: Money?, emailStatus: String?
        try cursor.forEachMember { key, cursor in
            switch key {
            case "id": id = try entityID(&cursor, "Invoice.id")
            case "customer": customer = try party(&cursor, "Invoice.customer")
            case "doc_number": docNumber = try cursor.readOptionalString()
            case "txn_date": txnDate = try date(&cursor, "Invoice.txn_date")
            case "due_date": dueDate = try date(&cursor, "Invoice.due_date")
            case "total": total = try money(&cursor, "Invoice.total")
            case "balance": balance = try money(&cursor, "Invoice.balance")
            case "email_status": emailStatus = try cursor.readOptionalString()
            default: try cursor.skipValue()
            }
        }
        return Invoice(
            id: try required(id, "Invoice.id"), customer: try required(customer, "Invoice.customer"),
            docNumber: docNumber, txnDate: txnDate, dueDate: dueDate, total: try required(total, "Invoice.total"),
            balance: try required(balance, "Invoice.balance"), emailStatus: emailStatus)
    }

    static func money(_ cursor: inout JSONCursor, _ field: String) throws -> Money {
        var amount: Decimal?
        var currency: CurrencyCode?
        try cursor.forEachMember { key, cursor in
            switch key {
            case "amount": amount = try cursor.readDecimal()
            case "currency":
                let code = try cursor.readString()
                guard let parsed = CurrencyCode(rawValue: code) else {
                    throw shape("field \"\(field).currency\": invalid currency code \"\(code)\"")
                }
                currency = parsed
            default: try cursor.skipValue()
            }
        }
        return Money(try required(amount, field + ".amount"), try required(currency, field + ".currency"))
    }

    static func party(_ cursor: inout JSONCursor, _ field: String) throws -> PartyRef {
        var id: String?
        var name: String?
        try cursor.forEachMember { key, cursor in
            switch key {
            case "id": id = try cursor.readString()
            case "name": name = try cursor.readOptionalString()
            default: try cursor.skipValue()
            }
        }
        return PartyRef(id: try required(id, field + ".id"), name: name)
    }

    private static func date(_ cursor: inout JSONCursor, _ field: String) throws -> LocalDate? {
        guard let text = try cursor.readOptionalString() else { return nil }
        guard let date = LocalDate(text) else {
            throw shape("field \"\(field)\": invalid date \"\(text)\", expected YYYY-MM-DD")
        }
        return date
    }

    private static func entityID(_ cursor: inout JSONCursor, _ field: String) throws -> EntityID {
        let text = try cursor.readString()
        do {
            return try EntityID(validating: text)
        } catch {
            throw shape("field \"\(field)\": \(error)")
        }
    }

    // The field's name is built only for the error: a read of 15,000 items makes none.
    private static func required<T>(_ value: T?, _ field: @autoclosure () -> String) throws(JSONError) -> T {
        guard let value else { throw shape("field \"\(field())\" is missing") }
        return value
    }

    private static func shape(_ message: String) -> JSONError { JSONError(code: .shape, message: message) }
}
