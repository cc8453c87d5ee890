import Foundation
import RowColDomain
import RowColTestSupport
import Testing
@testable import RowColStore

/// The store under a simulated power cut (`ROWCOL_STORAGE_FAULT=power-loss`) in a real `rowcol`
/// process: cut at every failpoint and after every few dozen operations, nothing acknowledged
/// is lost (the model itself is tested in RowColStoreTests).
@Suite struct StorePowerLossTests {
    /// Runs `rowcol debug append` under a power cut, reopens, and checks what was acknowledged.
    /// - Returns: whether the cut happened, and how many lines had been acknowledged before it.
    func cutAndCheck(_ environment: [String: String], segmentLimit: Int) async throws -> (cut: Bool, acknowledged: Int) {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let arguments = [
            "debug", "append", "--workspace", fixture.root, "--advisor", "ada", "--business", "acme", "--count", "8",
            "--concurrency", "2", "--segment-limit", String(segmentLimit),
        ]
        let crashed = try await runRowcol(arguments, environment: environment)
        let cut = crashed.killed && crashed.status == SIGKILL
        #expect(cut || crashed.status == 0, "\(environment): \(crashed.stderr)")
        let acknowledged = crashed.stdout.split(separator: "\n").compactMap { UInt64($0) }

        let store = try fixture.open(segmentLimit: segmentLimit)
        let last = await store.lastSeq()
        for seq in acknowledged { #expect(LogSeq(seq) <= last, "\(environment): seq \(seq) was acknowledged but lost") }
        let entries = try store.entries(after: .zero)
        #expect(entries.map(\.seq.rawValue) == Array(0..<last.rawValue).map { $0 + 1 }, "\(environment)")
        await store.close()
        let problems = try fixture.workspace.verify()
        #expect(problems.isEmpty, "\(environment): \(problems)")
        let more = try await runRowcol(arguments.map { $0 == "8" ? "2" : $0 })
        #expect(more.status == 0, "\(environment): \(more.stderr)")
        #expect(try fixture.workspace.verify().isEmpty, "\(environment)")
        return (cut, acknowledged.count)
    }

    @Test(arguments: ["log.after_write:3", "log.after_sync:3", "mirror.between_renames:2", "checkpoint.before:3", "checkpoint.after:3"])
    func aCutAtAFailpointLosesNothingAcknowledged(_ failpoint: String) async throws {
        let outcome = try await cutAndCheck(["ROWCOL_STORAGE_FAULT": "power-loss", "ROWCOL_FAILPOINT": failpoint], segmentLimit: 2048)
        #expect(outcome.cut)
        #expect(outcome.acknowledged > 0, "\(failpoint) cut before any acknowledgement: nothing was checked")
    }

    @Test func aCutAfterAnyOperationLosesNothingAcknowledged() async throws {
        var cuts = 0
        var cutsAfterAnAcknowledgement = 0
        for operation in stride(from: 1, through: 200, by: 4) {
            let limit = operation % 2 == 0 ? 1_500 : 64 << 20
            let outcome = try await cutAndCheck(["ROWCOL_STORAGE_FAULT": "power-loss:\(operation)"], segmentLimit: limit)
            if outcome.cut { cuts += 1 }
            if outcome.cut && outcome.acknowledged > 0 { cutsAfterAnAcknowledgement += 1 }
        }
        // The sweep must reach past the opening into the commits, or it proves little.
        #expect(cuts >= 40, "only \(cuts) runs were cut")
        #expect(cutsAfterAnAcknowledgement >= 20, "only \(cutsAfterAnAcknowledgement) cuts came after an acknowledged line")
    }
}
