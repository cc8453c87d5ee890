import Foundation
@testable import RowCol
import Testing

/// The cash-floor alert is remembered in the business's state: raised once per breach (by the plan
/// edit or sync that brings it), kept with its first `since` while it lasts, cleared on recovery,
/// raised anew on the next breach — the snapshot says since when, the digest shows a breach raised
/// since its start, and none of it is a hygiene flag.
@Suite struct FloorAlertTests {
    @Test func aBreachIsRaisedOnceKeptWhileItLastsAndRearmedAfterRecovery() async throws {
        let (sandbox, books, _) = try await connectedAcme(bills: 8, invoices: 6)
        defer { Task { await sandbox.stop() }; books.remove() }
        let acme = books.business("acme").business
        let session = try await books.session()
        defer { Task { await session.close() } }
        let start = Date()
        _ = try await session.sync(strict: true)
        let reader = try AdvisorReader(workspace: books.workspace, advisor: books.advisor)
        func rememberedAlerts() async throws -> [BusinessAlert] {
            // The state as a reader beside the session sees it, from state.json.
            try reader.syncState(of: acme).sync.alerts.filter { $0.code == BusinessAlert.belowFloor }
        }
        let lowest = try await session.snapshot(acme, strict: false).lowestWeek.closing.amount
        #expect(try await rememberedAlerts().isEmpty, "no floor in the plan and cash above 0 at its lowest: \(lowest)")

        // A floor above the lowest week: the edit itself raises the alert.
        try await session.plans.edit(acme) { $0.cashFloor = lowest + 1_000 }
        let raised = try #require(try await rememberedAlerts().first, "the floor edit raised no alert")
        #expect(raised.message.contains("below the floor"))
        #expect(try await session.snapshot(acme, strict: false).alert.since == raised.since)
        #expect(try await session.flags(of: acme).isEmpty, "an alert is not a hygiene flag")

        // The same breach through another sync: not raised again, its first sighting kept.
        _ = try await session.sync(strict: true)
        let ongoing = try await rememberedAlerts()
        #expect(ongoing.count == 1)
        #expect(ongoing.first?.since == raised.since)
        #expect(try await session.advanceFloorAlert(of: acme).notify == false)

        // Recovery clears it; the next breach is new again, with a later `since`.
        try await session.plans.edit(acme) { $0.cashFloor = lowest - 1_000 }
        #expect(try await rememberedAlerts().isEmpty, "recovery did not clear the alert")
        try await session.plans.edit(acme) { $0.cashFloor = lowest + 5_000 }
        let again = try #require(try await rememberedAlerts().first, "the second breach raised no alert")
        #expect(again.since > raised.since)

        // The digest since the start says so.
        let digest = try await LogHistory(workspace: books.workspace, advisor: books.advisor).digest(
            since: "test start", instant: start, snapshots: [try reader.snapshot(of: acme)], asOf: Date())
        let lines = try #require(digest.businesses.first).lines
        let line = try #require(lines.first { $0.kind == .alertRaised }, "\(lines.map(\.text))")
        #expect(line.id == "runway.below_floor" && line.at == again.since)
    }
}
