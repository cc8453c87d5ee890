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

    var count: Bool
    var entity: EntityName
    var conditions: [Condition] = []
    var orderBy: String?
    var descending = false
    var startPosition = 1
    var maxResults = 100

    static let maxPage = 1000

    /// Parses `SELECT * | COUNT(*) FROM Entity [WHERE …] [ORDERBY f [ASC|DESC]] [STARTPOSITION n] [MAXRESULTS m]`.
    static func parse(_ text: String) throws(QBOFault) -> Query {
        // A slice, so taking the first token is O(1): an IN list of 100,000 values must not take minutes.
        var tokens = try tokenize(text)[...]
        func next() -> String? { tokens.isEmpty ? nil : tokens.removeFirst() }
        func expectKeyword(_ word: String) throws(QBOFault) {
            guard let token = next(), token.uppercased() == word else {
                throw .invalidQuery("expected \(word) in \"\(text)\"")
            }
        }
        try expectKeyword("SELECT")
        var count = false
        guard let selection = next() else { throw .invalidQuery("nothing to select in \"\(text)\"") }
        if selection.uppercased() == "COUNT" {
            guard next() == "(", next() == "*", next() == ")" else { throw .invalidQuery("write COUNT(*)") }
            count = true
        } else if selection != "*" {
            // A field list: QBO answers with the listed fields; the sandbox answers with whole objects.
            var token: String? = selection
            while let current = token, current.uppercased() != "FROM" {
                guard current == "," || isIdentifier(current) else { throw .invalidQuery("unexpected \(current)") }
                token = tokens.first
                if token?.uppercased() != "FROM" { _ = next() }
            }
        }
        try expectKeyword("FROM")
        guard let entityText = next(), let entity = EntityName(caseInsensitive: entityText) else {
            throw .invalidQuery("unknown entity in \"\(text)\": the sandbox knows \(EntityName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var query = Query(count: count, entity: entity)
        if tokens.first?.uppercased() == "WHERE" {
            _ = next()
            repeat {
                guard let field = next(), isIdentifier(field) else { throw .invalidQuery("expected a property after WHERE") }
                guard let opText = next(), let op = Operator(rawValue: opText.uppercased()) else {
                    throw .invalidQuery("expected an operator after \(field)")
                }
                var values: [String] = []
                if op == .in {
                    guard next() == "(" else { throw .invalidQuery("IN needs a list in parentheses") }
                    while true {
                        guard let value = next(), let literal = literal(value) else { throw .invalidQuery("bad IN list") }
                        values.append(literal)
                        let separator = next()
                        if separator == ")" { break }
                        guard separator == "," else { throw .invalidQuery("bad IN list") }
                    }
                } else {
                    guard let value = next(), let literal = literal(value) else {
                        throw .invalidQuery("expected a value after \(field) \(opText)")
                    }
                    values = [literal]
                }
                query.conditions.append(Condition(field: field, op: op, values: values))
                if tokens.first?.uppercased() == "AND" { _ = next(); continue }
                break
            } while true
        }
        while let keyword = next() {
            switch keyword.uppercased() {
            case "ORDERBY", "ORDER":
                if keyword.uppercased() == "ORDER" { try expectKeyword("BY") }
                guard let field = next(), isIdentifier(field) else { throw .invalidQuery("expected a property after ORDERBY") }
                query.orderBy = field
                if let direction = tokens.first?.uppercased(), direction == "ASC" || direction == "DESC" {
                    query.descending = direction == "DESC"
                    _ = next()
                }
            case "STARTPOSITION":
                guard let value = next().flatMap({ Int($0) }) else { throw .invalidQuery("STARTPOSITION needs a number") }
                guard value >= 1 else { throw .invalidQuery("value \(value) is too small. Min allowed value is 1") }
                query.startPosition = value
            case "MAXRESULTS":
                guard let value = next().flatMap({ Int($0) }) else { throw .invalidQuery("MAXRESULTS needs a number") }
                guard value >= 1 else { throw .invalidQuery("value \(value) is too small. Min allowed value is 1") }
                guard value <= maxPage else { throw .invalidQuery("value \(value) is too large. Max allowed value is \(maxPage)") }
                query.maxResults = value
            default:
                throw .invalidQuery("unexpected \(keyword) in \"\(text)\"")
            }
        }
        return query
    }

    private static func isIdentifier(_ token: String) -> Bool {
        guard let first = token.unicodeScalars.first, CharacterSet.letters.contains(first) else { return false }
        return token.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "_" }
    }

    /// Quoted strings lose their quotes (marked by a leading \u{1}); bare numbers and booleans pass.
    private static func literal(_ token: String) -> String? {
        if token.hasPrefix("\u{1}") { return String(token.dropFirst()) }
        if Decimal(string: token) != nil || ["true", "false"].contains(token.lowercased()) { return token }
        return nil
    }

    private static func tokenize(_ text: String) throws(QBOFault) -> [String] {
        var tokens: [String] = []
        let chars = Array(text)
        var index = 0
        while index < chars.count {
            let c = chars[index]
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
                guard closed else { throw .invalidQuery("unterminated string in \"\(text)\"") }
                tokens.append("\u{1}" + value)
            } else if "(),*".contains(c) {
                tokens.append(String(c)); index += 1
            } else if "<>=!".contains(c) {
                var op = String(c)
                index += 1
                if index < chars.count, chars[index] == "=" || (c == "<" && chars[index] == ">") { op.append(chars[index]); index += 1 }
                tokens.append(op == "<>" ? "!=" : op)
            } else {
                var word = ""
                while index < chars.count, !chars[index].isWhitespace, !"(),*<>=!'\"".contains(chars[index]) {
                    word.append(chars[index]); index += 1
                }
                guard !word.isEmpty else { throw .invalidQuery("unexpected character \(c)") }
                tokens.append(word)
            }
        }
        return tokens
    }
}

extension Company {
    /// Runs a query; the answer is the `QueryResponse` object.
    func run(_ query: Query) -> WireJSON {
        guard let table = tables[query.entity] else { return ["QueryResponse": [:]] }
        var matches: [Record] = []
        let conditions = query.conditions.map { PreparedCondition($0) }
        for id in table.orderedIds {
            let record = table.records[id]!
            if conditions.allSatisfy({ Self.matches(record, $0) }) { matches.append(record) }
        }
        if query.count { return ["QueryResponse": ["totalCount": .number(Decimal(matches.count))]] }
        if let field = query.orderBy {
            let path = FieldPath(field)
            let keys = matches.map { Self.sortKey(Self.value(of: $0, path)) }
            let order = matches.indices.sorted { a, b in
                let less = Self.less(keys[a], keys[b])
                let more = Self.less(keys[b], keys[a])
                if !less && !more { return matches[a].id < matches[b].id }
                return query.descending ? more : less
            }
            matches = order.map { matches[$0] }
        }
        let start = query.startPosition - 1
        guard start < matches.count else { return ["QueryResponse": [:]] }
        let page = matches[start..<min(matches.count, start + query.maxResults)]
        return ["QueryResponse": [query.entity.rawValue: .array(page.map { $0.rendered() }),
                                  "startPosition": .number(Decimal(query.startPosition)),
                                  "maxResults": .number(Decimal(page.count))]]
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
