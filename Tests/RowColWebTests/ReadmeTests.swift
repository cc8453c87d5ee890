import Foundation
import RowColTestSupport
import Testing

/// The README's first screen: the two commands a newcomer types, then the workbench with its picture.
struct ReadmeTests {
    @Test func theFirstScreenKeepsTheTwoCommandsAndShowsTheWorkbench() throws {
        let root = RowcolBinary.packageRoot()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```")
        #expect(blocks.count > 2)
        #expect(blocks[1] == "sh\nswift run rowcol demo\nswift test\n", "the first code block is exactly the two commands")
        let firstScreen = readme.split(separator: "\n", omittingEmptySubsequences: false).prefix(30).joined(separator: "\n")
        #expect(firstScreen.contains("rowcol serve"))
        #expect(firstScreen.contains("](docs/workbench.png)"))
        let picture = try Data(contentsOf: root.appendingPathComponent("docs/workbench.png"))
        #expect(picture.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        #expect(picture.count < 200_000, "small")
    }
}
