import Foundation

/// A parsed statement of QBO's query language subset.
struct Query: Sendable {
    enum Operator: String, Sendable { case eq = "=", lt = "<", gt = ">", le = "<=", ge = ">=", ne = "!=", `in` = "IN", like = "LIKE" }

    struct Condition: Sendable {
        var field: String
        var op: Operator
        var values: [String]
        var path: FieldPath { FieldPath(field) }
    }

    struct Ordering: Sendable {
        var field: String
        var descending: Bool
    }

    var count: Bool
    /// The entity as QBO spells it (`BillPayment`), whatever case the statement used.
    var entityName: String
    /// What the sandbox stores of it; `nil` for entities it holds no rows of, and for the
    /// company's singletons (CompanyInfo, Preferences), which the engine answers itself.
    var entity: EntityName?
    var conditions: [Condition] = []
    var ordering: [Ordering] = []
    var startPosition = 1
    var maxResults = 100

    static let maxPage = 1000

    /// One lexical unit, with the 1-based column QBO's parser errors name.
    struct Token: Sendable {
        var text: String
        var quoted = false
        var column: Int
        /// Keywords, entity and property names are not case sensitive.
        var upper: String { quoted ? "" : text.uppercased() }
    }

    /// Parses `SELECT * | COUNT(*) FROM Entity [WHERE p op v AND …] [ORDERBY p [ASC|DESC], …]
    /// [STARTPOSITION n] [MAXRESULTS m]`. A statement that does not follow the grammar is QBO's
    /// 4000 `QueryParserError`; one that does but names an unknown entity, a property that is not
    /// queryable, a date that is not a date or a page out of range is 4001 `QueryValidationError`.
    /// - Parameter today: the Pacific date `CURRENT_DATE` stands for.
    static func parse(_ text: String, today: String? = nil) throws(QBOFault) -> Query {
        var parser = Parser(tokens: try tokenize(text)[...], end: text.count + 1)
        return try parser.statement(today: today)
    }

    private struct Parser {
        // A slice, so taking the first token is O(1): an IN list of 100,000 values must not take minutes.
        var tokens: ArraySlice<Token>
        var end: Int

        mutating func next() -> Token? { tokens.popFirst() }

        func unexpected(_ token: Token?, expecting: String) -> QBOFault {
            guard let token else { return .parserError(found: "<EOF>", column: end, expecting: expecting) }
            return .parserError(found: token.quoted ? "'\(token.text)'" : token.text, column: token.column, expecting: expecting)
        }

        mutating func keyword(_ word: String) throws(QBOFault) {
            let token = next()
            guard token?.upper == word else { throw unexpected(token, expecting: word) }
        }

        mutating func identifier(expecting: String) throws(QBOFault) -> String {
            let token = next()
            guard let token, !token.quoted, Query.isIdentifier(token.text) else { throw unexpected(token, expecting: expecting) }
            return token.text
        }

        mutating func number(after word: String) throws(QBOFault) -> Int {
            let token = next()
            guard let token, !token.quoted, let value = Int(token.text) else { throw unexpected(token, expecting: "a number after \(word)") }
            return value
        }

        mutating func literal(for entry: CatalogEntry, field: String, today: String?) throws(QBOFault) -> String {
            let token = next()
            guard let token else { throw unexpected(nil, expecting: "a value") }
            let value: String
            if token.quoted {
                value = token.text
            } else if token.upper == "CURRENT_DATE", let today {
                value = today
            } else if Query.isNumber(token.text) || token.upper == "TRUE" || token.upper == "FALSE" {
                value = token.text
            } else {
                throw unexpected(token, expecting: "a value: 'text', a number, true or false")
            }
            return try Query.checkedDate(value, field: field)
        }

        mutating func statement(today: String?) throws(QBOFault) -> Query {
            try keyword("SELECT")
            var count = false
            guard let selection = next() else { throw unexpected(nil, expecting: "* or COUNT(*)") }
            if selection.upper == "COUNT" {
                for symbol in ["(", "*", ")"] {
                    let token = next()
                    guard token?.text == symbol, token?.quoted == false else { throw unexpected(token, expecting: symbol) }
                }
                count = true
            } else if selection.text != "*" || selection.quoted {
                // A field list: QBO answers with the listed fields; the sandbox answers with whole objects.
                var token: Token? = selection
                while let current = token, current.upper != "FROM" {
                    guard !current.quoted, current.text == "," || Query.isIdentifier(current.text) else {
                        throw unexpected(current, expecting: "FROM")
                    }
                    _ = current
                    token = tokens.first
                    if token?.upper != "FROM" { _ = next() }
                }
            }
            try keyword("FROM")
            let name = try identifier(expecting: "an entity name")
            guard let entry = EntityCatalog.entry(named: name) else {
                throw QBOFault.invalidQuery("invalid context declaration: \(name)")
            }
            var query = Query(count: count, entityName: entry.name, entity: entry.held)
            if tokens.first?.upper == "WHERE" {
                _ = next()
                repeat {
                    let field = try identifier(expecting: "a property name")
                    guard entry.isQueryable(field) else { throw QBOFault.notQueryable(field) }
                    let opToken = next()
                    guard let opToken, !opToken.quoted, let op = Operator(rawValue: opToken.upper == "<>" ? "!=" : opToken.upper) else {
                        throw unexpected(opToken, expecting: "an operator: =, <, >, <=, >=, IN or LIKE")
                    }
                    var values: [String] = []
                    if op == .in {
                        let open = next()
                        guard open?.text == "(", open?.quoted == false else { throw unexpected(open, expecting: "(") }
                        while true {
                            values.append(try literal(for: entry, field: field, today: today))
                            let separator = next()
                            if separator?.text == ")" && separator?.quoted == false { break }
                            guard separator?.text == ",", separator?.quoted == false else { throw unexpected(separator, expecting: ", or )") }
                        }
                    } else {
                        values = [try literal(for: entry, field: field, today: today)]
                    }
                    query.conditions.append(Condition(field: field, op: op, values: values))
                    if tokens.first?.upper == "AND" { _ = next(); continue }
                    break
                } while true
            }
            while let keyword = next() {
                switch keyword.upper {
                case "ORDERBY", "ORDER":
                    if keyword.upper == "ORDER" { try self.keyword("BY") }
                    // Several properties are taken, as QBO takes them (`ORDERBY TxnDate DESC, Id DESC`).
                    repeat {
                        let field = try identifier(expecting: "a property name after ORDERBY")
                        guard entry.isQueryable(field) else { throw QBOFault.notQueryable(field) }
                        var descending = false
                        if let direction = tokens.first?.upper, direction == "ASC" || direction == "DESC" {
                            descending = direction == "DESC"
                            _ = next()
                        }
                        query.ordering.append(Ordering(field: field, descending: descending))
                        guard tokens.first?.text == ",", tokens.first?.quoted == false else { break }
                        _ = next()
                    } while true
                case "STARTPOSITION":
                    let value = try number(after: "STARTPOSITION")
                    guard value >= 1 else { throw QBOFault.invalidQuery("value \(value) is too small. Min allowed value is 1") }
                    query.startPosition = value
                case "MAXRESULTS":
                    let value = try number(after: "MAXRESULTS")
                    guard value >= 1 else { throw QBOFault.invalidQuery("value \(value) is too small. Min allowed value is 1") }
                    guard value <= Query.maxPage else {
                        throw QBOFault.invalidQuery("value \(value) is too large. Max allowed value is \(Query.maxPage)")
                    }
                    query.maxResults = value
                default:
                    throw unexpected(keyword, expecting: "WHERE, ORDERBY, STARTPOSITION, MAXRESULTS or the end")
                }
            }
            return query
        }
    }

    /// A date property compared with something that is not a date is a fault, never a string
    /// comparison; a date-time given for a date compares by its Pacific day.
    static func checkedDate(_ value: String, field: String) throws(QBOFault) -> String {
        let lower = field.lowercased()
        let isDate = EntityCatalog.dateProperties.contains(lower)
        let isTime = lower == "metadata.createtime" || lower == "metadata.lastupdatedtime"
        guard isDate || isTime else { return value }
        guard let instant = WireTime.parse(value) else {
            throw QBOFault.invalidQuery("\(field): '\(value.prefix(40))' is not a valid date\(isTime ? "-time" : ""): use \(isTime ? "2026-01-31T12:00:00-08:00" : "2026-01-31")")
        }
        return isDate && value.utf8.count > 10 ? WireTime.formatDate(day: WireTime.localDay(instant)) : value
    }

    /// `42`, `-1`, `1.5`: what QBO takes unquoted (Decimal(string:) alone would take "12abc" as 12).
    static func isNumber(_ text: String) -> Bool {
        var digits = 0, dots = 0
        for (index, c) in text.unicodeScalars.enumerated() {
            switch c {
            case "0"..."9": digits += 1
            case ".": dots += 1
            case "-" where index == 0: break
            default: return false
            }
        }
        return digits > 0 && dots <= 1 && digits <= 38
    }

    static func isIdentifier(_ token: String) -> Bool {
        guard let first = token.unicodeScalars.first, CharacterSet.letters.contains(first) else { return false }
        return token.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "_" }
    }

    private static func tokenize(_ text: String) throws(QBOFault) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var index = 0
        while index < chars.count {
            let c = chars[index]
            let column = index + 1
            if c.isWhitespace { index += 1; continue }
            if c == "'" || c == "\"" {
                var value = ""
                index += 1
                var closed = false
                while index < chars.count {
                    if chars[index] == "\\", index + 1 < chars.count { value.append(chars[index + 1]); index += 2; continue }
                    if chars[index] == c {
                        if index + 1 < chars.count, chars[index + 1] == c { value.append(c); index += 2; continue }
                        closed = true
                        index += 1
                        break
                    }
                    value.append(chars[index])
                    index += 1
                }
                guard closed else { throw QBOFault.parserError(found: "<EOF>", column: chars.count + 1, expecting: "the closing \(c) of the string at column \(column)") }
                tokens.append(Token(text: value, quoted: true, column: column))
            } else if "(),*".contains(c) {
                tokens.append(Token(text: String(c), column: column)); index += 1
            } else if "<>=!".contains(c) {
                var op = String(c)
                index += 1
                if index < chars.count, chars[index] == "=" || (c == "<" && chars[index] == ">") { op.append(chars[index]); index += 1 }
                tokens.append(Token(text: op, column: column))
            } else {
                var word = ""
                while index < chars.count, !chars[index].isWhitespace, !"(),*<>=!'\"".contains(chars[index]) {
                    word.append(chars[index]); index += 1
                }
                tokens.append(Token(text: word, column: column))
            }
        }
        return tokens
    }
}

extension Company {
    /// Runs a query; the answer is the `QueryResponse` object.
    func run(_ query: Query) -> WireJSON {
        guard let table = query.entity.flatMap({ tables[$0] }) else { return Self.answer(query, matches: []) }
        // A page of every row in Id order (how a sync pages) looks up only the rows of the page.
        if query.conditions.isEmpty, !query.count, query.ordering.isEmpty || Self.isIdOrder(query.ordering) {
            var ids = table.orderedIds[...]
            if query.ordering.first?.descending == true { ids = ArraySlice(ids.reversed()) }
            let start = query.startPosition - 1
            guard start < ids.count else { return ["QueryResponse": [:]] }
            let page = ids.dropFirst(start).prefix(query.maxResults).map { table.records[$0]! }
            return Self.answer(query, matches: page, paged: true)
        }
        var matches: [Record] = []
        let conditions = query.conditions.map { PreparedCondition($0) }
        for id in table.orderedIds {
            let record = table.records[id]!
            if conditions.allSatisfy({ Self.matches(record, $0) }) { matches.append(record) }
        }
        return Self.answer(query, matches: matches)
    }

    /// Runs a query over records in Id order (the engine's singletons).
    static func run(_ query: Query, over records: [Record]) -> WireJSON {
        let conditions = query.conditions.map { PreparedCondition($0) }
        return answer(query, matches: records.filter { record in conditions.allSatisfy { matches(record, $0) } })
    }

    /// Counts, orders and pages the matching records.
    /// - Parameter paged: `matches` is already the ordered page.
    private static func answer(_ query: Query, matches: [Record], paged: Bool = false) -> WireJSON {
        var matches = matches
        if query.count { return ["QueryResponse": ["totalCount": .number(Decimal(matches.count))]] }
        if paged {
            return ["QueryResponse": [query.entityName: .array(matches.map { $0.rendered() }),
                                      "startPosition": .number(Decimal(query.startPosition)),
                                      "maxResults": .number(Decimal(matches.count))]]
        }
        // Rows arrive in Id order (the table keeps its Ids sorted), so ORDERBY Id, the order every
        // paging client asks for, is that order or its reverse: no sort keys, no sort of every row.
        if isIdOrder(query.ordering) {
            if query.ordering[0].descending { matches.reverse() }
        } else if !query.ordering.isEmpty {
            let paths = query.ordering.map { FieldPath($0.field) }
            let keys = matches.map { record in paths.map { Self.sortKey(Self.value(of: record, $0)) } }
            let order = matches.indices.sorted { a, b in
                for (position, ordering) in query.ordering.enumerated() {
                    let x = keys[a][position], y = keys[b][position]
                    if Self.less(x, y) { return !ordering.descending }
                    if Self.less(y, x) { return ordering.descending }
                }
                return matches[a].id < matches[b].id
            }
            matches = order.map { matches[$0] }
        }
        let start = query.startPosition - 1
        guard start < matches.count else { return ["QueryResponse": [:]] }
        let page = matches[start..<min(matches.count, start + query.maxResults)]
        return ["QueryResponse": [query.entityName: .array(page.map { $0.rendered() }),
                                  "startPosition": .number(Decimal(query.startPosition)),
                                  "maxResults": .number(Decimal(page.count))]]
    }

    /// `ORDERBY Id` (ascending or descending) alone.
    static func isIdOrder(_ ordering: [Query.Ordering]) -> Bool {
        ordering.count == 1 && FieldPath(ordering[0].field).special == .id
    }

    enum SortKey { case none, number(Decimal), text(String) }

    static func sortKey(_ value: WireJSON?) -> SortKey {
        switch value {
        case .number(let d): return .number(d)
        case .string(let s): return .text(s)
        case .bool(let b): return .text(b ? "true" : "false")
        default: return .none
        }
    }

    static func less(_ a: SortKey, _ b: SortKey) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.text(let x), .text(let y)): return x < y
        case (.none, .none): return false
        case (.none, _): return true
        default: return false
        }
    }

    /// A property by path; refs compare by their `value`; Id and MetaData times compare as numbers.
    static func value(of record: Record, _ path: FieldPath) -> WireJSON? {
        switch path.special {
        case .id: return .number(Decimal(record.id))
        case .syncToken: return .number(Decimal(record.syncToken))
        case .updated: return .number(Decimal(record.updated))
        case .created: return .number(Decimal(record.created))
        case nil: break
        }
        var current: WireJSON? = .object(record.body)
        for part in path.parts {
            guard let object = current?.objectValue else { return nil }
            current = object[part] ?? object.first { $0.key.lowercased() == part.lowercased() }?.value
        }
        if let ref = current?["value"] { return ref.lenientText.map { Decimal(string: $0).map(WireJSON.number) ?? .string($0) } }
        return current
    }

    /// A condition with its path and numeric literals worked out once, not once per row.
    struct PreparedCondition {
        var condition: Query.Condition
        var path: FieldPath
        var numbers: [Decimal?]
        var numberSet: Set<Decimal>?

        init(_ condition: Query.Condition) {
            self.condition = condition
            path = condition.path
            let isTime = path.special == .updated || path.special == .created
            numbers = condition.values.map { isTime ? WireTime.parse($0).map { Decimal($0) } : Decimal(string: $0) }
            if condition.op == .in, condition.values.count > 8 { numberSet = Set(numbers.compactMap { $0 }) }
        }
    }

    static func matches(_ record: Record, _ prepared: PreparedCondition) -> Bool {
        let condition = prepared.condition
        guard let field = value(of: record, prepared.path) else { return false }
        func compare(_ index: Int) -> ComparisonResult? {
            let literal = condition.values[index]
            switch field {
            case .number(let number):
                guard let other = prepared.numbers[index] else { return nil }
                return number < other ? .orderedAscending : (number > other ? .orderedDescending : .orderedSame)
            case .bool(let flag):
                let other = literal.lowercased() == "true"
                return flag == other ? .orderedSame : (flag ? .orderedDescending : .orderedAscending)
            case .string(let text):
                return text.compare(literal, options: .caseInsensitive)
            default:
                return nil
            }
        }
        switch condition.op {
        case .eq: return compare(0) == .orderedSame
        case .ne: return compare(0).map { $0 != .orderedSame } ?? false
        case .lt: return compare(0) == .orderedAscending
        case .gt: return compare(0) == .orderedDescending
        case .le: return compare(0).map { $0 != .orderedDescending } ?? false
        case .ge: return compare(0).map { $0 != .orderedAscending } ?? false
        case .in:
            // A long IN list of numbers (ids) is looked up, not scanned, for every row.
            if case .number(let number) = field, let set = prepared.numberSet { return set.contains(number) }
            return condition.values.indices.contains { compare($0) == .orderedSame }
        case .like:
            guard case .string(let text) = field else { return false }
            let pattern = condition.values[0].lowercased()
            let lower = text.lowercased()
            let core = pattern.trimmingCharacters(in: CharacterSet(charactersIn: "%"))
            switch (pattern.hasPrefix("%"), pattern.hasSuffix("%") && pattern.count > 1) {
            case (true, true): return core.isEmpty || lower.contains(core)
            case (true, false): return lower.hasSuffix(core)
            case (false, true): return lower.hasPrefix(core)
            case (false, false): return lower == core
            }
        }
    }
}

/// A property path of the query language, split once.
struct FieldPath: Sendable {
    enum Special { case id, syncToken, updated, created }
    var parts: [String]
    var special: Special?

    init(_ text: String) {
        parts = text.split(separator: ".").map(String.init)
        switch text.lowercased() {
        case "id": special = .id
        case "synctoken": special = .syncToken
        case "metadata.lastupdatedtime": special = .updated
        case "metadata.createtime": special = .created
        default: special = nil
        }
    }
}
