import Foundation

/// A passage found for a query, with how each search ranked it.
public struct RetrievedChunk: Sendable, Equatable {
    public var chunk: ChunkHit
    /// Reciprocal-rank-fusion score: higher is better; comparable only within one query.
    public var score: Double
    /// Cosine similarity to the query, when vector search found the chunk.
    public var similarity: Double?
    /// 1-based ranks in each search, when that search found the chunk.
    public var vectorRank: Int?
    public var keywordRank: Int?
}

/// What retrieval found for a question, with what answering reuses from it.
public struct Retrieval: Sendable {
    public var chunks: [RetrievedChunk]
    /// The question's embedding (unit length).
    public var queryVector: [Float]
    /// The question's key terms (stemmed) weighted by rarity in the index: inverse chunk
    /// frequency, highest for words no chunk contains.
    public var termWeights: [String: Double]
}

/// Finds the passages most relevant to a query by fusing vector and keyword search.
///
/// Vector search finds paraphrases ("the agreement was executed" for "signed"); BM25
/// finds exact terms the embedding model blurs (names, clause numbers, amounts).
/// Reciprocal rank fusion combines the two rankings without calibrating their scores.
public struct Retriever {
    public let store: IndexStore
    public let embedder: Embedder
    /// How many candidates each search contributes before fusion, per result wanted.
    public var candidatesPerResult = 4
    /// The RRF constant; 60 is the value from the original paper and works well untuned.
    public var fusionConstant = 60.0

    public init(store: IndexStore, embedder: Embedder) {
        self.store = store
        self.embedder = embedder
    }

    /// The best `limit` chunks for `query`, best first.
    ///
    /// - Throws: `.embeddingModelMismatch` when the index was built with another model,
    ///   database and model errors. An empty index gives no results, not an error.
    public func retrieve(_ query: String, limit: Int) throws -> [RetrievedChunk] {
        guard limit > 0 else { return [] }
        return try fuse(query, vector: try queryVector(query), limit: limit)
    }

    /// The best `limit` chunks for `question`, its embedding and its key terms' weights.
    ///
    /// - Throws: as `retrieve`.
    public func retrieval(for question: String, limit: Int) throws -> Retrieval {
        let vector = try queryVector(question)
        let chunks = limit > 0 ? try fuse(question, vector: vector, limit: limit) : []
        return Retrieval(chunks: chunks, queryVector: vector, termWeights: try termWeights(for: question))
    }

    /// The query's embedding, after checking that the index was built with this model.
    private func queryVector(_ query: String) throws -> [Float] {
        if let indexed = try store.embeddingModel(), indexed != embedder.info {
            try store.bindEmbeddingModel(embedder.info)  // throws the mismatch error with both names
        }
        return try embedder.embedQuery(query)
    }

    /// Inverse chunk frequency of each key term of `question`: ln((N + 1) / (n + 0.5)).
    public func termWeights(for question: String) throws -> [String: Double] {
        let total = Double(try store.counts().chunks)
        var weights: [String: Double] = [:]
        for (word, term) in Terms.keyWords(question, droppingQuestionWords: true) {
            let frequency = Double(try store.chunkFrequency(of: word))
            weights[term] = max(weights[term] ?? 0, log((total + 1) / (frequency + 0.5)))
        }
        return weights
    }

    private func fuse(_ query: String, vector: [Float], limit: Int) throws -> [RetrievedChunk] {
        let candidates = max(limit * candidatesPerResult, 20)
        let semantic = try store.nearestChunks(to: vector, limit: candidates)
        let keyword = try store.keywordSearch(query, limit: candidates)

        var fused: [Int64: RetrievedChunk] = [:]
        for (rank, hit) in semantic.enumerated() {
            fused[hit.chunkId] = RetrievedChunk(chunk: hit, score: 1 / (fusionConstant + Double(rank + 1)),
                                                similarity: hit.score, vectorRank: rank + 1, keywordRank: nil)
        }
        for (rank, hit) in keyword.enumerated() {
            let contribution = 1 / (fusionConstant + Double(rank + 1))
            if var existing = fused[hit.chunkId] {
                existing.score += contribution
                existing.keywordRank = rank + 1
                fused[hit.chunkId] = existing
            } else {
                fused[hit.chunkId] = RetrievedChunk(chunk: hit, score: contribution, similarity: nil,
                                                    vectorRank: nil, keywordRank: rank + 1)
            }
        }
        let ranked = fused.values.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.chunk.chunkId < $1.chunk.chunkId
        }
        return Array(ranked.prefix(limit))
    }
}
