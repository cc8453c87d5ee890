import Foundation

/// Monotonic seconds, for timing only.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Runs `body` and returns how long it took in seconds.
func timed(_ body: () async throws -> Void) async rethrows -> Double {
    let start = now()
    try await body()
    return now() - start
}

/// Several measurements of one quantity, summarised by median and range.
struct Sample {
    var values: [Double]
    var median: Double {
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
    var min: Double { values.min() ?? 0 }
    var max: Double { values.max() ?? 0 }
    /// "median [min–max]" with a unit.
    func describe(_ unit: String, scale: Double = 1, digits: Int = 1) -> String {
        "\(fmt(median * scale, digits)) \(unit) [\(fmt(min * scale, digits))–\(fmt(max * scale, digits))]"
    }
}

func fmt(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

/// One row of the result table.
struct ResultRow {
    var name: String
    /// What was measured, with median and spread.
    var measured: String
    /// The baseline, with median and spread (or "-").
    var baseline: String
    /// The ratio as the target states it (or a figure when the case has no baseline).
    var ratio: String
    var target: String
    /// "met", "missed" or "-" (report only).
    var verdict: String
}

/// Prints the table as Markdown, which reads well in a terminal and pastes into RESULTS.md.
func table(_ rows: [ResultRow]) -> String {
    var out = "| case | measured (median [min–max]) | baseline (median [min–max]) | ratio | target | |\n"
    out += "|---|---|---|---|---|---|\n"
    for row in rows {
        out += "| \(row.name) | \(row.measured) | \(row.baseline) | \(row.ratio) | \(row.target) | \(row.verdict) |\n"
    }
    return out
}

/// Runs a shell command and returns its standard output (trimmed).
@discardableResult
func shell(_ command: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return "" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

struct ChildFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs a child process to completion; returns its stdout, its wall time and its peak RSS (KiB,
/// from the child's rusage).
func runChild(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
              cwd: String? = nil) throws -> (output: String, seconds: Double, maxRSSKiB: Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let outURL = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("rowcol-bench-\(UUID().uuidString).out")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    let handle = try FileHandle(forWritingTo: outURL)
    defer { try? FileManager.default.removeItem(at: outURL) }
    process.standardOutput = handle
    process.standardError = FileHandle.standardError
    let start = now()
    try process.run()
    var status: Int32 = 0
    var usage = rusage()
    // wait4 rather than waitUntilExit: it gives the child's own peak RSS.
    let pid = process.processIdentifier
    var waited: pid_t = -1
    repeat { waited = wait4(pid, &status, 0, &usage) } while waited == -1 && errno == EINTR
    var exited = (status & 0x7f) == 0
    var code = (status >> 8) & 0xff
    if waited == -1 {
        // Foundation's Process reaped the child first (ECHILD): its rusage is lost (maxRSS 0).
        process.waitUntilExit()
        exited = process.terminationReason == .exit
        code = process.terminationStatus
        usage = rusage()
    }
    let seconds = now() - start
    try handle.close()
    let output = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
    guard exited, code == 0 else {
        throw ChildFailure(description: "\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(output.prefix(500))")
    }
    return (output, seconds, Int(usage.ru_maxrss))
}

/// The machine, as recorded with each result.
func machineDescription(benchFolder: String) -> String {
    let cores = shell("nproc")
    let memory = shell("free -m | awk '/^Mem:/ {print $2}'")
    let fs = shell("stat -f -c %T '\(benchFolder)'")
    let device = shell("df -P '\(benchFolder)' | awk 'NR==2 {print $1}'")
    let kernel = shell("uname -sr")
    let cpu = shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")
    let swift = shell("swift --version 2>&1 | head -1")
    return """
        - cores: \(cores) (\(cpu.trimmingCharacters(in: .whitespaces)))
        - memory: \(memory) MiB
        - bench folder: \(benchFolder) on \(device), file system \(fs)
        - kernel: \(kernel)
        - toolchain: \(swift)
        """
}

/// This process's peak RSS in KiB (VmHWM).
func peakRSSKiB() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}
