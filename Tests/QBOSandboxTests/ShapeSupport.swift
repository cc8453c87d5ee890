import Foundation
@testable import QBOSandbox
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The shape of a JSON payload: every path (`Line[].Amount`) with its JSON type, arrays merged.
/// Read with the sandbox's own exact JSON value, which keeps booleans and numbers apart (Foundation's
/// JSONSerialization gives both as NSNumber on Linux).
enum JSONShape {
    static func paths(_ value: WireJSON, _ path: String = "", into out: inout [String: String]) {
        switch value {
        case .object(let object):
            out[path] = "object"
            for (key, child) in object { paths(child, path.isEmpty ? key : path + "." + key, into: &out) }
        case .array(let array):
            out[path] = "array"
            for child in array { paths(child, path + "[]", into: &out) }
        case .number: out[path] = "number"
        case .bool: out[path] = "bool"
        case .string: out[path] = "string"
        case .null: out[path] = "null"
        }
    }

    static func of(_ value: WireJSON) -> [String: String] {
        var out: [String: String] = [:]
        paths(value, into: &out)
        return out
    }
}

/// The shape of an XML payload: element paths, each either a container or text, with its attribute names.
struct XMLShape {
    struct Node {
        var name: String
        var attributes: [String: String]
        var children: [Node] = []
        var text = ""
    }

    static func parse(_ data: Data) -> Node? {
        final class Builder: NSObject, XMLParserDelegate {
            var stack: [Node] = []
            var root: Node?
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                stack.append(Node(name: name, attributes: attributes))
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) {
                if !stack.isEmpty { stack[stack.count - 1].text += string }
            }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
                let node = stack.removeLast()
                if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
            }
        }
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        return parser.parse() ? builder.root : nil
    }

    /// path → "container" or "text", plus "path@attribute" → "attribute".
    static func paths(_ node: Node, _ path: String = "", into out: inout [String: String]) {
        let here = path.isEmpty ? node.name : path + "/" + node.name
        // A repeated element is a container if any occurrence has children (an empty <QueryResponse/> among full ones).
        if out[here] != "container" { out[here] = node.children.isEmpty ? "text" : "container" }
        for key in node.attributes.keys where !key.hasPrefix("xmlns") { out[here + "@" + key] = "attribute" }
        for child in node.children { paths(child, here, into: &out) }
    }

    static func of(_ node: Node) -> [String: String] {
        var out: [String: String] = [:]
        paths(node, into: &out)
        return out
    }

    /// The first element of that name, depth first.
    static func find(_ name: String, in node: Node) -> Node? {
        if node.name == name { return node }
        for child in node.children { if let found = find(name, in: child) { return found } }
        return nil
    }
}
