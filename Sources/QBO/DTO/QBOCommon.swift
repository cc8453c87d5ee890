import Foundation
import RowColJSON

/// A calendar date as QBO sends it (`YYYY-MM-DD`), with no time and no time zone.
public struct QBODate: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses `YYYY-MM-DD`; returns `nil` for anything else or an impossible date.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1, day <= QBODate.days(inMonth: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public var description: String {
        // By hand: `String(format:)` goes through CoreFoundation's formatter on Linux, and a page
        // of a thousand bills formats thousands of dates.
        func digits(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count < width ? String(repeating: "0", count: width - text.count) + text : text
        }
        return digits(year, 4) + "-" + digits(month, 2) + "-" + digits(day, 2)
    }

    public static func < (lhs: QBODate, rhs: QBODate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = QBODate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not YYYY-MM-DD"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A reference to another QBO object: `{"value": "49", "name": "Robertson & Associates"}`.
public struct QBORef: Hashable, Sendable {
    public var value: String
    public var name: String?

    public init(value: String, name: String? = nil) {
        self.value = value
        self.name = name
    }

    init(json: JSONValue, entity: String) throws {
        let fields = try QBOFields(json, entity: entity)
        self.value = try fields.requiredString("value")
        self.name = try fields.string("name")
    }
}

/// `MetaData` of an entity; times are kept as the strings QBO sent (ISO 8601 with offset).
public struct QBOMetaData: Hashable, Sendable {
    public var createTime: String?
    /// The instant of the last change, exactly as QBO wrote it.
    public var lastUpdatedTime: String?
}

/// A `LinkedTxn` entry: a link to another transaction (a payment of a bill, an estimate of an invoice).
public struct QBOLinkedTxn: Hashable, Sendable {
    public var txnID: String
    public var txnType: String?

    public init(txnID: String, txnType: String?) {
        self.txnID = txnID
        self.txnType = txnType
    }

    init(json: JSONValue, entity: String) throws {
        let fields = try QBOFields(json, entity: entity)
        self.txnID = try fields.requiredString("TxnId")
        self.txnType = try fields.string("TxnType")
    }
}

/// The `DetailType` of a transaction line. Unknown kinds are kept, not refused.
public struct QBOLineKind: RawRepresentable, Hashable, Sendable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let accountBasedExpense = QBOLineKind(rawValue: "AccountBasedExpenseLineDetail")
    public static let itemBasedExpense = QBOLineKind(rawValue: "ItemBasedExpenseLineDetail")
    public static let salesItem = QBOLineKind(rawValue: "SalesItemLineDetail")
    public static let subTotal = QBOLineKind(rawValue: "SubTotalLineDetail")
    public static let discount = QBOLineKind(rawValue: "DiscountLineDetail")
    public static let groupLine = QBOLineKind(rawValue: "GroupLineDetail")
    public static let descriptionOnly = QBOLineKind(rawValue: "DescriptionOnly")
}

/// One `Line` of a bill, an invoice or a bill payment.
///
/// The detail object is kept whole in ``detail`` whatever its kind; the common references are
/// lifted out for convenience.
public struct QBOLine: Hashable, Sendable {
    /// Absent on sub-total lines and on bill-payment lines.
    public var id: String?
    public var lineNum: Int?
    public var description: String?
    public var amount: Decimal?
    /// `nil` on bill-payment lines, which have no `DetailType`.
    public var kind: QBOLineKind?
    /// The `<DetailType>` object as received.
    public var detail: JSONValue?
    /// `AccountRef` of an account-based expense line.
    public var accountRef: QBORef?
    /// `ItemRef` of an item or sales line.
    public var itemRef: QBORef?
    public var linkedTxns: [QBOLinkedTxn]
    /// The line as received.
    public var raw: JSONValue

    init(json: JSONValue, entity: String) throws {
        let fields = try QBOFields(json, entity: entity)
        self.raw = json
        self.id = try fields.string("Id")
        self.lineNum = try fields.decimal("LineNum").map { NSDecimalNumber(decimal: $0).intValue }
        self.description = try fields.string("Description")
        self.amount = try fields.decimal("Amount")
        self.kind = try fields.string("DetailType").map(QBOLineKind.init(rawValue:))
        self.linkedTxns = try fields.linkedTxns()
        if let kind, let detail = try fields.objectValue(kind.rawValue) {
            self.detail = detail
            let detailFields = try QBOFields(detail, entity: "\(entity).\(kind.rawValue)")
            self.accountRef = try detailFields.ref("AccountRef")
            self.itemRef = try detailFields.ref("ItemRef")
        }
    }
}

/// A QBO entity type the client can read, query and receive from CDC.
public protocol QBOEntity: Sendable {
    /// The entity name on the wire (`Bill`, `Invoice`, `Account`, `BillPayment`).
    static var entityName: String { get }
    var id: String { get }
    /// The whole object as received, unknown fields included.
    var raw: JSONValue { get }
    /// Builds the DTO from a JSON object.
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/decoding`` when a field has the wrong type.
    init(json: JSONValue) throws
}

extension QBOEntity {
    /// The entity name in request paths (`bill`, `billpayment`).
    public static var pathName: String { entityName.lowercased() }

    /// Decodes one entity from JSON bytes (the bare object, or the `{"Bill": {...}}` envelope).
    public init(jsonData data: Data) throws {
        let json = try QBOJSONBody.parse(QBOFaultParser.jsonBytes(data))
        if let inner = json[Self.entityName] { try self.init(json: inner) } else { try self.init(json: json) }
    }
}
