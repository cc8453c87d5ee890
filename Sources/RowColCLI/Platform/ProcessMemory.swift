import Foundation

#if canImport(Glibc)
/// glibc's `mallopt` (`<malloc.h>`, which Swift's Glibc module does not bring in).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// `M_ARENA_MAX` and `M_MMAP_THRESHOLD` of `<malloc.h>`.
private let glibcArenaMax: Int32 = -8
private let glibcMmapThreshold: Int32 = -3
#endif

/// The process's memory settings, made before any command runs.
enum ProcessMemory {
    /// How many malloc arenas glibc may keep. By default it keeps up to eight per core, one per
    /// thread that meets contention; a sync's fetching, mapping and writing threads then each hold
    /// freed pages of their own, and a 25,000-document sync peaked 15 MB higher for it. Two arenas
    /// serve the few threads a command runs. The servers (`serve`, `sandbox serve`, `webhook
    /// serve`) keep glibc's defaults, made for many threads answering at once.
    static let arenaLimit: Int32 = 2
    /// Blocks from this size up are mapped on their own and given back to the system when freed.
    /// glibc raises the threshold each time such a block is freed (up to 32 MiB), after which a
    /// sync's page bodies and log lines (0.5 to 2 MB each) stay in the heap as holes; a fixed
    /// threshold took another 8 MB off the 25,000-document sync's peak.
    static let mmapThreshold: Int32 = 256 * 1024

    static func configure(arguments: [String] = CommandLine.arguments) {
        #if canImport(Glibc)
        guard !arguments.contains("serve") else { return }
        // glibc's own variables, when set, decide instead.
        let environment = ProcessInfo.processInfo.environment
        if environment["MALLOC_ARENA_MAX"] == nil { _ = glibcMallopt(glibcArenaMax, arenaLimit) }
        if environment["MALLOC_MMAP_THRESHOLD_"] == nil { _ = glibcMallopt(glibcMmapThreshold, mmapThreshold) }
        #endif
    }
}
