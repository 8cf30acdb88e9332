import Foundation

/// Answers a question from retrieved passages with a local chat model, citing them.
///
/// Not `Sendable`: it owns a llama.cpp context.
public final class Answerer {
    public let model: LlamaModel
    private let context: GenerationContext
    /// Most tokens an answer may have.
    public var maxAnswerTokens: Int
    public var sampling: SamplingSettings

    /// The marker the model is told to write when the sources do not answer the question.
    static let notFoundMarker = "NOT FOUND"

    // Measured on samples/questions.jsonl with SmolLM2-135M: asking for a short phrase
    // copied from the sources, with the question after them, doubled the answers that
    // contain the expected text (3 -> 6 of 33) against a longer, chattier instruction.
    static let instructions = """
        Answer the question using only the numbered sources. Reply with a short answer \
        copied from the sources, followed by the number of the source in square brackets, \
        like [2]. If the sources do not contain the answer, reply: NOT FOUND
        """

    /// Loads the chat model at `modelPath` and makes a context of `contextLength` tokens.
    ///
    /// - Throws: `.modelNotFound`, `.modelLoadFailed`, `.contextFailed`.
    public init(modelPath: String, contextLength: Int = 4096, maxAnswerTokens: Int = 256,
                sampling: SamplingSettings = .answering, threads: Int? = nil) throws {
        model = try LlamaModel(path: modelPath)
        context = try GenerationContext(model: model, contextLength: contextLength, threads: threads)
        self.maxAnswerTokens = maxAnswerTokens
        self.sampling = sampling
    }

    /// Answers `question` from `retrieved` (best first), streaming the answer to `onText`.
    ///
    /// As many passages as fit the context are numbered and given to the model; the last
    /// one may be cut short. With no passages the answer is "not found" without running
    /// the model.
    /// - Throws: model and template errors; `.promptTooLong` when even the question alone
    ///   does not fit.
    public func answer(_ question: String, from retrieved: [RetrievedChunk],
                       onText: (String) -> Void = { _ in }) throws -> Answer {
        var result = Answer(question: question, text: "", notFound: true, citations: [], sources: [],
                            stopReason: nil, timings: AnswerTimings())
        guard !retrieved.isEmpty else { return result }

        let sources = try budgetedSources(question: question, retrieved: retrieved)
        let prompt = try model.chatPromptTokens([
            ChatMessage(role: .system, content: Self.instructions),
            ChatMessage(role: .user, content: Self.userMessage(question: question, sources: sources)),
        ])
        let answerRoom = max(16, min(maxAnswerTokens, context.contextLength - prompt.count - 1))
        let generation = try context.generate(prompt: prompt, maxTokens: answerRoom, sampling: sampling) { piece in
            onText(piece)
            return true
        }

        let text = generation.text.trimmingCharacters(in: .whitespacesAndNewlines)
        result.text = text
        result.sources = sources
        result.stopReason = generation.stopReason
        result.timings.promptTokens = generation.promptTokens
        result.timings.promptSeconds = generation.promptSeconds
        result.timings.timeToFirstToken = generation.timeToFirstToken
        result.timings.generatedTokens = generation.generatedTokens
        result.timings.generationSeconds = generation.totalSeconds - generation.promptSeconds
        result.notFound = text.isEmpty || text.uppercased().contains(Self.notFoundMarker)
        result.citations = result.notFound ? [] : Self.citations(for: text, question: question, sources: sources)
        return result
    }

    /// The user turn: numbered sources, then the question.
    ///
    /// Passage text goes in as message content, which `chatPromptTokens` never parses for
    /// special tokens, so a document cannot close the turn or open a new one.
    static func userMessage(question: String, sources: [Source]) -> String {
        var message = ""
        for source in sources {
            message += header(number: source.number, chunk: source.chunk)
            message += source.text.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n"
        }
        message += "Question: \(question)"
        return message
    }

    /// The line that introduces a source: its number, file and page, e.g. `[2] (amendment-1.pdf, page 1)`.
    static func header(number: Int, chunk: ChunkHit) -> String {
        "[\(number)] (\(label(for: chunk)))\n"
    }

    static func label(for chunk: ChunkHit) -> String {
        let name = URL(fileURLWithPath: chunk.path).lastPathComponent
        switch (chunk.pageStart, chunk.pageEnd) {
        case let (start?, end?) where end != start: return "\(name), pages \(start)-\(end)"
        case let (start?, _): return "\(name), page \(start)"
        default: return name
        }
    }

    /// The passages that fit the context beside the instructions, the question and the answer.
    private func budgetedSources(question: String, retrieved: [RetrievedChunk]) throws -> [Source] {
        let fixed = try model.chatPromptTokens([
            ChatMessage(role: .system, content: Self.instructions),
            ChatMessage(role: .user, content: Self.userMessage(question: question, sources: [])),
        ]).count
        var budget = context.contextLength - fixed - maxAnswerTokens - 8
        guard budget > 0 else {
            throw DocQAError(.promptTooLong,
                             "the question is too long for the chat model's \(context.contextLength)-token context; shorten it or use a larger --context.")
        }
        var sources: [Source] = []
        for hit in retrieved {
            let headerTokens = try model.countTokens(in: Self.header(number: sources.count + 1, chunk: hit.chunk) + "\n\n")
            let tokens = try model.tokenize(hit.chunk.text, addSpecial: false)
            let room = budget - headerTokens
            if room <= 32 { break }
            let text = tokens.count <= room ? hit.chunk.text : model.detokenize(Array(tokens.prefix(room)))
            sources.append(Source(number: sources.count + 1, chunk: hit.chunk, text: text))
            budget -= headerTokens + min(tokens.count, room)
        }
        return sources
    }

    /// Citations the answer makes, checked against the sources; when it makes none, the
    /// sources whose words it shares most.
    static func citations(for answer: String, question: String, sources: [Source]) -> [Citation] {
        func citation(_ source: Source, _ kind: Citation.Kind, supported: Bool) -> Citation {
            Citation(source: source.number, path: source.chunk.path, pageStart: source.chunk.pageStart,
                     pageEnd: source.chunk.pageEnd, kind: kind, supported: supported)
        }
        let cited = CitationCheck.citedNumbers(in: answer).compactMap { number, sentence -> Citation? in
            guard let source = sources.first(where: { $0.number == number }) else { return nil }
            let claim = sentence.replacing(#/\[[^\]]*\]/#, with: "")
            return citation(source, .cited, supported: CitationCheck.isSupported(claim, by: source.text, question: question))
        }
        if !cited.isEmpty { return cited }
        let scored = sources.map { ($0, CitationCheck.support(of: answer, in: $0.text, question: question)) }
        guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 > 0 else { return [] }
        return [citation(best.0, .matched, supported: CitationCheck.isSupported(answer, by: best.0.text, question: question))]
    }
}
