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
    /// Whether a sentence is an entry (or a run of entries): leaders that run to a page
    /// number ("9.9 List of nice values . . . . 143"), to the next entry's number ("…
    /// archive? . . . . 5.15.4 When …"), or to the end, or two leader runs. Leaders that
    /// run to a value ("Price ........ $412.50", "Term ........ 12 months") are kept.
    static func isEntry(_ text: String) -> Bool {
        let runs = leaderRuns(in: text)
        return runs.count >= 2 || runs.contains(where: leadsToAnEntry)
    }

    /// Whether a passage is mostly contents: three or more entries (leaders running to a
    /// page number or the next entry's number). A form's filled-in lines ("Name ........
    /// J. Smith") do not count.
    static func isContents(_ passage: String) -> Bool {
        leaderRuns(in: passage).filter(leadsToAnEntry).count >= 3
    }

    /// The text after each leader run (five or more dots or ellipses, single spaces between
    /// them allowed), spaces dropped.
    private static func leaderRuns(in text: String) -> [Substring] {
        var result: [Substring] = []
        var index = text.startIndex
        while index < text.endIndex {
            var end = index, dots = 0
            while end < text.endIndex, text[end] == "." || text[end] == "…" {
                dots += 1
                end = text.index(after: end)
                if end < text.endIndex, text[end] == " " {
                    let next = text.index(after: end)
                    if next < text.endIndex, text[next] == "." || text[next] == "…" { end = next }
                }
            }
            if dots >= 5 { result.append(text[end...].drop { $0 == " " }) }
            index = end > index ? end : text.index(after: index)
        }
        return result
    }

    /// Whether what follows a leader run ends an entry: nothing, a page number before the
    /// next entry (a number, a capital, a table bar), or the next entry's number.
    private static func leadsToAnEntry(_ rest: Substring) -> Bool {
        func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }
        let word = rest.prefix { !$0.isWhitespace }
        let after = rest.dropFirst(word.count).drop(while: \.isWhitespace)
        let pageNumber = (1...4).contains(word.count) && word.allSatisfy(isDigit)
            || (1...6).contains(word.count) && word.allSatisfy { "ivxlcIVXLC".contains($0) }
        let entryNumber = word.split(separator: ".", omittingEmptySubsequences: false).count >= 3
            && word.allSatisfy { isDigit($0) || $0 == "." } && word.first.map(isDigit) == true
        if rest.isEmpty { return true }
        if pageNumber, after.isEmpty || after.first.map({ isDigit($0) || $0.isUppercase || $0 == "|" }) == true { return true }
        return entryNumber && !after.isEmpty
    }
}
