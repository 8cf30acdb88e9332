/// Recognises heading lines in extracted text, so that each chunk can carry the
/// headings it falls under ("3.2.4 Going on vacation gracefully") even when the heading
/// itself is in an earlier chunk.
///
/// Extracted text keeps no font sizes, so headings are found by their shape: Markdown
/// `#` lines, numbered headings ("10.8 Log files", "4. Redistribution"), "Chapter 5" /
/// "Article IV" / "Section 2" lines, and short lines in capitals ("NO WARRANTY").
import Foundation

enum SectionHeadings {
    /// The heading in `line` with its depth (1 is outermost), or `nil` when the line does
    /// not look like one. `next` is the following non-empty line: a section number alone
    /// on its line ("1.1.2", as PDF extraction often leaves it) takes its title from there.
    /// `markdown` allows `#` headings (not in PDFs, where `#` lines are shell comments).
    static func heading(in line: Substring, next: Substring? = nil, markdown: Bool = false) -> (level: Int, title: String)? {
        let text = line.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let words = text.split(separator: " ")
        if words.count == 1, let depth = numberingDepth(words[0]), depth >= 2, let next,
           let title = headingTitle(next.split(whereSeparator: \.isWhitespace)) {
            return (depth, text + " " + title)
        }
        guard (3...100).contains(text.count), text.filter(\.isLetter).count >= 2 else { return nil }

        if markdown, let hashes = words.first, hashes.allSatisfy({ $0 == "#" }), hashes.count <= 6, words.count > 1 {
            return (hashes.count, words.dropFirst().joined(separator: " "))
        }
        if let number = words.first, let depth = numberingDepth(number), words.count > 1 {
            // "3.2.4 Going on vacation gracefully"; a plain "5." needs a short title, since
            // numbered list items and footnotes look alike.
            guard let title = headingTitle(words.dropFirst()), depth >= 2 || words.count <= 6 else { return nil }
            return (depth, number + " " + title)
        }
        if let first = words.first, first.first?.isUppercase == true, (2...12).contains(words.count),
           let level = ["part": 1, "chapter": 1, "article": 1, "appendix": 1, "schedule": 1, "exhibit": 1,
                        "annex": 1, "section": 2][first.lowercased()],
           isLabel(words[1]) {
            return (level, text)
        }
        // "NO WARRANTY", "TERMS AND CONDITIONS": capitals, words of letters only.
        let letters = text.filter(\.isLetter)
        if letters.count >= 6, words.count <= 8, letters.allSatisfy(\.isUppercase),
           words.allSatisfy({ $0.allSatisfy { $0.isLetter || "'’&-".contains($0) } }) {
            return (1, text)
        }
        return nil
    }

    /// Where an outline entry's `title` stands in a page's `text`: the UTF-8 offset of the
    /// first line at or after byte `start` that is the title, or begins it when a long
    /// title wraps, with a section number before it on the line or alone on the line
    /// above ("3.2.4" then "Going on vacation gracefully"). Letters and digits are
    /// compared, case and punctuation ignored. The label is the title with that number.
    static func locate(_ title: String, in text: String, from start: Int) -> (offset: Int, label: String)? {
        let wanted = comparable(title)
        guard !wanted.isEmpty else { return nil }
        let bytes = Array(text.utf8)
        var lineStart = min(max(0, start), bytes.count)
        while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        var previous: (offset: Int, number: Substring)? = nil
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
            var words = line.split(whereSeparator: \.isWhitespace)
            var number = words.first.flatMap { numberingDepth($0) != nil ? $0 : nil }
            if number == nil, let first = words.first, let glued = gluedNumber(first) {
                // "1.1Console basics": extraction dropped the space after the number.
                number = glued
                words[0] = first[glued.endIndex...]
            } else if number != nil {
                words.removeFirst()
            }
            func matches(_ found: String) -> Bool {
                // Whole words: a long title may wrap, or the line go on after it.
                found == wanted || (wanted.count >= 20 && found.count >= 20
                                    && (found.hasPrefix(wanted + " ") || wanted.hasPrefix(found + " ")))
            }
            if let number, words.isEmpty {
                // A number alone on its line names the section below it; a bare "12" may
                // as well be a page or footnote number, so it needs a dot or a sub-level.
                if number.hasSuffix(".") || (numberingDepth(number) ?? 0) >= 2 { previous = (lineStart, number) }
            } else if !words.isEmpty {
                let found = comparable(words.joined(separator: " "))
                // A title that carries its own number ("4. Redistribution", "1.1 Console"
                // from "1.1Console"), or starts with one ("3D Printing", not section 3).
                if let number, matches(comparable(line)) || matches(comparable(number + " " + found)) {
                    return (lineStart, title)
                }
                if number == nil, let previous, matches(comparable(previous.number + " " + found)) {
                    return (previous.offset, title)
                }
                if matches(found) {
                    if let number { return (lineStart, number + " " + title) }
                    if let previous { return (previous.offset, previous.number + " " + title) }
                    return (lineStart, title)
                }
                previous = nil
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// The section number at the start of `word` when a capital letter follows it
    /// directly ("1.1Console", "2.3.4.The"), or `nil`.
    private static func gluedNumber(_ word: Substring) -> Substring? {
        guard let letter = word.firstIndex(where: \.isLetter), letter > word.startIndex,
              word[letter].isUppercase else { return nil }
        let number = word[..<letter]
        return numberingDepth(number) != nil ? number : nil
    }

    /// `text` lower-cased, its words of letters and digits joined by single spaces.
    private static func comparable(_ text: some StringProtocol) -> String {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: " ")
    }

    /// `words` as a heading's title: at most 12 words, starting with a capital letter
    /// or a quote, not ending like a clause (`,` `;` `:`) or, beyond six words, a sentence.
    private static func headingTitle<S: Collection<Substring>>(_ words: S) -> String? {
        guard let initial = words.first?.first, initial.isUppercase || initial == "\"" || initial == "“",
              (1...12).contains(words.count), let last = words.reversed().first?.last,
              !",;:".contains(last), !(last == "." && words.count > 6)
        else { return nil }
        return words.joined(separator: " ")
    }

    /// A chapter or article label: "5", "5.", "IV", "A".
    private static func isLabel(_ word: Substring) -> Bool {
        let label = word.trimmingCharacters(in: CharacterSet(charactersIn: ".:"))
        return label.first?.isNumber == true
            || (!label.isEmpty && label.count <= 6 && label.allSatisfy { "IVXLC".contains($0) })
            || (label.count == 1 && label.first?.isUppercase == true)
    }

    /// Depth of a section number such as "3", "3.", "3.2" or "3.2.4." (1, 1, 2, 3), or `nil`.
    private static func numberingDepth(_ word: Substring) -> Int? {
        let trimmed = word.hasSuffix(".") ? word.dropLast() : word
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...5).contains(parts.count),
              parts.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        return parts.count
    }

    /// The open headings while reading a document: a new heading closes those at its
    /// depth and deeper.
    struct Trail {
        private var open: [(level: Int, title: String)] = []

        mutating func enter(_ heading: (level: Int, title: String)) {
            open.removeAll { $0.level >= heading.level }
            open.append(heading)
        }

        /// The innermost three headings, outermost first, joined by " › ".
        var path: String {
            String(open.suffix(3).map(\.title).joined(separator: " › ").prefix(200))
        }
    }
}
