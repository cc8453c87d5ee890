import Foundation
import RowColDomain
import RowColJSON
import RowColRunway
import RowColStore

/// One commit that touched a document, with the fields that moved.
public struct DocumentRevision: Sendable, Hashable, Codable {
    /// A field before and after the commit.
    public struct Field: Sendable, Hashable, Codable {
        public var name: String
        public var before: String?
        public var after: String?
    }

    public var commit: String
    public var at: Date
    /// The commit's subject line.
    public var subject: String
    /// `new`, `changed` or `deleted`.
    public var status: String
    public var fields: [Field]
}

/// What the git history says about one mirrored document (`rowcol history`) and about the
/// workspace since a commit (`rowcol diff --since`), read through the workspace's git adapter.
public struct WorkspaceHistory: Sendable {
    public let workspace: Workspace
    let repository: WorkspaceRepository

    /// - Throws: ``GitError`` `.gitNotFound` when there is no git program.
    public init(workspace: Workspace, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.workspace = workspace
        repository = WorkspaceRepository(workspace: workspace, git: try Git.locate(environment: environment))
    }

    /// Each commit that touched the document, oldest first, with the fields that moved
    /// (balance, amount, due date, status for bills and invoices; balance and name for accounts).
    /// - Parameter kind: `.bill`, `.invoice` or `.balance`.
    /// - Throws: ``GitError`` when the workspace is not a repository.
    public func revisions(of kind: EntityKind, _ id: EntityID, in ref: BusinessRef) async throws -> [DocumentRevision] {
        _ = try workspace.business(ref)
        let file = workspace.documentFile(ref, kind, id)
        let log = try await repository.git.run(
            ["log", "--format=%H%x09%at%x09%s", "--full-history", "--", file], in: workspace.root)
        let commits = log.stdoutText.split(separator: "\n").compactMap { line -> (String, Date, String)? in
            let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let seconds = TimeInterval(parts[1]) else { return nil }
            return (parts[0], Date(timeIntervalSince1970: seconds), parts[2])
        }.reversed()
        let blobs = try await repository.read(commits.map { "\($0.0):./\(file)" })
        var previous: [String: String]?
        var revisions: [DocumentRevision] = []
        for ((commit, at, subject), blob) in zip(commits, blobs) {
            let data: JSONValue? = blob.flatMap(GitRecorder.documentData)
            let fields = data.flatMap { Self.fields(kind, $0) }
            let status = fields == nil ? "deleted" : previous == nil ? "new" : "changed"
            var moved: [DocumentRevision.Field] = []
            for name in Self.fieldOrder[kind] ?? [] {
                let before = previous?[name]
                let after = fields?[name]
                if before != after { moved.append(.init(name: name, before: before, after: after)) }
            }
            revisions.append(DocumentRevision(commit: commit, at: at, subject: subject, status: status, fields: moved))
            previous = fields
        }
        return revisions
    }

    static let fieldOrder: [EntityKind: [String]] = [
        .bill: ["status", "balance", "amount", "due date", "vendor", "number"],
        .invoice: ["status", "balance", "amount", "due date", "customer", "number"],
        .balance: ["balance", "name", "active"],
    ]

    /// The fields a person follows, as text.
    static func fields(_ kind: EntityKind, _ data: JSONValue) -> [String: String]? {
        switch kind {
        case .bill:
            guard let bill = try? data.decode(Bill.self) else { return nil }
            return [
                "status": bill.isOpen ? "open" : "paid", "balance": DisplayFormat.money(bill.balance),
                "amount": DisplayFormat.money(bill.total), "due date": bill.effectiveDueDate?.description ?? "none",
                "vendor": bill.vendor.displayName, "number": bill.docNumber ?? "none",
            ]
        case .invoice:
            guard let invoice = try? data.decode(Invoice.self) else { return nil }
            return [
                "status": invoice.isOpen ? "open" : "paid", "balance": DisplayFormat.money(invoice.balance),
                "amount": DisplayFormat.money(invoice.total),
                "due date": invoice.effectiveDueDate?.description ?? "none",
                "customer": invoice.customer.displayName, "number": invoice.docNumber ?? "none",
            ]
        case .balance:
            guard let account = try? data.decode(AccountBalance.self) else { return nil }
            return ["balance": DisplayFormat.money(account.currentBalance), "name": account.name,
                "active": "\(account.active)"]
        default:
            return nil
        }
    }

    /// What changed between `reference` (a commit, a tag, `HEAD~3`, a date as `@{2026-11-01}`)
    /// and the last commit, per business, in the digest's words.
    /// - Throws: ``GitError`` naming the reference when git does not know it.
    public func diff(since reference: String, now: Date = Date()) async throws -> WorkspaceDiff {
        let git = repository.git
        let verified = try await git.run(["rev-parse", "--verify", "-q", reference + "^{commit}"], in: workspace.root,
                                         allowedStatuses: [0, 1])
        guard verified.status == 0 else {
            throw GitError(code: .commandFailed,
                message: "git does not know \"\(reference)\" in \(workspace.root.path): "
                + "give a commit, a tag or a branch (`git log --oneline` lists the commits)")
        }
        let from = verified.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        let names = try await git.run(
            ["diff", "--name-only", "-z", "--no-renames", from, "HEAD", "--", "advisors"], in: workspace.root)
        let files = names.stdoutText.split(separator: "\0").map(String.init)
        var lookups: [String] = []
        for file in files { lookups += ["\(from):./\(file)", "HEAD:./\(file)"] }
        let blobs = try await repository.read(lookups)
        var perAdvisor: [AdvisorID: ChangeSet] = [:]
        for (index, file) in files.enumerated() {
            let before = blobs[2 * index]
            let after = blobs[2 * index + 1]
            let parts = file.split(separator: "/").map(String.init)
            // advisors/<a>/businesses/<b>/mirror/<kind folder>/<id>.json, or …/<b>/plan.json
            guard parts.count >= 5, parts[0] == "advisors", parts[2] == "businesses",
                  let advisor = AdvisorID(rawValue: parts[1]), let business = BusinessID(rawValue: parts[3])
            else { continue }
            let ref = BusinessRef(advisor: advisor, business: business)
            guard (try? workspace.business(ref)) != nil else { continue }
            if parts.count == 5, parts[4] == "plan.json" {
                perAdvisor[advisor, default: ChangeSet()].plans[ref] = (before, after)
            } else if parts.count == 7, parts[4] == "mirror", let kind = EntityKind(folderName: parts[5]),
                      parts[6].hasSuffix(".json"), let id = EntityID(rawValue: String(parts[6].dropLast(5))) {
                let seq = [after, before].compactMap { (bytes: [UInt8]?) -> UInt64? in
                    guard let bytes, let document = try? JSONValue.parse(bytes) else { return nil }
                    return document["log_seq"]?.integerValue(UInt64.self)
                }.first ?? 0
                perAdvisor[advisor, default: ChangeSet()].changes.append(DocumentChange(
                    ref: ref, kind: kind, id: id, before: before.flatMap(GitRecorder.documentData),
                    after: after.flatMap(GitRecorder.documentData), seq: seq, at: now))
            }
        }
        var sections: [ChangeSet.Section] = []
        for advisor in perAdvisor.keys.sorted() {
            var changes = perAdvisor[advisor]!
            changes.changes.sort { $0.seq < $1.seq }
            sections += try changes.sections(workspace: workspace, now: now, lineLimit: 200)
        }
        return WorkspaceDiff(since: reference, from: from, sections: sections)
    }
}

/// What changed since a commit, per business (``WorkspaceHistory/diff(since:now:)``).
public struct WorkspaceDiff: Sendable, Encodable {
    /// One business.
    public struct Business: Sendable, Encodable {
        public var advisor: AdvisorID
        public var business: BusinessID
        public var name: String
        public var counts: [String: Int]
        public var lines: [Digest.Line]
        public var omitted: Int
        public var runwayBefore: Digest.RunwaySummary
        public var runwayAfter: Digest.RunwaySummary
        /// Documents of kinds the digest does not describe, per folder.
        public var others: [String: Int]
        public var planEdits: [String]

        enum CodingKeys: String, CodingKey {
            case advisor = "advisor_id"
            case business = "business_id"
            case name, counts, lines, omitted, others
            case runwayBefore = "runway_before"
            case runwayAfter = "runway_after"
            case planEdits = "plan_edits"
        }
    }

    public var since: String
    /// The commit `since` names.
    public var from: String
    public var businesses: [Business]
    let sections: [ChangeSet.Section]

    init(since: String, from: String, sections: [ChangeSet.Section]) {
        self.since = since
        self.from = from
        self.sections = sections
        businesses = sections.map { section in
            Business(
                advisor: section.ref.advisor, business: section.ref.business, name: section.name,
                counts: section.digest.counts, lines: section.digest.lines, omitted: section.digest.omitted,
                runwayBefore: Digest.RunwaySummary(section.runwayBefore),
                runwayAfter: Digest.RunwaySummary(section.runwayAfter),
                others: section.others, planEdits: section.planEdits)
        }
    }

    /// The diff as text: a block per business, in the digest's words.
    public var text: String {
        "What changed since \(since) (\(from.prefix(12)))\n"
            + (sections.isEmpty ? "\nnothing changed in the businesses\n" : CommitMessage.body(sections))
    }

    enum CodingKeys: String, CodingKey {
        case since, from, businesses
    }
}
