#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The calls through which the store changes files. ``FileSystem`` routes every one of them here,
/// so that a test can put a fault-injecting layer underneath the whole store (issue 7): EIO on a
/// flush, ENOSPC on a write, or a simulated power cut that drops what was not synced.
///
/// The calls keep POSIX conventions (a result of -1 with `errno` set) so the error handling above
/// them is the one real failures take.
protocol StorageDevice: AnyObject, Sendable {
    func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int
    func dataSync(_ fd: Int32) -> Int32
    func fullSync(_ fd: Int32) -> Int32
    /// `syncfs(2)` on the file system holding `fd`; -1 with ENOSYS where the platform has none.
    func syncFileSystem(_ fd: Int32) -> Int32
    func rename(_ from: String, _ to: String) -> Int32
    func unlink(_ path: String) -> Int32
    func makeDirectory(_ path: String, _ mode: mode_t) -> Int32
    func removeDirectory(_ path: String) -> Int32
    func truncate(_ fd: Int32, _ length: Int) -> Int32
    func close(_ fd: Int32)
    /// Called at an armed failpoint just before the process kills itself.
    func willCrash()
}

extension StorageDevice {
    func willCrash() {}
}

// The C calls under names of their own, so that the devices' methods of the same names can call them.
func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
func systemWrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int { write(fd, bytes.baseAddress, bytes.count) }
func systemRead(_ fd: Int32, _ bytes: UnsafeMutableRawBufferPointer) -> Int { read(fd, bytes.baseAddress, bytes.count) }
func systemClose(_ fd: Int32) { _ = close(fd) }
func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
func systemUnlink(_ path: String) -> Int32 { unlink(path) }

/// The real thing.
final class POSIXStorage: StorageDevice {
    func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { systemOpen(path, flags, mode) }
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int { systemWrite(fd, bytes) }

    func dataSync(_ fd: Int32) -> Int32 {
        #if canImport(Darwin)
        fcntl(fd, F_FULLFSYNC)
        #else
        fdatasync(fd)
        #endif
    }

    func fullSync(_ fd: Int32) -> Int32 {
        #if canImport(Darwin)
        // Darwin's fsync stops at the drive's cache; only F_FULLFSYNC reaches the platter.
        fcntl(fd, F_FULLFSYNC)
        #else
        fsync(fd)
        #endif
    }

    #if os(Linux)
    private typealias SyncFS = @convention(c) (Int32) -> Int32
    // syncfs(2) is not in the Glibc module map; look it up once.
    private static let syncfsFunction: SyncFS? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: SyncFS.self)
    }()
    #endif

    func syncFileSystem(_ fd: Int32) -> Int32 {
        #if os(Linux)
        if let syncfs = Self.syncfsFunction { return syncfs(fd) }
        #endif
        errno = ENOSYS
        return -1
    }

    func rename(_ from: String, _ to: String) -> Int32 { systemRename(from, to) }
    func unlink(_ path: String) -> Int32 { systemUnlink(path) }

    func makeDirectory(_ path: String, _ mode: mode_t) -> Int32 { mkdir(path, mode) }
    func removeDirectory(_ path: String) -> Int32 { rmdir(path) }
    func truncate(_ fd: Int32, _ length: Int) -> Int32 { ftruncate(fd, off_t(length)) }

    func close(_ fd: Int32) { systemClose(fd) }
}

/// Fails flushes with EIO and writes with ENOSPC on request (`ROWCOL_STORAGE_FAULT`, see
/// ``StorageFaults``), passing everything else to the device beneath.
final class FaultInjectingStorage: StorageDevice {
    enum Fault: Equatable {
        /// The Nth flush (`fsync`, `fdatasync`, `syncfs`) fails with EIO, as a dying disk would.
        case flushEIO(at: Int)
        /// The Nth write and every one after fail with ENOSPC, as a full disk does.
        case writeENOSPC(from: Int)
    }

    let base: any StorageDevice
    let fault: Fault
    private let counter = Locked(0)

    init(_ fault: Fault, over base: any StorageDevice) {
        self.fault = fault
        self.base = base
    }

    private func count() -> Int { counter.withLock { $0 += 1; return $0 } }

    private func flush(_ call: () -> Int32) -> Int32 {
        if case .flushEIO(let at) = fault, count() == at {
            errno = EIO
            return -1
        }
        return call()
    }

    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        if case .writeENOSPC(let from) = fault, count() >= from {
            errno = ENOSPC
            return -1
        }
        return base.write(fd, bytes)
    }

    func dataSync(_ fd: Int32) -> Int32 { flush { base.dataSync(fd) } }
    func fullSync(_ fd: Int32) -> Int32 { flush { base.fullSync(fd) } }
    func syncFileSystem(_ fd: Int32) -> Int32 { flush { base.syncFileSystem(fd) } }
    func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { base.open(path, flags, mode) }
    func rename(_ from: String, _ to: String) -> Int32 { base.rename(from, to) }
    func unlink(_ path: String) -> Int32 { base.unlink(path) }
    func makeDirectory(_ path: String, _ mode: mode_t) -> Int32 { base.makeDirectory(path, mode) }
    func removeDirectory(_ path: String) -> Int32 { base.removeDirectory(path) }
    func truncate(_ fd: Int32, _ length: Int) -> Int32 { base.truncate(fd, length) }
    func close(_ fd: Int32) { base.close(fd) }
}
