import Foundation

/// Where the built `rowcol` binary is: beside the test bundle (`swift test` builds it with the
/// tests), else in `.build/debug` of the current folder.
public enum RowcolBinary {
    public static func url() throws -> URL {
        var folder = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("rowcol")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        let fallback = URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/.build/debug/rowcol")
        guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
            throw TestSupportError("the rowcol binary was not built next to the tests; run `swift build --product rowcol`")
        }
        return fallback
    }

    /// The package root (where `scripts/` and `Samples/` live).
    public static func packageRoot(file: String = #filePath) -> URL {
        var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}

/// Runs `rowcol` with `arguments` to its end (see ``ChildProcess``).
public func runRowcol(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
    try await ChildProcess.run(RowcolBinary.url(), arguments, environment: environment)
}

/// A failure of the test harness itself, with a message saying what to do.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
