import ArgumentParser
import RowCol

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Print an advisor's integration log.")

    @OptionGroup var options: WorkspaceOptions
    @Option(help: "The advisor.") var advisor: String
    @Option(help: "Only lines with a seq greater than this.") var since: UInt64 = 0
    @Flag(help: "Print the stored JSON lines as they are.") var json = false

    func run() async throws {
        let advisorID = try parseID(AdvisorID.self, advisor)
        let reader = LogReader(workspace: try options.open(), advisor: advisorID)
        if json {
            for line in try reader.rawLines(after: LogSeq(since)) { print(line) }
            return
        }
        for entry in try reader.entries(after: LogSeq(since)) {
            var fields = [
                String(entry.seq.rawValue), Timestamp(entry.at).description, entry.business.rawValue,
                entry.direction.rawValue, entry.operation, entry.phase.rawValue,
            ]
            if let status = entry.status { fields.append(status) }
            if let code = entry.httpCode { fields.append("http \(code)") }
            if let key = entry.idemKey { fields.append("idem \(key)") }
            let changes = entry.payload?.changes.count ?? 0
            if changes > 0 { fields.append("\(changes) change(s)") }
            print(fields.joined(separator: "  "))
        }
    }
}
