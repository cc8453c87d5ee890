import Foundation

extension JSONValue {
    /// The tree of any `Encodable` value, built straight from its `encode(to:)` calls: what
    /// ``JSONEncoder/init(layout:)`` would encode, without its bytes being written and parsed
    /// back. `Decimal` and integers become exact numbers, a `Date` its ``Timestamp`` string, a `URL`
    /// its absolute string, `Data` Base64; `encodeIfPresent` of `nil` leaves the key out.
    ///
    /// ```swift
    /// let tree = try JSONValue(encoding: bill)
    /// let bytes = tree.serialized(.pretty)   // what JSONEncoder(layout: .pretty) writes
    /// ```
    ///
    /// - Throws: `EncodingError.invalidValue` for a `Double` or `Float` that is not finite (as
    ///   `JSONEncoder` does), or for a value that encodes nothing.
    public init(encoding value: some Encodable) throws {
        let root = TreeEncoder.Box()
        try TreeEncoder(box: root, codingPath: []).encodeValue(value)
        guard let result = root.value else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "the value encoded nothing"))
        }
        self = result
    }

    /// `value`'s bytes in `layout`, through the tree (see ``init(encoding:)``), equal to what
    /// ``JSONEncoder/init(layout:)`` writes: reports and API answers use it instead of
    /// `JSONEncoder`'s generic path.
    public static func encode(_ value: some Encodable, layout: JSONLayout) throws -> [UInt8] {
        try JSONValue(encoding: value).serialized(layout)
    }
}

/// A type that builds its own tree, which ``JSONValue/init(encoding:)`` takes instead of calling
/// its `encode(to:)`, wherever the value sits in what is encoded.
///
/// For the types encoded by the ten thousand (a sync's bills and invoices, a report's open items):
/// their `Encoder` calls cost several times the tree itself. A conformance builds exactly the
/// tree its `Encodable` conformance encodes (absent optionals left out), and its module's tests
/// hold it to that by comparing with `JSONEncoder`, which never takes this path.
public protocol JSONTreeEncodable: Encodable {
    /// The value's tree, as ``JSONValue/init(encoding:)`` would build it from `encode(to:)`.
    var jsonTree: JSONValue { get }
}

/// An `Encoder` that builds a ``JSONValue``. Containers write into reference boxes, so a nested
/// container or a super-encoder fills its parent's slot whenever it finishes.
private struct TreeEncoder: Encoder {
    /// One slot of the tree under construction: a finished value, or the members or elements of
    /// a container. Nested containers and super-encoders are boxes of their own, resolved into
    /// their parent when it is read.
    final class Box {
        var value: JSONValue?
        var members: [String: JSONValue]?
        var pendingMembers: [(key: String, box: Box)] = []
        var elements: [JSONValue]?
        var pendingElements: [(index: Int, box: Box)] = []

        init(_ value: JSONValue? = nil) { self.value = value }

        /// The finished value of the slot (nested containers resolved).
        var resolved: JSONValue? {
            if var members {
                for pending in pendingMembers { members[pending.key] = pending.box.resolved ?? .object([:]) }
                return .object(members)
            }
            if var elements {
                for pending in pendingElements { elements[pending.index] = pending.box.resolved ?? .object([:]) }
                return .array(elements)
            }
            return value
        }
    }

    let box: Box
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if box.members == nil { box.members = [:] }
        return KeyedEncodingContainer(KeyedContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if box.elements == nil { box.elements = [] }
        return UnkeyedContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(box: box, codingPath: codingPath)
    }

    /// Encodes `value` into ``box``, with the types `JSONEncoder` writes specially.
    func encodeValue<T: Encodable>(_ value: T) throws {
        if let special = try Self.special(value, codingPath: codingPath) {
            box.value = special
            return
        }
        try value.encode(to: self)
        if let resolved = box.resolved {
            box.members = nil
            box.elements = nil
            box.pendingMembers = []
            box.pendingElements = []
            box.value = resolved
        } else {
            // JSONEncoder writes an empty object for a value that opened no container.
            box.value = .object([:])
        }
    }

    /// What `JSONEncoder(layout:)` writes for the types it does not let encode themselves.
    static func special(_ value: some Encodable, codingPath: [any CodingKey]) throws -> JSONValue? {
        switch value {
        case let decimal as Decimal: return .number(decimal)
        case let date as Date: return .string(Timestamp(date).description)
        case let url as URL: return .string(url.absoluteString)
        case let data as Data: return .string(data.base64EncodedString())
        case let json as JSONValue: return json
        case let tree as any JSONTreeEncodable: return tree.jsonTree
        default: return nil
        }
    }

    static func number(_ value: Double, _ original: Any, codingPath: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                original,
                EncodingError.Context(codingPath: codingPath, debugDescription: "\(value) is not a finite number"))
        }
        // JSONEncoder writes the shortest description, without a trailing ".0".
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(Decimal(string: text) ?? Decimal(value))
    }

    static func encoded<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> JSONValue {
        let child = Box()
        try TreeEncoder(box: child, codingPath: codingPath).encodeValue(value)
        return child.value ?? .object([:])
    }
}

private struct StringKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: TreeEncoder.Box
    let codingPath: [any CodingKey]

    private func set(_ value: JSONValue, _ key: Key) { box.members![key.stringValue] = value }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        set(try TreeEncoder.number(value, value, codingPath: codingPath + [key]), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        set(try TreeEncoder.number(Double(value), value, codingPath: codingPath + [key]), key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.number(Decimal(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.number(Decimal(Int(value))), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.number(Decimal(Int(value))), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.number(Decimal(Int(value))), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.number(Decimal(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(.number(Decimal(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.number(Decimal(UInt(value))), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.number(Decimal(UInt(value))), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.number(Decimal(UInt(value))), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.number(Decimal(value)), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try TreeEncoder.encoded(value, codingPath: codingPath + [key]), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = TreeEncoder.Box()
        child.members = [:]
        box.pendingMembers.append((key.stringValue, child))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = TreeEncoder.Box()
        child.elements = []
        box.pendingMembers.append((key.stringValue, child))
        return UnkeyedContainer(box: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = TreeEncoder.Box()
        box.pendingMembers.append((key.stringValue, child))
        return TreeEncoder(box: child, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let box: TreeEncoder.Box
    let codingPath: [any CodingKey]
    var count: Int { box.elements!.count }

    private func append(_ value: JSONValue) { box.elements!.append(value) }

    /// Keeps a place for a nested container, filled when the parent is resolved.
    private func reserve(_ child: TreeEncoder.Box) {
        box.pendingElements.append((box.elements!.count, child))
        box.elements!.append(.null)
    }
    private var nextPath: [any CodingKey] { codingPath + [StringKey(intValue: count)] }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(try TreeEncoder.number(value, value, codingPath: nextPath)) }
    mutating func encode(_ value: Float) throws {
        append(try TreeEncoder.number(Double(value), value, codingPath: nextPath))
    }
    mutating func encode(_ value: Int) throws { append(.number(Decimal(value))) }
    mutating func encode(_ value: Int8) throws { append(.number(Decimal(Int(value)))) }
    mutating func encode(_ value: Int16) throws { append(.number(Decimal(Int(value)))) }
    mutating func encode(_ value: Int32) throws { append(.number(Decimal(Int(value)))) }
    mutating func encode(_ value: Int64) throws { append(.number(Decimal(value))) }
    mutating func encode(_ value: UInt) throws { append(.number(Decimal(value))) }
    mutating func encode(_ value: UInt8) throws { append(.number(Decimal(UInt(value)))) }
    mutating func encode(_ value: UInt16) throws { append(.number(Decimal(UInt(value)))) }
    mutating func encode(_ value: UInt32) throws { append(.number(Decimal(UInt(value)))) }
    mutating func encode(_ value: UInt64) throws { append(.number(Decimal(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { append(try TreeEncoder.encoded(value, codingPath: nextPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = TreeEncoder.Box()
        child.members = [:]
        let path = nextPath
        reserve(child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = TreeEncoder.Box()
        child.elements = []
        let path = nextPath
        reserve(child)
        return UnkeyedContainer(box: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let child = TreeEncoder.Box()
        let path = nextPath
        reserve(child)
        return TreeEncoder(box: child, codingPath: path)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let box: TreeEncoder.Box
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.value = .null }
    mutating func encode(_ value: Bool) throws { box.value = .bool(value) }
    mutating func encode(_ value: String) throws { box.value = .string(value) }
    mutating func encode(_ value: Double) throws { box.value = try TreeEncoder.number(value, value, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws {
        box.value = try TreeEncoder.number(Double(value), value, codingPath: codingPath)
    }
    mutating func encode(_ value: Int) throws { box.value = .number(Decimal(value)) }
    mutating func encode(_ value: Int8) throws { box.value = .number(Decimal(Int(value))) }
    mutating func encode(_ value: Int16) throws { box.value = .number(Decimal(Int(value))) }
    mutating func encode(_ value: Int32) throws { box.value = .number(Decimal(Int(value))) }
    mutating func encode(_ value: Int64) throws { box.value = .number(Decimal(value)) }
    mutating func encode(_ value: UInt) throws { box.value = .number(Decimal(value)) }
    mutating func encode(_ value: UInt8) throws { box.value = .number(Decimal(UInt(value))) }
    mutating func encode(_ value: UInt16) throws { box.value = .number(Decimal(UInt(value))) }
    mutating func encode(_ value: UInt32) throws { box.value = .number(Decimal(UInt(value))) }
    mutating func encode(_ value: UInt64) throws { box.value = .number(Decimal(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        box.value = try TreeEncoder.encoded(value, codingPath: codingPath)
    }
}
