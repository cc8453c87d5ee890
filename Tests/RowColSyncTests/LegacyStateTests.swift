import Foundation
import RowColDomain
import RowColJSON
import RowColStore
import RowColSync
import Testing

/// A workspace of format 1, whose `state.json` holds times as seconds since 2001 (what a bare
/// `JSONEncoder` wrote), opens, verifies and reads unchanged, and is written in the new form
/// (RFC 3339 text, format 2) from its next write.
@Suite struct LegacyStateTests {
    /// `state.json` as RowCol wrote it in format 1, byte for byte.
    static let formatOneState = """
        {
          "checkpoint" : 0,
          "sync" : {
            "cursors" : {
              "bill" : "2026-12-01T11:02:36.876-08:00"
            },
            "flags" : [
              {
                "business" : "acme",
                "code" : "rail.offline",
                "entity" : "bill",
                "message" : "QBO could not be reached; answering from the mirror",
                "since" : 817844556.876
              }
            ],
            "refreshed_at" : {
              "bill" : 817844556.876,
              "invoice" : 817844500
            }
          }
        }

        """

    /// The orchestrator's view of the store, as the composition root wires it.
    struct Journal: SyncJournal {
        let store: AdvisorStore
        var advisor: AdvisorID { store.advisor }
        func commit(_ records: [LogRecord]) async throws -> [LogEntry] { try await store.commit(records) }
        func syncState(for business: BusinessID) async throws -> JSONValue { try store.syncState(for: business) }
        func setSyncState(_ state: JSONValue, for business: BusinessID) async throws {
            try await store.setSyncState(state, for: business)
        }
        func mirrorVersion(_ kind: EntityKind, id: EntityID, of business: BusinessID) async throws -> MirrorVersion? { nil }
        func mirrorIDs(_ kind: EntityKind, of business: BusinessID) async throws -> Set<EntityID> { [] }
    }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func aFormatOneWorkspaceReadsUnchangedAndIsWrittenInTheNewFormFromItsNextWrite() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rowcol-legacy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let advisor = try AdvisorID(validating: "ada")
        let business = try BusinessID(validating: "acme")
        let ref = BusinessRef(advisor: advisor, business: business)
        let created = try Workspace.create(at: folder)
        try created.addAdvisor(advisor)
        try created.addBusiness(BusinessInfo(
            advisor: advisor, business: business, realmID: "9130", environment: "local", baseURL: "http://127.0.0.1:1"))
        let manifestPath = folder.appendingPathComponent("rowcol.json").path
        let statePath = folder.appendingPathComponent("advisors/ada/businesses/acme/state.json").path
        try "{\n  \"format_version\" : 1\n}\n".write(toFile: manifestPath, atomically: false, encoding: .utf8)
        try Self.formatOneState.write(toFile: statePath, atomically: false, encoding: .utf8)

        let billsSeen = Date(timeIntervalSinceReferenceDate: 817_844_556.876)
        let invoicesSeen = Date(timeIntervalSinceReferenceDate: 817_844_500)
        #expect(Timestamp(billsSeen).description == "2026-12-01T19:02:36.876Z")

        // Reading (as `rowcol status` and `verify` do) changes nothing.
        let workspace = try Workspace.open(at: folder)
        #expect(try workspace.verify().isEmpty)
        let old = try workspace.businessState(ref).sync.decode(BusinessSyncState.self)
        #expect(old.refreshedAt(.bill) == billsSeen && old.refreshedAt(.invoice) == invoicesSeen)
        #expect(old.flags.map(\.code) == [.railOffline] && old.flags.first?.since == billsSeen)
        #expect(old.cursor(.bill) == "2026-12-01T11:02:36.876-08:00")
        #expect(try Self.read(statePath) == Self.formatOneState)
        #expect(try workspace.manifest().formatVersion == 1)

        // The first writer moves the manifest on before it writes anything else.
        let store = try AdvisorStore.open(workspace, advisor: advisor)
        #expect(try workspace.manifest().formatVersion == Workspace.formatVersion)
        let orchestrator = SyncOrchestrator(
            journal: Journal(store: store), configuration: SyncConfiguration(), now: { billsSeen.addingTimeInterval(60) },
            classify: { _ in RemoteFailure(flag: .railOffline, message: "offline") })
        #expect(try await orchestrator.state(of: business) == old)
        try await orchestrator.raise(.writePending, business: business, entity: .payment, message: "1 payment waiting")
        await store.close()

        let written = try Self.read(statePath)
        #expect(!written.contains("817844"))
        #expect(written.contains(#""bill" : "2026-12-01T19:02:36.876Z""#))
        #expect(written.contains(#""invoice" : "2026-12-01T19:01:40.000Z""#))
        #expect(written.contains(#""since" : "2026-12-01T19:03:36.876Z""#))
        // The same instants, to the millisecond the text keeps.
        let new = try Workspace.open(at: folder).businessState(ref).sync.decode(BusinessSyncState.self)
        #expect(new.refreshedAt.mapValues(Timestamp.init) == old.refreshedAt.mapValues(Timestamp.init))
        #expect(new.cursors == old.cursors && new.flags.map(\.code) == [.railOffline, .writePending])
        #expect(new.flags.map { Timestamp($0.since) } == [Timestamp(billsSeen), Timestamp(billsSeen.addingTimeInterval(60))])
        #expect(try Workspace.open(at: folder).verify().isEmpty)
    }

    @Test func aWorkspaceOfANewerFormatIsRefusedNamingBothFormats() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rowcol-newer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Workspace.create(at: folder)
        let next = Workspace.formatVersion + 1
        try "{\"format_version\": \(next)}\n".write(
            toFile: folder.appendingPathComponent("rowcol.json").path, atomically: false, encoding: .utf8)
        let error = try #require(throws: StoreError.self) { try Workspace.open(at: folder) }
        #expect(error.code == .newerFormat)
        #expect(error.message.contains("format \(next)") && error.message.contains("format \(Workspace.formatVersion)"))
    }
}
