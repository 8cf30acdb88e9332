import ArgumentParser
import DocQA
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what an index holds and which embedding model built it.",
        discussion: "Example: docqa status --index acme"
    )

    @OptionGroup var indexOptions: IndexOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        try reportingErrors {
            let store = try openExistingIndex(indexOptions)
            let documents = try store.documents()
            let model = try store.embeddingModel()
            if json {
                print(JSONOutput.render(JSONOutput.status(store: store, documents: documents, model: model)))
                return
            }
            print("Index: \(store.path)")
            print("Embedding model: \(model.map { "\($0.name) (\($0.dimension) dimensions)" } ?? "none yet")")
            print("\(documents.count) documents, \(documents.reduce(0) { $0 + $1.chunkCount }) chunks")
            for document in documents {
                let pages = document.pageCount.map { "\($0) pages, " } ?? ""
                let stale = document.pipeline < Indexer.pipelineVersion ? "; indexed by an older docqa" : ""
                print("  \(terminalSafe(document.path)) (\(pages)\(document.chunkCount) chunks\(stale))")
            }
            let stale = documents.filter { $0.pipeline < Indexer.pipelineVersion }.count
            if stale > 0 {
                print("\(stale) documents were indexed by an older docqa; run `docqa index` on their folders "
                      + "to index them again with document titles and section headings.")
            }
        }
    }
}
