import DocQA
import DocQATestSupport
import Foundation
import Testing

/// Indexing a folder of generated files with the real embedding model, for the end-to-end
/// tests of each format.
enum FormatEndToEnd {
    /// Indexes `folder` into a fresh index there and returns the best search result for
    /// `query`, recording an issue when any file failed.
    static func topResult(indexing folder: TestFolder, query: String) throws -> ChunkHit? {
        let store = try IndexStore(path: folder.file("index.sqlite"), create: true)
        let indexer = try Indexer(store: store, embedder: Embedder(modelPath: TestModels.embeddingModelPath))
        let report = try indexer.index(paths: [folder.path])
        #expect(report.failures.isEmpty, "failures: \(report.failures)")
        let retriever = Retriever(store: store, embedder: try Embedder(modelPath: TestModels.embeddingModelPath))
        return try retriever.retrieve(query, limit: 3).first?.chunk
    }
}

/// Counts white-space separated words, a stand-in tokenizer for chunking extracted text.
struct SpaceTokenCounter: TokenCounter {
    func countTokens(in text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }
}
