import Foundation
import RowColDomain
import RowColJSON

/// `rowcol.json`: what makes a folder a workspace.
public struct WorkspaceManifest: Hashable, Sendable, Codable {
    /// The on-disk format; a RowCol refuses a workspace written in a newer one.
    public var formatVersion: Int
    /// Policy overrides (DESIGN §8); kept as written.
    public var policy: JSONValue?
    /// Set only on workspaces made for tests (`rowcol init --for-tests`): the `rowcol debug`
    /// commands, which write synthetic data or spend refresh tokens, refuse any other.
    public var forTests: Bool?

    public init(formatVersion: Int = Workspace.formatVersion, policy: JSONValue? = nil, forTests: Bool? = nil) {
        self.formatVersion = formatVersion
        self.policy = policy
        self.forTests = forTests
    }

    enum CodingKeys: String, CodingKey {
        case policy
        case formatVersion = "format_version"
        case forTests = "for_tests"
    }
}

/// `advisors/<advisor>/advisor.json`.
public struct AdvisorInfo: Hashable, Sendable, Codable {
    public var advisor: AdvisorID
    public var displayName: String?

    public init(advisor: AdvisorID, displayName: String? = nil) {
        self.advisor = advisor
        self.displayName = displayName
    }

    enum CodingKeys: String, CodingKey {
        case advisor = "advisor_id"
        case displayName = "display_name"
    }
}

/// `advisors/<advisor>/businesses/<business>/business.json`: which QBO company a business is.
public struct BusinessInfo: Hashable, Sendable, Codable {
    public var advisor: AdvisorID
    public var business: BusinessID
    /// QBO's company id (`realmId`).
    public var realmID: String
    /// `sandbox`, `production` or `local` (the RowCol sandbox).
    public var environment: String
    /// The QBO API base URL, e.g. `https://sandbox-quickbooks.api.intuit.com`.
    public var baseURL: String
    public var displayName: String?

    public init(
        advisor: AdvisorID, business: BusinessID, realmID: String, environment: String, baseURL: String,
        displayName: String? = nil
    ) {
        self.advisor = advisor
        self.business = business
        self.realmID = realmID
        self.environment = environment
        self.baseURL = baseURL
        self.displayName = displayName
    }

    public var ref: BusinessRef { BusinessRef(advisor: advisor, business: business) }

    enum CodingKeys: String, CodingKey {
        case environment
        case advisor = "advisor_id"
        case business = "business_id"
        case realmID = "realm_id"
        case baseURL = "base_url"
        case displayName = "display_name"
    }
}

/// Where each file of a workspace lives (DESIGN §2). Every component is a validated id, so no
/// path built here can leave the workspace.
struct WorkspacePaths: Sendable {
    let root: String

    var manifest: String { root + "/rowcol.json" }
    var gitignore: String { root + "/.gitignore" }
    /// The machine that writes a git-shared workspace (see ``WriterMachine``).
    var writer: String { root + "/writer.json" }
    var secrets: String { root + "/secrets" }
    var advisors: String { root + "/advisors" }

    func secrets(_ advisor: AdvisorID) -> String { secrets + "/" + advisor.rawValue }
    func advisor(_ advisor: AdvisorID) -> String { advisors + "/" + advisor.rawValue }
    func advisorFile(_ advisor: AdvisorID) -> String { self.advisor(advisor) + "/advisor.json" }
    func lock(_ advisor: AdvisorID) -> String { self.advisor(advisor) + "/.lock" }
    func log(_ advisor: AdvisorID) -> String { self.advisor(advisor) + "/log" }
    func businesses(_ advisor: AdvisorID) -> String { self.advisor(advisor) + "/businesses" }
    func business(_ ref: BusinessRef) -> String { businesses(ref.advisor) + "/" + ref.business.rawValue }
    func businessFile(_ ref: BusinessRef) -> String { business(ref) + "/business.json" }
    func state(_ ref: BusinessRef) -> String { business(ref) + "/state.json" }
    /// The advisor's plan for the business: not derived from the log, so rebuild keeps it.
    func plan(_ ref: BusinessRef) -> String { business(ref) + "/plan.json" }
    func mirror(_ ref: BusinessRef) -> String { business(ref) + "/mirror" }
    /// The derived open-items index of a kind (bills, invoices): `index/open-<kind folder>.jsonl`.
    func openItemsIndex(_ ref: BusinessRef, _ kind: EntityKind) -> String {
        business(ref) + "/index/open-" + kind.folderName + ".jsonl"
    }
    func mirror(_ ref: BusinessRef, _ kind: EntityKind) -> String { mirror(ref) + "/" + kind.folderName }
    /// Where the mirror writer makes its temporary documents before renaming them into their kind
    /// folders: `mirror/.staging/<lane>`, folders of a few names, so that a temp file's creation and
    /// removal never search a kind folder of 20,000 documents (only the final name goes there).
    /// Each lane is written by one thread: creating files in one folder takes that folder's lock.
    func mirrorStaging(_ ref: BusinessRef, lane: Int) -> String { mirrorStaging(ref) + "/" + String(lane) }
    /// The folder of the staging lanes.
    func mirrorStaging(_ ref: BusinessRef) -> String { mirror(ref) + "/.staging" }
    /// The staging lanes (see ``mirrorStaging(_:lane:)``).
    static let stagingLanes = 0..<2
    /// `path` relative to the workspace root (as git names it from there).
    func relative(_ path: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
    func document(_ ref: BusinessRef, _ kind: EntityKind, _ id: EntityID) -> String {
        mirror(ref, kind) + "/" + id.rawValue + ".json"
    }
}
