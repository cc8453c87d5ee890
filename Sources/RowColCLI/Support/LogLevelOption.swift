import ArgumentParser
import Logging

/// `--log-level`, and the logger the servers are given (lines to stderr; stdout stays for what
/// scripts read, such as the URL).
struct LogLevelOption: ParsableArguments {
    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    func logger(_ label: String) throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("invalid --log-level \"\(logLevel)\": expected trace, debug, info, notice, warning, error or critical")
        }
        var logger = Logger(label: label, factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        return logger
    }
}
