import Foundation

/// Writes, for a question, one sentence that answers it the way a document would, from
/// a model's own knowledge and without any passage, for retrieval to search by
/// meaning along with the question (`QueryExpanding`; "hypothetical document embeddings").
///
/// The sentence is often wrong on the facts; that does not matter, since it is never shown
/// as an answer and never read by the answering step. What it brings is the documents'
/// way of saying things ("vacation", "the setuid bit", "quorum") where the user wrote
/// their own. Measured with Qwen2.5-Coder-1.5B on four evaluation sets (BENCHMARKS.md,
/// "Searching with a hypothetical answer"): the hard set's page MRR 0.70 → 0.76, the
/// others unchanged. The installed search model (role `search`, Qwen2.5-Coder-0.5B) writes
/// it when there is one: the same pages in the top 5 on six sets, page MRR within a
/// question or two, about 2.4 times as fast ("An Intel Xeon (session 20)"). Otherwise the chat
/// model does, if it has `minimumParameters` (the 135M model's sentences hurt, session 10).
///
/// Greedy, on its own small context with every core (`ComputeThreads`), so a question
/// always gets the same sentence. Each question's sentence is written once per writer.
/// Not `Sendable`: it owns a llama.cpp context.
public final class HypotheticalAnswerWriter: QueryExpanding {
    private let model: LlamaModel
    private let context: GenerationContext
    /// Tokens every prompt starts with (kept in the KV cache between questions).
    private let systemPrefix: Int
    private var written: [String: String?] = [:]
    /// The file of the model that writes the sentences.
    public var modelPath: String { model.path }

    static let instructions =
        "Write one sentence that answers the question the way a legal or technical document would state it."
    /// Models smaller than this write no sentence (see the type's note).
    public static let minimumParameters = AnswerVerifier.minimumParameters
    /// Most tokens a sentence may have; the measured ones had about 26.
    static let maxTokens = 48

    /// A writer for the chat model `model`, or `nil` when the model is too small to help.
    /// - Throws: `.contextFailed`.
    public static func make(model: LlamaModel, threads: Int? = nil) throws -> HypotheticalAnswerWriter? {
        model.parameterCount >= minimumParameters ? try HypotheticalAnswerWriter(model: model, threads: threads) : nil
    }

    /// A writer for `model`, a model installed for this (role `search`), whatever its size.
    /// - Throws: `.contextFailed`.
    public static func make(searchModel model: LlamaModel, threads: Int? = nil) throws -> HypotheticalAnswerWriter {
        try HypotheticalAnswerWriter(model: model, threads: threads)
    }

    private init(model: LlamaModel, threads: Int?) throws {
        self.model = model
        context = try GenerationContext(model: model, contextLength: 1024, threads: threads)
        systemPrefix = try Answerer.systemPrefixLength(model: model, instructions: Self.instructions)
    }

    /// The sentence for `query`: its first line, or `nil` when the model wrote nothing or
    /// the query is too long for the writer's context (the query is then searched alone).
    public func expansion(of query: String) throws -> String? {
        if let known = written[query] { return known }
        let sentence = try write(query)
        written[query] = sentence
        return sentence
    }

    private func write(_ query: String) throws -> String? {
        let prompt = try model.chatPromptTokens([
            ChatMessage(role: .system, content: Self.instructions),
            ChatMessage(role: .user, content: query),
        ])
        guard prompt.count + Self.maxTokens < context.contextLength else { return nil }
        var raw = ""
        let result = try context.generate(prompt: prompt, reusablePrefix: systemPrefix, sharedPrefix: true,
                                          maxTokens: Self.maxTokens, sampling: .answering) { piece in
            raw += piece
            return !raw.contains("\n")
        }
        let line = result.text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let sentence = line.trimmingCharacters(in: .whitespaces)
        return sentence.contains(where: { $0.isLetter || $0.isNumber }) ? sentence : nil
    }
}
