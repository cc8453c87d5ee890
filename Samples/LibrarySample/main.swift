// RowCol as a library: start a QBO sandbox, open a workspace, connect a business, sync it and print
// its runway snapshot. Run with `swift run LibrarySample [workspace-folder]`.
import Foundation
import QBOSandbox
import RowCol

let folder = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("rowcol-sample-\(UUID().uuidString)").path)

// 1. A QBO company to talk to: the built-in sandbox, on a free loopback port.
// Its control API stands in for Intuit's developer tools (companies, tokens from a "playground").
let sandbox = try await QBOSandboxServer.start()
let control = QBOSandboxControl(baseURL: sandbox.baseURL)
try await control.createRealm("4620816", seed: 7, bills: 25, invoices: 15)
let refreshToken = try await control.tokens(realm: "4620816").refreshToken

// 2. A workspace with one advisor and one connected business.
let workspace = FileManager.default.fileExists(atPath: folder.appendingPathComponent("rowcol.json").path)
    ? try Workspace.open(at: folder) : try Workspace.create(at: folder)
let advisor = try AdvisorID(validating: "sample-advisor")
if try !workspace.advisors().contains(advisor) { _ = try workspace.addAdvisor(advisor) }
let business = try BusinessID(validating: "acme")
try await Connections(workspace: workspace, advisor: advisor).connect(
    business: business, realmID: "4620816", environment: .local, baseURL: sandbox.baseURL.absoluteString,
    displayName: "Acme Supplies", credentials: .sandbox, grant: .refreshToken(refreshToken))

// 3. Sync, read through a gateway, and compute the runway.
let session = try await AdvisorSession.open(workspace: workspace, advisor: advisor)
for report in try await session.sync(strict: true) {
    print("\(report.business): synced=\(report.synced), changed \(report.changed)")
}
let openBills = try await session.gateways.list(
    ListBillsQuery(business: session.ref(business), hint: .cachedOK, openOnly: true))
print("\(openBills.items.count) open bills, mirror \(openBills.freshness.level.rawValue), flags: \(openBills.flags.map(\.code))")
let snapshot = try await session.snapshot(business, strict: false)
print(TerminalReport.render(snapshot, useColor: false))
await session.close()
try await sandbox.stop()
print("workspace: \(folder.path)")
