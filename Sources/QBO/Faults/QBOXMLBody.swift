import Foundation
import RowColJSON
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Converts a QBO XML answer into the `JSONValue` shape of its JSON twin, so XML that QBO sends
/// despite `Accept: application/json` still decodes.
///
/// XML carries no types: leaf values stay strings (the DTOs read numbers and booleans from strings).
/// References (`<VendorRef name="X">38</VendorRef>`) become `{"value": "38", "name": "X"}`, an element
/// repeated under one parent becomes an array, attributes become fields, and `IntuitResponse`
/// becomes the envelope (`{"Bill": {...}, "time": "..."}`).
enum QBOXMLBody {
    static func json(_ data: Data) throws -> JSONValue {
        try screen(data)
        let builder = XMLTreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        let parsed = parser.parse()
        if builder.tooDeep {
            throw QBOError(.decoding, message: "The XML answer nests elements deeper than \(XMLTreeBuilder.maxDepth) levels (\(QBOJSONBody.preview(data))); QBO never does, so the body is damaged or hostile.")
        }
        // QBO's XML roots are capitalized (`IntuitResponse`, `Bill`); an HTML page is not QBO XML.
        guard parsed, let root = builder.root, root.name.first?.isUppercase == true else {
            throw QBOError(.decoding, message: "The XML answer is not well-formed (\(QBOJSONBody.preview(data))).",
                           underlying: parser.parserError.map { "\($0)" })
        }
        if root.name == "IntuitResponse" {
            return value(of: root)
        }
        // A bare entity, as in recorded fixtures.
        return .object([root.name: value(of: root)])
    }

    /// Refuses what FoundationXML crashes on (a trap or a NULL dereference, not an error) before
    /// `XMLParser` sees it: bytes that are not UTF-8 (in an element name), a processing instruction
    /// without data (`<?foo?>`), and a DOCTYPE, whose entities can smuggle such an instruction in.
    /// QBO sends UTF-8 with at most the leading XML declaration, so nothing real is refused.
    static func screen(_ data: Data) throws {
        guard String(validating: data, as: UTF8.self) != nil else {
            throw QBOError(.decoding, message: "The XML body is not valid UTF-8 (\(QBOJSONBody.preview(data))); QBO always sends UTF-8, so the answer is damaged.")
        }
        let bytes = [UInt8](data)
        let first = bytes.firstIndex { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "?") {
                let declaration = index == first && bytes.count > index + 5 && bytes[(index + 2)..<(index + 5)].elementsEqual("xml".utf8)
                    && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index + 5])
                guard declaration else {
                    throw QBOError(.decoding, message: "The XML body holds a processing instruction at byte \(index) (\(QBOJSONBody.preview(data))); QBO XML has none besides the leading XML declaration, so the answer is damaged or hostile.")
                }
            }
            if bytes[index] == UInt8(ascii: "<"), bytes[(index + 1)...].starts(with: "!DOCTYPE".utf8) {
                throw QBOError(.decoding, message: "The XML body declares a DOCTYPE (\(QBOJSONBody.preview(data))); QBO XML never does: an HTML page or a hostile body arrived instead of a QBO answer.")
            }
            index += 1
        }
    }

    fileprivate final class Node {
        let name: String
        let attributes: [String: String]
        var children: [Node] = []
        var text = ""
        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }
    }

    private static func value(of node: Node) -> JSONValue {
        let text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if node.children.isEmpty && node.name != "QueryResponse" && node.name != "CDCResponse" {
            if node.name.hasSuffix("Ref") || (!node.attributes.isEmpty && !text.isEmpty) {
                var object = node.attributes.mapValues(JSONValue.string)
                object["value"] = .string(text)
                return .object(object)
            }
            // `<SubTotalLineDetail/>` is `{}` in JSON: detail objects stay objects when empty.
            if node.attributes.isEmpty { return text.isEmpty && node.name.hasSuffix("Detail") ? .object([:]) : .string(text) }
            return .object(node.attributes.mapValues(JSONValue.string))
        }
        var object: [String: JSONValue] = node.attributes.filter { $0.key != "xmlns" }.mapValues(JSONValue.string)
        var order: [String] = []
        var grouped: [String: [JSONValue]] = [:]
        for child in node.children {
            if grouped[child.name] == nil { order.append(child.name) }
            grouped[child.name, default: []].append(value(of: child))
        }
        for name in order {
            let values = grouped[name]!
            // The JSON twin always uses arrays for these, whatever their count.
            let alwaysArray = node.name == "QueryResponse" || node.name == "CDCResponse" || arrayFields.contains(name)
            object[name] = values.count == 1 && !alwaysArray ? values[0] : .array(values)
        }
        if node.name == "CDCResponse" {
            // JSON: {"CDCResponse": [{"QueryResponse": [{...}, …]}]}
            return .array([.object(object)])
        }
        if node.name == "QueryResponse", let counts = numericAttributes(node) {
            for (key, number) in counts { object[key] = .number(number) }
        }
        return .object(object)
    }

    private static let arrayFields: Set<String> = ["Line", "LinkedTxn", "CustomField", "TaxLine", "NameValue"]

    private static func numericAttributes(_ node: Node) -> [String: Decimal]? {
        var numbers: [String: Decimal] = [:]
        for key in ["startPosition", "maxResults", "totalCount"] {
            if let text = node.attributes[key], let number = Decimal(string: text) { numbers[key] = number }
        }
        return numbers.isEmpty ? nil : numbers
    }

    private final class XMLTreeBuilder: NSObject, XMLParserDelegate {
        /// The tree is converted recursively, so a body nested thousands deep would overflow the stack.
        static let maxDepth = 512
        var root: Node?
        var tooDeep = false
        private var stack: [Node] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            guard stack.count < Self.maxDepth else {
                tooDeep = true
                parser.abortParsing()
                return
            }
            let name = elementName.split(separator: ":").last.map(String.init) ?? elementName
            let node = Node(name: name, attributes: attributeDict)
            stack.last?.children.append(node)
            if root == nil { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            if !stack.isEmpty { stack.removeLast() }
        }
    }
}
