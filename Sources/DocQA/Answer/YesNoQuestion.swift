import Foundation

/// Questions answered by yes or no ("Can we charge for copies?", "If we fix the credit,
/// do our rights come back?"), and answers to them that say nothing the question did not.
///
/// The 1.5B model answers such questions "Yes, <the question restated>" (or "No, …"):
/// on 36 answerable yes/no questions over the real-document sets, all 34 of its drafts
/// began that way, whatever the passages said, and only 2 held the deciding words
/// (BENCHMARKS.md, "Yes/no questions"). A restatement's words are the question's, and
/// the passages were retrieved for those words, so a restatement passes the support
/// check without resting on anything. Such answers get the quoting second try instead.
enum YesNoQuestion {
    /// Whether `question` asks for yes or no: a clause of it begins with an auxiliary
    /// verb ("Does…", "Under GPL 2, can…", "We did X. Can…", "…, and is…"), or it asks
    /// "whether" without beginning with a question word ("Tell me whether…", but not
    /// "What tolerance does R use when it checks whether…").
    static func matches(_ question: String) -> Bool {
        if question.range(of: auxiliaryClause, options: [.regularExpression, .caseInsensitive]) != nil { return true }
        let first = Terms.words(question).first ?? ""
        return !questionWords.contains(first) && Terms.words(question).contains("whether")
    }

    private static let auxiliaries = [
        "am", "is", "are", "was", "were", "do", "does", "did", "have", "has", "had", "can", "cannot",
        "could", "may", "might", "must", "shall", "should", "will", "would",
    ]

    private static let questionWords: Set = ["what", "which", "who", "whom", "whose", "when", "where", "why", "how"]

    /// An auxiliary (or its "n't" form) at the start of the question, after a clause's
    /// punctuation, or after a coordinating conjunction.
    private static let auxiliaryClause = "(^|[,;:.?!]\\s+|\\b(and|or|but|so)\\s+)("
        + auxiliaries.joined(separator: "|") + ")(n['’]t)?\\b"

    /// Whether `answer` adds nothing to `question` but yes or no: at most one content word
    /// of its own (a paraphrased verb: "allows" for "let"), and no number. Citation marks
    /// are not words of the answer.
    static func restates(_ answer: String, question: String) -> Bool {
        let text = answer.replacing(CitationCheck.citation, with: " ")
        let added = Set(Terms.keyTerms(text)).subtracting(Terms.keyTerms(question)).subtracting(["yes", "no"])
        return added.count <= 1 && !added.contains(where: { $0.contains(where: \.isNumber) })
    }
}
