import Foundation
import QBOSandbox
import RowCol
import Testing

/// Token files go through the store's storage device like the log: a rotated refresh token that
/// cannot be made durable is never used, and a power cut at any point of a refresh leaves a token
/// file that decodes and connects.
@Suite("token file durability")
struct TokenDurabilityTests {
    static let realm = "9900077"

    /// A test workspace (so `debug refresh-token` may spend its tokens) connected to one realm.
    static func workspace(in temp: TempFolder, control: Control) async throws -> ConnectedWorkspace {
        let folder = temp.url.appendingPathComponent("workspace")
        let created = try await run(rowcolBinary(), ["init", "--for-tests", "--workspace", folder.path])
        try #require(created.status == 0, "\(created.output)")
        return try await ConnectedWorkspace.make(
            in: temp.url, control: control, businesses: [("acme", realm)], existing: true)
    }

    static func tokenFile(_ ws: ConnectedWorkspace) -> URL {
        ws.folder.appendingPathComponent("secrets/ada/acme.json")
    }

    /// Requests the realm has answered, every kind but the token endpoint's.
    static func dataRequests(_ control: Control) async throws -> Int {
        let requests = try await control.stats()["requests"] as? [String: Any]
        let realm = requests?[realm] as? [String: Any] ?? [:]
        return realm.values.compactMap { $0 as? Int }.reduce(0, +)
    }

    @Test("EIO on the rotated token's fsync: the refresh fails naming the file, which keeps its tokens")
    func unflushableTokenIsRefused() async throws {
        let temp = try TempFolder("tokens-eio")
        defer { temp.remove() }
        let sandbox = try await QBOSandboxServer.start()
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let ws = try await Self.workspace(in: temp, control: control)
            let file = Self.tokenFile(ws)
            let before = try Data(contentsOf: file)

            // The refresh's save is the command's only flush; it fails.
            let failed = try await rowcol(
                ws.folder, ["debug", "refresh-token", "--advisor", "ada", "--business", "acme"],
                environment: ["ROWCOL_STORAGE_FAULT": "fsync.eio"])
            #expect(failed.status != 0, "\(failed.output)")
            #expect(failed.output.contains(file.path), "the error does not name the token file: \(failed.output)")
            #expect(failed.output.contains("Input/output error"), "\(failed.output)")
            #expect(failed.output.contains("not used"), "\(failed.output)")
            #expect(try Data(contentsOf: file) == before, "the token file changed although its write failed")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
                .filter { $0.hasSuffix(".tmp") }
            #expect(leftovers.isEmpty, "temp files left: \(leftovers)")

            // The stored refresh token still works (QBO keeps the previous one for a while).
            let synced = try await rowcol(ws.folder, ["sync", "--strict"])
            #expect(synced.status == 0, "\(synced.output)")
            #expect(try await Self.dataRequests(control) > 0)
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }

    @Test("a power cut right after the rotated token is saved keeps it: QBO's strict rotation accepts the file")
    func savedTokenSurvivesAPowerCut() async throws {
        let temp = try TempFolder("tokens-power")
        defer { temp.remove() }
        var options = QBOSandboxOptions()
        options.previousRefreshTokenGrace = 0  // the spent refresh token dies at once
        let sandbox = try await QBOSandboxServer.start(options)
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let ws = try await Self.workspace(in: temp, control: control)
            let before = try Data(contentsOf: Self.tokenFile(ws))
            let cut = try await rowcol(
                ws.folder, ["debug", "refresh-token", "--advisor", "ada", "--business", "acme"],
                environment: ["ROWCOL_STORAGE_FAULT": "power-loss", "ROWCOL_FAILPOINT": "secret.after_replace"])
            #expect(cut.status != 0, "the failpoint did not fire: \(cut.output)")
            // What survived the cut is the rotated token: the old one is now refused.
            #expect(try Data(contentsOf: Self.tokenFile(ws)) != before, "the rotated token was lost in the cut")
            let synced = try await rowcol(ws.folder, ["sync", "--strict"])
            #expect(synced.status == 0, "\(synced.output)")
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }

    @Test("a power cut before any step of a refresh leaves a token file that decodes and connects")
    func powerCutAnywhereInARefresh() async throws {
        let temp = try TempFolder("tokens-cuts")
        defer { temp.remove() }
        let sandbox = try await QBOSandboxServer.start()
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let ws = try await Self.workspace(in: temp, control: control)
            var cutsThatLanded = 0
            for step in 1...8 {
                let cut = try await rowcol(
                    ws.folder, ["debug", "refresh-token", "--advisor", "ada", "--business", "acme"],
                    environment: ["ROWCOL_STORAGE_FAULT": "power-loss:\(step)"])
                if cut.status != 0 { cutsThatLanded += 1 }
                let text = String(decoding: try Data(contentsOf: Self.tokenFile(ws)), as: UTF8.self)
                let tokens = try json(text) as? [String: Any]
                #expect(tokens?["refresh_token"] is String, "cut before step \(step) left \(text.prefix(80))")
                let synced = try await rowcol(ws.folder, ["sync", "--strict"])
                #expect(synced.status == 0, "after the cut before step \(step): \(synced.output)")
            }
            // A refresh changes a handful of files and folders: the early cuts must have landed.
            #expect(cutsThatLanded >= 3, "only \(cutsThatLanded) cuts landed inside the refresh")
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }
}
