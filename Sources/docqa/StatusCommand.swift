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
                print("  \(document.path) (\(pages)\(document.chunkCount) chunks)")
            }
        }
    }
}
