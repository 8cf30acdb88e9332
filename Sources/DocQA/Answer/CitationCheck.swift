/// Finds the source numbers an answer cites and checks them against the sources' text.
///
/// A small model often cites loosely, so each citation is checked: the content words of
/// the sentences that cite a source must mostly occur in that source. This is lexical
/// support, not proof; it catches a number pointing at the wrong passage.
enum CitationCheck {
    /// A citation as the model writes it: `[1]`, `[1, 3]`, `[1; 3]` or `[Source 2]`; the
    /// capture is the list of numbers (see `numbers(inCitation:)`).
    static var citation: Regex<(Substring, Substring)> {
        #/\[\s*(?:[Ss]ources?\s*)?(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]/#
    }

    /// The numbers of a `citation` match's capture, in the order written.
    static func numbers(inCitation list: Substring) -> [Int] {
        list.split(whereSeparator: { $0 == "," || $0 == ";" }).compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Source numbers written as `[1]`, `[1, 3]`, `[1][2]` or `[Source 2]`, in order of
    /// first appearance, each with the sentence it appears in.
    static func citedNumbers(in answer: String) -> [(number: Int, sentence: String)] {
        var found: [(Int, String)] = []
        var seen = Set<Int>()
        for sentence in sentences(of: answer) {
            for match in sentence.matches(of: citation) {
                for number in numbers(inCitation: match.output.1) where seen.insert(number).inserted {
                    found.append((number, String(sentence)))
                }
            }
        }
        return found
    }

    /// The share of `claim`'s content words that occur in `source` (1 when it has none),
    /// leaving out words the claim merely repeats from `question`.
    static func support(of claim: String, in source: String, question: String = "") -> Double {
        let claimWords = contentWords(claim).subtracting(contentWords(question))
        guard !claimWords.isEmpty else { return 1 }
        let sourceWords = contentWords(source)
        return Double(claimWords.intersection(sourceWords).count) / Double(claimWords.count)
    }

    /// Whether a claim counts as supported by a source: it must add something to the
    /// question, every number it states must occur in the source, and at least half of its
    /// other new words too. An answer that only rephrases the question supports nothing.
    /// A new whole number is something added even when its digits are the question's
    /// ("2.5 MB" under "Django 5.2's rules": the words "2" and "5" are not new, 25 is).
    static func isSupported(_ claim: String, by source: String, question: String = "") -> Bool {
        let newWords = contentWords(claim).subtracting(contentWords(question))
        // Whole numbers, so that "$548,000" is not supported by a "548" and a "000" that
        // occur apart in the source.
        let newNumbers = numbers(in: claim).subtracting(numbers(in: question))
        guard newNumbers.isSubset(of: numbers(in: source)) else { return false }
        // An amount of money must be money in the source too: "$21" is not "Chapter 21". A
        // source that writes its currency apart from the figures ("Fee (USD)" over a table's
        // column) only needs to hold the number.
        let newMoney = moneyAmounts(in: claim).subtracting(moneyAmounts(in: question))
        if !newMoney.isEmpty, !newMoney.isSubset(of: moneyAmounts(in: source)),
           !(mentionsMoney(source) && newMoney.isSubset(of: numbers(in: source))) {
            return false
        }
        guard !newWords.isEmpty else { return !newNumbers.isEmpty }
        return support(of: claim, in: source, question: question) >= 0.5
    }

    /// The amounts of money written in `text`, digits only as `numbers(in:)` gives them:
    /// a number after a currency sign or code ("$1,000", "US$ 5", "EUR 40") or before a
    /// currency code or name ("2,400 USD", "10 dollars", "5 million euros").
    static func moneyAmounts(in text: some StringProtocol) -> Set<String> {
        let before = #/(?:[$€£¥]|\b(?:US\$|USD|EUR|GBP|CHF|JPY|CAD|AUD)\s?)\s?(\d(?:[\d,.]*\d)?)/#
        let after = #/(\d(?:[\d,.]*\d)?)\s?(?:(?:thousand|million|billion)\s)?(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|(?:U\.S\. )?[Dd]ollars?|[Ee]uros?|[Pp]ounds? sterling|[Ff]rancs?|[Yy]en)\b/#
        let text = String(text)
        let written = text.matches(of: before).map(\.output.1) + text.matches(of: after).map(\.output.1)
        return Set(written.map { String($0.filter(\.isNumber)) })
    }

    /// Whether `text` names a currency anywhere: a sign, a code or a currency's name.
    static func mentionsMoney(_ text: some StringProtocol) -> Bool {
        String(text).contains(#/[$€£¥]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|[Dd]ollars?|[Ee]uros?|[Pp]ounds? sterling|[Ff]rancs?)\b/#)
    }

    /// The numbers written in `text`, digits only ("$1,962,310.00" gives "196231000",
    /// "3.5" gives "35"; a trailing full stop or comma is punctuation, not part of it).
    static func numbers(in text: some StringProtocol) -> Set<String> {
        Set(String(text).matches(of: #/\d(?:[\d,.]*\d)?/#).map { match in
            String(match.output.filter(\.isNumber))
        })
    }

    static func sentences(of text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "\n" || ((character == "." || character == "!" || character == "?")
                                      && (next == text.endIndex || text[next].isWhitespace || text[next] == "[")
                                      && !(character == "." && next != text.endIndex && Self.isAbbreviation(before: index, in: text))) {
                // Keep a citation that follows the full stop with its sentence: "… 2024. [1]"
                var end = next
                while end < text.endIndex, text[end] == " " { end = text.index(after: end) }
                while end < text.endIndex, text[end] == "[" {
                    guard let close = text[end...].firstIndex(of: "]") else { break }
                    end = text.index(after: close)
                }
                result.append(text[start..<end])
                start = end
                index = end
                continue
            }
            index = next
        }
        if start < text.endIndex { result.append(text[start...]) }
        return result.filter { $0.contains { $0.isLetter || $0.isNumber } }
    }

    /// Whether the full stop at `dot` ends an abbreviation ("Mr.", "No.", "U.S.") rather
    /// than a sentence: "Mr. Whitfield" is one claim, not two.
    private static func isAbbreviation(before dot: String.Index, in text: String) -> Bool {
        var start = dot
        while start > text.startIndex {
            let previous = text.index(before: start)
            if text[previous].isWhitespace || text[previous] == "(" { break }
            start = previous
        }
        return start < dot && EvidenceSelector.isAbbreviation(text[start..<dot].lowercased())
    }

    static func contentWords(_ text: some StringProtocol) -> Set<String> {
        var words = Set<String>()
        var current = ""
        func finish() {
            if current.count >= 3 || current.contains(where: \.isNumber), !stopWords.contains(current) {
                words.insert(current)
            }
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber { current.append(character) } else { finish() }
        }
        finish()
        return words
    }

    private static let stopWords: Set<String> = [
        "the", "and", "for", "that", "this", "with", "was", "were", "are", "not", "but", "from",
        "has", "have", "had", "which", "who", "whom", "what", "when", "where", "will", "shall",
        "its", "their", "they", "them", "there", "any", "all", "such", "other", "than", "then",
        "into", "upon", "under", "been", "being", "also", "may", "can", "would", "should",
        "source", "sources", "according", "answer", "question", "document", "documents",
    ]
}
