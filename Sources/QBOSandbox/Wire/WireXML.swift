import Foundation

/// QBO's XML wire format, written from and read into the same ``WireJSON`` values the JSON side
/// uses, so every entity the sandbox holds speaks both.
///
/// The mapping follows the recorded payloads (shared fixtures, `xml/`): an entity is an element
/// with `domain`, `sparse` (and `status` for a deletion stub) as attributes; a reference
/// (`{"value", "name"}`) is `<VendorRef name="…">value</VendorRef>`; an array is the element
/// repeated; `QueryResponse` carries `startPosition`, `maxResults` and `totalCount` as attributes;
/// everything sits in `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="…">`.
enum WireXML {
    static let namespace = "http://schema.intuit.com/finance/v3"
    static let entityAttributes: Set<String> = ["domain", "sparse", "status"]
    static let responseAttributes: Set<String> = ["startPosition", "maxResults", "totalCount"]
    /// QBO's schema puts these first; the rest follows in name order.
    static let leadingKeys = ["Id", "SyncToken", "MetaData"]

    /// Renders an answer envelope (`{"Bill": {...}, "time"}`, `{"QueryResponse": {...}}`, `{"CDCResponse": [...]}`).
    static func document(_ answer: WireJSON) -> Data {
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        out += #"<IntuitResponse xmlns="\#(namespace)""#
        if let time = answer["time"]?.stringValue { out += #" time="\#(escape(time))""# }
        out += ">"
        for (key, value) in ordered(answer.objectValue ?? [:]) where key != "time" {
            switch key {
            case "QueryResponse": queryResponse(value, into: &out)
            case "CDCResponse":
                out += "<CDCResponse>"
                for response in value.arrayValue ?? [] {
                    for part in response["QueryResponse"]?.arrayValue ?? [] { queryResponse(part, into: &out) }
                }
                out += "</CDCResponse>"
            default: element(key, value, into: &out, topLevel: true)
            }
        }
        out += "</IntuitResponse>\n"
        return Data(out.utf8)
    }

    private static func queryResponse(_ value: WireJSON, into out: inout String) {
        let fields = value.objectValue ?? [:]
        out += "<QueryResponse"
        for key in ["startPosition", "maxResults", "totalCount"] {
            if let number = fields[key], let text = scalarText(number) { out += #" \#(key)="\#(escape(text))""# }
        }
        out += ">"
        for (key, item) in ordered(fields) where !responseAttributes.contains(key) {
            element(key, item, into: &out, topLevel: true)
        }
        out += "</QueryResponse>"
    }

    private static func ordered(_ object: [String: WireJSON]) -> [(String, WireJSON)] {
        let leading = leadingKeys.compactMap { key in object[key].map { (key, $0) } }
        return leading + object.filter { !leadingKeys.contains($0.key) }.sorted { $0.key < $1.key }
    }

    private static func isReference(_ object: [String: WireJSON]) -> Bool {
        object["value"] != nil && object.keys.allSatisfy { $0 == "value" || $0 == "name" || $0 == "type" }
    }

    private static func element(_ name: String, _ value: WireJSON, into out: inout String, topLevel: Bool = false) {
        switch value {
        case .null: return
        case .array(let items):
            for item in items { element(name, item, into: &out, topLevel: topLevel) }
        case .object(let object) where ExtensionElements.elements(of: object) != nil:
            out += "<\(name)>"
            for (child, value) in ExtensionElements.elements(of: object)! { element(child, value, into: &out) }
            out += "</\(name)>"
        case .object(let object) where isReference(object):
            out += "<\(name)"
            for key in ["name", "type"] {
                if let text = object[key].flatMap(scalarText) { out += #" \#(key)="\#(escape(text))""# }
            }
            out += ">\(escape(object["value"].flatMap(scalarText) ?? ""))</\(name)>"
        case .object(let object):
            out += "<\(name)"
            var children = object
            if topLevel {
                // Every entity element carries its domain in QBO's XML, deletion stubs in CDC included
                // (fixture invoice_changes.xml), though their JSON has none.
                if object["domain"] == nil { out += #" domain="QBO""# }
                for key in entityAttributes.sorted() {
                    if let text = object[key].flatMap(scalarText) { out += #" \#(key)="\#(escape(text))""# }
                    children.removeValue(forKey: key)
                }
            }
            out += ">"
            for (key, child) in ordered(children) { element(key, child, into: &out) }
            out += "</\(name)>"
        default:
            out += "<\(name)>\(escape(scalarText(value) ?? ""))</\(name)>"
        }
    }

    private static func scalarText(_ value: WireJSON) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let number): return "\(number)"
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // XML 1.0 cannot carry most control characters at all, not even escaped.
            case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: Reading request bodies

    /// An element as parsed: its attributes, children in order, and text.
    struct Node {
        var name: String
        var attributes: [String: String] = [:]
        var children: [Node] = []
        var text = ""
    }

    /// Elements QBO's schema repeats: they become arrays even when they occur once.
    static let repeatedElements: Set<String> = ["Line", "LinkedTxn", "CustomField", "NameValue", "CustomerMemo"]
    /// Leaf names holding amounts and counts, read as numbers (a DocNumber or PostalCode of digits stays text).
    static let numericSuffixes = ["Amt", "Amount", "Balance", "BalanceWithSubAccounts", "Price", "Qty", "Rate", "Percent",
                                  "LineNum", "TotalTax", "ExchangeRate"]

    /// The entity object of an XML request body (`<Bill><VendorRef>56</VendorRef>…</Bill>`).
    /// - Throws: ``QBOFault`` 2010 naming where the body is not well-formed XML.
    static func entity(from data: Data) throws(QBOFault) -> (name: String, fields: [String: WireJSON]) {
        let root: Node
        do {
            root = try XMLTree.parse(data)
        } catch {
            throw .badRequest("the body is not well-formed XML: \(error.message)")
        }
        guard case .object(let fields) = value(of: root, asEntity: true) else {
            throw .badRequest("the XML body's root element <\(root.name)> holds no entity fields")
        }
        return (root.name, fields)
    }

    static func value(of node: Node, asEntity: Bool = false) -> WireJSON {
        if node.children.isEmpty {
            let text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if node.name.hasSuffix("Ref") || node.attributes["name"] != nil {
                var reference: [String: WireJSON] = ["value": .string(text)]
                for (key, attribute) in node.attributes where key == "name" || key == "type" { reference[key] = .string(attribute) }
                return .object(reference)
            }
            if !asEntity { return leaf(text, name: node.name) }
        }
        var object: [String: WireJSON] = [:]
        for (key, attribute) in node.attributes where !key.hasPrefix("xmlns") { object[key] = leaf(attribute, name: key) }
        var groups: [String: [WireJSON]] = [:]
        var order: [String] = []
        for child in node.children {
            if groups[child.name] == nil { order.append(child.name) }
            groups[child.name, default: []].append(value(of: child))
        }
        for name in order {
            let values = groups[name]!
            object[name] = values.count > 1 || repeatedElements.contains(name) ? .array(values) : values[0]
        }
        return .object(object)
    }

    private static func leaf(_ text: String, name: String) -> WireJSON {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if numericSuffixes.contains(where: { name.hasSuffix($0) }), let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
           Query.isNumber(text) {
            return .number(number)
        }
        return .string(text)
    }
}
