import Foundation
import QBOSandbox
import RowCol
import Testing

/// `rowcol plan …` and `rowcol snapshot --scenario/--compare` over a real workspace synced from the sandbox.
@Suite("rowcol plan")
struct PlanCommandTests {
    func json(_ run: Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.output)")
    }

    func items(_ snapshot: [String: Any], _ side: String) -> [[String: Any]] {
        (snapshot[side] as? [String: Any])?["items"] as? [[String: Any]] ?? []
    }

    @Test("plan commands change the snapshot, keep plan.json sorted, and a broken plan never blocks the numbers")
    func planCommandsOverAWorkspace() async throws {
        let (sandbox, books, _) = try await connectedAcme(bills: 6, invoices: 5)
        defer { books.remove() }
        do {
            let root = ["--workspace", books.folder.path]
            let acme = ["--business", "acme"] + root
            let synced = try await rowcol(["sync", "--strict"] + root)
            #expect(synced.status == 0, "\(synced.output)")
            let first = try json(try await rowcol(["snapshot", "--json", "--no-strict"] + acme))
            #expect(first["schema_version"] as? Int == 2)
            let invoice = try #require(items(first, "ar").first?["id"] as? String)
            let bill = try #require(items(first, "ap").first?["id"] as? String)
            // Until the history lands every item says it is on its due date for want of history.
            let basis = try #require(items(first, "ar").first?["basis"] as? [String: Any])
            #expect(basis["code"] as? String == "due_date" || basis["code"] as? String == "haircut")
            #expect((first["plan"] as? [String: Any])?["state"] as? String == "none")

            let empty = try await rowcol(["plan", "show"] + acme)
            #expect(empty.status == 0 && empty.stdout.contains("empty"), "\(empty.output)")

            let day = LocalDate(Date()).adding(days: 10)
            let expect = try await rowcol(["plan", "expect", "--invoice", invoice, "--on", day.description,
                                           "--note", "promised by phone"] + acme)
            #expect(expect.status == 0, "\(expect.output)")
            #expect(expect.stdout.contains("advisors/ada/businesses/acme/plan.json saved"))
            #expect(try await rowcol(["plan", "exclude", "--bill", bill, "--note", "disputed"] + acme).status == 0)
            let add = try await rowcol(["plan", "add", "--id", "loan", "--name", "SBA loan", "--in", "--amount", "25000",
                                        "--on", day.adding(days: 20).description] + acme)
            #expect(add.status == 0, "\(add.output)")
            #expect(try await rowcol(["plan", "floor", "100000000"] + acme).status == 0)
            let scenario = try await rowcol(["plan", "scenario", "--name", "slow", "--ar-delay-days", "30",
                                             "--delay-bill", "\(bill)=10", "--extra", "tax,out,8000,\(day),Q4 tax"] + acme)
            #expect(scenario.status == 0, "\(scenario.output)")

            let planned = try json(try await rowcol(["snapshot", "--json", "--no-strict"] + acme))
            let moved = try #require(items(planned, "ar").first { $0["id"] as? String == invoice })
            #expect(moved["expected_on"] as? String == day.description)
            #expect((moved["basis"] as? [String: Any])?["code"] as? String == "plan")
            #expect((moved["basis"] as? [String: Any])?["text"] as? String
                == "expected on \(day) by the plan (promised by phone)")
            let excluded = try #require(items(planned, "ap").first { $0["id"] as? String == bill })
            #expect(excluded["expected_on"] == nil)
            #expect(((planned["one_offs"] as? [[String: Any]])?.first)?["id"] as? String == "loan")
            let alert = try #require(planned["alert"] as? [String: Any])
            #expect((alert["breach"] as? [String: Any])?["week"] as? Int == 1)
            #expect((planned["warnings"] as? [[String: Any]])?.contains { $0["code"] as? String == "runway.below_floor" } == true)
            #expect((planned["plan"] as? [String: Any])?["scenarios"] as? [String] == ["slow"])

            // The terminal report shows the reasons.
            let text = try await rowcol(["snapshot", "--no-strict"] + acme)
            #expect(text.stdout.contains("Why:") && text.stdout.contains("promised by phone"), "\(text.output)")
            #expect(text.stdout.contains("Cash floor 100,000,000.00: below it in week 1"))

            let slow = try json(try await rowcol(["snapshot", "--json", "--no-strict", "--scenario", "slow"] + acme))
            #expect((slow["plan"] as? [String: Any])?["scenario"] as? String == "slow")
            let late = try #require(items(slow, "ar").first { $0["id"] as? String == invoice })
            #expect(late["expected_on"] as? String == day.adding(days: 30).description)
            #expect((late["basis"] as? [String: Any])?["code"] as? String == "scenario")

            let html = books.folder.deletingLastPathComponent().appendingPathComponent("compare-\(UUID().uuidString).html")
            defer { try? FileManager.default.removeItem(at: html) }
            let compared = try await rowcol(["snapshot", "--json", "--no-strict", "--compare", "base,slow",
                                             "--html", html.path] + acme)
            let comparison = try json(compared)
            #expect((comparison["left"] as? [String: Any])?["name"] as? String == "base")
            #expect((comparison["right"] as? [String: Any])?["name"] as? String == "slow")
            #expect((comparison["weeks"] as? [Any])?.count == 13)
            #expect(try String(contentsOf: html, encoding: .utf8).contains("slow closing"))
            let side = try await rowcol(["snapshot", "--no-strict", "--compare", "base,slow"] + acme)
            #expect(side.stdout.contains("base closing") && side.stdout.contains("slow closing"), "\(side.output)")
            let unknown = try await rowcol(["snapshot", "--no-strict", "--compare", "base,fast"] + acme)
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("advisors/ada/businesses/acme/plan.json: scenarios, field \"fast\": no such "
                + "scenario; the plan has slow"), "\(unknown.output)")
            let badKey = try await rowcol(["plan", "recurring", "--key", "rent", "--ignore"] + acme)
            #expect(badKey.status != 0)
            #expect(badKey.stderr.contains("plan.json: recurring, field \"rent\": ignore applies to a detected series"),
                    "\(badKey.output)")

            // The file is what `plan show --json` prints: sorted keys, one stable layout.
            let planFile = books.folder.appendingPathComponent("advisors/ada/businesses/acme/plan.json")
            let stored = try String(contentsOf: planFile, encoding: .utf8)
            let shown = try await rowcol(["plan", "show", "--json"] + acme)
            #expect(shown.stdout == stored)
            #expect(stored.range(of: "\"bills\"")!.lowerBound < stored.range(of: "\"invoices\"")!.lowerBound)
            #expect(try await rowcol(["verify"] + root).status == 0)

            // rebuild re-derives the mirror and leaves the plan alone; a backup carries it.
            #expect(try await rowcol(["rebuild"] + root).status == 0)
            #expect(try String(contentsOf: planFile, encoding: .utf8) == stored)
            let copy = books.folder.deletingLastPathComponent().appendingPathComponent("backup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: copy) }
            #expect(try await rowcol(["backup", copy.path] + root).status == 0)
            #expect(try String(contentsOf: copy.appendingPathComponent("advisors/ada/businesses/acme/plan.json"),
                               encoding: .utf8) == stored)

            // A hand edit that breaks the file: `plan show` and edits fail naming it, the numbers still come.
            let broken = stored.replacingOccurrences(of: "\"expect_on\" : \"\(day)\"", with: "\"expect_on\" : \"soon\"")
            #expect(broken != stored)
            try Data(broken.utf8).write(to: planFile)
            let message = "advisors/ada/businesses/acme/plan.json: invoices.\(invoice), field \"expect_on\": \"soon\" "
                + "is not a date; write YYYY-MM-DD"
            let show = try await rowcol(["plan", "show"] + acme)
            #expect(show.status != 0 && show.stderr.contains(message), "\(show.output)")
            let refused = try await rowcol(["plan", "floor", "5"] + acme)
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(refused.output)")
            #expect(try String(contentsOf: planFile, encoding: .utf8) == broken)
            let still = try await rowcol(["snapshot", "--json", "--no-strict"] + acme)
            #expect(still.status == 0, "\(still.output)")
            let answer = try json(still)
            #expect((answer["plan"] as? [String: Any])?["state"] as? String == "invalid")
            let flag = try #require((answer["flags"] as? [[String: Any]])?.first { $0["code"] as? String == "plan.invalid" })
            #expect((flag["message"] as? String)?.hasPrefix(message) == true)
            #expect(items(answer, "ap").contains { $0["id"] as? String == bill && $0["expected_on"] != nil })
            let console = try await rowcol(["console", "--no-strict"] + root)
            #expect(console.status == 0 && console.stdout.contains("plan.invalid"), "\(console.output)")
            let verify = try await rowcol(["verify"] + root)
            #expect(verify.status != 0 && verify.stderr.contains("plan.json: cannot be read as a plan: "
                + "invoices.\(invoice).expect_on"), "\(verify.output)")
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }
}
