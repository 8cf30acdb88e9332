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
/// `maximumCellWords` words in the middle of the column) and not line numbers, so a page
/// set in two columns of prose, whose lines are also level with each other, or on
/// numbered pleading paper, is left in poppler's order; so are signature blocks side by
/// side, a table whose cells are centred vertically, and a table poppler already reads
/// row by row. Only the order of lines changes and cells gain separators: no character
/// is dropped. A cell wrapped over two lines in every column of a row cannot be told
/// from two rows and is read as two.
///
/// On every line, in a table or not: where poppler runs two cells of one row together
/// with no space between them ("man1User programs (optional)"), a gap wider than the line
/// is high between two letters gets the separator ("man1 | User programs (optional)").
/// poppler puts a space after any gap between words, so prose is not split.
enum PageTables {
    /// Words in the middle (median) cell of a table's first column, at most.
    static let maximumCellWords = 4
    /// What goes between the cells of a row.
    static let cellSeparator = " | "
    /// Pages with more lines than this are not searched for tables: the search takes time
    /// that grows faster than the lines, and no printed page holds this many.
    static let maximumLines = 1_000

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
    /// `boxes` holds one box per Unicode scalar of `text`. Unchanged when the counts differ,
    /// or when no table is found and no cells are run together.
    static func readingRows(_ text: String, boxes: [PDFTextBox]) -> String {
        let lines = self.lines(text, boxes: boxes)
        guard !lines.isEmpty, lines.count <= maximumLines else { return text }
        var output: [String] = []
        var index = 0
        while index < lines.count {
            if let columns = table(startingAt: index, in: lines) {
                let end = columns[columns.count - 1].upperBound
                // Lines that do not fall into rows are left in poppler's order, all of them.
                output += rows(of: columns, in: lines) ?? lines[index..<end].map(\.text)
                index = end
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
            var line = Line(text: String(String.UnicodeScalarView(scalars[start..<index])))
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
                var cells: [Unicode.Scalar] = []
                cells.reserveCapacity(index - start + 6)
                for position in start..<index {
                    if position > start, !scalars[position].properties.isWhitespace,
                       !scalars[position - 1].properties.isWhitespace,
                       boxes[position].left - boxes[position - 1].right > line.height {
                        cells += cellSeparator.unicodeScalars
                    }
                    cells.append(scalars[position])
                }
                line.text = String(String.UnicodeScalarView(cells))
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

    /// The columns (runs of lines) of a table that begins at `start`, or nil: at least two
    /// columns, each after the first starting back up level with the first column and to
    /// the right of the column before it; the first column's cells short, and not a
    /// column of line numbers (pleading paper, transcripts) or of brackets (a caption).
    private static func table(startingAt start: Int, in lines: [Line]) -> [Range<Int>]? {
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
        let numbers = lines[first].compactMap { Int($0.text.trimmingCharacters(in: .whitespaces)) }
        if numbers.count == first.count, zip(numbers, numbers.dropFirst()).allSatisfy({ $1 == $0 + 1 }) { return nil }
        let brackets = columns.contains { lines[$0].allSatisfy { [")", "§", "|"].contains($0.text.trimmingCharacters(in: .whitespaces)) } }
        return brackets ? nil : columns
    }

    /// A table's rows, top to bottom, or nil when its lines do not fall into rows.
    ///
    /// Each line of the first column starts a row; a line of another column joins the row
    /// it is level with, or, just under a line of its column, continues that cell (a cell
    /// wrapped over two lines). A cell whose first line is not level with its row's first
    /// cell (cells centred vertically) makes the layout unreadable as rows: nil. Lines of
    /// the last column that follow the table at a distance (a caption) stay lines of their
    /// own after it. Empty cells keep their place ("pop3 | 110 |  | 995"); a row with no
    /// cell but the first (a line above the table) is the line as it was. Blocks set side
    /// by side (`isSideBySideBlocks`) are not rows either: nil.
    private static func rows(of columns: [Range<Int>], in lines: [Line]) -> [String]? {
        let anchors = Array(lines[columns[0]])
        var cells = Array(repeating: Array(repeating: [String](), count: columns.count), count: anchors.count)
        var after: [String] = []
        var levelCount = 0
        func isLevel(_ a: Line, _ b: Line) -> Bool { abs(a.centre - b.centre) <= 0.5 * min(a.height, b.height) }
        for (place, column) in columns.enumerated() {
            if place == 0 {
                for (row, line) in anchors.enumerated() { cells[row][0] = [line.text] }
                continue
            }
            var previous: Line?
            var previousRow: Int?
            for index in column {
                let line = lines[index]
                guard after.isEmpty else { after.append(line.text); continue }
                guard let row = anchors.lastIndex(where: { $0.centre - 0.5 * min($0.height, line.height) <= line.centre }) else {
                    return nil
                }
                if isLevel(anchors[row], line) {
                    guard cells[row][place].isEmpty else { return nil }
                    cells[row][place] = [line.text]
                    levelCount += 1
                } else if let previous, previousRow == row, line.top - previous.bottom < 0.5 * line.height {
                    cells[row][place].append(line.text)
                } else if place == columns.count - 1, row == anchors.count - 1, index > column.lowerBound {
                    after.append(line.text)  // below the table: a caption or a note
                    continue
                } else {
                    return nil
                }
                previous = line
                previousRow = row
            }
        }
        guard levelCount >= 2 else { return nil }
        let rows = cells.map { $0.map { $0.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") } }
        guard !isSideBySideBlocks(rows) else { return nil }
        return rows.map { row in
            row.dropFirst().allSatisfy(\.isEmpty) ? row[0] : row.joined(separator: cellSeparator)
        } + after
    }

    /// Whether level "columns" are blocks set side by side, each to be read whole: most
    /// rows with two cells or more begin every cell with one word ("By: … | By: …", "Name:
    /// … | Name: …"), or hold a signature ("/s/ …", "____"), as the parties' signature
    /// blocks of a contract do. Read down each block, the party stays next to its
    /// signatory; read across, it would not.
    static func isSideBySideBlocks(_ rows: [[String]]) -> Bool {
        let across = rows.filter { $0.filter { !$0.isEmpty }.count >= 2 }
        let labelled = across.filter { row in
            let labels = row.map { $0.split(whereSeparator: \.isWhitespace).first.map { $0.lowercased() } ?? "" }
            let sameWord = labels[0].count > 1 && labels.allSatisfy { $0 == labels[0] }
            return sameWord || row.contains { $0.hasPrefix("/s/") || $0.hasPrefix("__") }
        }
        return !across.isEmpty && 2 * labelled.count >= across.count
    }
}
