import Foundation

/// One `Error` entry of a QBO fault, whichever of the three wire shapes it came in.
public struct QBOFault: Hashable, Sendable, Codable {
    /// The QBO error code as sent (`"6240"`, `"3001"`, `"3200"`); leading zeros are dropped.
    public var code: String
    public var message: String
    public var detail: String?
    /// The field the fault is about, when QBO names one.
    public var element: String?
    /// The fault type of the enclosing `Fault` (`ValidationFault`, `SystemFault`, `AUTHENTICATION`, …).
    public var type: String?

    public init(code: String, message: String, detail: String? = nil, element: String? = nil, type: String? = nil) {
        self.code = QBOFault.normalize(code: code)
        self.message = message
        self.detail = detail
        self.element = element?.isEmpty == true ? nil : element
        self.type = type
    }

    /// The code as a number, when it is one.
    public var numericCode: Int? { Int(code) }

    static func normalize(code: String) -> String {
        let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let number = Int(trimmed) else { return trimmed }
        return String(number)
    }
}
