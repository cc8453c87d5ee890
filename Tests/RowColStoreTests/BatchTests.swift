import Foundation
import RowColDomain
import Testing
@testable import RowColStore

@Suite struct BatchTests {
    /// Many documents in one line: written with one flush, all readable, verify clean.
    @Test func aLargeBatchIsWrittenAndCheckpointed() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let changes = try (0..<500).map { try bill("n\($0)", cents: $0) }
        let entries = try await store.commit([record(fixture.business, changes)])
        #expect(entries.count == 1)
        #expect(try store.reader.bills(of: fixture.ref).count == 500)
        #expect(try store.state(of: fixture.business).checkpoint == LogSeq(1))
        await store.close()
        #expect(try fixture.workspace.verify().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.billsFolder).allSatisfy { !$0.hasSuffix(".tmp") })
        // The staging lanes are left empty.
        for lane in fixture.stagingFolders { #expect(try FileManager.default.contentsOfDirectory(atPath: lane).isEmpty) }

        // Temp documents a crash left in either lane (or beside the documents, where writers before
        // the lanes made them) are named by verify, and cleared when a writer opens the store.
        let strays = [
            fixture.stagingFolders[0] + "/bills.n1.json.tmp", fixture.stagingFolders[1] + "/bills.n499.json.tmp",
            fixture.billsFolder + "/.n2.json.tmp",
        ]
        for path in strays { try Data("{".utf8).write(to: URL(fileURLWithPath: path)) }
        let named = Set(try fixture.workspace.verify().filter { $0.message == "stray temporary file" }.map(\.path))
        #expect(named == Set(strays))
        let reopened = try fixture.open()
        #expect(try reopened.reader.bills(of: fixture.ref).count == 500)
        await reopened.close()
        for path in strays { #expect(!FileManager.default.fileExists(atPath: path), "\(path) is still there") }
        #expect(try fixture.workspace.verify().isEmpty)
    }
}
