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
    }
}
