import Foundation
import RowColDomain

/// Any key of a JSON object.
struct PlanKey: CodingKey {
    let stringValue: String
    init(_ stringValue: String) { self.stringValue = stringValue }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// Reads one object of a plan strictly: unknown fields are refused (a typo must not be silently
/// ignored in a hand-edited file), and every failure is a ``PlanError`` naming the path and field.
struct PlanObject {
    let container: KeyedDecodingContainer<PlanKey>
    let path: String

    /// - Parameter fields: the fields allowed; `nil` for a map whose keys are ids.
    init(_ decoder: any Decoder, path: String, fields: [String]?) throws {
        do {
            container = try decoder.container(keyedBy: PlanKey.self)
        } catch {
            throw PlanError(path: path, message: "expected an object {…}")
        }
        self.path = path
        if let fields {
            let allowed = Set(fields)
            if let unknown = keys.first(where: { !allowed.contains($0) }) {
                throw PlanError(path: path, field: unknown, message: "unknown field; expected "
                    + (fields.count == 1 ? fields[0] : "one of " + fields.sorted().joined(separator: ", ")))
            }
        }
    }

    var keys: [String] { container.allKeys.map(\.stringValue).sorted() }

    func has(_ field: String) -> Bool {
        guard container.contains(PlanKey(field)) else { return false }
        return (try? container.decodeNil(forKey: PlanKey(field))) == false
    }

    func child(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func decoder(_ key: String) throws -> any Decoder {
        do {
            return try container.superDecoder(forKey: PlanKey(key))
        } catch {
            throw PlanError(path: path, field: key, message: "cannot be read")
        }
    }

    func require<T>(_ value: T?, _ field: String, _ what: String) throws -> T {
        guard let value else { throw PlanError(path: path, field: field, message: "is missing; expected \(what)") }
        return value
    }

    func string(_ field: String) throws -> String? {
        guard has(field) else { return nil }
        do {
            return try container.decode(String.self, forKey: PlanKey(field))
        } catch {
            throw PlanError(path: path, field: field, message: "expected a string")
        }
    }

    func bool(_ field: String) throws -> Bool? {
        guard has(field) else { return nil }
        do {
            return try container.decode(Bool.self, forKey: PlanKey(field))
        } catch {
            throw PlanError(path: path, field: field, message: "expected true or false")
        }
    }

    func integer(_ field: String) throws -> Int? {
        guard has(field) else { return nil }
        do {
            return try container.decode(Int.self, forKey: PlanKey(field))
        } catch {
            throw PlanError(path: path, field: field, message: "expected a whole number")
        }
    }

    /// An exact decimal: a JSON number, or decimal text such as `"1250.00"`.
    func decimal(_ field: String) throws -> Decimal? {
        guard has(field) else { return nil }
        if let number = try? container.decode(Decimal.self, forKey: PlanKey(field)) { return number }
        if let text = try? container.decode(String.self, forKey: PlanKey(field)), let number = Money.parseDecimal(text) {
            return number
        }
        throw PlanError(path: path, field: field, message: "expected an amount such as 1250.00")
    }

    func date(_ field: String) throws -> LocalDate? {
        guard let text = try string(field) else { return nil }
        guard let date = LocalDate(text) else {
            throw PlanError(path: path, field: field, message: "\"\(text)\" is not a date; write YYYY-MM-DD")
        }
        return date
    }

    func choice<T: RawRepresentable & CaseIterable>(_ field: String, _ type: T.Type) throws -> T?
    where T.RawValue == String {
        guard let text = try string(field) else { return nil }
        guard let value = T(rawValue: text) else {
            throw PlanError(path: path, field: field, message: "\"\(text)\" is not one of "
                + T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        return value
    }

    /// A map of objects keyed by id.
    func map<T>(_ field: String, _ read: (any Decoder, String) throws -> T) throws -> [String: T] {
        guard has(field) else { return [:] }
        let object = try PlanObject(try decoder(field), path: child(field), fields: nil)
        var result: [String: T] = [:]
        for key in object.keys {
            result[key] = try read(try object.decoder(key), object.child(key))
        }
        return result
    }
}
