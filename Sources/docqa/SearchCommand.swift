import ArgumentParser
import DocQA
import Foundation

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Show the passages that best match a query, without generating an answer.",
        discussion: """
            Combines meaning (embedding) search with keyword (BM25) search.

            Example: docqa search "limitation of liability" --top-k 3 --json
            """
    )

    @Argument(help: "What to look for.")
    var query: String

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var embedding: EmbeddingOptions
    @OptionGroup var retrieval: RetrievalOptions

    @Flag(help: "Print JSON: {\"results\":[{\"rank\",\"path\",\"pageStart\",\"pageEnd\",\"section\",\"chunkId\",\"score\",\"ocr\",\"ocrConfidence\",\"hiddenText\",\"stale\",\"text\"}],\"expansion\"}.")
    var json = false

    /// The writer of the sentence searched with the query, as `ask` searches: the installed
    /// search model, else the chat model `ask` uses (from DOCQA_MODEL or the installed
    /// default); when neither loads, the query is searched alone and stderr says so.
    private func expander() throws -> HypotheticalAnswerWriter? {
        do {
            // The default's path is known whether or not it is installed: loading is what fails.
            return try retrieval.makeExpander(chatModel: { try LlamaModel(path: try AnsweringOptions.chatModelPath(named: nil)) })
        } catch let error as DocQAError {
            printError("search: searching the query alone, without a model to expand it (\(terminalSafe(error.description))). "
                       + "--no-expand does so without this note.")
            return nil
        }
    }

    func validate() throws {
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("The query is empty; say what to look for.")
        }
    }

    func run() throws {
        try reportingErrors {
            let store = try openExistingIndex(indexOptions)
            let embedder = try embedding.makeEmbedder()
            // The model is loaded only when the two searches disagree (Retriever.expansionAgreement).
            let writer = retrieval.expand ? LazyQueryExpander { try expander() } : nil
            var retriever = retrieval.makeRetriever(store: store, embedder: embedder, expander: writer)
            retriever.windowNeighbours = 0
            let found = try retriever.retrieval(for: query, limit: retrieval.topK)
            let results = found.chunks
            let expansion = found.expansion
            let stale = try store.stalePaths()
            if json {
                print(JSONOutput.render(JSONOutput.search(results, expansion: expansion, stale: stale)))
                return
            }
            if results.isEmpty {
                print("No passages found. Is the index empty? Add files with: docqa index PATH")
            } else if let expansion {
                print("Also searched, by meaning, for (written by a model as a guess, not evidence): \(terminalSafe(expansion))\n")
            }
            for (rank, result) in results.enumerated() {
                let hit = result.chunk
                let ocr = hit.ocrConfidence.map { ", read by OCR, confidence \($0)" } ?? ""
                let hidden = hit.hasHiddenText ? ", page has white or tiny text" : ""
                print("\(rank + 1). \(location(hit.path, hit.pageStart, hit.pageEnd))  (score \(String(format: "%.4f", result.score))\(ocr)\(hidden))"
                      + (stale.contains(hit.path) ? "  (\(FileState.staleNote))" : ""))
                // A file without pages (Word, HTML, email, text) is placed by its headings.
                if hit.pageStart == nil, !hit.section.isEmpty { print("   in: \(terminalSafe(hit.section))") }
                let snippet = hit.text.split(whereSeparator: \.isNewline).joined(separator: " ")
                print("   " + terminalSafe(String(snippet.prefix(300))) + (snippet.count > 300 ? "…" : ""))
            }
        }
    }
}
