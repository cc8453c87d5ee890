import Foundation

/// Checks shared by the writes: references to the company's records and calendar dates, each
/// refused with a fault that names the field.
extension Company {
    /// The record a `{"value", "name"?}` reference names, required to be of `kind`.
    /// - Throws: 2020 when the field is missing, 2500 when it names nothing of that kind.
    func resolve(_ field: String, _ ref: WireJSON?, as kind: EntityName) throws(QBOFault) -> Record {
        guard let ref else { throw .missing(field) }
        guard let text = ref["value"]?.lenientText ?? ref.lenientText else {
            throw .badRequest("\(field) must be a reference such as {\"value\": \"42\"}", element: field)
        }
        guard let id = Int(text), let record = record(kind, id) else {
            throw .invalidReference("\(field) \(text) is not a\(kind == .account ? "n" : "") \(kind.rawValue) of this company", element: field)
        }
        return record
    }

    /// A reference as QBO answers it: the id as a string, with the record's name.
    static func namedRef(_ record: Record, type: String? = nil) -> WireJSON {
        let name = record.body["DisplayName"] ?? record.body["Name"] ?? ""
        var ref: [String: WireJSON] = ["value": .string(String(record.id)), "name": name]
        if let type { ref["type"] = .string(type) }
        return .object(ref)
    }

    /// `TxnDate` and `DueDate` as given (past dates are kept); a value that is not `YYYY-MM-DD` is refused.
    static func checkDates(_ body: [String: WireJSON]) throws(QBOFault) {
        for field in ["TxnDate", "DueDate"] {
            guard let value = body[field] else { continue }
            guard let text = value.stringValue, WireTime.isDate(text) else {
                throw .badRequest("\(field) must be a date written YYYY-MM-DD, not \(value.serialized().prefix(40))", element: field)
            }
        }
    }

    /// An amount in the two-decimal text QBO uses inside `LineEx` (`"81.00"`), never through `Double`.
    static func amountText(_ amount: Decimal) -> String {
        var value = amount, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        let negative = rounded < 0
        var digits = "\(negative ? -rounded : rounded)"
        if let dot = digits.firstIndex(of: ".") {
            let decimals = digits.distance(from: dot, to: digits.endIndex) - 1
            digits += String(repeating: "0", count: max(0, 2 - decimals))
        } else {
            digits += ".00"
        }
        return (negative ? "-" : "") + digits
    }
}
