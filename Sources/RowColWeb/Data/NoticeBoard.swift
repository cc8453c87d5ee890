import Foundation

/// Outcomes of form posts, kept briefly so that the page a browser is redirected to can show them
/// (post, redirect, get: reloading the page never posts again). A notice is named by a random id
/// in the URL, so no text of the URL is ever shown as if the server had said it.
actor NoticeBoard {
    private var notices: [String: String] = [:]
    private var order: [String] = []

    /// Keeps `html` (already escaped) and returns its id.
    func post(_ html: String) -> String {
        let id = String(AccessPolicy.makeToken().prefix(16))
        notices[id] = html
        order.append(id)
        if order.count > 100 { notices[order.removeFirst()] = nil }
        return id
    }

    func notice(_ id: String?) -> String? { id.flatMap { notices[$0] } }
}
