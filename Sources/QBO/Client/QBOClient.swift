import Foundation
import RowColJSON

/// Supplies access tokens to a ``QBOClient``; ``QBOTokenManager`` is the standard one.
public protocol QBOAccessTokenProvider: Sendable {
    /// A token to send now.
    func accessToken() async throws -> String
    /// A new token after `rejected` got a 401.
    func refresh(rejecting rejected: String?) async throws -> String
}

extension QBOTokenManager: QBOAccessTokenProvider {}

/// The QBO Accounting API of one company (realm).
///
/// Every call sends `minorversion=75`, is paced by the realm's rate limiter, guarded by the
/// realm's circuit breaker, retried with backoff when that is safe, and refreshes the access token
/// once on a 401. Failures are ``QBOError``s.
///
/// ```swift
/// let tokens = QBOTokenManager(store: QBOTokenStore(storage: tokenStorage), oauth: oauth)
/// let client = QBOClient(realmID: "9130", endpoints: .local(sandboxURL), tokens: tokens)
/// for try await page in client.queryPages(QBOBill.self, where: "Balance > '0'") {
///     for bill in page.items { print(bill.id, bill.balance ?? 0) }
/// }
/// ```
public struct QBOClient: Sendable {
    public let realmID: String
    public let endpoints: QBOEndpoints
    public let configuration: QBOClientConfiguration
    let tokens: any QBOAccessTokenProvider
    let transport: any QBOHTTPTransport

    /// - Parameter transport: how requests travel; by default URLSession with the configuration's
    ///   ``QBOClientConfiguration/requestTimeout``. Share one between clients to share connections.
    public init(realmID: String, endpoints: QBOEndpoints, tokens: any QBOAccessTokenProvider,
                transport: (any QBOHTTPTransport)? = nil,
                configuration: QBOClientConfiguration = QBOClientConfiguration()) {
        self.realmID = realmID
        self.endpoints = endpoints
        self.tokens = tokens
        self.transport = transport ?? QBOURLSessionTransport(timeout: configuration.requestTimeout)
        self.configuration = configuration
    }

    // MARK: Reads

    /// Reads one entity by id (`GET …/bill/{id}`).
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/notFound`` when QBO has no such object.
    public func read<E: QBOEntity>(_ type: E.Type, id: String) async throws -> E {
        // An id becomes a path segment: refuse anything that could change the path.
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }),
              id != ".", id != ".." else {
            throw QBOError(.invalidArgument, message: "\"\(id)\" is not a QBO entity id (letters, digits, '-', '_' or '.', at most 64).")
        }
        let json = try await send("GET", path: "\(E.pathName)/\(id)", retries: .transient)
        return try Self.entity(E.self, in: json)
    }

    /// Runs one query statement as is and returns the whole answer.
    public func query(_ statement: String) async throws -> JSONValue {
        try await send("POST", path: "query", body: Data(statement.utf8), contentType: "application/text", retries: .transient)
    }

    /// `SELECT COUNT(*) FROM <Entity> [WHERE …]`: the number of matching rows.
    public func count<E: QBOEntity>(_ type: E.Type, where condition: String? = nil) async throws -> Int {
        var statement = "SELECT COUNT(*) FROM \(E.entityName)"
        if let condition { statement += " WHERE \(condition)" }
        let json = try await query(statement)
        guard let total = json["QueryResponse"]?["totalCount"]?.decimalValue else {
            throw QBOError(.decoding, message: "The COUNT(*) answer has no QueryResponse.totalCount.")
        }
        return NSDecimalNumber(decimal: total).intValue
    }

    /// Streams every matching entity one page at a time (STARTPOSITION/MAXRESULTS), so a company
    /// of any size is read without holding it all. The next page is fetched only when asked for.
    ///
    /// - Parameters:
    ///   - condition: the text after `WHERE`, for example `"Balance > '0'"`.
    ///   - orderBy: the text after `ORDERBY`; give one (such as `"Id"`) for stable paging.
    public func queryPages<E: QBOEntity>(_ type: E.Type, where condition: String? = nil,
                                         orderBy: String? = nil) -> AsyncThrowingStream<QBOQueryPage<E>, any Error> {
        let cursor = QBOPageCursor<E>(client: self, condition: condition, orderBy: orderBy,
                                      pageSize: max(1, min(1000, configuration.pageSize)))
        return AsyncThrowingStream(unfolding: { try await cursor.next() })
    }

    /// Every page of ``queryPages(_:where:orderBy:)`` collected; for small results only.
    public func queryAll<E: QBOEntity>(_ type: E.Type, where condition: String? = nil, orderBy: String? = nil) async throws -> [E] {
        var all: [E] = []
        for try await page in queryPages(E.self, where: condition, orderBy: orderBy) { all += page.items }
        return all
    }

    func page<E: QBOEntity>(_ type: E.Type, condition: String?, orderBy: String?, start: Int, size: Int) async throws -> QBOQueryPage<E> {
        var statement = "SELECT * FROM \(E.entityName)"
        if let condition { statement += " WHERE \(condition)" }
        if let orderBy { statement += " ORDERBY \(orderBy)" }
        statement += " STARTPOSITION \(start) MAXRESULTS \(size)"
        let json = try await query(statement)
        guard let response = json["QueryResponse"], response.objectValue != nil else {
            throw QBOError(.decoding, message: "The query answer has no QueryResponse object.")
        }
        let rows: [JSONValue]
        switch response[E.entityName] {
        case nil, .null?: rows = []
        case .array(let items)?: rows = items
        default: throw QBOError(.decoding, message: "QueryResponse.\(E.entityName) is not an array.")
        }
        return QBOQueryPage(items: try rows.map(E.init(json:)), startPosition: start, time: json["time"]?.stringValue)
    }

    /// Change data capture: what changed in `entities` since `changedSince`.
    ///
    /// - Parameters:
    ///   - changedSince: an ISO 8601 instant with offset, at most 30 days back; pass the
    ///     ``QBOCDCResult/time`` of the previous answer to continue from it.
    public func changes(entities: [String] = ["Bill", "Invoice", "BillPayment"], changedSince: String) async throws -> QBOCDCResult {
        let json = try await send("GET", path: "cdc", query: [
            URLQueryItem(name: "entities", value: entities.joined(separator: ",")),
            URLQueryItem(name: "changedSince", value: changedSince),
        ], retries: .transient)
        return try QBOCDCResult(json: json)
    }

    /// Change data capture since an instant (sent as RFC 3339 in UTC with milliseconds).
    public func changes(entities: [String] = ["Bill", "Invoice", "BillPayment"], since date: Date) async throws -> QBOCDCResult {
        try await changes(entities: entities, changedSince: Timestamp(date).description)
    }

    // MARK: Writes

    /// Creates a `BillPayment`.
    ///
    /// - Parameters:
    ///   - body: the bare BillPayment object (`VendorRef`, `PayType`, `CheckPayment`, `TotalAmt`, `Line`).
    ///   - requestID: the idempotency key (at most 50 characters, unique per company). With one, QBO
    ///     is meant to replay the original answer on a repeat, and failures that prove the request was
    ///     not processed (429, a refused connection) are retried; after any other failure the write
    ///     may have been committed, so it is not sent again here. Without one it is sent once.
    public func createBillPayment(_ body: JSONValue, requestID: String?) async throws -> QBOBillPayment {
        try await create(QBOBillPayment.self, body: body, requestID: requestID)
    }

    /// Creates an entity (`POST …/{entity}`); see ``createBillPayment(_:requestID:)`` for `requestID`.
    public func create<E: QBOEntity>(_ type: E.Type, body: JSONValue, requestID: String?) async throws -> E {
        let json = try await write(E.pathName, body: body, requestID: requestID, extra: [])
        return try Self.entity(E.self, in: json)
    }

    /// A sparse update: only the fields in `fields` change.
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/staleObject`` (fault 5010) when `syncToken` is not current.
    public func sparseUpdate<E: QBOEntity>(_ type: E.Type, id: String, syncToken: String, fields: [String: JSONValue],
                                           requestID: String? = nil) async throws -> E {
        var object = fields
        object["Id"] = .string(id)
        object["SyncToken"] = .string(syncToken)
        object["sparse"] = .bool(true)
        let json = try await write(E.pathName, body: .object(object), requestID: requestID, extra: [])
        return try Self.entity(E.self, in: json)
    }

    /// Deletes an entity (`POST …/{entity}?operation=delete`).
    public func delete<E: QBOEntity>(_ type: E.Type, id: String, syncToken: String, requestID: String? = nil) async throws -> QBODeletedObject {
        let json = try await write(E.pathName, body: ["Id": .string(id), "SyncToken": .string(syncToken)], requestID: requestID,
                                   extra: [URLQueryItem(name: "operation", value: "delete")])
        guard let stub = json[E.entityName] else {
            throw QBOError(.decoding, message: "The delete answer has no \(E.entityName) object.")
        }
        return try QBODeletedObject(json: stub, entity: E.entityName)
    }

    /// Voids a bill payment (`POST …/billpayment?operation=update&include=void`).
    public func voidBillPayment(id: String, syncToken: String, requestID: String? = nil) async throws -> QBOBillPayment {
        let json = try await write(QBOBillPayment.pathName,
                                   body: ["Id": .string(id), "SyncToken": .string(syncToken), "sparse": true],
                                   requestID: requestID,
                                   extra: [URLQueryItem(name: "operation", value: "update"), URLQueryItem(name: "include", value: "void")])
        return try Self.entity(QBOBillPayment.self, in: json)
    }

    private func write(_ path: String, body: JSONValue, requestID: String?, extra: [URLQueryItem]) async throws -> JSONValue {
        var query = extra
        if let requestID {
            guard !requestID.isEmpty, requestID.count <= 50 else {
                throw QBOError(.invalidArgument, message: "A requestid must have 1 to 50 characters; got \(requestID.count).")
            }
            query.append(URLQueryItem(name: "requestid", value: requestID))
        }
        // Only a write QBO can recognize as a repeat may be sent twice.
        return try await send("POST", path: path, query: query, body: Data(body.serialized(.compact)), contentType: "application/json",
                              retries: requestID != nil ? .unprocessed : .none)
    }

    static func entity<E: QBOEntity>(_ type: E.Type, in json: JSONValue) throws -> E {
        guard let object = json[E.entityName] else {
            throw QBOError(.decoding, message: "The answer has no \(E.entityName) object.")
        }
        return try E(json: object)
    }
}

/// One page of a query.
public struct QBOQueryPage<Entity: QBOEntity>: Sendable {
    public var items: [Entity]
    /// The 1-based STARTPOSITION of this page.
    public var startPosition: Int
    /// The answer's `time`.
    public var time: String?
}

actor QBOPageCursor<E: QBOEntity> {
    private let client: QBOClient
    private let condition: String?
    private let orderBy: String?
    private let pageSize: Int
    private var start = 1
    private var finished = false

    init(client: QBOClient, condition: String?, orderBy: String?, pageSize: Int) {
        self.client = client
        self.condition = condition
        self.orderBy = orderBy
        self.pageSize = pageSize
    }

    func next() async throws -> QBOQueryPage<E>? {
        guard !finished else { return nil }
        let page = try await client.page(E.self, condition: condition, orderBy: orderBy, start: start, size: pageSize)
        start += page.items.count
        if page.items.count < pageSize { finished = true }
        if page.items.isEmpty { return nil }
        return page
    }
}
