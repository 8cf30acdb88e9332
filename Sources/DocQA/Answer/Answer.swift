/// A numbered passage shown to the model, as the answer refers to it.
public struct Source: Sendable, Equatable {
    /// The number the prompt gave it: `[1]`, `[2]`, …
    public var number: Int
    public var chunk: ChunkHit
    /// The text the model actually saw: the chunk's selected sentences, or the chunk cut
    /// to fit the context.
    public var text: String
    /// The sentences of the chunk the model saw, verbatim (empty when it saw the whole text).
    public var sentences: [EvidenceSentence] = []
}

/// A source an answer relies on.
public struct Citation: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// The model wrote the source's number in its answer.
        case cited
        /// The model cited nothing; docqa attributed the answer to the source whose words it shares.
        case matched
    }

    public var source: Int
    public var path: String
    public var pageStart: Int?
    public var pageEnd: Int?
    public var kind: Kind
    /// Whether the words of the answer that cite this source appear in it (see `CitationCheck`).
    public var supported: Bool
}

/// How long each step took, in seconds, and how many tokens it handled.
public struct AnswerTimings: Sendable, Equatable {
    public var retrievalSeconds: Double = 0
    /// Choosing the evidence sentences (embedding them included).
    public var evidenceSeconds = 0.0
    public var promptTokens = 0
    public var promptSeconds = 0.0
    /// Seconds from the start of answering (evidence selection included) to the first text.
    public var timeToFirstToken: Double?
    public var generatedTokens = 0
    /// Seconds spent generating the answer, after the prompt was read.
    public var generationSeconds = 0.0
    /// Seconds spent asking the model whether the evidence answers the question.
    public var checkSeconds = 0.0
    /// The second try, when there was one (generation and its checks).
    public var retrySeconds = 0.0
}

/// Why an answer was declined, or what the checks found when it was not.
public struct AnswerCheck: Sendable, Equatable {
    /// The share (0–1) of the question's key terms, weighted by rarity, that occur in the
    /// retrieved passages.
    public var coverage: Double
    /// Key terms of the question that no retrieved passage contains, rarest first.
    public var missingTerms: [String]
    /// The highest cosine similarity between the question and one evidence sentence.
    public var bestSimilarity: Double
    /// For the sentences quoted as evidence: the highest cosine similarity to the question,
    /// and the rarity-weighted share of the question's key terms they contain.
    public var evidenceSimilarity: Double = 0
    public var evidenceCoverage: Double = 0
    /// Sentences of the answer whose cited source does not contain their facts.
    public var unsupportedSentences: [String]
    /// The chat model's probability (0–1) that the sentences the answer rests on answer
    /// the question (for a yes/no question: settle it either way; `AnswerVerifier`); nil
    /// when not asked.
    public var answersQuestion: Double? = nil
    /// The documents the question names, when it names some (see `NamedDocuments`).
    public var namedDocuments: NamedDocuments? = nil
    /// The sentence searched by meaning along with the question (`QueryExpanding`), if any.
    public var expansion: String? = nil
    /// When declined: one sentence on why.
    public var declineReason: String?
    /// The second try (see `NotFoundPolicy.retriesWithQuote`): its text, score and decline
    /// reason; when it was kept, the first try's text and reason.
    public var retryDraft: String? = nil
    public var retryAnswersQuestion: Double? = nil
    /// The second try's `evidenceCoverage`.
    public var retryEvidenceCoverage: Double? = nil
    public var retryDeclineReason: String? = nil
    public var firstDraft: String? = nil
    public var firstDeclineReason: String? = nil
}

/// An answer to one question, with the sources it was given and the ones it cites.
public struct Answer: Sendable, Equatable {
    public var question: String
    /// The answer, with citations like `[1]`; empty when `notFound`.
    public var text: String
    /// True when the documents do not answer the question: a normal outcome, not an error.
    public var notFound: Bool
    public var citations: [Citation]
    /// The sentences, quoted verbatim from the cited sources, that support the answer.
    public var evidence: [EvidenceSentence]
    public var sources: [Source]
    /// What the model wrote when docqa declined its answer (empty otherwise).
    public var draft: String = ""
    public var check: AnswerCheck
    public var stopReason: StopReason?
    public var timings: AnswerTimings
}
