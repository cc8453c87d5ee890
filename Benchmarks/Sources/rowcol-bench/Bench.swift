import Foundation

enum Bench {
    static func main(_ arguments: [String]) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print("""
                usage: rowcol-bench [--runs N] [--cases 1,2,3,4,5,6,7,8,9,10,12] [--record] [--folder DIR] [--rowcol PATH]
                  --runs    measurements per case (default 5; median and min–max are reported)
                  --cases   which cases to run (default all)
                  --record  append the table and the machine to Benchmarks/RESULTS.md
                  --folder  the bench folder (default Benchmarks/.bench-data, on the workspace's disk)
                  --rowcol  the release rowcol binary case 10 runs (default .build/release/rowcol of the main package)
                """)
            return
        }
        let runs = Int(option("--runs") ?? "5") ?? 5
        let cases = Set((option("--cases") ?? "1,2,3,4,5,6,7,8,9,10,12").split(separator: ",").compactMap { Int($0) })
        let packageFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = URL(fileURLWithPath: option("--folder") ?? packageFolder.appendingPathComponent(".bench-data").path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let resolvedExecutable = FileManager.default.fileExists(atPath: executable)
            ? executable : (Bundle.main.executablePath ?? executable)
        print("bench folder \(folder.path), \(runs) runs per case")

        var rows: [ResultRow] = []
        func add(_ row: ResultRow) {
            FileHandle.standardError.write(Data("  \(row.name): \(row.measured) | \(row.baseline) | \(row.ratio) \(row.verdict)\n".utf8))
            rows.append(row)
        }
        let storage = StorageCases(folder: folder, runs: runs)
        if cases.contains(1) { add(try await storage.singleAppend()) }
        if cases.contains(2) { add(try await storage.groupCommit()) }
        if cases.contains(3) { add(try await storage.bulkDocuments()) }
        if cases.contains(4) {
            add(try await SnapshotCase(folder: folder, runs: runs, executable: resolvedExecutable).run())
        }
        let sync = SyncCases(folder: folder, runs: runs, executable: resolvedExecutable)
        if cases.contains(5) { add(try await sync.fullSync()) }
        if cases.contains(6) { add(try await sync.bigBusiness()) }
        if cases.contains(7) { for row in try await sync.recon() { add(row) } }
        if cases.contains(8) { add(try await StatusCase(folder: folder, runs: runs, executable: resolvedExecutable).run()) }
        if cases.contains(9) {
            for row in try await WorkbenchCase(folder: folder, runs: runs, executable: resolvedExecutable).run() { add(row) }
        }
        if cases.contains(10) {
            let rowcol = option("--rowcol")
                ?? packageFolder.deletingLastPathComponent().appendingPathComponent(".build/release/rowcol").path
            let fetch = FetchCase(folder: folder, runs: runs, executable: resolvedExecutable, rowcol: rowcol)
            for row in try await fetch.run() { add(row) }
        }
        // Case 11 is Benchmarks/sandbox-page.sh (the sandbox's page rate against another build).
        if cases.contains(12) { for row in try await GitCase(folder: folder, runs: runs).run() { add(row) } }

        let result = table(rows)
        print("")
        print(result)
        if arguments.contains("--record") {
            let stamp = ISO8601DateFormatter().string(from: Date())
            let commit = shell("git -C '\(packageFolder.path)' rev-parse --short HEAD")
            let entry = """

                ## \(stamp) (commit \(commit), \(runs) runs per case, release build)

                \(machineDescription(benchFolder: folder.path))

                \(result)
                """
            let resultsURL = packageFolder.appendingPathComponent("RESULTS.md")
            var text = (try? String(contentsOf: resultsURL, encoding: .utf8)) ?? "# RowCol benchmark results\n\nNewest last; earlier results are kept.\n"
            text += entry
            try text.write(to: resultsURL, atomically: true, encoding: .utf8)
            print("appended to \(resultsURL.path)")
        }
    }
}
