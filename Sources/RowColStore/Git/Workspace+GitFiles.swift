import Foundation
import RowColDomain

extension Workspace {
    /// The workspace's files an advisor's commit stages, relative to the root: the workspace's
    /// own small files, the advisor's log segments and, per business, `business.json`,
    /// `state.json`, `plan.json` and the mirror documents `entries` changed. Git compares each
    /// with its index by `stat`, so the files that did not change cost nothing more; the mirror
    /// folders are never walked. Ignored files (secrets, locks, temp files, indexes) are never named.
    public func gitFiles(of advisor: AdvisorID, touchedBy entries: [LogEntry]) throws -> [String] {
        var files = [paths.manifest, paths.gitignore, paths.writer, paths.advisorFile(advisor)].map(paths.relative)
        let log = paths.log(advisor)
        for number in try SegmentParser.segmentNumbers(in: log) {
            files.append(paths.relative(log + "/" + SegmentParser.segmentName(number)))
        }
        for business in try businesses(of: advisor) {
            let ref = BusinessRef(advisor: advisor, business: business)
            files += [paths.businessFile(ref), paths.state(ref), paths.plan(ref)].map(paths.relative)
        }
        var documents = Set<String>()
        for entry in entries {
            let ref = BusinessRef(advisor: advisor, business: entry.business)
            for change in entry.payload?.changes ?? [] {
                documents.insert(paths.relative(paths.document(ref, change.entity, change.id)))
            }
        }
        return files + documents.sorted()
    }

    /// A mirror document's path relative to the workspace root (what `git log` names).
    public func documentFile(_ ref: BusinessRef, _ kind: EntityKind, _ id: EntityID) -> String {
        paths.relative(paths.document(ref, kind, id))
    }
}

extension Workspace {
    /// Makes the folders git does not keep when they are empty (an advisor's `log/`, a business's
    /// `mirror/<kind>/`), so that a fresh clone opens for writing like the original.
    public func restoreFolders() throws {
        for advisor in try advisors() {
            try FileSystem.makeDirectory(paths.log(advisor))
            try FileSystem.makeDirectory(paths.businesses(advisor))
            for business in try businesses(of: advisor) {
                let ref = BusinessRef(advisor: advisor, business: business)
                try FileSystem.makeDirectory(paths.mirror(ref))
                for kind in EntityKind.allCases { try FileSystem.makeDirectory(paths.mirror(ref, kind)) }
            }
        }
        try FileSystem.makeDirectory(paths.secrets, mode: 0o700)
    }

    /// How many mirror documents each of the business's kind folders holds, by folder name.
    public func documentCounts(_ ref: BusinessRef) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for kind in EntityKind.allCases {
            let folder = paths.mirror(ref, kind)
            guard FileSystem.kind(of: folder) == .directory else { continue }
            let count = try FileSystem.listDirectory(folder).filter { $0.hasSuffix(".json") }.count
            if count > 0 { counts[kind.folderName] = count }
        }
        return counts
    }
}
