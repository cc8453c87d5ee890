import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client of the sandbox's control API (`/__sandbox/`), for the demo.
struct SandboxControl {
    let baseURL: URL

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    @discardableResult
    func request(_ method: String, _ path: String, body: Any? = nil, bearer: String? = nil,
                 accept: Set<Int> = [200, 201]) async throws -> (status: Int, json: Any?) {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard accept.contains(status) else {
            throw Failure(description: "sandbox \(method) \(path) answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return (status, data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }

    /// Creates a company unless it exists; returns whether it was created.
    func ensureRealm(_ realm: String, seed: Int, bills: Int, invoices: Int, accounts: Int) async throws -> Bool {
        let (status, _) = try await request(
            "POST", "__sandbox/realms",
            body: ["realm": realm, "seed": seed, "bills": bills, "invoices": invoices, "accounts": accounts],
            accept: [200, 201, 409])
        return status != 409
    }

    /// A fresh token pair for a realm, as Intuit's OAuth playground gives.
    func tokens(_ realm: String) async throws -> (access: String, refresh: String) {
        let (_, json) = try await request("POST", "__sandbox/realms/\(realm)/tokens")
        guard let object = json as? [String: Any], let access = object["access_token"] as? String,
            let refresh = object["refresh_token"] as? String
        else { throw Failure(description: "sandbox token answer without tokens") }
        return (access, refresh)
    }

    func patch(_ realm: String, _ entity: String, _ id: String, _ fields: [String: Any]) async throws {
        try await request("PATCH", "__sandbox/realms/\(realm)/\(entity)/\(id)", body: fields)
    }

    func delete(_ realm: String, _ entity: String, _ id: String) async throws {
        try await request("DELETE", "__sandbox/realms/\(realm)/\(entity)/\(id)")
    }

    /// Rows of a QBO query, through the API with an access token.
    func query(_ realm: String, _ statement: String, entity: String, token: String) async throws -> [[String: Any]] {
        var components = URLComponents(url: baseURL.appendingPathComponent("v3/company/\(realm)/query"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "query", value: statement), URLQueryItem(name: "minorversion", value: "75")]
        var request = URLRequest(url: components.url!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return ((object?["QueryResponse"] as? [String: Any])?[entity] as? [[String: Any]]) ?? []
    }

    func paymentsCreated() async throws -> Int {
        let (_, json) = try await request("GET", "__sandbox/stats")
        return ((json as? [String: Any])?["billpayments_created"] as? Int) ?? 0
    }
}
