import Foundation

#if canImport(Glibc)
/// glibc's `mallopt` (`<malloc.h>`, which Swift's Glibc module does not bring in).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// `M_ARENA_MAX` of `<malloc.h>`.
private let glibcArenaMax: Int32 = -8
#endif

/// The process's memory settings, made before any command runs.
enum ProcessMemory {
    /// How many malloc arenas glibc may keep. By default it keeps up to eight per core, one per
    /// thread that meets contention; a sync's fetching, mapping and writing threads then each hold
    /// freed pages of their own, and a 25,000-document sync peaked 15 MB higher for it. Two arenas
    /// serve the few threads a command runs. The servers (`serve`, `sandbox serve`, `webhook
    /// serve`) keep glibc's default, made for many threads answering at once; `MALLOC_ARENA_MAX`
    /// in the environment decides for every command.
    static let arenaLimit: Int32 = 2

    static func configure(arguments: [String] = CommandLine.arguments) {
        #if canImport(Glibc)
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil, !arguments.contains("serve") else { return }
        _ = glibcMallopt(glibcArenaMax, arenaLimit)
        #endif
    }
}
