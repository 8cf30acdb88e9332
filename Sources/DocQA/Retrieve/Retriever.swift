import Foundation

/// A passage found for a query, with how each search ranked it.
public struct RetrievedChunk: Sendable, Equatable {
    public var chunk: ChunkHit
    /// The ranking's score: higher is better; comparable only within one query.
    public var score: Double
    /// Cosine similarity to the query, when vector search found the chunk.
    public var similarity: Double?
    /// 1-based ranks in each search, when that search found the chunk.
    public var vectorRank: Int?
    public var keywordRank: Int?
    /// The chunk with its neighbours, when retrieval fetched them for answering.
    public var window: PassageWindow? = nil
}

/// What retrieval found for a question, with what answering reuses from it.
public struct Retrieval: Sendable {
    public var chunks: [RetrievedChunk]
    /// The question's own embedding (unit length), without any expansion.
    public var queryVector: [Float]
    /// The question's key terms (stemmed) weighted by rarity in the index: inverse chunk
    /// frequency, highest for words no chunk contains.
    public var termWeights: [String: Double]
    /// The documents the question names, among those searched.
    public var namedDocuments: NamedDocuments? = nil
    /// What was searched by meaning along with the question (`QueryExpanding`), if anything.
    public var expansion: String? = nil
}

/// How retrieval orders passages.
public enum Ranking: String, CaseIterable, Sendable {
    /// Both searches' scores, each scaled to 0…1 over its candidates, added with weights.
    case weighted
    /// Reciprocal rank fusion of both searches: 1 / (60 + rank), summed.
    case rrf
    /// Embedding (cosine) search alone.
    case vector
    /// Keyword (BM25) search alone.
    case keyword
}

/// Finds the passages most relevant to a query by fusing vector and keyword search.
///
/// Vector search finds paraphrases ("the agreement was executed" for "signed"); BM25
/// finds exact terms the embedding model blurs (names, clause numbers, amounts).
public struct Retriever {
    public let store: IndexStore
    public let embedder: Embedder
    /// How the two searches are combined; chosen by measurement (BENCHMARKS.md).
    public var ranking: Ranking = .weighted
    /// Restricts retrieval to some documents; `nil` searches them all.
    public var filter: DocumentFilter?
    /// Restricts retrieval to these documents (row ids), on top of `filter`; `nil` for no
    /// restriction.
    public var documentIDs: Set<Int64>?
    /// How many candidates each search contributes before fusion, per result wanted.
    public var candidatesPerResult = 4
    /// The RRF constant; 60 is the value from the original paper and works well untuned.
    public var fusionConstant = 60.0
    /// The vector search's share of a `.weighted` score; the keyword search has the rest.
    public var vectorWeight = 0.5
    /// Scales the score of a chunk from a table-of-contents page, or one made of contents
    /// entries (`ContentsEntries`): such pages name every topic and answer none.
    public var navigationFactor = 0.5
    /// Whether a chunk next to a better-ranked chunk of the same document (they share
    /// overlap text) waits until passages from elsewhere have had their place.
    public var spreadsNeighbours = true
    /// Chunks on each side of a result that `retrieval(for:limit:)` reads with it, so that
    /// evidence sentences cut by a chunk boundary are read whole.
    public var windowNeighbours = 1
    /// Scales the score of a chunk from a document the query names ("under the Apache
    /// License"); those documents are also searched on their own so that their best
    /// chunks are candidates. 1 turns it off.
    public var namedDocumentFactor = 2.0
    /// Writes a sentence for each query that is searched by meaning along with it (the
    /// query's vector and the sentence's are averaged); `nil` searches the query alone.
    public var expander: (any QueryExpanding)?
    /// With an `expander` and a fused ranking: the query is first ranked alone, and when
    /// its first passage is among the first `expansionAgreement` of both the vector and
    /// the keyword search (or nothing is found), that ranking stands and no sentence is
    /// written. The two searches agreeing is where the sentence changed least; it costs
    /// about a second of an `ask` (BENCHMARKS.md, "The search sentence only where the
    /// searches disagree"). 0 always writes it. `.keyword` never does: the sentence only
    /// steers the vector search.
    public var expansionAgreement = 2

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
        let allowed = try allowedDocuments()
        let named = namedDocumentFactor == 1 ? nil : try namedDocuments(in: query, among: allowed)
        return try ranked(query, limit: limit, allowed: allowed, named: named).chunks
    }

    /// The best `limit` chunks for `question`, its embedding and its key terms' weights.
    ///
    /// - Throws: as `retrieve`.
    public func retrieval(for question: String, limit: Int) throws -> Retrieval {
        let allowed = try allowedDocuments()
        let named = try namedDocuments(in: question, among: allowed)
        let found = try ranked(question, limit: limit, allowed: allowed, named: named)
        var chunks = found.chunks
        if windowNeighbours > 0 {
            let windows = try store.windows(around: chunks.map(\.chunk), neighbours: windowNeighbours)
            for (index, window) in zip(chunks.indices, windows) { chunks[index].window = window }
        }
        // Evidence is scored against the question's own words: the expansion's facts are the
        // model's guesses, and sentences that echo them are no better evidence.
        return Retrieval(chunks: chunks, queryVector: found.own, termWeights: try termWeights(for: question),
                         namedDocuments: named, expansion: found.expansion)
    }

    /// The documents among those searched (`allowed`; `nil` for all) that `question`
    /// names (see `NamedDocuments`).
    private func namedDocuments(in question: String, among allowed: Set<Int64>?) throws -> NamedDocuments? {
        guard !NamedDocuments.nameWords(inQuestion: question).isEmpty else { return nil }
        var documents = try store.documents()
        if let allowed { documents.removeAll { !allowed.contains($0.id) } }
        return try NamedDocuments.find(in: question, documents: documents,
                                       textChunkCounts: { try store.textChunkCounts(containing: $0) },
                                       phraseChunkCounts: { try store.textChunkCounts(containingPhrase: $0) })
    }

    /// The ids of the documents `filter` and `documentIDs` let through; `nil` for all.
    private func allowedDocuments() throws -> Set<Int64>? {
        var allowed = try filter.map { try store.documentIDs(matching: $0) }
        if let documentIDs { allowed = allowed.map { $0.intersection(documentIDs) } ?? documentIDs }
        return allowed
    }

    /// The best `limit` chunks for `query` (none for a `limit` of 0), the sentence searched
    /// with it if any (see `expansionAgreement`), and the query's own embedding, after
    /// checking that the index was built with this model.
    private func ranked(_ query: String, limit: Int, allowed: Set<Int64>?,
                        named: NamedDocuments?) throws -> (chunks: [RetrievedChunk], expansion: String?, own: [Float]) {
        if let indexed = try store.embeddingModel(), indexed != embedder.info {
            try store.bindEmbeddingModel(embedder.info)  // throws the mismatch error with both names
        }
        let own = try embedder.embedQuery(query)
        guard limit > 0 else { return ([], nil, own) }
        func order(by vector: [Float]) throws -> [RetrievedChunk] {
            try rank(query, vector: vector, limit: limit, allowed: allowed, named: named)
        }
        // The sentence only steers the vector search: a keyword ranking never needs it.
        guard let expander, ranking != .keyword else { return (try order(by: own), nil, own) }
        var alone: [RetrievedChunk]?
        if expansionAgreement > 0, ranking != .vector {
            let chunks = try order(by: own)
            if searchesAgree(on: chunks.first) { return (chunks, nil, own) }
            alone = chunks
        }
        guard let expansion = try expander.expansion(of: query) else { return (try alone ?? order(by: own), nil, own) }
        return (try order(by: Self.mean(own, try embedder.embedQuery(expansion))), expansion, own)
    }

    /// Whether both searches rank `top`, the fused first passage, among their first
    /// `expansionAgreement`; true when nothing was found (a sentence cannot help then).
    private func searchesAgree(on top: RetrievedChunk?) -> Bool {
        guard let top else { return true }
        guard let vectorRank = top.vectorRank, let keywordRank = top.keywordRank else { return false }
        return max(vectorRank, keywordRank) <= expansionAgreement
    }

    /// The unit-length mean direction of two unit vectors.
    static func mean(_ a: [Float], _ b: [Float]) -> [Float] {
        let sum = zip(a, b).map { $0 + $1 }
        let length = sum.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return length > 0 ? sum.map { $0 / length } : a
    }

    /// Inverse chunk frequency of each key term of `question`: ln((N + 1) / (n + 0.5)).
    public func termWeights(for question: String) throws -> [String: Double] {
        let total = Double(try store.counts().chunks)
        var weights: [String: Double] = [:]
        for (word, term) in Terms.keyWords(question, droppingQuestionWords: true) {
            let frequency = Double(try store.chunkFrequency(of: Terms.americanSpelling(word)))
            weights[term] = max(weights[term] ?? 0, log((total + 1) / (frequency + 0.5)))
        }
        return weights
    }

    private func rank(_ query: String, vector: [Float], limit: Int, allowed: Set<Int64>?,
                      named: NamedDocuments?) throws -> [RetrievedChunk] {
        // Extra candidates leave room for neighbours that are moved down.
        let candidates = max(limit * candidatesPerResult, 20)
        if let allowed, allowed.isEmpty { return [] }
        var semantic = ranking == .keyword ? [] : try store.nearestChunks(to: vector, limit: candidates, in: allowed)
        let keywordQuery = Self.withDictionaryForms(Self.withAmericanSpellings(query))
        var keyword = ranking == .vector ? [] : try store.keywordSearch(keywordQuery, limit: candidates, in: allowed)
        // The named documents' best chunks join the candidates. Both searches' scores are
        // the same measure whatever the restriction (cosine; BM25 with the whole index's
        // statistics), so the lists merge by score.
        let namedIDs = namedDocumentFactor == 1 ? [] : named?.documentIDs ?? []
        if !namedIDs.isEmpty, ranking != .keyword {
            semantic = Self.merged(semantic, try store.nearestChunks(to: vector, limit: candidates, in: namedIDs))
        }
        if !namedIDs.isEmpty, ranking != .vector {
            keyword = Self.merged(keyword, try store.keywordSearch(keywordQuery, limit: candidates, in: namedIDs))
        }

        var merged: [Int64: RetrievedChunk] = [:]
        for (rank, hit) in semantic.enumerated() {
            merged[hit.chunkId] = RetrievedChunk(chunk: hit, score: 0, similarity: hit.score,
                                                 vectorRank: rank + 1, keywordRank: nil)
        }
        for (rank, hit) in keyword.enumerated() {
            merged[hit.chunkId, default: RetrievedChunk(chunk: hit, score: 0, similarity: nil,
                                                        vectorRank: nil, keywordRank: nil)].keywordRank = rank + 1
        }
        let vectorScale = Self.scale(semantic.map(\.score))
        let keywordScale = Self.scale(keyword.map(\.score))
        for (id, var result) in merged {
            switch ranking {
            case .vector:
                result.score = result.similarity ?? 0
            case .keyword:
                result.score = result.keywordRank.map { keyword[$0 - 1].score } ?? 0
            case .rrf:
                result.score = [result.vectorRank, result.keywordRank].compactMap { $0 }
                    .reduce(0) { $0 + 1 / (fusionConstant + Double($1)) }
            case .weighted:
                let v = result.vectorRank.map { vectorScale(semantic[$0 - 1].score) } ?? 0
                let k = result.keywordRank.map { keywordScale(keyword[$0 - 1].score) } ?? 0
                result.score = vectorWeight * v + (1 - vectorWeight) * k
            }
            if result.chunk.isNavigation || ContentsEntries.isContents(result.chunk.text) { result.score *= navigationFactor }
            if namedIDs.contains(result.chunk.documentId) { result.score *= namedDocumentFactor }
            merged[id] = result
        }
        let ranked = merged.values.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.chunk.chunkId < $1.chunk.chunkId
        }
        return spreadsNeighbours ? Self.spread(ranked, limit: limit) : Array(ranked.prefix(limit))
    }

    /// `query` followed by the American spelling of each of its words that has one
    /// ("licence" adds "license"), so that the keyword search finds both.
    static func withAmericanSpellings(_ query: String) -> String {
        let variants = Terms.words(query).map(Terms.americanSpelling).filter { !query.lowercased().contains($0) }
        return variants.isEmpty ? query : query + " " + variants.joined(separator: " ")
    }

    /// `query` followed by the dictionary form of each irregular form among its words
    /// (`WordForms`: "hidden" adds "hide"), which the keyword index's stemmer does not join.
    static func withDictionaryForms(_ query: String) -> String {
        let words = IndexStore.queryWords(in: query).map { $0.lowercased() }
        var seen = Set(words)
        let bases = words.compactMap(WordForms.base(of:)).filter { seen.insert($0).inserted }
        return bases.isEmpty ? query : query + " " + bases.joined(separator: " ")
    }

    /// Two searches' hits as one list, best score first, each chunk once.
    private static func merged(_ first: [ChunkHit], _ second: [ChunkHit]) -> [ChunkHit] {
        var seen = Set<Int64>()
        return (first + second).sorted { $0.score != $1.score ? $0.score > $1.score : $0.chunkId < $1.chunkId }
            .filter { seen.insert($0.chunkId).inserted }
    }

    /// Maps scores onto 0…1 by the range of `scores` (all 1 when they are equal).
    private static func scale(_ scores: [Double]) -> (Double) -> Double {
        guard let low = scores.min(), let high = scores.max(), high > low else { return { _ in 1 } }
        return { ($0 - low) / (high - low) }
    }

    /// The first `limit` of `ranked`, except that a chunk adjacent to a better one of the
    /// same document (ordinal ± 1) that keeps its place goes after every chunk that is not.
    /// Only kept chunks push their neighbours down: in a run of good chunks the third is
    /// not adjacent to the first, and its text is in neither the first's window nor its own
    /// neighbour's place.
    static func spread(_ ranked: [RetrievedChunk], limit: Int) -> [RetrievedChunk] {
        var kept: [RetrievedChunk] = []
        var deferred: [RetrievedChunk] = []
        var taken = Set<[Int64]>()
        for result in ranked {
            let hit = result.chunk
            let ordinal = Int64(hit.ordinal)
            if taken.contains([hit.documentId, ordinal - 1]) || taken.contains([hit.documentId, ordinal + 1]) {
                deferred.append(result)
            } else {
                kept.append(result)
                taken.insert([hit.documentId, ordinal])
            }
            if kept.count == limit { break }
        }
        return Array((kept + deferred).prefix(limit))
    }
}
