/// A plain-text table with aligned columns, for terminals.
struct TextTable {
    enum Alignment { case left, right }

    struct Column {
        var title: String
        var alignment: Alignment
    }

    /// A cell's text and, when colour is on, the ANSI style wrapped around it after padding (so
    /// escape codes never upset the alignment).
    struct Cell {
        var text: String
        var style: ANSIStyle?

        init(_ text: String, style: ANSIStyle? = nil) {
            self.text = TerminalText.sanitize(text)
            self.style = style
        }
    }

    var columns: [Column]
    var rows: [[Cell]] = []

    init(_ columns: [Column]) { self.columns = columns }

    mutating func append(_ row: [Cell]) { rows.append(row) }

    func render(useColor: Bool, indent: String = "  ") -> String {
        var widths = columns.map { $0.title.count }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.text.count) }
        }
        func pad(_ text: String, _ index: Int) -> String {
            let fill = String(repeating: " ", count: max(0, widths[index] - text.count))
            return columns[index].alignment == .right ? fill + text : text + fill
        }
        func line(_ cells: [String]) -> String {
            var text = indent + cells.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var lines: [String] = []
        let header = columns.indices.map { pad(columns[$0].title, $0) }
        lines.append(line(header.map { useColor ? ANSIStyle.bold.wrap($0) : $0 }))
        lines.append(line(widths.map { String(repeating: "-", count: $0) }))
        for row in rows {
            lines.append(line(columns.indices.map { index in
                let cell = index < row.count ? row[index] : Cell("")
                let padded = pad(cell.text, index)
                guard useColor, let style = cell.style else { return padded }
                return style.wrap(padded)
            }))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The few ANSI styles the reports use.
struct ANSIStyle: Hashable {
    let code: String

    static let bold = ANSIStyle(code: "1")
    static let red = ANSIStyle(code: "31")
    static let green = ANSIStyle(code: "32")
    static let yellow = ANSIStyle(code: "33")
    static let boldRed = ANSIStyle(code: "1;31")

    func wrap(_ text: String) -> String { "\u{1B}[\(code)m\(text)\u{1B}[0m" }
}

enum TerminalText {
    /// Replaces control characters (ESC, CR, NUL, …) with `?`, so that a name typed in QBO can
    /// neither colour, move nor clear the advisor's terminal.
    static func sanitize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                ? "?" : scalar
        }))
    }
}
