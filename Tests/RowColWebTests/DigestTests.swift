import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import QBOSandbox
import RowColTestSupport
import Foundation
import RowCol
@testable import RowColWeb
import Testing

extension WebTests {
    /// The digest over a real log: changes made in QBO, synced, then read back as lines with the
    /// seq of the log line behind each — from the API, the page and `rowcol digest`.
    @Suite struct DigestTests {
        @Test func changesInQBOAppearWithTheSeqOfTheirLogLine() async throws {
            let fixture = try await WebFixture.make(bills: 4, invoices: 3)
            defer { Task { await fixture.remove() } }
            let realm = try #require(fixture.realms["acme"])
            let bills = try fixture.openBills("acme")
            let changed = try #require(bills.first)
            let deleted = try #require(bills.last)
            try await fixture.control.patch(.bill, id: changed.id.rawValue, realm: realm, fields: ["DueDate": "2027-03-01"])
            _ = try await fixture.control.delete(.bill, id: deleted.id.rawValue, realm: realm)
            let session = try await AdvisorSession.open(workspace: fixture.workspace, advisor: fixture.ada, environment: [:])
            _ = try await session.sync(businesses: [try BusinessID(validating: "acme")], strict: true)
            await session.close()

            let today = LocalDate(Date()).description
            let body = try await withRouter(try fixture.workbench()) { web in
                let answer = try await web.get("/api/v1/digest?since=\(today)")
                #expect(answer.status == .ok, "\(answer.text)")
                let businesses = try #require(try answer.object()["businesses"] as? [[String: Any]])
                #expect(businesses.compactMap { ($0["business"] as? [String: Any])?["business_id"] as? String } == ["acme", "bolt"])
                let page = try await web.get("/digest?since=\(today)", .cookie)
                #expect(page.status == .ok)
                #expect(page.text.contains("bill.changed") && page.text.contains("href=\"/log/"))
                let refused = try await web.get("/api/v1/digest?since=last-tuesday")
                #expect(refused.status == .badRequest)
                #expect(refused.text.contains("last-tuesday") && refused.text.contains("YYYY-MM-DD"))
                return Data(answer.body.readableBytesView)
            }
            let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            let acme = try #require((object["businesses"] as? [[String: Any]])?.first)
            let lines = try #require(acme["lines"] as? [[String: Any]])
            let change = try #require(lines.first { $0["kind"] as? String == "bill.changed" && $0["id"] as? String == changed.id.rawValue })
            #expect((change["text"] as? String)?.contains("→ 2027-03-01") == true, "\(change)")
            #expect(lines.contains { $0["kind"] as? String == "bill.deleted" && $0["id"] as? String == deleted.id.rawValue })
            let seq = try #require(change["seq"] as? Int)
            let entry = try #require(try await LogHistory(workspace: fixture.workspace, advisor: fixture.ada).entry(LogSeq(UInt64(seq))))
            #expect(entry.payload?.changes.contains { $0.id == changed.id } == true, "the seq names the line that changed the bill")
            #expect(entry.business.rawValue == "acme")

            let books = fixture.workspace.root.path
            let json = try await runRowcol(["digest", "--workspace", books, "--advisor", "ada", "--since", today, "--format", "json"])
            #expect(json.status == 0, "\(json.output)")
            #expect(json.stdout.contains("\"seq\" : \(seq)") || json.stdout.contains("\"seq\": \(seq)"), "\(json.stdout.prefix(400))")
            let markdown = try await runRowcol(["digest", "--workspace", books, "--advisor", "ada", "--since", today, "--format", "markdown"])
            #expect(markdown.status == 0)
            #expect(markdown.stdout.contains("`#\(seq)` **bill.changed**"), "\(markdown.stdout.prefix(600))")
            let text = try await runRowcol(["digest", "--workspace", books, "--advisor", "ada"])
            #expect(text.stdout.hasPrefix("What changed since \(LocalDate(Date()).adding(days: -7))"), "the default is 7 days ago")
            let bad = try await runRowcol(["digest", "--workspace", books, "--advisor", "ada", "--since", "soon"])
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("--since") && bad.stderr.contains("soon"), "\(bad.output)")
        }
    }
}
