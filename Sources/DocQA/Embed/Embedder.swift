import Foundation

extension LlamaModel: TokenCounter {
    public func countTokens(in text: String) throws -> Int {
        try tokenize(text, addSpecial: false).count
    }
}

/// Turns text into vectors with a GGUF embedding model.
///
/// Not `Sendable`: it owns a llama.cpp context, and one owner uses it at a time.
public final class Embedder {
    public let model: LlamaModel
    let context: EmbeddingContext
    /// Tokens embedded so far, special tokens included (for throughput reports).
    public private(set) var tokensEmbedded = 0

    /// Loads the embedding model at `modelPath`.
    ///
    /// A chat model embeds too (its token states averaged), but far slower and worse than
    /// an embedding model; with `acceptsChatModels` false, a model that has a chat
    /// template and no pooling rule of its own is refused, as a user who names one as the
    /// embedding model has most likely mixed up the two options.
    /// - Throws: `.modelNotFound`, `.modelLoadFailed`, `.notAnEmbeddingModel`, `.contextFailed`.
    public init(modelPath: String, threads: Int? = nil, acceptsChatModels: Bool = true) throws {
        model = try LlamaModel(path: modelPath)
        if !acceptsChatModels, model.chatTemplate != nil,
           model.metadata("\(model.architecture).pooling_type") == nil {
            throw DocQAError(.notAnEmbeddingModel,
                "this is a chat model, not an embedding model; give it with --model, and name an embedding "
                + "model (see `docqa models`, e.g. minilm-l6-v2) with --embedding-model.", path: modelPath)
        }
        context = try EmbeddingContext(model: model, threads: threads)
    }

    /// What the index records about this model, to refuse mixing vectors from different ones.
    public var info: EmbeddingModelInfo {
        EmbeddingModelInfo(name: model.name, fingerprint: model.fingerprint, dimension: context.dimension)
    }

    /// A chunker whose chunks fit this model with room for its special tokens.
    public var chunker: Chunker {
        let limit = max(16, context.maxTokensPerSequence - 8)
        // 128 tokens measured better than 200 and 96 on the evaluation sets (BENCHMARKS.md):
        // a smaller chunk is a sharper vector and points at one page more often.
        let size = min(128, limit)
        return Chunker(maxTokens: size, overlapTokens: size / 5, minTokensBeforePageBreak: size / 4)
    }

    /// Embeds texts, returning one unit-length vector each, in order.
    ///
    /// A text longer than the model reads at once is embedded from its beginning only;
    /// chunks from `chunker` always fit.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        let sequences = try texts.map { text in
            var tokens = try model.tokenize(text, addSpecial: true)
            if tokens.count > context.maxTokensPerSequence {
                // Keep the closing special token (e.g. BERT's [SEP]) when cutting.
                let last = tokens.last!
                tokens = Array(tokens.prefix(context.maxTokensPerSequence - 1)) + [last]
            }
            return tokens
        }
        tokensEmbedded += sequences.reduce(0) { $0 + $1.count }
        return try context.embed(sequences)
    }

    /// Embeds one question.
    public func embedQuery(_ text: String) throws -> [Float] {
        try embed([text])[0]
    }
}
