import Foundation
import QBOSandbox
@testable import RowCol
import Testing

/// An advisor reaches only its own businesses, and tokens stay in `secrets/`.
@Suite("isolation and secrets")
struct IsolationTests {
    @Test("no API and no command lets one advisor reach another advisor's business")
    func advisorsAreIsolated() async throws {
        let temp = try TempFolder("isolation")
        defer { temp.remove() }
        let sandbox = try await QBOSandboxServer.start()
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let ada = try await ConnectedWorkspace.make(in: temp.url, control: control, advisor: "ada", businesses: [("acme", "9600001")])
            _ = try await ConnectedWorkspace.make(
                in: temp.url, control: control, advisor: "bob", businesses: [("bobco", "9600002")], existing: true)
            let folder = ada.folder
            for advisor in ["ada", "bob"] {
                let synced = try await rowcol(folder, ["sync", "--strict", "--advisor", advisor])
                #expect(synced.status == 0, "\(synced.output)")
            }
            let bobBill = try billIDs(try await rowcol(folder, ["bills", "--advisor", "bob", "--business", "bobco", "--json"]).stdout).first
            let billID = try #require(bobBill)

            // Commands: naming bob's business as ada is an error that says why, and changes nothing.
            let before = try await control.stats()["billpayments_created"] as? Int
            let attempts: [[String]] = [
                ["bills", "--business", "bobco"], ["invoices", "--business", "bobco"], ["balances", "--business", "bobco"],
                ["sync", "--business", "bobco"], ["recon", "--business", "bobco"],
                ["snapshot", "--business", "bobco"],
                ["pay", "--business", "bobco", "--bill", billID, "--amount", "1.00", "--on", "2026-12-01"],
            ]
            for attempt in attempts {
                let result = try await rowcol(folder, attempt + ["--advisor", "ada"])
                #expect(result.status != 0, "\(attempt) as ada succeeded: \(result.output)")
                #expect(result.stderr.contains("bobco"), "\(attempt): \(result.output)")
                #expect(!result.stdout.contains(billID) || attempt.first == "pay", "\(attempt) printed bob's data")
            }
            #expect(try await control.stats()["billpayments_created"] as? Int == before)
            let status = try await rowcol(folder, ["status", "--advisor", "ada", "--json"])
            #expect(status.status == 0)
            #expect(!status.stdout.contains("bobco"))

            // APIs: the reader, the store, the gateways, the connections and the sync all refuse.
            let workspace = try Workspace.open(at: folder)
            let adaID = try AdvisorID(validating: "ada")
            let bobID = try AdvisorID(validating: "bob")
            let bobco = try BusinessID(validating: "bobco")
            let bobRef = BusinessRef(advisor: bobID, business: bobco)
            let spoofed = BusinessRef(advisor: adaID, business: bobco)
            let reader = workspace.mirrorReader(for: adaID)
            #expect(throws: (any Error).self) { try reader.bills(of: bobRef) }
            #expect(throws: (any Error).self) { try reader.bills(of: spoofed) }
            let session = try await AdvisorSession.open(workspace: workspace, advisor: adaID)
            await #expect(throws: (any Error).self) {
                try await session.gateways.list(ListBillsQuery(business: bobRef, hint: .strict, openOnly: false))
            }
            await #expect(throws: (any Error).self) {
                try await session.gateways.list(ListBillsQuery(business: spoofed, hint: .cachedOK, openOnly: false))
            }
            await #expect(throws: (any Error).self) {
                try await session.gateways.get(BalancesQuery(business: bobRef, hint: .strict))
            }
            await #expect(throws: (any Error).self) {
                try await session.gateways.schedulePayment(
                    business: bobRef, billID: EntityID(validating: billID), amount: Money("1.00", .usd)!,
                    payOn: LocalDate("2026-12-01")!, fromAccountID: nil)
            }
            #expect(throws: (any Error).self) { try session.connections.client(for: bobco) }
            await #expect(throws: (any Error).self) {
                try await session.store.commit([LogRecord(
                    business: bobco, direction: .inbound, operation: "bill.refresh", phase: .fetched)])
            }
            let reports = try? await session.sync(businesses: [bobco], strict: true)
            #expect(reports.map { $0.allSatisfy { !$0.synced } } ?? true, "ada synced bob's business")
            await session.close()
            #expect(try workspace.verify().isEmpty)
            #expect(try await control.stats()["billpayments_created"] as? Int == before)
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }

    @Test("tokens live in 0600 files of 0700 folders, ignored by git, and appear in no log, output or error")
    func tokensStaySecret() async throws {
        let temp = try TempFolder("secrets")
        defer { temp.remove() }
        let sandbox = try await QBOSandboxServer.start()
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let ws = try await ConnectedWorkspace.make(in: temp.url, control: control, businesses: [("acme", "9700001")])
            let folder = ws.folder
            var outputs: [String] = []
            for arguments in [
                ["sync", "--strict", "--json"], ["recon", "--json"], ["status", "--json"], ["log", "--advisor", "ada", "--json"],
                ["bills", "--business", "acme", "--json"], ["balances", "--business", "acme", "--json"],
                ["snapshot", "--business", "acme", "--json"],
            ] {
                let result = try await rowcol(folder, arguments)
                #expect(result.status == 0, "\(arguments): \(result.output)")
                outputs.append(result.output)
            }

            // A failure that involves the tokens: the connection is revoked behind our back.
            try await control.call("POST", "/__sandbox/realms/9700001/connections/revoke")
            let secrets = try secretValues(folder.appendingPathComponent("secrets/ada"))
            #expect(secrets.count >= 2, "expected access and refresh tokens in secrets/ada")
            let failed = try await rowcol(folder, ["sync", "--strict", "--json"])
            #expect(failed.status != 0)
            outputs.append(failed.output)
            outputs.append(try await rowcol(folder, ["status", "--json"]).output)

            // A refused grant does not echo the token it was given.
            let bogus = "bogus-refresh-\(UUID().uuidString)"
            let refused = try await rowcol(folder, [
                "connect", "--business", "acme", "--realm", "9700001", "--base-url", control.baseURL.absoluteString,
                "--refresh-token", bogus,
            ])
            #expect(refused.status != 0)
            #expect(!refused.output.contains(bogus), "the refused token was printed: \(refused.output)")

            for secret in secrets {
                for output in outputs { #expect(!output.contains(secret), "a token was printed") }
                for (path, text) in try filesUnder(folder.appendingPathComponent("advisors")) {
                    #expect(!text.contains(secret), "a token is stored in \(path)")
                }
            }

            let secretsFolder = folder.appendingPathComponent("secrets")
            #expect(try mode(secretsFolder.path) == 0o700)
            #expect(try mode(secretsFolder.appendingPathComponent("ada").path) == 0o700)
            for (path, _) in try filesUnder(secretsFolder) { #expect(try mode(path) == 0o600, "\(path)") }
            let gitignore = try String(contentsOf: folder.appendingPathComponent(".gitignore"), encoding: .utf8)
            #expect(gitignore.split(separator: "\n").contains("secrets/"))
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }
}

/// Token and secret strings in the JSON files of a secrets folder.
func secretValues(_ folder: URL) throws -> Set<String> {
    var values: Set<String> = []
    func collect(_ value: Any, key: String) {
        if let object = value as? [String: Any] {
            for (name, inner) in object { collect(inner, key: name.lowercased()) }
        } else if let array = value as? [Any] {
            for inner in array { collect(inner, key: key) }
        } else if let text = value as? String, text.count >= 12,
            key.contains("token") || key.contains("secret") || key.contains("access") || key.contains("refresh")
        {
            values.insert(text)
        }
    }
    for (_, text) in try filesUnder(folder) {
        if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) { collect(object, key: "") }
    }
    return values
}

/// Every regular file under `folder` with its text.
func filesUnder(_ folder: URL) throws -> [(String, String)] {
    var files: [(String, String)] = []
    guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return files }
    while let relative = enumerator.nextObject() as? String {
        let path = folder.path + "/" + relative
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            files.append((path, String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)))
        }
    }
    return files
}
