import Foundation
import QBOSandbox
import RowCol
import Testing

/// `ROWCOL_STORAGE_FAULT` makes the store's file layer fail: an fsync with EIO, or writes with
/// ENOSPC. A failed write is never acknowledged, the user gets a clear error, and the workspace
/// reopens cleanly with every earlier line intact.
@Suite("storage faults")
struct StorageFaultTests {
    /// A page of 300 bills is written by two threads (``MirrorWriter``'s staging lanes); the disk
    /// fills at the log, early in the first lane's documents, or late, when both lanes are writing.
    @Test("ENOSPC while two threads write a page's documents: a clear error, no temp file kept, every bill after a reopen",
          arguments: [2, 40, 250])
    func fullDiskWhileTwoLanesWrite(failingWrite: Int) async throws {
        let temp = try TempFolder("lanes")
        defer { temp.remove() }
        let sandbox = try await QBOSandboxServer.start()
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let ws = try await ConnectedWorkspace.make(in: temp.url, control: control, businesses: [("acme", "9900003")], bills: 300)
            let failed = try await rowcol(ws.folder, ["sync", "--strict"], environment: ["ROWCOL_STORAGE_FAULT": "write.enospc:\(failingWrite)"])
            #expect(failed.status != 0, "the sync succeeded with a full disk: \(failed.output)")
            #expect(failed.output.contains("free some disk space"), "\(failed.output)")

            let reopened = try await rowcol(ws.folder, ["sync", "--strict"])
            #expect(reopened.status == 0, "\(reopened.output)")
            let verified = try await rowcol(ws.folder, ["verify"])
            #expect(verified.status == 0, "\(verified.output)")
            let mirror = ws.folder.appendingPathComponent("advisors/ada/businesses/acme/mirror")
            let staged = try ["0", "1"].flatMap {
                try FileManager.default.contentsOfDirectory(atPath: mirror.appendingPathComponent(".staging/" + $0).path)
            }
            #expect(staged.isEmpty, "temp documents left: \(staged.prefix(5))")
            let bills = try FileManager.default.contentsOfDirectory(atPath: mirror.appendingPathComponent("bills").path)
            #expect(bills.count == (try await control.query("9900003", "Bill")).count && bills.count == 300)
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }

    @Test("EIO on fsync and ENOSPC on write: a clear error, nothing acknowledged, a clean reopen", arguments: [
        ("fsync.eio", "Input/output error"), ("fsync.eio:3", "Input/output error"),
        ("write.enospc", "free some disk space"), ("write.enospc:4", "free some disk space"),
    ])
    func failedWrites(fault: String, message: String) async throws {
        let temp = try TempFolder("storage")
        defer { temp.remove() }
        let sandbox = try await QBOSandboxServer.start()
        let control = Control(baseURL: sandbox.baseURL)
        do {
            let ws = try await ConnectedWorkspace.make(in: temp.url, control: control, businesses: [("acme", "9900001")])
            let folder = ws.folder
            let first = try await rowcol(folder, ["sync", "--strict"])
            #expect(first.status == 0, "\(first.output)")
            let before = try await rowcol(folder, ["log", "--advisor", "ada", "--json"]).stdout
            let open = try billIDs(try await rowcol(folder, ["bills", "--business", "acme", "--open", "--json"]).stdout)
            let bill = try #require(open.first)
            let paymentsBefore = try await control.stats()["billpayments_created"] as? Int

            // Something changes in QBO, so the next sync has lines to write.
            try await control.call("PATCH", "/__sandbox/realms/9900001/bill/\(bill)", ["DueDate": "2027-01-15"])
            let failed = try await rowcol(folder, ["sync", "--strict"], environment: ["ROWCOL_STORAGE_FAULT": fault])
            #expect(failed.status != 0, "the sync succeeded under \(fault): \(failed.output)")
            #expect(failed.output.contains(message), "\(fault): \(failed.output)")
            if fault == "fsync.eio" {
                // The first flush is the log's: the lines it failed to flush were taken back.
                let unflushed = try await rowcol(folder, ["log", "--advisor", "ada", "--json"]).stdout
                #expect(unflushed == before, "lines whose fsync failed are still in the log")
            }

            // A payment whose intent cannot be stored is refused before QBO is called.
            let pay = try await rowcol(
                folder, ["pay", "--business", "acme", "--bill", bill, "--amount", "1.00", "--on", "2026-12-01"],
                environment: ["ROWCOL_STORAGE_FAULT": fault])
            #expect(pay.status != 0, "the payment was acknowledged under \(fault): \(pay.output)")
            #expect(try await control.stats()["billpayments_created"] as? Int == paymentsBefore)

            // Reopened without the fault: earlier lines intact, verify clean, the next sync works.
            let reopened = try await rowcol(folder, ["sync", "--strict"])
            #expect(reopened.status == 0, "\(reopened.output)")
            let verified = try await rowcol(folder, ["verify"])
            #expect(verified.status == 0, "\(verified.output)")
            let after = try await rowcol(folder, ["log", "--advisor", "ada", "--json"]).stdout
            #expect(after.hasPrefix(before), "log lines written before the fault changed")
            let outbox = try await rowcol(folder, ["outbox", "--json"])
            #expect((try json(outbox.stdout) as? [Any])?.isEmpty == true, "\(outbox.output)")

            // Approving again after the fault pays exactly once, whether or not the failed attempt's
            // intent reached the log before the disk failed (then the sync above already sent it).
            let again = try await rowcol(
                folder, ["pay", "--business", "acme", "--bill", bill, "--amount", "1.00", "--on", "2026-12-01"])
            #expect(again.status == 0, "\(again.output)")
            let twice = try await rowcol(
                folder, ["pay", "--business", "acme", "--bill", bill, "--amount", "1.00", "--on", "2026-12-01"])
            #expect(twice.status == 0, "\(twice.output)")
            #expect(try await control.stats()["billpayments_created"] as? Int == paymentsBefore.map { $0 + 1 })
        } catch {
            try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }
}
