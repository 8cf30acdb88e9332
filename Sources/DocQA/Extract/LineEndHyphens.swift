/// Joins words that a PDF's typesetting broke across lines with a hyphen
/// ("distri-" / "bution"), so that search, the answer checks and quotations see the word.
///
/// Justified text (LaTeX, Word with hyphenation on) breaks long words at line ends; each
/// line of extracted text is one piece for the chunker and the keyword index, so
/// "indemnifi-" and "cation" were two tokens in two pieces, and an answer quoting
/// "indemnification" was not found in its source. A break is only undone where the
/// document itself settles which word it was:
/// - the word written whole elsewhere in the document ("distribution") is joined without
///   the hyphen;
/// - a hyphenated compound written on one line elsewhere ("non-root") keeps its hyphen;
/// - otherwise the lines are left as they are (a break into two known words, "third-" /
///   "party", may be either).
/// Only a hyphen ending a line, after a letter, before a line that starts with a
/// lower-case letter, on the same page, is considered; the line break goes, the rest of
/// both lines stays where it was.
enum LineEndHyphens {
    static func joined(_ pages: [ExtractedPage]) -> [ExtractedPage] {
        var words: Set<String> = []
        var compounds: Set<String> = []
        for page in pages {
            var previousEndsWithHyphen = false
            for line in page.text.split(separator: "\n") {
                collectWords(in: line, afterHyphen: previousEndsWithHyphen, words: &words, compounds: &compounds)
                previousEndsWithHyphen = line.hasSuffix("-")
            }
        }
        return pages.map { page in
            var page = page
            page.text = joined(page.text, words: words, compounds: compounds)
            return page
        }
    }

    /// The words of `line` (letters only, lower-cased) and its hyphenated compounds,
    /// leaving out what may be half of a broken word: a fragment ending the line with a
    /// hyphen, and the line's first word when the line before ended with one.
    private static func collectWords(in line: Substring, afterHyphen: Bool, words: inout Set<String>,
                                     compounds: inout Set<String>) {
        let tokens = line.split(whereSeparator: \.isWhitespace)
        for (index, token) in tokens.enumerated() {
            if index == 0 && afterHyphen { continue }
            if index == tokens.count - 1 && token.last == "-" { continue }
            guard let start = token.firstIndex(where: \.isLetter), let end = token.lastIndex(where: \.isLetter) else { continue }
            let text = token[start...end].lowercased()
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 1 {
                if text.allSatisfy(\.isLetter) { words.insert(text) }
            } else if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isLetter) }) {
                compounds.insert(text)
            }
        }
    }

    private static func joined(_ text: String, words: Set<String>, compounds: Set<String>) -> String {
        guard text.contains("-\n") else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        while index + 1 < lines.count {
            let line = lines[index], next = lines[index + 1]
            guard line.hasSuffix("-"), let before = line.dropLast().last, before.isLetter,
                  let first = next.first, first.isLetter, first.isLowercase
            else { index += 1; continue }
            let head = String(line.dropLast().reversed().prefix { $0.isLetter }.reversed()).lowercased()
            let tail = String(next.prefix { $0.isLetter }).lowercased()
            let whole = head + tail
            if words.contains(whole) {
                lines[index] = String(line.dropLast()) + next
            } else if compounds.contains(head + "-" + tail) {
                lines[index] = line + next
            } else {
                index += 1
                continue
            }
            lines.remove(at: index + 1)
            // The joined line may end with a hyphen in its turn; look at it again.
        }
        return lines.joined(separator: "\n")
    }
}
