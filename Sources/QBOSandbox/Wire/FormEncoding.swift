import Foundation

/// `application/x-www-form-urlencoded` and query strings, decoded by the HTML form rules every HTTP
/// client follows: `&`-separated pairs, `+` for a space, then percent-decoding. (Python's requests,
/// for one, sends `SELECT+*+FROM+Bill`.)
enum FormEncoding {
    /// The pairs in order; a name without `=` has an empty value; bad percent escapes stay as sent.
    static func pairs(_ text: Substring) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// Name → value, the first occurrence winning (as QBO reads a repeated parameter).
    static func fields(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in pairs(text) where result[name] == nil { result[name] = value }
        return result
    }

    static func decode(_ component: Substring) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
