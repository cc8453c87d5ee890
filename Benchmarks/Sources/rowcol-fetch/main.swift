import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// rowcol-fetch: the fetch-only baseline of case 10 (issue 16). It asks the sandbox for exactly the
// pages `rowcol sync --strict` asks for (a full paged query of each kind the sync fetches, 1,000
// rows a page, ordered by Id, until a short page), parses every answer with JSONSerialization,
// touches each row and stores nothing. Only Foundation: nothing of RowCol is in the baseline.
//
//     rowcol-fetch <base-url> <realm>=<access-token> [<realm>=<access-token> …]
//
// Realms are fetched concurrently (as `rowcol sync` syncs businesses), the kinds of one realm one
// after the other. Prints `pages=N rows=N seconds=S`.

/// The queries of `MirroredEntities.fetched`, in the sync's order (the condition of a kind
/// fetched whole included).
let kinds: [(entity: String, condition: String?)] = [
    ("Bill", nil), ("Invoice", nil), ("Account", "AccountType = 'Bank'"), ("Payment", nil), ("BillPayment", nil),
    ("Purchase", nil),
]
let pageSize = 1_000

struct FetchFailure: Error, CustomStringConvertible { var description: String }

func fetchRealm(_ session: URLSession, base: URL, realm: String, token: String) async throws -> (pages: Int, rows: Int) {
    var url = base.appendingPathComponent("v3/company/\(realm)/query")
    url = URL(string: url.absoluteString + "?minorversion=75")!
    var pages = 0, rows = 0
    for kind in kinds {
        var start = 1
        while true {
            var statement = "SELECT * FROM \(kind.entity)"
            if let condition = kind.condition { statement += " WHERE \(condition)" }
            statement += " ORDERBY Id STARTPOSITION \(start) MAXRESULTS \(pageSize)"
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Accept")
            request.setValue("application/text", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(statement.utf8)
            let (data, response) = try await session.data(for: request)
            pages += 1
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                throw FetchFailure(description: "\(realm) \(statement): \(String(decoding: data.prefix(300), as: UTF8.self))")
            }
            guard let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let queryResponse = answer["QueryResponse"] as? [String: Any]
            else { throw FetchFailure(description: "\(realm) \(statement): no QueryResponse") }
            let items = queryResponse[kind.entity] as? [[String: Any]] ?? []
            // Touch every row as a client reading it would: its id and sync token.
            for item in items where item["Id"] == nil || item["SyncToken"] == nil {
                throw FetchFailure(description: "\(realm): a \(kind.entity) row without Id or SyncToken")
            }
            rows += items.count
            start += items.count
            if items.count < pageSize { break }
        }
    }
    return (pages, rows)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2, let base = URL(string: arguments[0]) else {
    FileHandle.standardError.write(Data("usage: rowcol-fetch <base-url> <realm>=<access-token> …\n".utf8))
    exit(2)
}
let realms = arguments.dropFirst().map { argument -> (String, String) in
    let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
    return (parts[0], parts.count > 1 ? parts[1] : "")
}
let configuration = URLSessionConfiguration.ephemeral
configuration.timeoutIntervalForRequest = 600
configuration.httpMaximumConnectionsPerHost = max(6, realms.count)
let session = URLSession(configuration: configuration)
let started = DispatchTime.now().uptimeNanoseconds
do {
    let totals = try await withThrowingTaskGroup(of: (pages: Int, rows: Int).self) { group in
        for (realm, token) in realms {
            group.addTask { try await fetchRealm(session, base: base, realm: realm, token: token) }
        }
        var pages = 0, rows = 0
        for try await result in group {
            pages += result.pages
            rows += result.rows
        }
        return (pages, rows)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    print("pages=\(totals.0) rows=\(totals.1) seconds=\(seconds)")
} catch {
    FileHandle.standardError.write(Data("rowcol-fetch: \(error)\n".utf8))
    exit(1)
}
