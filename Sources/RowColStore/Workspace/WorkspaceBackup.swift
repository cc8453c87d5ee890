import Foundation
import RowColDomain

/// What ``Workspace/backup(to:advisors:includeSecrets:)`` copied.
public struct BackupReport: Hashable, Sendable {
    /// The canonical path of the copy.
    public var destination: URL
    /// The advisors copied, sorted.
    public var advisors: [AdvisorID]
    /// Files copied (folders not counted).
    public var files: Int
    /// Bytes copied.
    public var bytes: Int
    /// Whether `secrets/` was copied.
    public var includedSecrets: Bool
}

extension Workspace {
    /// Copies the workspace (or some of its advisors) to `destination` while holding each copied
    /// advisor's writer lock, so that the copy is a state some writer actually left: no commit is
    /// half-applied and no crash leftover is carried over (opening the store repairs it first).
    ///
    /// The copy is itself a workspace that `verify` finds clean. `rowcol.json` is written last, so
    /// an interrupted backup is not mistaken for a workspace. Files keep their modes (token files
    /// stay 0600 in 0700 folders); lock files are not copied.
    ///
    /// - Parameters:
    ///   - destination: a new or empty folder, outside this workspace.
    ///   - advisors: the advisors to copy; `nil` for all of them.
    ///   - includeSecrets: copy `secrets/<advisor>/` (OAuth tokens and app credentials) too.
    ///   - waitingUpTo: how long to keep trying while another process writes an advisor.
    ///   - whileWaiting: called once per advisor found held, before waiting for it.
    /// - Throws: ``StoreError`` `.busy` when an advisor stayed locked, `.alreadyExists` when
    ///   `destination` holds files, `.invalidArgument` when it lies inside the workspace,
    ///   `.symlinkRefused` when a part of the workspace is a symlink.
    @discardableResult
    public func backup(
        to destination: URL, advisors: [AdvisorID]? = nil, includeSecrets: Bool = true,
        waitingUpTo patience: Duration = .zero, whileWaiting: (@Sendable (StoreError) -> Void)? = nil
    ) async throws -> BackupReport {
        let chosen = try (advisors ?? self.advisors()).sorted { $0.rawValue < $1.rawValue }
        for advisor in chosen { try requireAdvisor(advisor) }
        let target = try prepareBackupFolder(destination)

        var stores: [AdvisorStore] = []
        do {
            // Sorted order: two backups taking several locks never wait on each other in a cycle.
            for advisor in chosen {
                stores.append(try await AdvisorStore.open(
                    self, advisor: advisor, waitingUpTo: patience, whileWaiting: whileWaiting))
            }
            var copier = TreeCopier()
            try FileSystem.makeDirectory(target + "/advisors")
            if FileSystem.kind(of: paths.gitignore) == .file {
                try copier.copyFile(paths.gitignore, to: target + "/.gitignore")
            }
            try FileSystem.makeDirectory(target + "/secrets", mode: 0o700)
            try FileSystem.setMode(target + "/secrets", 0o700)
            for advisor in chosen {
                try copier.copyTree(paths.advisor(advisor), to: target + "/advisors/" + advisor.rawValue)
                if includeSecrets, FileSystem.kind(of: paths.secrets(advisor)) != .missing {
                    try copier.copyTree(paths.secrets(advisor), to: target + "/secrets/" + advisor.rawValue)
                }
            }
            try FileSystem.syncDirectory(target + "/advisors")
            try FileSystem.syncDirectory(target + "/secrets")
            try copier.copyFile(paths.manifest, to: target + "/rowcol.json")
            try FileSystem.syncDirectory(target)
            for store in stores { await store.close() }
            return BackupReport(
                destination: URL(fileURLWithPath: target, isDirectory: true), advisors: chosen, files: copier.files,
                bytes: copier.bytes, includedSecrets: includeSecrets)
        } catch {
            for store in stores { await store.close() }
            throw error
        }
    }

    /// Creates or checks the destination and returns its canonical path.
    private func prepareBackupFolder(_ destination: URL) throws -> String {
        let path = destination.standardizedFileURL.path
        switch FileSystem.kind(of: path) {
        case .missing:
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw StoreError(code: .io, message: "cannot create \(path): \(error.localizedDescription)", path: path)
            }
        case .directory:
            if let other = try FileSystem.listDirectory(path).first {
                throw StoreError(
                    code: .alreadyExists,
                    message: "\(path) is not empty (it holds \(other)); back up into a new or empty folder", path: path)
            }
        default:
            throw StoreError(
                code: .alreadyExists, message: "\(path) exists and is not a folder; choose a new folder", path: path)
        }
        guard let canonical = FileSystem.realPath(path) else {
            throw StoreError(code: .io, message: "cannot resolve \(path)", path: path)
        }
        if canonical == paths.root || canonical.hasPrefix(paths.root + "/") {
            throw StoreError(
                code: .invalidArgument,
                message: "\(path) lies inside the workspace \(paths.root); back up to a folder outside it", path: path)
        }
        return canonical
    }
}

/// Copies files and folders durably, keeping modes and refusing symlinks.
private struct TreeCopier {
    var files = 0
    var bytes = 0

    mutating func copyTree(_ source: String, to target: String) throws {
        guard FileSystem.kind(of: source) == .directory else {
            throw StoreError(
                code: .symlinkRefused, message: "\(source) should be a real folder; RowCol refuses to copy it",
                path: source)
        }
        let mode = FileSystem.permissions(of: source) ?? 0o755
        try FileSystem.makeDirectory(target, mode: mode)
        try FileSystem.setMode(target, mode)
        for name in try FileSystem.listDirectory(source) {
            // The lock belongs to the running writer; temp files are leftovers the store ignores.
            if name == ".lock" || name.hasSuffix(".tmp") { continue }
            let from = source + "/" + name
            let to = target + "/" + name
            switch FileSystem.kind(of: from) {
            case .directory: try copyTree(from, to: to)
            case .file: try copyFile(from, to: to)
            case .missing: continue
            default:
                throw StoreError(
                    code: .symlinkRefused,
                    message: "\(from) is a symbolic link or special file; RowCol refuses to copy it: replace it with "
                        + "a real file", path: from)
            }
        }
        try FileSystem.syncDirectory(target)
    }

    mutating func copyFile(_ source: String, to target: String) throws {
        let content = try FileSystem.readFile(source)
        let mode = FileSystem.permissions(of: source) ?? 0o644
        // Not atomic per file: the copy is not a workspace until its rowcol.json, written last.
        let fd = try FileSystem.openFile(target, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        do {
            try FileSystem.writeAll(fd, content, path: target)
            try FileSystem.fsyncFile(fd, path: target)
        } catch {
            FileSystem.closeFile(fd)
            throw error
        }
        FileSystem.closeFile(fd)
        try FileSystem.setMode(target, mode)
        files += 1
        bytes += content.count
    }
}
