import Foundation

/// rowcol-bench: the RowCol performance harness (see Benchmarks/README.md).
///
///     rowcol-bench [--runs N] [--cases 1,2,…] [--record] [--folder DIR]
///
/// The other subcommands are the children it spawns (cold processes).
let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

do {
    switch arguments.first {
    case "snapshot-child": try SnapshotChildren.mirror(Array(arguments.dropFirst()))
    case "sqlite-snapshot-child": try SnapshotChildren.sqlite(Array(arguments.dropFirst()))
    case "status-child": try StatusChild.run(Array(arguments.dropFirst()))
    case "sync-child": try await SyncChild.run(Array(arguments.dropFirst()))
    case "sandbox-serve": try await SandboxServe.run()
    case "serve-child": try await ServeChild.serve(Array(arguments.dropFirst()))
    case "console-child": try await ServeChild.console(Array(arguments.dropFirst()))
    default: try await Bench.main(arguments)
    }
} catch {
    FileHandle.standardError.write(Data("rowcol-bench: \(error)\n".utf8))
    exit(1)
}
