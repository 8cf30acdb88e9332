import Foundation

/// Tables on PDF pages read row by row.
///
/// poppler's reading order takes a table whose cells are separate text blocks one column
/// at a time: "insecure service name / www (http) / … / pop3 / ldap", then "port / 80 / … /
/// 110 / 389", then the secure names, then their ports. Nothing in that text puts "pop3s"
/// next to "995", so neither a search nor the chat model can tell which port belongs to
/// which service. From where each character is drawn (`PDFPage.characterBoxes(for:)`), a
/// run of lines that goes down one column, jumps back up and goes down the next column to
/// its right, with the columns' lines level with each other, is rewritten as rows: the
/// cells of a row left to right, separated by " | " ("pop3 | 110 | pop3s | 995").
///
/// Conservative on purpose: the first column's cells must be short (at most
/// `maximumCellWords` words in the middle of the column), so a page set in two columns of
/// prose, whose lines are also level with each other, is left as poppler reads it; so is
/// a table poppler already reads row by row, and every line outside a table. Only the
/// order of lines changes and cells gain separators: no character is added to or dropped
/// from a cell.
///
/// Where poppler runs two cells of one row together with no space between them
/// ("man1User programs (optional)"), a gap wider than the line is high between two
/// letters gets the separator too ("man1 | User programs (optional)").
enum PageTables {
    /// Words in the middle (median) cell of a table's first column, at most.
    static let maximumCellWords = 4
    /// What goes between the cells of a row.
    static let cellSeparator = " | "
    /// Pages with more lines than this are left as they are: finding tables takes time
    /// that grows with the square of the lines, and no printed page holds this many.
    static let maximumLines = 2_000

    struct Line {
        var text: String
        var left = 0.0, top = 0.0, right = 0.0, bottom = 0.0
        /// False for a line with nothing drawn (blank, or spaces only).
        var isDrawn = false
        var words = 0
        var height: Double { bottom - top }
        var centre: Double { (top + bottom) / 2 }
    }

    /// `text` (a PDF page's text as poppler gives it) with its tables read row by row;
    /// `boxes` holds one box per Unicode scalar of `text`. Unchanged when the counts differ
    /// or no table is found.
    static func readingRows(_ text: String, boxes: [PDFTextBox]) -> String {
        let lines = self.lines(text, boxes: boxes)
        guard !lines.isEmpty, lines.count <= maximumLines else { return text }
        var output: [String] = []
        var index = 0
        while index < lines.count {
            if let table = table(startingAt: index, in: lines) {
                let rows = self.rows(of: Array(lines[table]))
                if isSideBySideBlocks(rows) {
                    output += lines[table].map(\.text)
                } else {
                    output += rows.map { row in
                        row.map { $0.text.trimmingCharacters(in: .whitespaces) }.joined(separator: cellSeparator)
                    }
                }
                index = table.upperBound
            } else {
                output.append(lines[index].text)
                index += 1
            }
        }
        return output.joined(separator: "\n")
    }

    /// The lines of `text` with the box around each line's drawn characters.
    static func lines(_ text: String, boxes: [PDFTextBox]) -> [Line] {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == boxes.count else { return [] }
        var lines: [Line] = []
        var start = 0
        for index in 0...scalars.count where index == scalars.count || scalars[index] == "\n" {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<index])
            var line = Line(text: String(view))
            for position in start..<index where !scalars[position].properties.isWhitespace {
                let box = boxes[position]
                if line.isDrawn {
                    line.left = min(line.left, box.left)
                    line.top = min(line.top, box.top)
                    line.right = max(line.right, box.right)
                    line.bottom = max(line.bottom, box.bottom)
                } else {
                    (line.left, line.top, line.right, line.bottom) = (box.left, box.top, box.right, box.bottom)
                    line.isDrawn = true
                }
            }
            line.isDrawn = line.isDrawn && line.bottom > line.top
            if line.isDrawn {
                // Cells poppler ran together ("man1User programs"): a wide gap with no space.
                var cells = String.UnicodeScalarView()
                for position in start..<index {
                    if position > start, !scalars[position].properties.isWhitespace,
                       !scalars[position - 1].properties.isWhitespace,
                       boxes[position].left - boxes[position - 1].right > line.height {
                        cells.append(contentsOf: cellSeparator.unicodeScalars)
                    }
                    cells.append(scalars[position])
                }
                line.text = String(cells)
            }
            line.words = line.text.split(whereSeparator: \.isWhitespace).count
            lines.append(line)
            start = index + 1
        }
        return lines
    }

    /// The lines from `start` that form one column: each below the one before it, close
    /// under it, and overlapping the column's width.
    private static func column(from start: Int, in lines: [Line]) -> Range<Int> {
        var end = start + 1
        var left = lines[start].left, right = lines[start].right
        while end < lines.count {
            let previous = lines[end - 1], line = lines[end]
            let height = max(previous.height, line.height)
            guard line.isDrawn,
                  line.top > previous.top + 0.3 * min(previous.height, line.height),
                  line.top - previous.bottom < 2 * height,
                  line.left < right, line.right > left else { break }
            left = min(left, line.left)
            right = max(right, line.right)
            end += 1
        }
        return start..<end
    }

    /// The lines of a table that begins at `start`, or nil: at least two columns, each
    /// after the first starting back up level with the first column and to the right of
    /// the column before it; the first column's cells short; most of the other columns'
    /// lines level with one of the first column's.
    private static func table(startingAt start: Int, in lines: [Line]) -> Range<Int>? {
        guard lines[start].isDrawn else { return nil }
        var columns = [column(from: start, in: lines)]
        let first = columns[0]
        let firstTop = lines[first.lowerBound].top
        let firstBottom = lines[first.upperBound - 1].bottom
        while let last = columns.last, last.upperBound < lines.count {
            let next = lines[last.upperBound], previous = lines[last.upperBound - 1]
            let previousRight = lines[last].map(\.right).max() ?? previous.right
            guard next.isDrawn,
                  next.top < previous.top - 0.5 * previous.height,
                  next.top >= firstTop - 0.6 * next.height, next.top < firstBottom,
                  next.left >= previousRight - 1 else { break }
            columns.append(column(from: last.upperBound, in: lines))
        }
        guard columns.count >= 2, first.count >= 2 else { return nil }
        let words = lines[first].map(\.words).sorted()
        guard words[words.count / 2] <= maximumCellWords else { return nil }
        let others = columns.dropFirst().flatMap { lines[$0] }
        let level = others.filter { line in
            lines[first].contains { abs($0.centre - line.centre) <= 0.5 * min($0.height, line.height) }
        }
        guard level.count >= 2, 2 * level.count >= others.count else { return nil }
        return start..<columns[columns.count - 1].upperBound
    }

    /// A table's lines as rows, top to bottom: lines level with each other make one row,
    /// their cells left to right.
    private static func rows(of lines: [Line]) -> [[Line]] {
        let ordered = lines.sorted { ($0.centre, $0.left) < ($1.centre, $1.left) }
        var rows: [[Line]] = []
        for line in ordered {
            if let anchor = rows.last?.first, abs(line.centre - anchor.centre) <= 0.5 * min(anchor.height, line.height) {
                rows[rows.count - 1].append(line)
            } else {
                rows.append([line])
            }
        }
        return rows.map { $0.sorted { $0.left < $1.left } }
    }

    /// Whether level "columns" are blocks set side by side, each to be read whole: most
    /// rows repeat one label in every cell ("By: … | By: …", "Name: … | Name: …"), as
    /// the parties' signature blocks of a contract do. Read down each block, the party
    /// stays next to its signatory; read across, it would not.
    static func isSideBySideBlocks(_ rows: [[Line]]) -> Bool {
        let across = rows.filter { $0.count >= 2 }
        let labelled = across.filter { row in
            let labels = row.map { $0.text.split(whereSeparator: \.isWhitespace).first.map { $0.lowercased() } ?? "" }
            return labels[0].count > 1 && labels[0].hasSuffix(":") && labels.allSatisfy { $0 == labels[0] }
        }
        return !across.isEmpty && 2 * labelled.count >= across.count
    }
}
