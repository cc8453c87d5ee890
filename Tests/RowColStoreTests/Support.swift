import Foundation
@_exported import RowColTestSupport
import RowColDomain
import RowColJSON
@testable import RowColStore


func bill(_ id: String, cents: Int, version: String = "0") throws -> MirrorChange {
    let entityID = try EntityID(validating: id)
    let value = Bill(
        id: entityID, vendor: PartyRef(id: "56", name: "Bob's Burger Joint"), dueDate: LocalDate("2026-12-01"),
        total: Money(Decimal(cents) / 100, .usd), balance: Money(Decimal(cents) / 100, .usd))
    return try .upsert(
        .bill, id: entityID, value: value,
        qbo: .object(["Id": .string(id), "Balance": .number(Decimal(cents) / 100), "SyncToken": .string(version)]),
        sourceVersion: version, updatedAt: "2026-11-20T10:00:00-08:00")
}

func record(_ business: BusinessID, _ changes: [MirrorChange], operation: String = "bill.refresh") -> LogRecord {
    LogRecord(
        business: business, direction: .inbound, operation: operation, phase: .fetched, httpCode: 200, status: "ok",
        payload: LogPayload(changes: changes))
}


typealias Fixture = StoreFixture

/// The open bills the business's index holds, when it is current (nil when stale or missing).
func openItemsIndex(_ fixture: Fixture) throws -> [EntityID: JSONValue]? {
    let checkpoint = try fixture.workspace.businessState(fixture.ref).checkpoint
    return OpenItemsIndex.read(at: fixture.workspace.paths.openItemsIndex(fixture.ref, .bill), checkpoint: checkpoint)
}
