import Foundation
import Hummingbird
import RowCol

/// The body of `POST /api/v1/businesses/{b}/payments` and of the tray's pay form, read exactly:
/// the amount is a decimal string or a JSON number, parsed as decimal text, never through `Double`.
enum PaymentBody {
    static let fields: Set<String> = ["bill_id", "amount", "pay_on", "from_account_id"]

    /// Parses a JSON body.
    /// - Throws: 400 naming the field that is missing, of the wrong type, or unknown.
    static func parse(_ body: ByteBuffer, business: BusinessID) throws -> PaymentRequest {
        let value: JSONValue
        do {
            value = try JSONValue.parse(body.readableBytesView)
        } catch {
            throw WorkbenchError.badRequest("the body is not JSON (\(error)); send {\"bill_id\", \"amount\", \"pay_on\"}")
        }
        guard case .object(let object) = value else {
            throw WorkbenchError.badRequest("the body must be a JSON object {\"bill_id\", \"amount\", \"pay_on\"}")
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw WorkbenchError.badRequest("unknown field \"\(ResponseMiddleware.printable(unknown))\"; the fields are bill_id, amount, pay_on and from_account_id")
        }
        func text(_ name: String) throws -> String? {
            switch object[name] {
            case nil, .null?: return nil
            case .string(let string)?: return string
            default: throw WorkbenchError.badRequest("\(name) must be a string")
            }
        }
        let amount: Decimal
        switch object["amount"] {
        case .number(let number)?: amount = number
        case .string(let string)?: amount = try decimal(string)
        case nil, .null?: throw WorkbenchError.badRequest("amount is required: a decimal string such as \"1250.00\", or a number")
        default: throw WorkbenchError.badRequest("amount must be a decimal string such as \"1250.00\", or a number")
        }
        return try request(business: business, bill: try text("bill_id"), amount: amount, payOn: try text("pay_on"),
                           fromAccount: try text("from_account_id"))
    }

    /// Reads a posted form's fields.
    static func parse(form fields: FormFields, business: BusinessID) throws -> PaymentRequest {
        guard let text = fields["amount"] else { throw WorkbenchError.badRequest("amount is required") }
        return try request(business: business, bill: fields["bill_id"], amount: try decimal(text), payOn: fields["pay_on"],
                           fromAccount: fields["from_account_id"].flatMap { $0.isEmpty ? nil : $0 })
    }

    static func request(business: BusinessID, bill: String?, amount: Decimal, payOn: String?, fromAccount: String?) throws
        -> PaymentRequest
    {
        guard let bill else { throw WorkbenchError.badRequest("bill_id is required: the QBO id of the bill") }
        let billID: EntityID
        do {
            billID = try EntityID(validating: bill)
        } catch {
            throw WorkbenchError.badRequest("bill_id: \(error.message)")
        }
        guard amount > 0 else { throw WorkbenchError.badRequest("amount must be more than zero, not \(amount)") }
        guard amount.rounded(scale: 2) == amount else {
            throw WorkbenchError.badRequest("amount \(amount) has more than two decimals; QBO takes amounts in cents")
        }
        guard let payOn else { throw WorkbenchError.badRequest("pay_on is required: the payment date, YYYY-MM-DD") }
        guard let date = LocalDate(payOn) else {
            throw WorkbenchError.badRequest("pay_on \"\(ResponseMiddleware.printable(payOn))\" is not a date (YYYY-MM-DD)")
        }
        if let fromAccount {
            guard EntityID(rawValue: fromAccount) != nil else {
                throw WorkbenchError.badRequest("from_account_id \"\(ResponseMiddleware.printable(fromAccount))\" is not a QBO account id")
            }
        }
        return PaymentRequest(business: business, billID: billID, amount: amount, payOn: date, fromAccountID: fromAccount)
    }

    static func decimal(_ text: String) throws -> Decimal {
        guard let value = Money.parseDecimal(text.trimmingCharacters(in: .whitespaces)) else {
            throw WorkbenchError.badRequest("amount \"\(ResponseMiddleware.printable(text))\" is not a decimal such as 1250.00")
        }
        return value
    }

    /// An `Idempotency-Key`: 1 to 255 visible ASCII characters.
    static func idempotencyKey(_ key: String) throws -> String {
        guard !key.isEmpty, key.utf8.count <= 255, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw WorkbenchError.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID will do)")
        }
        return key
    }
}
