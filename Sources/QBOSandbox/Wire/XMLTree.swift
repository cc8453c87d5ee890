import Foundation
// XMLParser lives in FoundationXML on Linux and in Foundation on Apple platforms: this is the
// module's one file that knows.
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Builds a ``WireXML/Node`` tree from XML bytes with Foundation's streaming parser.
enum XMLTree {
    struct ParseError: Error {
        var message: String
    }

    static func parse(_ data: Data) throws(ParseError) -> WireXML.Node {
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        // External entities are never resolved: a request body cannot make the sandbox read files.
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), let root = builder.root else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            throw ParseError(message: "line \(parser.lineNumber), column \(parser.columnNumber): \(reason)")
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [WireXML.Node] = []
        var root: WireXML.Node?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            // Namespace prefixes (`qbo:Bill`) are not part of the entity's name.
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            if stack.count > 256 { parser.abortParsing(); return }
            stack.append(WireXML.Node(name: local, attributes: attributes))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !stack.isEmpty { stack[stack.count - 1].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let node = stack.popLast() else { return }
            if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
        }
    }
}
