import Foundation
import Testing

@Suite("crash campaign")
struct CrashCampaignTests {
    /// Runs `scripts/crash-campaign` with the 50 kills the issue asks of CI (ROWCOL_CRASH_KILLS for more, ROWCOL_CRASH_SEED
    /// to repeat a run). The script does the checking; its summary is attached to a failure.
    @Test("SIGKILL at random moments and at failpoints loses nothing, pays once, and converges")
    func campaign() async throws {
        let env = ProcessInfo.processInfo.environment
        let kills = env["ROWCOL_CRASH_KILLS"] ?? "50"
        let seed = env["ROWCOL_CRASH_SEED"] ?? "2026"
        let script = packageRoot().appendingPathComponent("scripts/crash-campaign")
        let result = try await run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["bash", script.path, "--kills", kills, "--seed", seed, "--rowcol", try rowcolBinary().path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("kills:                        \(kills) ("), "\(result.output)")
        #expect(result.stdout.contains("PASSED"), "\(result.output)")
        // The campaign must have seen what the killed processes acknowledged, or it checked nothing.
        let acks = try #require(result.stdout.split(separator: "\n").first { $0.contains("acknowledgements checked:") })
        let numbers = acks.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count >= 3 && numbers[0] + numbers[1] > 0, "no acknowledgement was seen: \(acks)")
        #expect(numbers.last == 0, "\(acks)")
    }
}
