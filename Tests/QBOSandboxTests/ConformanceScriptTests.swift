import Foundation
import QBOSandbox
import Testing

/// Runs Samples/sandbox-conformance.py, the check anyone can run with Python's standard library,
/// against an in-process sandbox: the documented surface, through a second HTTP stack.
@Suite struct ConformanceScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/sandbox-conformance.py")

    static var python: String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(.enabled(if: python != nil, "python3 is not on PATH"))
    func theConformanceScriptPassesEveryItem() async throws {
        try await withSandbox { client in
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString).txt")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: output) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.python!)
            process.arguments = [Self.script.path, "--base-url", client.base]
            let handle = try FileHandle(forWritingTo: output)
            process.standardOutput = handle
            process.standardError = handle
            // Waits for the exit without holding a thread of the cooperative pool, which serves the sandbox.
            let status: Int32 = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do { try process.run() } catch { continuation.resume(throwing: error) }
            }
            try handle.close()
            let text = try String(contentsOf: output, encoding: .utf8)
            let lines = text.split(separator: "\n")
            let passes = lines.filter { $0.hasPrefix("PASS ") }.count
            #expect(status == 0, "\(text)")
            #expect(!lines.contains { $0.hasPrefix("FAIL ") }, "\(text)")
            #expect(passes >= 20, "every item ran: \(text)")
            #expect(text.contains("conformance: \(passes) passed, 0 failed"))
        }
    }
}
