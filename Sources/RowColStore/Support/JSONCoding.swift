import Foundation
import RowColDomain
import RowColJSON

/// How the store codes the small files it writes through `Codable` (`rowcol.json`, `advisor.json`,
/// `business.json`, `state.json`): one place, so that every such file has one layout, and reads
/// go through the JSON leaf's parser and tree decoder. Log lines and mirror documents have byte
/// codecs of their own (``LogLineCodec``, ``MirrorDocument/storedBytes()``) that write the same bytes.
enum JSONCoding {
    /// A pretty document (sorted keys, two-space indent, times as RFC 3339) with its final newline.
    static func documentBytes(_ value: some Encodable) throws -> [UInt8] {
        var bytes = [UInt8](try JSONEncoder(layout: .pretty).encode(value))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Reads a document.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(JSONError) -> T {
        try JSONValue.decode(T.self, from: bytes)
    }
}

extension JSONFields {
    /// A member that must be a valid identifier (advisor, business, entity id).
    func id<T: ValidatedIdentifier>(_ key: String, _ type: T.Type) throws(JSONError) -> T {
        let text = try string(key)
        do {
            return try T(validating: text)
        } catch {
            throw JSONError(code: .shape, message: "field \"\(name(key))\": \(error)")
        }
    }
}
