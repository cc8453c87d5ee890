import Foundation
import RowColJSON
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads QBO faults in the three shapes QBO sends them.
///
/// - JSON: `{"Fault": {"Error": [{"Message", "Detail", "code", "element"}], "type"}}`
/// - XML: `<IntuitResponse><Fault type=…><Error code=… element=…><Message/><Detail/></Error></Fault>`
/// - the gateway's lower-case JSON: `{"fault": {"error": [{"message", "detail", "code"}], "type"}}`
///
/// The shape is chosen by the first byte that is not white space (`<` or `{`), because QBO answers
/// some errors in XML even when JSON was asked for.
public enum QBOFaultParser {
    /// What a body turned out to be.
    public enum Body: Sendable {
        /// A JSON body without a fault.
        case json(JSONValue)
        /// A body that carried faults (in any of the three shapes).
        case faults([QBOFault])
        /// An XML body without a fault (an entity in XML).
        case xml
    }

    /// Classifies and parses a body.
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/decoding`` when the body is empty, is neither
    ///   JSON nor XML, or is malformed.
    public static func parse(_ data: Data) throws -> Body {
        switch firstSignificantByte(data) {
        case UInt8(ascii: "<")?:
            let faults = try xmlFaults(data)
            return faults.isEmpty ? .xml : .faults(faults)
        case UInt8(ascii: "{")?, UInt8(ascii: "[")?:
            let json = try QBOJSONBody.parse(jsonBytes(data))
            if let faults = jsonFaults(json) { return .faults(faults) }
            return .json(json)
        case nil:
            throw QBOError(.decoding, message: "The body is empty where QBO always sends JSON or XML.")
        default:
            throw QBOError(.decoding, message: "The body is neither JSON nor XML (\(QBOJSONBody.preview(data))).")
        }
    }

    /// The faults in a JSON value, or `nil` when it carries none.
    public static func jsonFaults(_ json: JSONValue) -> [QBOFault]? {
        guard let fault = json["Fault"] ?? json["fault"], fault.objectValue != nil else { return nil }
        let type = (fault["type"] ?? fault["Type"])?.stringValue
        let errors = (fault["Error"] ?? fault["error"])?.arrayValue ?? []
        let faults = errors.map { error in
            QBOFault(code: lenientString(error["code"] ?? error["Code"]) ?? "",
                     message: (error["Message"] ?? error["message"])?.stringValue ?? "",
                     detail: (error["Detail"] ?? error["detail"])?.stringValue,
                     element: (error["element"] ?? error["Element"])?.stringValue,
                     type: type)
        }
        return faults.isEmpty ? [QBOFault(code: "", message: "QBO sent a fault without errors", type: type)] : faults
    }

    /// The faults of an XML body (empty when the XML is valid but has none).
    ///
    /// - Throws: ``QBOError`` with code ``QBOError/Code/decoding`` when the XML is malformed.
    public static func xmlFaults(_ data: Data) throws -> [QBOFault] {
        try QBOXMLBody.screen(data)
        let delegate = FaultXMLDelegate()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        let ok = parser.parse()
        if !delegate.faults.isEmpty { return delegate.faults }
        if !ok || !delegate.sawElement {
            throw QBOError(.decoding, message: "The body is not well-formed XML (\(QBOJSONBody.preview(data))); an HTML page or a truncated answer arrived instead of QBO XML.",
                           underlying: parser.parserError.map { "\($0)" })
        }
        return []
    }

    static func firstSignificantByte(_ data: Data) -> UInt8? {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return bytes.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
    }

    /// The bytes without a UTF-8 byte order mark, which some recorded QBO payloads carry.
    static func jsonBytes(_ data: Data) -> Data {
        data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data
    }

    static func lenientString(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: return text
        case .number(let number)?: return "\(number)"
        case .bool(let flag)?: return String(flag)
        default: return nil
        }
    }
}

private final class FaultXMLDelegate: NSObject, XMLParserDelegate {
    var faults: [QBOFault] = []
    var sawElement = false
    private var faultType: String?
    private var inFault = false
    private var current: (code: String, element: String?, message: String, detail: String?)?
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        sawElement = true
        let name = local(elementName)
        text = ""
        switch name {
        case "Fault":
            inFault = true
            faultType = attributeDict["type"]
        case "Error" where inFault:
            current = (attributeDict["code"] ?? "", attributeDict["element"], "", nil)
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch local(elementName) {
        case "Message": current?.message = value
        case "Detail": current?.detail = value
        case "Error":
            if let error = current {
                faults.append(QBOFault(code: error.code, message: error.message, detail: error.detail,
                                       element: error.element, type: faultType))
            }
            current = nil
        case "Fault":
            inFault = false
        default: break
        }
        text = ""
    }

    private func local(_ name: String) -> String {
        name.split(separator: ":").last.map(String.init) ?? name
    }
}
