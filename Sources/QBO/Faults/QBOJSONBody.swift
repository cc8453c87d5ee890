import Foundation
import RowColJSON

/// Reads a JSON answer of QBO or Intuit's OAuth service, turning a malformed body into a
/// ``QBOError`` that says what arrived (the twin of ``QBOXMLBody`` for XML answers).
enum QBOJSONBody {
    /// Parses `data` as one JSON value.
    ///
    /// - Parameter context: what the body is, for the message (`body`, `token answer`, …).
    /// - Throws: ``QBOError`` with code ``QBOError/Code/decoding`` when the bytes are not JSON.
    static func parse(_ data: Data, context: String = "body") throws(QBOError) -> JSONValue {
        do {
            return try JSONValue.parse(data)
        } catch {
            throw QBOError(
                .decoding,
                message: "The \(context) is not valid JSON (\(data.count) bytes: \(preview(data))): \(error.message) "
                    + "at byte \(error.offset ?? 0); the server sent a malformed or truncated answer.")
        }
    }

    /// The start of a body, quoted, for messages.
    static func preview(_ data: Data) -> String {
        let text = String(decoding: data.prefix(80), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        return text.isEmpty ? "empty" : "\"\(text)\(data.count > 80 ? "…" : "")\""
    }
}
