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
    /// After a secret file (a token set) was replaced durably, before its caller uses it.
    case secretAfterReplace = "secret.after_replace"
    /// After the log and the mirror checkpoint are durable, before the git commit that records them.
    case gitBeforeCommit = "git.before_commit"
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
        if count >= armed.countdown {
            FileSystem.device.willCrash()
            FileSystem.killSelf()
        }
    }
}

/// Storage faults a test can arm with `ROWCOL_STORAGE_FAULT`, to prove that a failed write or
/// flush is never acknowledged, that a power cut loses nothing acknowledged, and that the
/// workspace reopens cleanly after either:
///
/// - `fsync.eio[:N]` — the Nth flush (`fsync`, `fdatasync`, `syncfs`; default the first) fails with
///   EIO, as a dying disk would (``FaultInjectingStorage``).
/// - `write.enospc[:N]` — the Nth write and every one after fail with ENOSPC, as a full disk does.
/// - `power-loss[:N]` — a simulated power cut (``PowerLossStorage``): unsynced bytes and folder
///   entries are dropped, then the process kills itself; at the armed `ROWCOL_FAILPOINT`, or before
///   the Nth operation that changes a file or folder.
///
/// Unset in normal use, where the store talks to ``POSIXStorage`` directly.
enum StorageFaults {
    static func device(over base: any StorageDevice) -> any StorageDevice {
        guard let raw = ProcessEnvironment.value("ROWCOL_STORAGE_FAULT"), !raw.isEmpty else { return base }
        let parts = raw.split(separator: ":", maxSplits: 1).map(String.init)
        let count = parts.count > 1 ? Int(parts[1]).map { max($0, 1) } : nil
        switch parts[0] {
        case "fsync.eio": return FaultInjectingStorage(.flushEIO(at: count ?? 1), over: base)
        case "write.enospc": return FaultInjectingStorage(.writeENOSPC(from: count ?? 1), over: base)
        case "power-loss": return PowerLossStorage(over: base, cutBefore: count)
        default: return base
        }
    }
}
