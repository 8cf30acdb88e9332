import Foundation

/// Asks the chat model one yes/no question about an answer's evidence: do these
/// sentences answer the question? The reply is read as a number (the probability of
/// "yes" against "no"), never generated, so the decision is docqa's threshold on a
/// score it records, not the model's say-so.
///
/// This catches what the term and support checks cannot: an answer whose facts are in
/// its source but answer another question ("Version 3, 29 June 2007" for "when was
/// version 4 released?"; a 21-day deadline for "how long does the queue usually take?").
/// Calibrated for Qwen2.5-Coder-1.5B (BENCHMARKS.md, "Answers"); smaller models are not
/// asked, since their yes/no was not measured to mean anything.
final class AnswerVerifier {
    private let model: LlamaModel
    private let context: GenerationContext
    /// Tokens every prompt starts with (kept in the KV cache between questions).
    private let systemPrefix: Int
    /// The first tokens of "yes" and "no" as the model may write them, and of the letters
    /// `Form.settles` asks for.
    private let yes: [LlamaToken], no: [LlamaToken], letterA: [LlamaToken], letterB: [LlamaToken]

    static let instructions = "You check answers against a source text. Reply with one word: yes or no."

    /// Models smaller than this are not asked (see the type's note).
    static let minimumParameters: UInt64 = 1_000_000_000

    init(model: LlamaModel, threads: Int? = nil) throws {
        self.model = model
        context = try GenerationContext(model: model, contextLength: 2048, threads: threads)
        yes = try ["yes", "Yes", "YES"].compactMap { try model.tokenize($0, addSpecial: false).first }
        no = try ["no", "No", "NO"].compactMap { try model.tokenize($0, addSpecial: false).first }
        letterA = Array(try model.tokenize("A", addSpecial: false).prefix(1))
        letterB = Array(try model.tokenize("B", addSpecial: false).prefix(1))
        systemPrefix = try Answerer.systemPrefixLength(model: model, instructions: Self.instructions)
    }

    /// The probability (0–1) the model gives "yes" to: does `evidence` answer `question`?
    /// A question answered by yes or no (`YesNoQuestion`) is asked in the `.settles` form.
    /// - Throws: model errors; `.promptTooLong` for evidence beyond the context.
    func score(question: String, evidence: String) throws -> Double {
        try score(question: question, evidence: evidence,
                  form: YesNoQuestion.matches(question) ? .settles : .answers)
    }

    /// How the check is asked.
    enum Form {
        /// "Does the text answer this question?", read as yes against no.
        case answers
        /// For a question answered by yes or no: "A: the text settles this question (its
        /// answer may be yes or no). B: it does not", read as A against B. Asked "does it
        /// answer", the model answers the question itself: a sentence that says no ("A
        /// person who does not want to do a task … does not need to do it") scored 0.40.
        /// The letters keep the two apart: over the 56 yes/no questions of the real-document
        /// sets, 20 right instead of 17, 8 wrongly declined instead of 16, 8 of 10
        /// unanswerable declined as before (BENCHMARKS.md, "Yes/no questions, session 34").
        /// The system message, shared with `.answers`, still asks for yes or no; the
        /// letters were measured with it.
        case settles
    }

    /// The probability (0–1) the model gives the first reply of `form`.
    func score(question: String, evidence: String, form: Form) throws -> Double {
        let user: String
        let first: [LlamaToken], second: [LlamaToken]
        switch form {
        case .answers:
            user = "Text:\n\(evidence)\n\nQuestion: \(question)\n\nDoes the text answer this question? Reply yes or no."
            (first, second) = (yes, no)
        case .settles:
            user = "Text:\n\(evidence)\n\nQuestion: \(question)\n\nA: the text settles this question "
                + "(its answer may be yes or no).\nB: the text does not settle it.\nReply A or B."
            (first, second) = (letterA, letterB)
        }
        let prompt = try model.chatPromptTokens([
            ChatMessage(role: .system, content: Self.instructions),
            ChatMessage(role: .user, content: user),
        ])
        let scores = try context.nextTokenLogProbabilities(prompt: prompt, reusablePrefix: systemPrefix,
                                                           sharedPrefix: true, candidates: first + second)
        let pFirst = scores.prefix(first.count).reduce(0) { $0 + Foundation.exp($1) }
        let pSecond = scores.suffix(second.count).reduce(0) { $0 + Foundation.exp($1) }
        return pFirst + pSecond > 0 ? pFirst / (pFirst + pSecond) : 0.5
    }
}
