import Foundation

/// A value that reads itself straight from a ``JSONValue`` tree, field by field, reading exactly
/// what its `Decodable` conformance reads (tests hold the two to it). ``JSONValue/decode(_:)``
/// takes this path for the values read by the thousand — open bills and invoices for the runway —
/// where the generic `Decoder` machinery costs more than the reading itself.
protocol JSONTreeDecodable {
    init(tree: JSONValue) throws
}

/// A tree that does not have the shape a value needs; names the field.
struct JSONTreeShapeError: Error, CustomStringConvertible {
    var description: String
}

/// An object's members with typed, field-naming accessors.
struct JSONTreeObject {
    let members: [String: JSONValue]
    let type: String

    init(_ value: JSONValue, _ type: String) throws {
        guard case .object(let members) = value else { throw JSONTreeShapeError(description: "\(type): expected an object, found \(value.kindName)") }
        self.members = members
        self.type = type
    }

    func fail(_ key: String, _ reason: String) -> JSONTreeShapeError {
        JSONTreeShapeError(description: "\(type).\(key): \(reason)")
    }

    /// The member, or nil when missing or `null` (how `decodeIfPresent` reads).
    func optional(_ key: String) -> JSONValue? {
        switch members[key] {
        case nil, .null?: nil
        case let value?: value
        }
    }

    func string(_ key: String) throws -> String {
        guard case .string(let text)? = members[key] else { throw fail(key, "expected a string") }
        return text
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = optional(key) else { return nil }
        guard case .string(let text) = value else { throw fail(key, "expected a string, found \(value.kindName)") }
        return text
    }

    func date(_ key: String) throws -> LocalDate? {
        guard let text = try optionalString(key) else { return nil }
        guard let date = LocalDate(text) else { throw fail(key, "invalid date \"\(text)\", expected YYYY-MM-DD") }
        return date
    }

    func money(_ key: String) throws -> Money {
        guard let value = members[key] else { throw fail(key, "missing") }
        let money = try JSONTreeObject(value, "\(type).\(key)")
        guard case .number(let amount)? = money.members["amount"] else { throw money.fail("amount", "expected a number") }
        let code = try money.string("currency")
        guard let currency = CurrencyCode(rawValue: code) else { throw money.fail("currency", "invalid currency code \"\(code)\"") }
        return Money(amount, currency)
    }

    func party(_ key: String) throws -> PartyRef {
        guard let value = members[key] else { throw fail(key, "missing") }
        let party = try JSONTreeObject(value, "\(type).\(key)")
        return PartyRef(id: try party.string("id"), name: try party.optionalString("name"))
    }

    func entityID(_ key: String) throws -> EntityID {
        do {
            return try EntityID(validating: try string(key))
        } catch let error as IdentifierError {
            throw fail(key, error.description)
        }
    }
}

extension Bill: JSONTreeDecodable {
    init(tree: JSONValue) throws {
        let object = try JSONTreeObject(tree, "Bill")
        var linked: [String] = []
        guard case .array(let values)? = object.members["linked_payment_ids"] else {
            throw object.fail("linked_payment_ids", "expected an array")
        }
        for value in values {
            guard case .string(let text) = value else { throw object.fail("linked_payment_ids", "expected strings") }
            linked.append(text)
        }
        self.init(
            id: try object.entityID("id"), vendor: try object.party("vendor"), docNumber: try object.optionalString("doc_number"),
            txnDate: try object.date("txn_date"), dueDate: try object.date("due_date"), total: try object.money("total"),
            balance: try object.money("balance"), linkedPaymentIDs: linked)
    }
}

extension Invoice: JSONTreeDecodable {
    init(tree: JSONValue) throws {
        let object = try JSONTreeObject(tree, "Invoice")
        self.init(
            id: try object.entityID("id"), customer: try object.party("customer"),
            docNumber: try object.optionalString("doc_number"), txnDate: try object.date("txn_date"),
            dueDate: try object.date("due_date"), total: try object.money("total"), balance: try object.money("balance"),
            emailStatus: try object.optionalString("email_status"))
    }
}
