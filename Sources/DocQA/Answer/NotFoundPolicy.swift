import Foundation

/// Decides "not found" from evidence docqa can check, not from the model's say-so.
///
/// Checks calibrated on the samples and the real-document evaluation sets (BENCHMARKS.md,
/// "Answers", has the confusion tables and what was tried and dropped):
/// - before answering: do the retrieved passages contain the question's key terms,
///   weighted by rarity? A question about a salary or a board that no passage
///   mentions is not answered by them, however fluent a model's reply would be;
/// - after answering: does a passage the answer cites hold its facts (its numbers and
///   most of its other new words)?
/// - when the question names documents ("under the Apache License"): does the answer
///   come from one of them, not from a sibling that says something similar?
/// - do the sentences the answer rests on answer the question? The chat model is asked
///   yes or no (`AnswerVerifier`; for a yes/no question, whether they settle it either
///   way), and its probability of "yes" is held to a threshold;
/// - (off by measurement) is the sentence that holds the facts about the question
///   (cosine similarity between the quoted evidence and the question)?
public struct NotFoundPolicy: Sendable, Equatable {
    /// Below this rarity-weighted share of the question's key terms found in the
    /// passages, the question is declined without running the model: for a question
    /// about something no passage mentions at all. Calibrated on all three sets: 0.3
    /// (session 5) declined 3 of 37 unanswerable questions and 6 of 147 answerable ones,
    /// 3 of which the model then answers right (session 9: a user's own words, such as
    /// "bill my customers", that the licence does not use); the later checks (support,
    /// the yes/no score) decline those 3 unanswerable questions all the same. On these
    /// sets coverage was never below 0.23, so 0.15 leaves only questions the passages
    /// barely touch to be declined here.
    public var minimumCoverage = 0.15
    /// Below this cosine similarity between the question and the evidence sentences that
    /// support the answer, the answer is declined. Off (0) by measurement: with evidence
    /// read from whole sentences (session 4), 0.35 declined 1 of 37 unanswerable
    /// questions but 7 answerable ones, 4 of them answered correctly (BENCHMARKS.md).
    public var minimumEvidenceSimilarity = 0.0
    /// Below this probability of "yes" from the chat model, asked whether the sentences
    /// an answer rests on answer the question (`AnswerVerifier`), the answer is declined.
    /// 0 turns the check off. Calibrated on all three sets (session 6, 138 kept answers):
    /// 0.45 declined 7 more of the 37 unanswerable questions, 1 answer that was right
    /// and 3 that were wrong; 0.4 declined 4, 1 and 1. Re-calibrated after the prompt
    /// put the closest passage last (session 16, four sets, 190 kept answers): 0.47
    /// declines 3 more of the 49 unanswerable questions (the answers given to them scored
    /// 0.45–0.47), 1 right answer and 1 wrong one; 0.48 would add one more unanswerable
    /// question but sits 0.003 below three right answers (BENCHMARKS.md).
    public var minimumAnswersQuestion = 0.47
    /// Whether a declined answer gets a second try that begins the answer as a quotation
    /// (the model then copies a passage's sentence), kept when it passes every check with
    /// `minimumAnswersQuestionOnRetry`. Off by measurement (session 7, hard set, 0.5):
    /// 3 more right answers and 5 fewer wrong declines, but 2 of 20 unanswerable
    /// questions answered with a quote that does not answer them; the yes/no score does
    /// not tell those quotes from the right ones (BENCHMARKS.md, "Answers").
    public var retriesWithQuote = false
    public var minimumAnswersQuestionOnRetry = 0.5
    /// A quote that holds at least this rarity-weighted share of the question's key terms
    /// (`AnswerCheck.evidenceCoverage`) is held to `minimumAnswersQuestion`, the first
    /// answer's bar, instead of `minimumAnswersQuestionOnRetry`: the retry's higher bar is
    /// there because any sentence copied from a passage passes the support check, and a
    /// sentence that carries the question's own terms is not just any sentence. Over the
    /// 66 yes/no questions of the evaluation sets (session 36): two right quotes scored
    /// 0.481 and 0.485 with coverage 0.36 and 0.51 ("NASA cannot warrant …"), while every
    /// quote given to an unanswerable question that scored from 0.47 to 0.50 covered at most
    /// 0.18 (BENCHMARKS.md, "The yes/no retry's bar for quotes that carry the question's
    /// terms"). Above 1 turns it off.
    public var quoteCoverageForFirstBar = 0.3
    /// Whether a yes/no question (`YesNoQuestion`) whose answer is declined, or only
    /// restates the question, gets that quoting second try. On by measurement (session 17,
    /// 36 answerable and 10 unanswerable yes/no questions over the real-document sets):
    /// right 2 → 12, wrongly declined 28 → 13, unanswerable declined 10 → 9 (BENCHMARKS.md,
    /// "Yes/no questions"). Other questions are not retried: there a declined answer is
    /// usually one the passages do not hold. Only for models the yes/no check is asked
    /// of (1B parameters or more): without it nothing judges whether a quote answers.
    public var quotesForYesNoQuestions = true
    /// Whether an answer drawn only from documents other than the ones the question names
    /// ("under the Apache License") is declined.
    public var checksNamedDocuments = true
    /// Off only to measure: every question is then answered, for calibrating the checks.
    public var enabled = true

    public init() {}

    /// The reason to decline before generation, or `nil` to go on.
    func declineBeforeAnswering(coverage: Double, missingTerms: [String]) -> String? {
        guard enabled, coverage < minimumCoverage else { return nil }
        let terms = missingTerms.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
        return "The passages found do not mention \(terms.isEmpty ? "the question's key terms" : terms)."
    }

    /// The reason to decline a generated answer, or `nil` to keep it.
    func declineAfterAnswering(text: String, citations: [Citation], check: AnswerCheck) -> String? {
        if !text.contains(where: { $0.isLetter || $0.isNumber }) {
            return "The model gave no answer from these passages."
        }
        guard enabled else { return nil }
        if !citations.contains(where: \.supported) {
            return "The model's answer is not supported by the passages it cites."
        }
        if checksNamedDocuments, let named = check.namedDocuments, !named.paths.isEmpty,
           !citations.contains(where: { $0.supported && named.paths.contains($0.path) }) {
            let names = { (paths: [String]) in
                paths.sorted().prefix(3).map { "'" + URL(fileURLWithPath: $0).lastPathComponent + "'" }
                    .joined(separator: ", ")
            }
            return "The question names \(names(Array(named.paths))), but the answer comes from "
                + "\(names(Array(Set(citations.filter(\.supported).map(\.path))))) only."
        }
        // (Without an embedding model every similarity is 0: nothing to compare.)
        if check.bestSimilarity > 0, check.evidenceSimilarity < minimumEvidenceSimilarity {
            return "The passages that hold the model's answer are not about the question."
        }
        return nil
    }

    /// The yes/no check's bar for a quoting second try whose evidence covers
    /// `evidenceCoverage` of the question's key terms (see `quoteCoverageForFirstBar`).
    func minimumAnswersQuestionOnRetry(evidenceCoverage: Double) -> Double {
        evidenceCoverage >= quoteCoverageForFirstBar
            ? min(minimumAnswersQuestion, minimumAnswersQuestionOnRetry) : minimumAnswersQuestionOnRetry
    }

    /// The reason to decline an answer whose evidence the chat model judged (`score`, the
    /// probability of "yes") not to answer the question, or `nil` to keep it.
    func declineAfterVerifying(score: Double, minimum: Double? = nil) -> String? {
        let minimum = minimum ?? minimumAnswersQuestion
        guard enabled, score < minimum else { return nil }
        // Two decimals, or three where two would print the score as the bar ("0.47, below 0.47").
        var shown = String(format: "%.2f", score)
        if shown == String(format: "%.2f", minimum) { shown = String(format: "%.3f", (score * 1000).rounded(.down) / 1000) }
        return "The sentences the answer rests on do not answer the question (docqa's check scored them "
            + shown + ", below " + String(format: "%.2f", minimum) + ")."
    }

    /// The rarity-weighted share of `question`'s key terms that occur in `passages`, and
    /// the missing terms, heaviest first. A question with no key terms has coverage 1.
    static func coverage(of question: String, in passages: [String], weights: [String: Double]) -> (Double, [String]) {
        let keyWords = Terms.keyWords(question, droppingQuestionWords: true)
        guard !keyWords.isEmpty else { return (1, []) }
        var present = Set<String>()
        for passage in passages { present.formUnion(Terms.keyTerms(passage)) }
        var total = 0.0, found = 0.0
        var missing: [(String, Double)] = []
        for (word, term) in keyWords {
            let weight = weights[term] ?? 1
            total += weight
            if present.contains(term) { found += weight } else { missing.append((word, weight)) }
        }
        let share = total > 0 ? found / total : 1
        return (share, missing.sorted { $0.1 > $1.1 }.map(\.0))
    }
}
