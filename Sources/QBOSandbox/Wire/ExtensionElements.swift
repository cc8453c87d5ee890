import Foundation

/// QBO's extension elements (`LineEx`, `PurchaseEx`): name/value pairs that its XML writes as
/// `<LineEx><NameValue><Name>txnId</Name><Value>12</Value></NameValue>…</LineEx>` and its JSON as
/// JAXB spells an `xs:any`: `{"any": [{"name": "{…/v3}NameValue", "declaredType", "scope",
/// "value": {"Name", "Value"}, "nil", "globalScope", "typeSubstituted"}]}` (fixtures
/// payment_linked_invoice.json and .xml, purchase_creditcard.json). The sandbox keeps the JSON
/// spelling and writes the XML one from it.
enum ExtensionElements {
    private static let nameValue = "{\(WireXML.namespace)}NameValue"

    /// The JSON of an extension holding these pairs, in order.
    static func json(_ pairs: [(name: String, value: String)]) -> WireJSON {
        ["any": .array(pairs.map { pair in
            ["name": .string(nameValue), "declaredType": "com.intuit.schema.finance.v3.NameValue",
             "scope": "javax.xml.bind.JAXBElement$GlobalScope",
             "value": ["Name": .string(pair.name), "Value": .string(pair.value)],
             "nil": false, "globalScope": true, "typeSubstituted": false]
        })]
    }

    /// The XML elements of an extension in its JSON spelling, or `nil` when the object is not one.
    static func elements(of object: [String: WireJSON]) -> [(name: String, value: WireJSON)]? {
        guard object.count == 1, let items = object["any"]?.arrayValue, !items.isEmpty else { return nil }
        var elements: [(String, WireJSON)] = []
        for item in items {
            // The element's name is the local part of JAXB's qualified name: {namespace}NameValue.
            guard let qualified = item["name"]?.stringValue, let brace = qualified.lastIndex(of: "}"),
                  let value = item["value"] else { return nil }
            elements.append((String(qualified[qualified.index(after: brace)...]), value))
        }
        return elements
    }
}
