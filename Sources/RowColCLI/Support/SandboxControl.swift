import Foundation
import QBOSandbox
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the demo asks of the sandbox beyond its typed control client.
extension QBOSandboxControl {
    /// Creates a company unless it exists; returns whether it was created.
    func ensureRealm(_ realm: String, seed: Int, bills: Int, invoices: Int, accounts: Int) async throws -> Bool {
        do {
            try await createRealm(realm, seed: seed, bills: bills, invoices: invoices, accounts: accounts)
            return true
        } catch let error as QBOSandboxControlError where error.code == "realm_exists" {
            return false
        }
    }

    /// The ids of a company's bank accounts, through the Accounting API as any QBO client asks.
    func bankAccountIDs(realm: String, accessToken: String) async throws -> [String] {
        var components = URLComponents(url: baseURL.appendingPathComponent("v3/company/\(realm)/query"), resolvingAgainstBaseURL: false)!
        components.queryItems = [
            URLQueryItem(name: "query", value: "SELECT * FROM Account WHERE AccountType = 'Bank'"),
            URLQueryItem(name: "minorversion", value: "75"),
        ]
        var request = URLRequest(url: components.url!)
        request.setValue("Bearer \(accessToken)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let rows = ((object?["QueryResponse"] as? [String: Any])?["Account"] as? [[String: Any]]) ?? []
        return rows.compactMap { $0["Id"] as? String }
    }
}
