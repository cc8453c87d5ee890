import Foundation

/// A forward-only reader over the bytes of one JSON value, for types that read their fields
/// straight from bytes without building a ``JSONValue`` tree (no dictionary per object). The
/// store's open-items index reads bills and invoices this way, by the thousand.
///
/// A cursor lives only inside ``JSONCursor/read(_:_:)``; it must not escape the closure.
public struct JSONCursor {
    var parser: JSONByteParser

    /// Runs `body` over the value in `bytes`, which must hold exactly one value.
    public static func read<R>(_ bytes: some Collection<UInt8>, _ body: (inout JSONCursor) throws -> R) throws -> R {
        if let result = try bytes.withContiguousStorageIfAvailable({ buffer in
            try readBuffer(UnsafeRawBufferPointer(buffer), body)
        }) {
            return result
        }
        return try read(Array(bytes), body)
    }

    private static func readBuffer<R>(_ buffer: UnsafeRawBufferPointer, _ body: (inout JSONCursor) throws -> R) throws -> R {
        var cursor = JSONCursor(parser: JSONByteParser(buffer))
        let result = try body(&cursor)
        cursor.parser.skipWhitespace()
        guard cursor.parser.index == buffer.count else { throw cursor.parser.error("unexpected bytes after the value") }
        return result
    }

    /// Decodes a whole value of a type that reads itself from a cursor.
    public static func decode<T: JSONCursorDecodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        try read(bytes) { try T(cursor: &$0) }
    }

    private mutating func peek() throws(JSONSyntaxError) -> UInt8 {
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { throw parser.error("unexpected end of input") }
        return parser.bytes[parser.index]
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard try peek() == byte else { throw parser.error("expected \(what)") }
        parser.index += 1
    }

    /// Calls `body` with each member's key; `body` must read or skip the member's value. The key
    /// is valid only during the call.
    public mutating func forEachMember(_ body: (JSONKey, inout JSONCursor) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "an object")
        if try peek() == UInt8(ascii: "}") {
            parser.index += 1
            return
        }
        while true {
            guard try peek() == UInt8(ascii: "\"") else { throw parser.error("expected a string key") }
            let key = try nextKey()
            try expect(UInt8(ascii: ":"), "':' after a key")
            try body(key, &self)
            switch try peek() {
            case UInt8(ascii: ","): parser.index += 1
            case UInt8(ascii: "}"):
                parser.index += 1
                return
            default: throw parser.error("expected ',' or '}' in an object")
            }
        }
    }

    /// A key made only of printable ASCII is compared in place, without building a `String`;
    /// any other goes through the full string reader (escapes, UTF-8 validation).
    private mutating func nextKey() throws(JSONSyntaxError) -> JSONKey {
        let start = parser.index + 1
        var end = start
        while end < parser.bytes.count {
            let byte = parser.bytes[end]
            if byte == UInt8(ascii: "\"") {
                parser.index = end + 1
                return JSONKey(raw: UnsafeRawBufferPointer(rebasing: parser.bytes[start..<end]), decoded: nil)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            end += 1
        }
        return JSONKey(raw: nil, decoded: try parser.string())
    }

    /// Calls `body` for each element of an array; `body` must read or skip the element.
    public mutating func forEachElement(_ body: (inout JSONCursor) throws -> Void) throws {
        try expect(UInt8(ascii: "["), "an array")
        if try peek() == UInt8(ascii: "]") {
            parser.index += 1
            return
        }
        while true {
            try body(&self)
            switch try peek() {
            case UInt8(ascii: ","): parser.index += 1
            case UInt8(ascii: "]"):
                parser.index += 1
                return
            default: throw parser.error("expected ',' or ']' in an array")
            }
        }
    }

    /// Consumes a `null` and returns true, or returns false and leaves the value to read.
    public mutating func readNull() throws -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try parser.literal("null")
        return true
    }

    public mutating func readString() throws -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw parser.error("expected a string") }
        return try parser.string()
    }

    /// A string, or nil for `null`.
    public mutating func readOptionalString() throws -> String? {
        try readNull() ? nil : readString()
    }

    public mutating func readDecimal() throws -> Decimal {
        switch try peek() {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parser.number()
        default: throw parser.error("expected a number")
        }
    }

    public mutating func readBool() throws -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"): try parser.literal("true"); return true
        case UInt8(ascii: "f"): try parser.literal("false"); return false
        default: throw parser.error("expected true or false")
        }
    }

    /// A whole number that fits `T`.
    public mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let value = try readDecimal().wholeNumber(T.self) else {
            throw parser.error("expected a whole number that fits \(T.self)")
        }
        return value
    }

    /// Whatever value comes next, as a tree.
    public mutating func readValue() throws -> JSONValue {
        try parser.value(depth: 0)
    }

    public mutating func skipValue() throws {
        _ = try parser.value(depth: 0)
    }
}

/// A member's key as ``JSONCursor/forEachMember(_:)`` hands it over: match it against string
/// literals in a `switch`, or read ``string``. Valid only during that call.
public struct JSONKey {
    let raw: UnsafeRawBufferPointer?
    let decoded: String?

    public var string: String { decoded ?? String(decoding: raw!, as: UTF8.self) }

    public static func ~= (pattern: StaticString, key: JSONKey) -> Bool {
        guard let raw = key.raw else { return key.decoded == pattern.description }
        return raw.count == pattern.utf8CodeUnitCount
            && (raw.isEmpty || memcmp(raw.baseAddress!, pattern.utf8Start, raw.count) == 0)
    }
}

/// A value that reads itself from a ``JSONCursor``, reading exactly what its `Decodable`
/// conformance reads from the same JSON (tests hold the two to it).
public protocol JSONCursorDecodable {
    init(cursor: inout JSONCursor) throws
}

/// A value that does not have the shape its type needs; names the type and field.
public struct JSONShapeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension JSONCursor {
    fileprivate mutating func date(_ field: String) throws -> LocalDate? {
        guard let text = try readOptionalString() else { return nil }
        guard let date = LocalDate(text) else { throw JSONShapeError("\(field): invalid date \"\(text)\", expected YYYY-MM-DD") }
        return date
    }

    fileprivate mutating func entityID(_ field: String) throws -> EntityID {
        let text = try readString()
        do {
            return try EntityID(validating: text)
        } catch {
            throw JSONShapeError("\(field): \(error)")
        }
    }
}

private func required<T>(_ value: T?, _ field: String) throws -> T {
    guard let value else { throw JSONShapeError("\(field) is missing") }
    return value
}

extension Money: JSONCursorDecodable {
    public init(cursor: inout JSONCursor) throws {
        var amount: Decimal?
        var currency: CurrencyCode?
        try cursor.forEachMember { key, cursor in
            switch key {
            case "amount": amount = try cursor.readDecimal()
            case "currency":
                let code = try cursor.readString()
                guard let parsed = CurrencyCode(rawValue: code) else { throw JSONShapeError("Money.currency: invalid currency code \"\(code)\"") }
                currency = parsed
            default: try cursor.skipValue()
            }
        }
        self.init(try required(amount, "Money.amount"), try required(currency, "Money.currency"))
    }
}

extension PartyRef: JSONCursorDecodable {
    public init(cursor: inout JSONCursor) throws {
        var id: String?
        var name: String?
        try cursor.forEachMember { key, cursor in
            switch key {
            case "id": id = try cursor.readString()
            case "name": name = try cursor.readOptionalString()
            default: try cursor.skipValue()
            }
        }
        self.init(id: try required(id, "PartyRef.id"), name: name)
    }
}

extension Bill: JSONCursorDecodable {
    public init(cursor: inout JSONCursor) throws {
        var id: EntityID?, vendor: PartyRef?, docNumber: String?, txnDate: LocalDate?, dueDate: LocalDate?
        var total: Money?, balance: Money?, linked: [String]?
        try cursor.forEachMember { key, cursor in
            switch key {
            case "id": id = try cursor.entityID("Bill.id")
            case "vendor": vendor = try PartyRef(cursor: &cursor)
            case "doc_number": docNumber = try cursor.readOptionalString()
            case "txn_date": txnDate = try cursor.date("Bill.txn_date")
            case "due_date": dueDate = try cursor.date("Bill.due_date")
            case "total": total = try Money(cursor: &cursor)
            case "balance": balance = try Money(cursor: &cursor)
            case "linked_payment_ids":
                var ids: [String] = []
                try cursor.forEachElement { ids.append(try $0.readString()) }
                linked = ids
            default: try cursor.skipValue()
            }
        }
        self.init(
            id: try required(id, "Bill.id"), vendor: try required(vendor, "Bill.vendor"), docNumber: docNumber,
            txnDate: txnDate, dueDate: dueDate, total: try required(total, "Bill.total"),
            balance: try required(balance, "Bill.balance"), linkedPaymentIDs: try required(linked, "Bill.linked_payment_ids"))
    }
}

extension Invoice: JSONCursorDecodable {
    public init(cursor: inout JSONCursor) throws {
        var id: EntityID?, customer: PartyRef?, docNumber: String?, txnDate: LocalDate?, dueDate: LocalDate?
        var total: Money?, balance: Money?, emailStatus: String?
        try cursor.forEachMember { key, cursor in
            switch key {
            case "id": id = try cursor.entityID("Invoice.id")
            case "customer": customer = try PartyRef(cursor: &cursor)
            case "doc_number": docNumber = try cursor.readOptionalString()
            case "txn_date": txnDate = try cursor.date("Invoice.txn_date")
            case "due_date": dueDate = try cursor.date("Invoice.due_date")
            case "total": total = try Money(cursor: &cursor)
            case "balance": balance = try Money(cursor: &cursor)
            case "email_status": emailStatus = try cursor.readOptionalString()
            default: try cursor.skipValue()
            }
        }
        self.init(
            id: try required(id, "Invoice.id"), customer: try required(customer, "Invoice.customer"),
            docNumber: docNumber, txnDate: txnDate, dueDate: dueDate, total: try required(total, "Invoice.total"),
            balance: try required(balance, "Invoice.balance"), emailStatus: emailStatus)
    }
}
