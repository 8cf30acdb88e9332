/// A numbered passage shown to the model, as the answer refers to it.
public struct Source: Sendable, Equatable {
    /// The number the prompt gave it: `[1]`, `[2]`, …
    public var number: Int
    public var chunk: ChunkHit
    /// The text the model actually saw (a passage cut to fit the context is shorter than the chunk).
    public var text: String
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
    public var promptTokens = 0
    public var promptSeconds = 0.0
    public var timeToFirstToken: Double?
    public var generatedTokens = 0
    /// Seconds spent generating the answer, after the prompt was read.
    public var generationSeconds = 0.0
}

/// An answer to one question, with the sources it was given and the ones it cites.
public struct Answer: Sendable, Equatable {
    public var question: String
    public var text: String
    /// True when the documents do not answer the question: a normal outcome, not an error.
    public var notFound: Bool
    public var citations: [Citation]
    public var sources: [Source]
    public var stopReason: StopReason?
    public var timings: AnswerTimings
}
