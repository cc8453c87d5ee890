import Foundation
import Hummingbird
import RowCol

/// The body of `POST /api/v1/businesses/{b}/plan` and of the pages' plan forms: one edit, named by
/// `op`.
///
/// | op | fields |
/// |---|---|
/// | `expect` | `kind` (`bill`, `invoice`), `id`, `on` (YYYY-MM-DD; empty or null removes the override) |
/// | `exclude` | `kind`, `id`, `excluded` (`true`/`false`, default true) |
/// | `one_off` | `one_off_id`, `name`, `direction` (`inflow`, `outflow`), `amount` (> 0, two decimals), `on` |
/// | `remove_one_off` | `one_off_id` |
/// | `floor` | `amount` (a decimal; empty or null: the default, zero) |
enum PlanEditBody {
    static let fields: Set<String> = ["op", "kind", "id", "on", "excluded", "one_off_id", "name", "direction", "amount"]

    /// Parses a JSON body; values may be strings, numbers, booleans or null.
    /// - Throws: 400 naming the field.
    static func parse(json body: ByteBuffer) throws -> PlanEdit {
        let value: JSONValue
        do {
            value = try JSONValue.parse(body.readableBytesView)
        } catch {
            throw WorkbenchError.badRequest("the body is not JSON (\(error)); send {\"op\": \"expect\", …}")
        }
        guard case .object(let object) = value else { throw WorkbenchError.badRequest("the body must be a JSON object with an op") }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw WorkbenchError.badRequest(
                "unknown field \"\(ResponseMiddleware.printable(unknown))\"; the fields are \(fields.sorted().joined(separator: ", "))")
        }
        var texts: [String: String] = [:]
        for (name, value) in object {
            switch value {
            case .null: texts[name] = ""
            case .string(let text): texts[name] = text
            case .number(let number): texts[name] = "\(number)"
            case .bool(let flag): texts[name] = flag ? "true" : "false"
            default: throw WorkbenchError.badRequest("\(name) must be a string, a number, true/false or null")
            }
        }
        return try parse(texts)
    }

    /// Parses a posted form's fields (other fields, such as the CSRF token, are ignored).
    static func parse(form: FormFields) throws -> PlanEdit {
        var texts: [String: String] = [:]
        for name in fields { if let value = form[name] { texts[name] = value } }
        return try parse(texts)
    }

    static func parse(_ fields: [String: String]) throws -> PlanEdit {
        func required(_ name: String, _ what: String) throws -> String {
            guard let value = fields[name], !value.isEmpty else { throw WorkbenchError.badRequest("\(name) is required: \(what)") }
            return value
        }
        func date(_ name: String) throws -> LocalDate? {
            guard let text = fields[name], !text.isEmpty else { return nil }
            guard let date = LocalDate(text) else {
                throw WorkbenchError.badRequest("\(name) \"\(ResponseMiddleware.printable(text))\" is not a date (YYYY-MM-DD)")
            }
            return date
        }
        func item() throws -> PlanItemRef {
            let kindText = try required("kind", "bill or invoice")
            guard let kind = PlanItemRef.Kind(rawValue: kindText) else {
                throw WorkbenchError.badRequest("kind must be bill or invoice, not \"\(ResponseMiddleware.printable(kindText))\"")
            }
            let idText = try required("id", "the QBO id of the \(kind.rawValue)")
            guard let id = EntityID(rawValue: idText) else {
                throw WorkbenchError.badRequest("id \"\(ResponseMiddleware.printable(idText))\" is not a QBO id")
            }
            return PlanItemRef(kind: kind, id: id)
        }
        func amount(positive: Bool) throws -> Decimal? {
            guard let text = fields["amount"], !text.isEmpty else { return nil }
            guard let value = Money.parseDecimal(text.trimmingCharacters(in: .whitespaces)), value.rounded(scale: 2) == value else {
                throw WorkbenchError.badRequest("amount \"\(ResponseMiddleware.printable(text))\" is not a decimal with at most two decimals")
            }
            if positive, value <= 0 { throw WorkbenchError.badRequest("amount must be more than zero") }
            return value
        }
        let op = try required("op", "expect, exclude, one_off, remove_one_off or floor")
        switch op {
        case "expect":
            return .expect(try item(), on: try date("on"))
        case "exclude":
            let text = fields["excluded"] ?? "true"
            guard text == "true" || text == "false" else { throw WorkbenchError.badRequest("excluded must be true or false") }
            return .exclude(try item(), excluded: text == "true")
        case "one_off":
            let id = try required("one_off_id", "a short name for the item, such as loan-2027")
            guard EntityID(rawValue: id) != nil else {
                throw WorkbenchError.badRequest("one_off_id may hold 1 to 64 of A-Z a-z 0-9 . _ -")
            }
            let direction = try required("direction", "inflow or outflow")
            guard direction == "inflow" || direction == "outflow" else {
                throw WorkbenchError.badRequest("direction must be inflow or outflow")
            }
            guard let value = try amount(positive: true) else { throw WorkbenchError.badRequest("amount is required") }
            guard let on = try date("on") else { throw WorkbenchError.badRequest("on is required: the date, YYYY-MM-DD") }
            return .oneOff(id: id, name: try required("name", "what the item is"), inflow: direction == "inflow", amount: value, on: on)
        case "remove_one_off":
            return .removeOneOff(id: try required("one_off_id", "the one-off item to remove"))
        case "floor":
            return .floor(try amount(positive: false))
        default:
            throw WorkbenchError.badRequest(
                "unknown op \"\(ResponseMiddleware.printable(op))\": use expect, exclude, one_off, remove_one_off or floor")
        }
    }
}
