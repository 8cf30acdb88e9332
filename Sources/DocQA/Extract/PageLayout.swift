import Foundation

/// What a page's layout adds to its text but a reader skips: running headers and footers,
/// tables of contents, and the document's title line.
///
/// Headers and footers ("Debian Policy Manual, Release 4.6.2.0", "Chapter 10. Files",
/// "100") match many queries and crowd real passages out of the top results; a table of
/// contents names every topic without answering any.
enum PageLayout {
    /// Non-empty lines examined at the top and at the bottom of each page.
    static let zoneLines = 3
    /// A line must recur in the top or bottom zone of this many pages to count as running.
    static let minimumRepeats = 3

    /// `pages` with running header and footer lines removed and table-of-contents pages
    /// marked. Only lines in a page's top or bottom zone are ever removed, so a sentence
    /// that happens to repeat in the body stays; page numbers stay exact.
    static func cleaned(_ pages: [ExtractedPage]) -> [ExtractedPage] {
        let running = runningLines(pages)
        return pages.map { page in
            var page = page
            if !running.isEmpty {
                var lines = page.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                for (index, slot) in zone(lines) where isRunning(lines[index], slot: slot, page: page.number, running) {
                    lines[index] = ""
                }
                page.text = ExtractedTextNormalization.normalize(lines.joined(separator: "\n"))
            }
            page.isNavigation = isTableOfContents(page.text)
            return page
        }
    }

    /// What recurs across pages: lines with letters by their key and place ("top 0",
    /// "bottom 1"); bare page numbers by their offset from the physical page number.
    struct Running {
        var lines: Set<String> = []
        var pageNumberOffsets: Set<Int> = []
        var isEmpty: Bool { lines.isEmpty && pageNumberOffsets.isEmpty }
    }

    /// The lines that recur at the same place in the top or bottom zone of at least
    /// `minimumRepeats` pages, and the offsets of printed page numbers.
    static func runningLines(_ pages: [ExtractedPage]) -> Running {
        guard pages.count >= minimumRepeats + 1 else { return Running() }
        var lineCounts: [String: Int] = [:]
        var offsetCounts: [Int: Int] = [:]
        for page in pages {
            let lines = page.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var seen = Set<String>()
            for (index, slot) in zone(lines) {
                if let number = page.number, let value = pageNumber(lines[index]), slot.hasSuffix(" 0") {
                    offsetCounts[value - number, default: 0] += 1
                } else {
                    let text = key(lines[index])
                    // A line without letters ("2024.", "4,500") may be data that happens to
                    // sit at the same place on several pages; only the extreme lines qualify.
                    guard !text.isEmpty, text.contains(where: \.isLetter) || slot.hasSuffix(" 0") else { continue }
                    let key = slot + ": " + text
                    if seen.insert(key).inserted { lineCounts[key, default: 0] += 1 }
                }
            }
        }
        return Running(lines: Set(lineCounts.filter { $0.value >= minimumRepeats }.keys),
                       pageNumberOffsets: Set(offsetCounts.filter { $0.value >= minimumRepeats }.keys))
    }

    private static func isRunning(_ line: String, slot: String, page: Int?, _ running: Running) -> Bool {
        if let page, let value = pageNumber(line) {
            return slot.hasSuffix(" 0") && running.pageNumberOffsets.contains(value - page)
        }
        return running.lines.contains(slot + ": " + key(line))
    }

    /// A line that is only a number (arabic, up to five digits), as printed page numbers are.
    private static func pageNumber(_ line: String) -> Int? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard (1...5).contains(trimmed.count), trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(trimmed)
    }

    /// The top and bottom zone of a page: up to `zoneLines` non-empty lines at each end,
    /// never more than a third of the page's lines each, with their place ("top 0" is the
    /// first line, "bottom 0" the last).
    private static func zone(_ lines: [String]) -> [(index: Int, slot: String)] {
        let filled = lines.indices.filter { lines[$0].contains { !$0.isWhitespace } }
        let size = min(zoneLines, filled.count / 3)
        var result: [(Int, String)] = []
        for (place, index) in filled.prefix(size).enumerated() { result.append((index, "top \(place)")) }
        for (place, index) in filled.suffix(size).reversed().enumerated() { result.append((index, "bottom \(place)")) }
        return result
    }

    /// A line's identity across pages: lower case, numbers (arabic or a lone roman
    /// numeral) as `#`, white space collapsed, so "Page 3 of 9" and "Page 4 of 9" agree.
    /// Empty for a line with no letter or digit.
    static func key(_ line: String) -> String {
        var words: [String] = []
        for word in line.lowercased().split(whereSeparator: \.isWhitespace) {
            var out = ""
            var inNumber = false
            for character in word {
                if character.isNumber {
                    if !inNumber { out.append("#") }
                    inNumber = true
                } else {
                    out.append(character)
                    inNumber = false
                }
            }
            words.append(isRomanNumeral(out) ? "#" : out)
        }
        let key = words.joined(separator: " ")
        return key.contains { $0.isLetter || $0 == "#" } ? key : ""
    }

    private static func isRomanNumeral(_ word: String) -> Bool {
        !word.isEmpty && word.count <= 6 && word.allSatisfy { "ivxlc".contains($0) }
    }

    /// Whether a page reads as a table of contents: at least five lines with dot leaders
    /// (". . . ." or "....") that, with lines holding only a page number, make up half the
    /// page.
    static func isTableOfContents(_ text: String) -> Bool {
        var filled = 0, leaders = 0, numbers = 0
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            filled += 1
            if hasDotLeader(trimmed) {
                leaders += 1
            } else if trimmed.allSatisfy({ $0.isNumber }) || isRomanNumeral(trimmed.lowercased()) {
                numbers += 1
            }
        }
        return leaders >= 5 && 2 * (leaders + numbers) >= filled
    }

    /// Five or more dots in a row, spaced or not, or three ellipses.
    private static func hasDotLeader(_ line: String) -> Bool {
        var run = 0
        for character in line {
            if character == "." || character == "…" {
                run += character == "…" ? 2 : 1
                if run >= 5 { return true }
            } else if character != " " {
                run = 0
            }
        }
        return false
    }

    /// A title from the start of the text: its first line with at least two letters (at
    /// most 120 characters), followed by the next line when the first is short (under
    /// six words) and the next is too, unless it is a heading of its own:
    /// "GNU GENERAL PUBLIC LICENSE Version 3, 29 June 2007".
    static func leadingTitle(_ text: String) -> String? {
        let lines = text.split(separator: "\n").map {
            $0.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }.filter { line in line.filter(\.isLetter).count >= 2 }
        guard let first = lines.first, first.count <= 120 else { return nil }
        let cleanedFirst = first.trimmingCharacters(in: CharacterSet(charactersIn: "#*= "))
        if cleanedFirst.split(separator: " ").count < 6, lines.count > 1, lines[1].count <= 60,
           SectionHeadings.heading(in: lines[1][...]) == nil {
            return cleanedFirst + " " + lines[1].trimmingCharacters(in: CharacterSet(charactersIn: "#*= "))
        }
        return cleanedFirst.isEmpty ? nil : cleanedFirst
    }
}
