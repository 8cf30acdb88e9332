import ArgumentParser
import DocQA
import Foundation

/// Selects the index file.
struct IndexOptions: ParsableArguments {
    @Option(name: .customLong("index"),
            help: ArgumentHelp("Index name (kept in the data directory) or path to an index file. Env: DOCQA_INDEX.",
                               valueName: "name|path"))
    var index: String?

    func indexPath() throws -> String {
        let value = index ?? ProcessInfo.processInfo.environment["DOCQA_INDEX"] ?? Locations.defaultIndexName
        return try Locations().indexPath(for: value)
    }
}

/// Selects the embedding model.
struct EmbeddingOptions: ParsableArguments {
    @Option(name: .customLong("embedding-model"),
            help: ArgumentHelp("GGUF embedding model. Env: DOCQA_EMBEDDING_MODEL. Default: all-MiniLM-L6-v2 from the data directory.",
                               valueName: "path"))
    var embeddingModel: String?

    var embeddingModelPath: String {
        expand(embeddingModel ?? ProcessInfo.processInfo.environment["DOCQA_EMBEDDING_MODEL"]
               ?? Locations().defaultEmbeddingModel)
    }
}

func expand(_ path: String) -> String {
    URL(fileURLWithPath: (path as NSString).expandingTildeInPath).standardizedFileURL.path
}

/// Shared by commands that retrieve passages.
struct RetrievalOptions: ParsableArguments {
    @Option(name: .customLong("top-k"), help: "How many passages to retrieve.")
    var topK: Int = 5

    func validate() throws {
        guard (1...100).contains(topK) else {
            throw ValidationError("--top-k must be between 1 and 100.")
        }
    }
}

/// Opens an existing index for reading, with a sentence that says how to make one.
func openExistingIndex(_ options: IndexOptions) throws -> IndexStore {
    try IndexStore(path: try options.indexPath(), create: false)
}
