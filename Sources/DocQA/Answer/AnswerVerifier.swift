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
    /// The first tokens of "yes" and "no" as the model may write them.
    private let yes: [LlamaToken], no: [LlamaToken]

    static let instructions = "You check answers against a source text. Reply with one word: yes or no."

    /// Models smaller than this are not asked (see the type's note).
    static let minimumParameters: UInt64 = 1_000_000_000

    init(model: LlamaModel, threads: Int? = nil) throws {
        self.model = model
        context = try GenerationContext(model: model, contextLength: 2048, threads: threads)
        yes = try ["yes", "Yes", "YES"].compactMap { try model.tokenize($0, addSpecial: false).first }
        no = try ["no", "No", "NO"].compactMap { try model.tokenize($0, addSpecial: false).first }
        systemPrefix = try Answerer.systemPrefixLength(model: model, instructions: Self.instructions)
    }

    /// The probability (0–1) the model gives "yes" to: does `evidence` answer `question`?
    /// - Throws: model errors; `.promptTooLong` for evidence beyond the context.
    func score(question: String, evidence: String) throws -> Double {
        let user = "Text:\n\(evidence)\n\nQuestion: \(question)\n\nDoes the text answer this question? Reply yes or no."
        let prompt = try model.chatPromptTokens([
            ChatMessage(role: .system, content: Self.instructions),
            ChatMessage(role: .user, content: user),
        ])
        let scores = try context.nextTokenLogProbabilities(prompt: prompt, reusablePrefix: systemPrefix,
                                                           sharedPrefix: true, candidates: yes + no)
        let pYes = scores.prefix(yes.count).reduce(0) { $0 + Foundation.exp($1) }
        let pNo = scores.suffix(no.count).reduce(0) { $0 + Foundation.exp($1) }
        return pYes + pNo > 0 ? pYes / (pYes + pNo) : 0.5
    }
}
