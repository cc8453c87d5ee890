import Foundation
import RowColDomain
import RowColJSON

/// A RowCol workspace: a folder of plain files holding, per advisor, the integration log and the
/// mirror of each client business (DESIGN §2).
///
/// `Workspace` is a value that knows where the folder is; it holds no lock and no open file.
/// Writing goes through an ``AdvisorStore``; reading the mirror through a ``MirrorReader``.
/// ```swift
/// let workspace = try Workspace.create(at: URL(fileURLWithPath: "books"))
/// try workspace.addAdvisor(AdvisorID(validating: "ada"))
/// let store = try AdvisorStore.open(workspace, advisor: AdvisorID(validating: "ada"))
/// ```
public struct Workspace: Sendable {
    /// The format this RowCol writes and the newest it reads.
    ///
    /// - 1: times in `state.json` (`refreshed_at`, flags' `since`) were numbers of seconds since 2001.
    /// - 2: every time a person or git reads is RFC 3339 text, which a format-1 reader cannot read
    ///   back. Format-1 workspaces open, verify and read unchanged; the first writer moves
    ///   `rowcol.json` to 2 before it writes anything (``upgradeFormat()``), so an older RowCol
    ///   then refuses the workspace, naming both formats, instead of misreading it.
    /// - 3: the mirror also holds customer payments, every bill payment and purchases
    ///   (`customer-payments/`, `bill-payments/`, `purchases/`), whose log lines name kinds a
    ///   format-2 reader cannot decode. Format-2 workspaces open unchanged; the first writer adds
    ///   the folders and moves `rowcol.json` to 3, as above.
    public static let formatVersion = 3

    /// The workspace folder, with symlinks resolved.
    public let root: URL
    let paths: WorkspacePaths

    private init(canonicalRoot: String) {
        root = URL(fileURLWithPath: canonicalRoot, isDirectory: true)
        paths = WorkspacePaths(root: canonicalRoot)
    }

    /// Makes `folder` a workspace: `rowcol.json`, `.gitignore`, `secrets/` (0700) and `advisors/`.
    ///
    /// The folder may exist if it is empty (a `.git` folder is allowed).
    /// - Parameter forTests: marks the workspace as made for tests, the only kind the `rowcol debug`
    ///   commands touch (see ``requireForTests(_:)``).
    /// - Throws: ``StoreError`` `.alreadyExists` when it is already a workspace or holds other files.
    @discardableResult
    public static func create(at folder: URL, forTests: Bool = false) throws -> Workspace {
        let path = folder.standardizedFileURL.path
        switch FileSystem.kind(of: path) {
        case .missing:
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw StoreError(code: .io, message: "cannot create \(path): \(error.localizedDescription)", path: path)
            }
        case .directory:
            let entries = try FileSystem.listDirectory(path)
            if entries.contains("rowcol.json") {
                throw StoreError(
                    code: .alreadyExists, message: "\(path) is already a RowCol workspace", path: path)
            }
            if let other = entries.first(where: { $0 != ".git" }) {
                throw StoreError(
                    code: .alreadyExists,
                    message: "\(path) is not empty (it holds \(other)); choose an empty or new folder", path: path)
            }
        case .symlink:
            // A symlinked workspace root is fine: the user chose it. Its target must be a folder.
            guard let target = FileSystem.realPath(path), FileSystem.kind(of: target) == .directory else {
                throw StoreError(code: .invalidArgument, message: "\(path) does not lead to a folder", path: path)
            }
            return try create(at: URL(fileURLWithPath: target), forTests: forTests)
        default:
            throw StoreError(code: .alreadyExists, message: "\(path) exists and is not a folder", path: path)
        }
        guard let canonical = FileSystem.realPath(path) else {
            throw StoreError(code: .io, message: "cannot resolve \(path)", path: path)
        }
        let workspace = Workspace(canonicalRoot: canonical)
        let paths = workspace.paths
        try FileSystem.makeDirectory(paths.secrets, mode: 0o700)
        try FileSystem.setMode(paths.secrets, 0o700)
        try FileSystem.makeDirectory(paths.advisors)
        // The open-items indexes are derived and change at every commit: the next writer regenerates
        // them from the mirror, so a workspace kept in git does not need them.
        let ignored = "secrets/\n*.lock\n*.tmp\n.lock\nindex/\n"
        try FileSystem.writeAtomically(Array(ignored.utf8), to: paths.gitignore, temp: paths.gitignore + ".tmp", durable: true)
        // rowcol.json last: a folder becomes a workspace only once the rest is in place.
        try FileSystem.writeAtomically(
            try JSONCoding.documentBytes(WorkspaceManifest(forTests: forTests ? true : nil)),
            to: paths.manifest, temp: paths.manifest + ".tmp", durable: true)
        try FileSystem.syncDirectory(FileSystem.parent(of: canonical))
        return workspace
    }

    /// Opens an existing workspace.
    /// - Throws: ``StoreError`` `.notAWorkspace` when `folder` has no `rowcol.json`, `.newerFormat`
    ///   when it was written by a newer RowCol, `.symlinkRefused` when a part of it is a symlink.
    public static func open(at folder: URL) throws -> Workspace {
        let path = folder.standardizedFileURL.path
        guard let canonical = FileSystem.realPath(path), FileSystem.kind(of: canonical) == .directory else {
            throw StoreError(
                code: .notAWorkspace, message: "\(path) is not a RowCol workspace: the folder does not exist "
                    + "(create one with `rowcol init --workspace \(path)`)", path: path)
        }
        let workspace = Workspace(canonicalRoot: canonical)
        let manifestPath = workspace.paths.manifest
        guard FileSystem.kind(of: manifestPath) != .missing else {
            throw StoreError(
                code: .notAWorkspace, message: "\(path) is not a RowCol workspace: it has no rowcol.json "
                    + "(create one with `rowcol init --workspace \(path)`)", path: path)
        }
        let manifest: WorkspaceManifest
        do {
            manifest = try JSONCoding.decode(WorkspaceManifest.self, from: FileSystem.readFile(manifestPath))
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(
                code: .notAWorkspace, message: "\(manifestPath) is not a valid RowCol manifest: \(error)",
                path: manifestPath)
        }
        guard manifest.formatVersion <= formatVersion else {
            throw StoreError(
                code: .newerFormat,
                message: "\(path) uses workspace format \(manifest.formatVersion), but this rowcol reads up to "
                    + "format \(formatVersion); upgrade rowcol", path: manifestPath)
        }
        try workspace.requireRealFolder(workspace.paths.advisors)
        return workspace
    }

    /// Refuses a workspace that was not made for tests, naming `what` would have been done to it.
    /// - Throws: ``StoreError`` `.invalidArgument`.
    public func requireForTests(_ what: String) throws {
        guard try manifest().forTests == true else {
            throw StoreError(
                code: .invalidArgument,
                message: "\(root.path) is not a test workspace, and \(what): refused. These commands run only in "
                    + "a workspace made with `rowcol init --for-tests`.", path: paths.manifest)
        }
    }

    /// The manifest as stored.
    public func manifest() throws -> WorkspaceManifest {
        try decodeFile(WorkspaceManifest.self, at: paths.manifest)
    }

    /// Moves `rowcol.json` up to ``formatVersion`` (keeping its policy) when it names an older
    /// format; ``AdvisorStore/open(_:advisor:options:)`` calls it before writing anything.
    /// Records in `rowcol.json` that this workspace is now written in ``formatVersion``, keeping
    /// its policy; a no-op when it already is. Writers call it before their first append, so an
    /// older RowCol refuses the workspace by name instead of misreading the new files.
    public func upgradeFormat() throws {
        var manifest = try manifest()
        guard manifest.formatVersion < Self.formatVersion else { return }
        manifest.formatVersion = Self.formatVersion
        // A temp file of its own: writers of other advisors may upgrade at the same moment.
        let temp = paths.manifest + ".\(FileSystem.processID).tmp"
        try FileSystem.writeAtomically(
            try JSONCoding.documentBytes(manifest), to: paths.manifest, temp: temp, durable: true)
    }

    // MARK: Advisors

    /// Adds an advisor: `advisors/<id>/advisor.json`, `log/`, `businesses/` and `secrets/<id>/` (0700).
    /// - Throws: ``StoreError`` `.alreadyExists` when the advisor exists.
    @discardableResult
    public func addAdvisor(_ advisor: AdvisorID, displayName: String? = nil) throws -> AdvisorInfo {
        try requireWriter()
        try requireRealFolder(paths.advisors)
        let folder = paths.advisor(advisor)
        guard FileSystem.kind(of: folder) == .missing else {
            throw StoreError(
                code: .alreadyExists, message: "advisor \(advisor) already exists in \(root.path)", path: folder)
        }
        let info = AdvisorInfo(advisor: advisor, displayName: displayName)
        let staging = paths.advisors + "/." + advisor.rawValue + ".tmp"
        try? removeTree(staging)
        try FileSystem.makeDirectory(staging)
        try FileSystem.makeDirectory(staging + "/log")
        try FileSystem.makeDirectory(staging + "/businesses")
        try FileSystem.writeAtomically(
            try JSONCoding.documentBytes(info),
            to: staging + "/advisor.json", temp: staging + "/advisor.json.tmp", durable: true)
        try FileSystem.syncDirectory(staging + "/log")
        try FileSystem.syncDirectory(staging + "/businesses")
        // A rename makes the advisor appear whole or not at all.
        try FileSystem.moveItem(staging, folder)
        try FileSystem.syncDirectory(paths.advisors)
        _ = try secretsFolder(for: advisor)
        return info
    }

    /// The advisors of the workspace, sorted.
    public func advisors() throws -> [AdvisorID] {
        try requireRealFolder(paths.advisors)
        return try FileSystem.listDirectory(paths.advisors).compactMap { name in
            guard let id = AdvisorID(rawValue: name), FileSystem.kind(of: paths.advisorFile(id)) == .file else {
                return nil
            }
            return id
        }
    }

    /// The advisor's `advisor.json`.
    /// - Throws: ``StoreError`` `.notFound` when there is no such advisor.
    public func advisor(_ advisor: AdvisorID) throws -> AdvisorInfo {
        try requireAdvisor(advisor)
        return try decodeFile(AdvisorInfo.self, at: paths.advisorFile(advisor))
    }

    /// `secrets/<advisor>/`, created at mode 0700 when missing (the QBO token store writes there).
    public func secretsFolder(for advisor: AdvisorID) throws -> URL {
        try requireAdvisor(advisor)
        try FileSystem.makeDirectory(paths.secrets, mode: 0o700)
        try requireRealFolder(paths.secrets)
        let folder = paths.secrets(advisor)
        try FileSystem.makeDirectory(folder, mode: 0o700)
        try requireRealFolder(folder)
        try FileSystem.setMode(folder, 0o700)
        return URL(fileURLWithPath: folder, isDirectory: true)
    }

    /// The token file of a business's QBO connection (`secrets/<advisor>/<business>.json`).
    public func tokenFile(for ref: BusinessRef) throws -> SecretFile {
        let folder = try secretsFolder(for: ref.advisor)
        return SecretFile(path: folder.path + "/" + ref.business.rawValue + ".json")
    }

    /// The app credentials a business connects through (`secrets/<advisor>/<business>.app.json`).
    public func appCredentialsFile(for ref: BusinessRef) throws -> SecretFile {
        let folder = try secretsFolder(for: ref.advisor)
        return SecretFile(path: folder.path + "/" + ref.business.rawValue + ".app.json")
    }

    // MARK: Businesses

    /// Adds a client business under its advisor.
    /// - Throws: ``StoreError`` `.notFound` when the advisor does not exist, `.alreadyExists` when the business does.
    public func addBusiness(_ info: BusinessInfo) throws {
        try requireWriter()
        try requireAdvisor(info.advisor)
        let folder = paths.business(info.ref)
        try requireRealFolder(paths.businesses(info.advisor))
        guard FileSystem.kind(of: folder) == .missing else {
            throw StoreError(
                code: .alreadyExists, message: "business \(info.ref) already exists", path: folder)
        }
        let staging = paths.businesses(info.advisor) + "/." + info.business.rawValue + ".tmp"
        try? removeTree(staging)
        try FileSystem.makeDirectory(staging)
        try FileSystem.makeDirectory(staging + "/mirror")
        for kind in EntityKind.allCases { try FileSystem.makeDirectory(staging + "/mirror/" + kind.folderName) }
        try FileSystem.writeAtomically(
            try JSONCoding.documentBytes(info),
            to: staging + "/business.json", temp: staging + "/business.json.tmp", durable: true)
        for kind in EntityKind.allCases { try FileSystem.syncDirectory(staging + "/mirror/" + kind.folderName) }
        try FileSystem.syncDirectory(staging + "/mirror")
        try FileSystem.moveItem(staging, folder)
        try FileSystem.syncDirectory(paths.businesses(info.advisor))
    }

    /// Replaces a business's `business.json` (a reconnect to another base URL or realm).
    /// - Throws: ``StoreError`` `.notFound` when the business does not exist.
    public func updateBusiness(_ info: BusinessInfo) throws {
        try requireWriter()
        try requireBusiness(info.ref)
        let path = paths.businessFile(info.ref)
        try FileSystem.writeAtomically(
            try JSONCoding.documentBytes(info),
            to: path, temp: path + ".tmp", durable: true)
    }

    /// A business's `state.json` (checkpoint and sync section), read without a lock: it is
    /// replaced atomically by the writer.
    public func businessState(_ ref: BusinessRef) throws -> BusinessState {
        try requireBusiness(ref)
        let path = paths.state(ref)
        guard FileSystem.kind(of: path) != .missing else { return BusinessState() }
        return try decodeFile(BusinessState.self, at: path)
    }

    /// The advisor's businesses, sorted.
    public func businesses(of advisor: AdvisorID) throws -> [BusinessID] {
        try requireAdvisor(advisor)
        try requireRealFolder(paths.businesses(advisor))
        return try FileSystem.listDirectory(paths.businesses(advisor)).compactMap { name in
            guard let id = BusinessID(rawValue: name),
                FileSystem.kind(of: paths.businessFile(BusinessRef(advisor: advisor, business: id))) == .file
            else { return nil }
            return id
        }
    }

    /// The business's `business.json`.
    /// - Throws: ``StoreError`` `.notFound` when the advisor or the business does not exist.
    public func business(_ ref: BusinessRef) throws -> BusinessInfo {
        try requireBusiness(ref)
        return try decodeFile(BusinessInfo.self, at: paths.businessFile(ref))
    }

    /// A lock-free reader of the advisor's mirror.
    public func mirrorReader(for advisor: AdvisorID) -> MirrorReader {
        MirrorReader(workspace: self, advisor: advisor)
    }

    // MARK: Checks

    func requireAdvisor(_ advisor: AdvisorID) throws(StoreError) {
        try requireRealFolder(paths.advisors)
        let folder = paths.advisor(advisor)
        switch FileSystem.kind(of: folder) {
        case .directory where FileSystem.kind(of: paths.advisorFile(advisor)) == .file: return
        case .symlink: try requireRealFolder(folder)
        default: break
        }
        throw StoreError(
            code: .notFound,
            message: "advisor \(advisor) does not exist in \(root.path) (add it with `rowcol advisor add \(advisor)`)",
            path: folder)
    }

    func requireBusiness(_ ref: BusinessRef) throws(StoreError) {
        try requireAdvisor(ref.advisor)
        try requireRealFolder(paths.businesses(ref.advisor))
        let folder = paths.business(ref)
        switch FileSystem.kind(of: folder) {
        case .directory where FileSystem.kind(of: paths.businessFile(ref)) == .file: return
        case .symlink: try requireRealFolder(folder)
        default: break
        }
        throw StoreError(
            code: .notFound, message: "business \(ref.business) does not exist for advisor \(ref.advisor)",
            path: folder)
    }

    /// Refuses a folder of the workspace that was replaced by a symlink (above all one leading outside).
    func requireRealFolder(_ path: String) throws(StoreError) {
        switch FileSystem.kind(of: path) {
        case .directory: return
        case .symlink:
            let target = FileSystem.realPath(path) ?? "nowhere"
            let outside = !(target == paths.root || target.hasPrefix(paths.root + "/"))
            throw StoreError(
                code: .symlinkRefused,
                message: "\(path) is a symbolic link to \(target)\(outside ? ", outside the workspace" : ""); "
                    + "RowCol refuses to follow it: replace it with a real folder", path: path)
        case .missing:
            throw StoreError(code: .notFound, message: "\(path) is missing from the workspace", path: path)
        default:
            throw StoreError(code: .io, message: "\(path) should be a folder", path: path)
        }
    }

    func decodeFile<T: Decodable>(_ type: T.Type, at path: String) throws -> T {
        let bytes = try FileSystem.readFile(path)
        do {
            return try JSONCoding.decode(T.self, from: bytes)
        } catch {
            throw StoreError(code: .corruptDocument, message: "\(path) cannot be read: \(error)", path: path)
        }
    }

    /// Reads a mirror document through the store's byte codec.
    func readDocument(at path: String) throws -> MirrorDocument {
        let bytes = try FileSystem.readFile(path)
        do {
            return try MirrorDocument(storedBytes: bytes)
        } catch {
            throw StoreError(code: .corruptDocument, message: "\(path) cannot be read: \(error)", path: path)
        }
    }

    func removeTree(_ path: String) throws {
        try FileSystem.removeTree(path)
    }
}
