import Foundation
import RowColDomain

/// The identity and version of one workspace file, from `lstat`: a reader that cached what it
/// derived from a file can tell with one system call whether the file changed since.
///
/// Writers replace files by an atomic rename, which gives the path a new inode, so a stamp changes
/// on every write even when size and modification time happen to match.
public struct FileStamp: Hashable, Sendable, CustomStringConvertible {
    /// The device and inode of the file.
    public var device: UInt64
    public var inode: UInt64
    /// Its size in bytes.
    public var size: Int64
    /// Its modification time, in nanoseconds since 1970.
    public var modifiedNanoseconds: Int64

    public var description: String { "\(device):\(inode):\(size):\(modifiedNanoseconds)" }
}

extension Workspace {
    /// The stamps of the files a business's derived views depend on: `business.json`,
    /// `state.json` (checkpoint, freshness, flags) and `plan.json` (the advisor's assumptions). Every change to the mirror moves the checkpoint,
    /// so an unchanged stamp means unchanged documents. `nil` entries stand for missing files.
    ///
    /// Takes no lock and reads no file; a business that does not exist throws.
    public func stamps(of ref: BusinessRef) throws -> [FileStamp?] {
        try requireBusiness(ref)
        return [paths.businessFile(ref), paths.state(ref), paths.plan(ref)].map(Self.stamp)
    }

    /// The stamp of the last segment of the advisor's log: it moves with every append.
    public func logStamp(of advisor: AdvisorID) throws -> FileStamp? {
        try requireAdvisor(advisor)
        let folder = paths.log(advisor)
        guard FileSystem.kind(of: folder) == .directory, let last = try SegmentParser.segmentNumbers(in: folder).last
        else { return nil }
        return Self.stamp(folder + "/" + SegmentParser.segmentName(last))
    }

    static func stamp(_ path: String) -> FileStamp? {
        FileSystem.stamp(of: path).map {
            FileStamp(device: $0.device, inode: $0.inode, size: $0.size, modifiedNanoseconds: $0.modifiedNanoseconds)
        }
    }
}
