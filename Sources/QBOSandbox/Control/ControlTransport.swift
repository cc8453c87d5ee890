import Foundation
// URLSession lives in FoundationNetworking on Linux: this is the module's one file that knows.
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP exchange with the control API, over URLSession.
struct ControlTransport: Sendable {
    let timeout: TimeInterval

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration)
    }()

    func send(_ method: String, _ url: URL, body: Data?) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await Self.session.data(for: request)
        guard let http = response as? HTTPURLResponse else {
            throw QBOSandboxControlError(status: 0, error: "not_http", description: "\(url) answered something other than HTTP")
        }
        return (http.statusCode, data)
    }
}
