import Hummingbird
import NIOCore
import QBOSandbox
import RowColTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import RowCol
@testable import RowColWeb
import Testing

/// A stand-in for the plans of issue 13 (`plan.json`, scenarios), kept in memory, so that the
/// workbench's side of ``WorkbenchPlanning`` — routes, forms, scenario switcher, comparison, cache —
/// is tested before the real plans are wired in. Expected dates move a bill or invoice (as its due
/// date), exclusions leave it out, the floor and one-offs are only recorded; the one scenario,
/// `no-receipts`, drops every invoice.
final class MemoryPlanning: WorkbenchPlanning {
    struct Plan: Sendable {
        var expected: [PlanItemRef: LocalDate] = [:]
        var excluded: Set<PlanItemRef> = []
        var floor: Decimal?
        var oneOffs: [String: String] = [:]
    }

    let plans = Locked<[BusinessID: Plan]>([:])
    let edits = Locked<[PlanEdit]>([])

    func scenarioNames(of business: BusinessID, reader: AdvisorReader) throws -> [String] { ["no-receipts"] }

    func snapshot(of business: BusinessID, scenario: String?, reader: AdvisorReader) throws -> RunwaySnapshot {
        var inputs = try reader.inputs(of: business)
        let plan = plans.withLock { $0[business] } ?? Plan()
        inputs.bills = inputs.bills.filter { !plan.excluded.contains(PlanItemRef(kind: .bill, id: $0.id)) }.map { bill in
            var moved = bill
            if let date = plan.expected[PlanItemRef(kind: .bill, id: bill.id)] { moved.dueDate = date }
            return moved
        }
        inputs.invoices = inputs.invoices.filter { !plan.excluded.contains(PlanItemRef(kind: .invoice, id: $0.id)) }.map { invoice in
            var moved = invoice
            if let date = plan.expected[PlanItemRef(kind: .invoice, id: invoice.id)] { moved.dueDate = date }
            return moved
        }
        switch scenario {
        case nil: break
        case "no-receipts"?: inputs.invoices = []
        case let name?: throw WorkbenchPlanningError.unknownScenario(name, known: ["no-receipts"])
        }
        return RunwayCalculator.snapshot(inputs: inputs)
    }

    func planDocument(of business: BusinessID, reader: AdvisorReader) throws -> JSONValue {
        let plan = plans.withLock { $0[business] } ?? Plan()
        var expected: [String: JSONValue] = [:]
        for (item, date) in plan.expected { expected["\(item.kind.rawValue)/\(item.id)"] = .string(date.description) }
        return [
            "expected": .object(expected), "excluded": .array(plan.excluded.map { .string("\($0.kind.rawValue)/\($0.id)") }),
            "floor": plan.floor.map { .number($0) } ?? .null, "one_offs": .object(plan.oneOffs.mapValues { .string($0) }),
        ]
    }

    func planStamp(of business: BusinessID, reader: AdvisorReader) throws -> FileStamp? { nil }

    func apply(_ edit: PlanEdit, to business: BusinessID, session: AdvisorSession) async throws -> JSONValue {
        edits.withLock { $0.append(edit) }
        plans.withLock { all in
            var plan = all[business] ?? Plan()
            switch edit {
            case .expect(let item, let on): plan.expected[item] = on
            case .exclude(let item, let excluded):
                if excluded { plan.excluded.insert(item) } else { plan.excluded.remove(item) }
            case .oneOff(let id, let name, _, _, _): plan.oneOffs[id] = name
            case .removeOneOff(let id): plan.oneOffs[id] = nil
            case .floor(let amount): plan.floor = amount
            }
            all[business] = plan
        }
        return try planDocument(of: business, reader: AdvisorReader(workspace: session.workspace, advisor: session.advisor))
    }
}

extension WebTests {
    /// Plans and scenarios as the workbench shows and edits them, through ``WorkbenchPlanning``.
    @Suite struct PlanTests {
        @Test func withoutPlansThePlanRoutesAnswer404AndTheBaseIsShown() async throws {
            let fixture = try await WebFixture.shared()
            try await withRouter(try fixture.workbench()) { web in
                #expect(try await web.get("/api/v1/businesses/acme/plan").status == .notFound)
                let edit = try await web.post("/api/v1/businesses/acme/plan", json: "{\"op\":\"floor\",\"amount\":\"10\"}")
                #expect(edit.status == .notFound)
                #expect(edit.text.contains("plans_unavailable"))
                #expect(try await web.get("/api/v1/businesses/acme/snapshot?scenario=slow").status == .notFound)
                #expect(try await web.get("/api/v1/businesses/acme/snapshot?scenario=base").status == .ok)
                let page = try await web.get("/businesses/acme?week=1", .cookie).text
                #expect(!page.contains("class=\"inline plan") && !page.contains("Scenario:"))
                let tray = try await web.get("/tray?days=365", .cookie).text
                #expect(!tray.contains("Delay"))
            }
        }

        @Test func anEditMovesTheItemAndTheNumbersFollowAtOnce() async throws {
            let fixture = try await WebFixture.make(bills: 10, invoices: 8)
            defer { Task { await fixture.remove() } }
            let planning = MemoryPlanning()
            let workbench = try fixture.workbench(planning: planning)
            try await withRouter(workbench) { web in
                let week1 = try await web.get("/api/v1/businesses/acme/weeks/1").object()
                let bills = week1["bills"] as? [[String: Any]] ?? []
                let bill = try #require(bills.first?["id"] as? String, "a bill in week 1")
                let snapshot = try await web.get("/api/v1/businesses/acme/snapshot").object()
                let asOf = snapshot["as_of_date"] as? String ?? ""
                let start = try #require(LocalDate(asOf))
                let later = start.adding(days: 5 * 7 + 1)  // in week 6
                let moved = try await web.post("/api/v1/businesses/acme/plan",
                                               json: "{\"op\":\"expect\",\"kind\":\"bill\",\"id\":\"\(bill)\",\"on\":\"\(later)\"}")
                #expect(moved.status == .ok, "\(moved.text)")
                #expect((try moved.object()["expected"] as? [String: Any])?["bill/\(bill)"] as? String == later.description)
                let week6 = try await web.get("/api/v1/businesses/acme/weeks/6").object()
                #expect((week6["bills"] as? [[String: Any]])?.contains { $0["id"] as? String == bill } == true, "the bill moved to week 6")
                let stillWeek1 = try await web.get("/api/v1/businesses/acme/weeks/1").object()
                #expect((stillWeek1["bills"] as? [[String: Any]])?.contains { $0["id"] as? String == bill } == false)

                let scenario = try await web.get("/api/v1/businesses/acme/snapshot?scenario=no-receipts").object()
                #expect(((scenario["ar"] as? [String: Any])?["items"] as? [Any])?.isEmpty == true, "\(scenario.keys.sorted())")
                let unknown = try await web.get("/api/v1/businesses/acme/snapshot?scenario=boom")
                #expect(unknown.status == .notFound)
                #expect(unknown.text.contains("no-receipts"))
                let page = try await web.get("/businesses/acme?scenario=no-receipts", .cookie).text
                #expect(page.contains("scenario no-receipts") && page.contains("<strong aria-current=\"true\">no-receipts</strong>"))
                let compare = try await web.get("/businesses/acme?compare=no-receipts", .cookie).text
                #expect(compare.contains("id=\"compare-weeks\"") && compare.contains("Closing, no-receipts"))

                for (body, field) in [
                    ("{\"op\":\"expect\",\"kind\":\"loan\",\"id\":\"1\"}", "kind"), ("{\"op\":\"wish\"}", "op"),
                    ("{\"op\":\"expect\",\"kind\":\"bill\",\"id\":\"1\",\"on\":\"soon\"}", "on"),
                    ("{\"op\":\"one_off\",\"one_off_id\":\"tax\",\"name\":\"Tax\",\"direction\":\"out\",\"amount\":\"5\",\"on\":\"2027-01-01\"}",
                     "direction"),
                    ("{\"op\":\"floor\",\"amount\":\"1.234\"}", "amount"), ("{\"op\":\"floor\",\"extra\":1}", "extra"),
                ] {
                    let refused = try await web.post("/api/v1/businesses/acme/plan", json: body)
                    #expect(refused.status == .badRequest, "\(body)")
                    #expect(refused.text.contains(field), "\(body): \(refused.text)")
                }
                let foreign = try await web.post("/api/v1/businesses/carl/plan", json: "{\"op\":\"floor\"}")
                #expect(foreign.status == .notFound)
            }
            #expect(planning.edits.withLock { $0.count } == 1, "refused edits never reach the plan")
        }

        /// The real plans: an edit through the API is written to plan.json, and the numbers follow.
        @Test func withTheAdvisorsPlansAnEditIsWrittenToPlanJSON() async throws {
            let fixture = try await WebFixture.make(bills: 8, invoices: 6)
            defer { Task { await fixture.remove() } }
            try await withRouter(try fixture.workbench(planning: SessionPlanning())) { web in
                let week1 = try await web.get("/api/v1/businesses/acme/weeks/1").object()
                let bills = week1["bills"] as? [[String: Any]] ?? []
                let bill = try #require(bills.first?["id"] as? String, "a bill in week 1")
                let asOf = try await web.get("/api/v1/businesses/acme/snapshot").object()["as_of_date"] as? String ?? ""
                let later = try #require(LocalDate(asOf)).adding(days: 5 * 7 + 1)
                let moved = try await web.post("/api/v1/businesses/acme/plan",
                                               json: "{\"op\":\"expect\",\"kind\":\"bill\",\"id\":\"\(bill)\",\"on\":\"\(later)\"}")
                #expect(moved.status == .ok, "\(moved.text)")
                let file = fixture.workspace.root.appendingPathComponent("advisors/ada/businesses/acme/plan.json")
                let written = try String(contentsOf: file, encoding: .utf8)
                #expect(written.contains(bill) && written.contains(later.description), "\(written)")
                let week6 = try await web.get("/api/v1/businesses/acme/weeks/6").object()
                #expect((week6["bills"] as? [[String: Any]])?.contains { $0["id"] as? String == bill } == true, "the bill moved")
                let unknown = try await web.get("/api/v1/businesses/acme/snapshot?scenario=slow")
                #expect(unknown.status == .notFound)
                let plan = try await web.get("/api/v1/businesses/acme/plan")
                #expect(plan.status == .ok && plan.text.contains(later.description))
            }
        }

        @Test func theFormsWorkWithoutTheScriptAndComeBackWhereTheyWere() async throws {
            let fixture = try await WebFixture.make(bills: 6, invoices: 4)
            defer { Task { await fixture.remove() } }
            let planning = MemoryPlanning()
            let workbench = try fixture.workbench(planning: planning)
            let bill = try #require(try fixture.openBills("acme").first)
            try await withRouter(workbench) { web in
                let page = try await web.get("/businesses/acme?week=1", .cookie).text
                #expect(page.contains("class=\"inline plan expect\"") && page.contains("id=\"plan\""))
                let csrf = workbench.policy.csrfToken
                let back = "/businesses/acme?week=1#week"
                let posted = try await web.post(
                    "/businesses/acme/plan", .cookie,
                    form: "csrf_token=\(csrf)&op=exclude&kind=bill&id=\(bill.id)&return_to=\(FormFields.escape(back))")
                #expect(posted.status == .seeOther)
                let location = try #require(posted.headers[.location])
                #expect(location.hasPrefix("/businesses/acme?week=1&notice=") && location.hasSuffix("#week"), "\(location)")
                let shown = try await web.get(String(location.prefix { $0 != "#" }), .cookie).text
                #expect(shown.contains("bill \(bill.id) left out"))
                let elsewhere = try await web.post(
                    "/businesses/acme/plan", .cookie, form: "csrf_token=\(csrf)&op=floor&amount=500&return_to=%2F%2Fevil.example%2F")
                #expect(elsewhere.headers[.location]?.hasPrefix("/businesses/acme?notice=") == true, "never another origin")
                let noCSRF = try await web.post("/businesses/acme/plan", .cookie, form: "op=floor&amount=1")
                #expect(noCSRF.status == .forbidden)
                let tray = try await web.get("/tray?days=365", .cookie).text
                #expect(tray.contains("class=\"inline plan delay\""))
            }
            #expect(planning.edits.withLock { $0 } == [.exclude(PlanItemRef(kind: .bill, id: bill.id), excluded: true), .floor(500)])
            let readOnly = try fixture.workbench(readOnly: true, planning: planning)
            try await withRouter(readOnly) { web in
                let refused = try await web.post("/api/v1/businesses/acme/plan", json: "{\"op\":\"floor\"}")
                #expect(refused.status == .forbidden)
                let page = try await web.get("/businesses/acme?week=1", .cookie).text
                #expect(!page.contains("class=\"inline plan"))
            }
        }
    }
}
