import Foundation

/// Named points where a test can make the process kill itself with SIGKILL, to prove that a crash
/// there loses nothing acknowledged. Read once from `ROWCOL_FAILPOINT` (for example
/// `ROWCOL_FAILPOINT=log.after_write`); unset in normal use, where every check is one comparison.
///
/// An optional count (`log.after_sync:3`) fires at the third time the point is reached.
public enum Failpoint: String, Sendable, CaseIterable {
    /// After the log bytes are written, before `fdatasync`.
    case logAfterWrite = "log.after_write"
    /// After `fdatasync` of the log, before any acknowledgement or mirror write.
    case logAfterSync = "log.after_sync"
    /// Between two document renames in one mirror batch.
    case mirrorBetweenRenames = "mirror.between_renames"
    /// After the documents are synced, before `state.json` is written.
    case checkpointBefore = "checkpoint.before"
    /// After `state.json` is written, before the appenders are acknowledged.
    case checkpointAfter = "checkpoint.after"
    /// After a write's intent is logged, before QBO is called.
    case writeAfterIntent = "write.after_intent"
    /// After QBO accepted a write, before its result is logged.
    case writeAfterCall = "write.after_call"
}

/// Checks the armed failpoint; the sync layer uses it for its own points.
public enum Failpoints {
    private static let armed: (point: Failpoint, countdown: Int)? = {
        guard let raw = ProcessEnvironment.value("ROWCOL_FAILPOINT"), !raw.isEmpty else { return nil }
        let parts = raw.split(separator: ":", maxSplits: 1).map(String.init)
        guard let point = Failpoint(rawValue: parts[0]) else { return nil }
        return (point, parts.count > 1 ? max(Int(parts[1]) ?? 1, 1) : 1)
    }()
    private static let hits = Locked(0)

    @inline(__always)
    public static func hit(_ point: Failpoint) {
        guard let armed, armed.point == point else { return }
        let count = hits.withLock { value -> Int in
            value += 1
            return value
        }
        if count >= armed.countdown { FileSystem.killSelf() }
    }
}

/// Storage faults a test can arm with `ROWCOL_STORAGE_FAULT`, to prove that a failed write or
/// flush is never acknowledged and leaves a workspace that reopens cleanly:
///
/// - `fsync.eio[:N]` — the Nth flush (`fsync`, `fdatasync`, `syncfs`; default the first) fails with
///   EIO, as a dying disk would.
/// - `write.enospc[:N]` — the Nth write and every one after fail with ENOSPC, as a full disk does.
///
/// Unset in normal use, where every check is one comparison.
enum StorageFaults {
    enum Kind: String { case fsyncEIO = "fsync.eio", writeENOSPC = "write.enospc" }

    private static let armed: (kind: Kind, countdown: Int)? = {
        guard let raw = ProcessEnvironment.value("ROWCOL_STORAGE_FAULT"), !raw.isEmpty else { return nil }
        let parts = raw.split(separator: ":", maxSplits: 1).map(String.init)
        guard let kind = Kind(rawValue: parts[0]) else { return nil }
        return (kind, parts.count > 1 ? max(Int(parts[1]) ?? 1, 1) : 1)
    }()
    private static let hits = Locked(0)

    /// The errno to fail this call with, or nil to let it run.
    @inline(__always)
    static func injected(_ kind: Kind) -> Int32? {
        guard let armed, armed.kind == kind else { return nil }
        let count = hits.withLock { value -> Int in
            value += 1
            return value
        }
        switch kind {
        case .fsyncEIO: return count == armed.countdown ? EIO : nil
        case .writeENOSPC: return count >= armed.countdown ? ENOSPC : nil
        }
    }
}
