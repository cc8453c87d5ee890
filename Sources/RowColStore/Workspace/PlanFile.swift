import Foundation
import RowColDomain
import RowColJSON

// `plan.json` holds the advisor's own assumptions about a business (DESIGN §2, §6). The store
// keeps its bytes: read without a lock, written atomically and durably by the advisor's writer.
// What the bytes mean is the runway's business (RowCol decodes them into a `RunwayPlan`), so a
// plan the runway cannot read never stops the store, a sync or a rebuild.

extension Workspace {
    /// The plan file's path relative to the workspace root (`advisors/ada/businesses/acme/plan.json`),
    /// as messages name it.
    public func planFileName(_ ref: BusinessRef) -> String {
        String(paths.plan(ref).dropFirst(paths.root.count + 1))
    }

    /// The bytes of the business's `plan.json`, or `nil` when it has none. Needs no lock: the
    /// writer replaces the file atomically.
    /// - Throws: ``StoreError`` `.notFound` for an unknown business, `.symlinkRefused` when the
    ///   file is a symbolic link, `.io` when it cannot be read.
    public func planFile(_ ref: BusinessRef) throws -> [UInt8]? {
        try requireBusiness(ref)
        let path = paths.plan(ref)
        switch FileSystem.kind(of: path) {
        case .missing: return nil
        case .file: return try FileSystem.readFile(path)
        case .symlink:
            throw StoreError(
                code: .symlinkRefused, message: "\(path) is a symbolic link; RowCol refuses to follow it: replace it "
                    + "with a real file", path: path)
        default:
            throw StoreError(code: .io, message: "\(path) should be a file", path: path)
        }
    }
}

extension AdvisorStore {
    /// Replaces the business's `plan.json` with `bytes`, atomically (a temp file renamed over it,
    /// so a reader sees the old plan or the new, never a part) and durably (the file and its
    /// folder are synced before this returns). Writes from one store are serialized.
    /// - Throws: ``StoreError`` `.notFound` for an unknown business, `.diskFull`, `.io`.
    public func writePlanFile(_ bytes: [UInt8], for business: BusinessID) throws {
        let ref = BusinessRef(advisor: advisor, business: business)
        try workspace.requireBusiness(ref)
        let path = workspace.paths.plan(ref)
        if FileSystem.kind(of: path) == .symlink {
            throw StoreError(
                code: .symlinkRefused, message: "\(path) is a symbolic link; RowCol refuses to write through it",
                path: path)
        }
        try FileSystem.writeAtomically(bytes, to: path, temp: path + ".tmp", durable: true)
    }
}
