import ArgumentParser
import RowCol

@main
struct RowColCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rowcol", abstract: "RowCol")
}
