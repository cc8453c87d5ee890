import Foundation
@_exported import RowColTestSupport
import RowColDomain
import RowColJSON
@testable import RowColStore

/// A fresh workspace in a temporary folder with advisor `ada` and business `acme`.
struct Fixture {
    let folder: URL
    let workspace: Workspace
    let advisor = try! AdvisorID(validating: "ada")
    let business = try! BusinessID(validating: "acme")
    var ref: BusinessRef { BusinessRef(advisor: advisor, business: business) }

    init(addAdvisor: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("rowcol-store-tests-\(UUID().uuidString)")
        workspace = try Workspace.create(at: folder, forTests: true)
        if addAdvisor {
            try workspace.addAdvisor(advisor)
            try workspace.addBusiness(BusinessInfo(
                advisor: advisor, business: business, realmID: "9130", environment: "local",
                baseURL: "http://127.0.0.1:1"))
        }
    }

    var root: String { workspace.root.path }
    var logFolder: String { root + "/advisors/ada/log" }
    var billsFolder: String { root + "/advisors/ada/businesses/acme/mirror/bills" }
    func segment(_ number: Int) -> String { logFolder + "/" + String(format: "%06d.jsonl", number) }

    func open(segmentLimit: Int = 64 << 20) throws -> AdvisorStore {
        try AdvisorStore.open(workspace, advisor: advisor, options: .init(segmentLimit: segmentLimit))
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

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

func readBytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

func writeBytes(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

/// Every file under `folder` (relative path → bytes), for byte-for-byte comparisons.
func snapshot(_ folder: String) throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return files }
    while let relative = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory),
            !isDirectory.boolValue
        {
            files[relative] = try readBytes(folder + "/" + relative)
        }
    }
    return files
}

/// The open bills the business's index holds, when it is current (nil when stale or missing).
func openItemsIndex(_ fixture: Fixture) throws -> [EntityID: JSONValue]? {
    let checkpoint = try fixture.workspace.businessState(fixture.ref).checkpoint
    return OpenItemsIndex.read(at: fixture.workspace.paths.openItemsIndex(fixture.ref, .bill), checkpoint: checkpoint)
}
