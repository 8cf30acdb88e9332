import Foundation

/// Questions answered by yes or no ("Can we charge for copies?", "If we fix the credit,
/// do our rights come back?"), and answers to them that say nothing the question did not.
///
/// The 1.5B model answers such questions "Yes, <the question restated>" (or "No, …"):
/// on 36 answerable yes/no questions over the real-document sets, all 34 of its drafts
/// began that way, whatever the passages said, and only 2 held the deciding words
/// (BENCHMARKS.md, "Yes/no questions"). A restatement's words are the question's, and
/// the passages were retrieved for those words, so one that adds a word the passage
/// also has ("allows" for "let") passes the support check without resting on anything.
/// Such answers get the quoting second try instead.
enum YesNoQuestion {
    /// Whether `question` asks for yes or no. Each of its sentences that ends in "?" (the
    /// whole text when none does) is read: it asks for yes or no when it begins with an
    /// auxiliary verb ("Does…", "Can't…", "(a) Is…"), or when a later clause does
    /// ("Under GPL 2, can…", "If we fix the credit, do…", "When I upload it, must…") and
    /// no clause begins with a question word ("If the tenant stays and does not pay, what
    /// happens?"; "Which party, if any, must pay?"); or when it
    /// asks "whether" with no question word before it ("Tell me whether…", but not "What
    /// tolerance does R use when it checks whether…").
    static func matches(_ question: String) -> Bool {
        let asked = CitationCheck.sentences(of: question).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }.filter { $0.hasSuffix("?") }
        return (asked.isEmpty ? [question] : asked).contains(where: asksForYesOrNo)
    }

    private static func asksForYesOrNo(_ asked: String) -> Bool {
        // Without a list marker ("(a) ", "2. ", "iv) ").
        let sentence = asked.replacing(#/^\(?(?:[A-Za-z]|\d{1,2}|[ivxIVX]{1,4})[).]\s+/#, with: "")
        let words = Terms.words(sentence)
        guard let first = words.first else { return false }
        if isAuxiliary(first) { return true }
        // "When" and "where" also begin a condition ("When I upload a new package, do I
        // need…?"); the other question words begin a question of their own.
        if questionWords.contains(first) && (first != "when" && first != "where" || words.dropFirst().first.map(isAuxiliary) == true) {
            return false
        }
        let clauses = sentence.ranges(of: clauseStart).map { Terms.words(sentence[$0.upperBound...]).first ?? "" }
        if clauses.contains(where: questionWords.contains) { return false }
        if clauses.contains(where: isAuxiliary) { return true }
        guard let whether = words.firstIndex(of: "whether") else { return false }
        return !words[..<whether].contains(where: questionWords.contains)
    }

    private static func isAuxiliary(_ word: String) -> Bool {
        auxiliaries.contains(word) || contractedAuxiliaries.contains(word)
    }

    private static let auxiliaries: Set = [
        "am", "is", "are", "was", "were", "do", "does", "did", "have", "has", "had", "can", "cannot",
        "could", "may", "might", "must", "shall", "should", "will", "would",
    ]

    /// As `Terms.words` reads "can't", "won't", "doesn't": the apostrophe dropped.
    private static let contractedAuxiliaries: Set = [
        "isnt", "arent", "wasnt", "werent", "dont", "doesnt", "didnt", "havent", "hasnt", "hadnt", "cant",
        "couldnt", "mightnt", "mustnt", "shant", "shouldnt", "wont", "wouldnt",
    ]

    private static let questionWords: Set = ["what", "which", "who", "whom", "whose", "when", "where", "why", "how"]

    /// Where a clause may begin: after a comma, semicolon or colon, or a coordinating
    /// conjunction.
    private static var clauseStart: Regex<Substring> { #/[,;:]\s+|\b(?:and|or|but|so)\s+/# }

    /// Whether `answer` adds nothing to `question` but yes or no: at most one content word
    /// of its own (a paraphrased verb: "allows" for "let"), and no number, in figures or
    /// in words. Citation marks are not words of the answer.
    static func restates(_ answer: String, question: String) -> Bool {
        let text = answer.replacing(CitationCheck.citation, with: " ")
        let asked = Set(Terms.keyTerms(question))
        let added = Set(Terms.keyWords(text).filter { !asked.contains($0.term) }.map(\.word)).subtracting(["yes", "no"])
        let isNumber = { (word: String) in
            word.contains(where: \.isNumber) || word.split(separator: "-").allSatisfy { Answerer.numberWords.contains(String($0)) }
        }
        return added.count <= 1 && !added.contains(where: isNumber)
    }
}
