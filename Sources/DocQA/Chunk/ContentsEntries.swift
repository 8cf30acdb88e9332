import Foundation

/// Entries of a table of contents (or of an index) in extracted text: a title whose dot
/// leaders (". . . ." or "....") run to a page number. An entry names a section and points
/// elsewhere; the section itself says what the title names, so entries are never shown
/// as evidence, and a passage made of them ranks below the sections it lists.
///
/// Page detection (`PageLayout.isTableOfContents`) marks whole pages of contents when a
/// PDF is indexed; these checks catch what it misses: contents on a page with other text,
/// in a plain-text or HTML file, or in an index made before page detection. On the
/// evaluation sets 14 questions had an entry among the four sources shown (BENCHMARKS.md,
/// session 30).
enum ContentsEntries {
    /// Whether a sentence is an entry (or a run of entries): leaders that run to the end of
    /// the text, to a page number that ends its line ("9.9 List of nice values . . . .
    /// 143"), or to the next entry's number ("… archive? . . . . 5.15.4 When …"). Leaders
    /// that run to a value on the same line ("Price ........ $412.50", "Address ........
    /// 12 Mill Lane", "Signed ........ 12.03.2024 in London") or to more words ("made on
    /// the ........ day of ........ 2024 between …") are kept.
    static func isEntry(_ text: String) -> Bool {
        leaderRuns(in: text).contains(where: leadsToAnEntry)
    }

    /// Whether a passage is mostly contents: three or more entries (`isEntry`).
    static func isContents(_ passage: String) -> Bool {
        leaderRuns(in: passage).filter(leadsToAnEntry).count >= 3
    }

    /// Whether a piece of text is only a page number: up to four digits, or a Roman numeral
    /// up to 399 in one case ("xviii", "IV"; not a word such as "Civil" or "ill").
    static func isPageNumber(_ text: some StringProtocol) -> Bool {
        let word = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if (1...4).contains(word.count) && word.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        guard (1...11).contains(word.count), word == word.lowercased() || word == word.uppercased() else { return false }
        return word.lowercased().wholeMatch(of: /c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})/) != nil
    }

    /// The text after each leader run: five or more dots (an ellipsis counts two, as in
    /// `PageLayout`), with single spaces or tabs between them allowed.
    private static func leaderRuns(in text: String) -> [Substring] {
        var result: [Substring] = []
        var index = text.startIndex
        while index < text.endIndex {
            var end = index, dots = 0
            while end < text.endIndex, text[end] == "." || text[end] == "…" {
                dots += text[end] == "…" ? 2 : 1
                end = text.index(after: end)
                if end < text.endIndex, text[end] == " " || text[end] == "\t" {
                    let next = text.index(after: end)
                    if next < text.endIndex, text[next] == "." || text[next] == "…" { end = next }
                }
            }
            if dots >= 5 { result.append(text[end...]) }
            index = end > index ? end : text.index(after: index)
        }
        return result
    }

    /// Whether what follows a leader run ends an entry: nothing; a page number, then a line
    /// break, the end, a table bar or the next entry's number; or the next entry's number
    /// itself (three or more parts, then a title in capitals).
    private static func leadsToAnEntry(_ rest: Substring) -> Bool {
        // Bounded, so that a long run of dots and words costs little; what the bound cuts
        // off is text, not the end.
        let bounded = rest.prefix(40)
        let cut = !rest.dropFirst(40).isEmpty
        let text = bounded.drop(while: \.isWhitespace)
        if text.isEmpty { return !cut }
        let word = text.prefix { !$0.isWhitespace }
        let gap = text.dropFirst(word.count).prefix(while: \.isWhitespace)
        let after = text.dropFirst(word.count + gap.count)
        if isPageNumber(word) {
            return (after.isEmpty && !cut) || gap.contains("\n") || after.first == "|" || isEntryNumber(after.prefix { !$0.isWhitespace })
        }
        return isEntryNumber(word, parts: 3) && after.first?.isUppercase == true
    }

    /// A section number of at least `parts` parts of one or two digits, such as "9.9" or
    /// "5.15.4" (not a date, "12.03.2024", nor an amount, "1.250.000").
    private static func isEntryNumber(_ word: Substring, parts minimum: Int = 2) -> Bool {
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= minimum && parts.allSatisfy { (1...2).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
