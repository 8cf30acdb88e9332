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
            help: ArgumentHelp("Installed embedding model name (see `docqa models`) or GGUF path. Env: DOCQA_EMBEDDING_MODEL. Default: the installed default.",
                               valueName: "name|path"))
    var embeddingModel: String?

    var embeddingModelPath: String {
        get throws {
            try ModelCatalog().resolve(embeddingModel ?? ProcessInfo.processInfo.environment["DOCQA_EMBEDDING_MODEL"],
                                       role: .embedding)
        }
    }

    /// Loads the embedding model, refusing a chat model named here by mistake.
    func makeEmbedder() throws -> Embedder {
        try Embedder(modelPath: try embeddingModelPath, acceptsChatModels: false)
    }
}

/// Selects and sizes the chat model.
struct AnsweringOptions: ParsableArguments {
    @Option(name: .customLong("model"),
            help: ArgumentHelp("Installed chat model name (see `docqa models`) or GGUF path. Env: DOCQA_MODEL. Default: the installed default.",
                               valueName: "name|path"))
    var model: String?

    @Option(name: .customLong("context"), help: "Chat model context length in tokens.")
    var contextLength: Int = 4096

    @Option(name: .customLong("max-tokens"), help: "Longest answer in tokens.")
    var maxTokens: Int = 128

    // For measurement (Benchmarks/answers): tokens of evidence sentences given to the model.
    @Option(name: .customLong("evidence-budget"), help: ArgumentHelp(visibility: .hidden))
    var evidenceBudget: Int?

    func validate() throws {
        if let evidenceBudget, !(50...3000).contains(evidenceBudget) {
            throw ValidationError("--evidence-budget must be between 50 and 3000 tokens.")
        }
        guard contextLength >= 512 else { throw ValidationError("--context must be at least 512 tokens.") }
        guard (16...4096).contains(maxTokens) else { throw ValidationError("--max-tokens must be between 16 and 4096.") }
    }

    var chatModelPath: String {
        get throws { try Self.chatModelPath(named: model) }
    }

    /// The chat model `name` (an installed name or a path) names, else DOCQA_MODEL's, else
    /// the installed default.
    static func chatModelPath(named name: String?) throws -> String {
        try ModelCatalog().resolve(name ?? ProcessInfo.processInfo.environment["DOCQA_MODEL"], role: .chat)
    }

    func makeAnswerer(embedder: Embedder, parallel: Int = 1) throws -> Answerer {
        let answerer = try Answerer(modelPath: try chatModelPath, contextLength: contextLength,
                                    maxAnswerTokens: maxTokens, embedder: embedder, parallel: parallel)
        if let evidenceBudget { answerer.evidenceSelector.tokenBudget = evidenceBudget }
        answerer.model.prefixStates = PrefixStateStore.inCacheFolder()
        return answerer
    }
}

func expand(_ path: String) -> String {
    URL(fileURLWithPath: (path as NSString).expandingTildeInPath).standardizedFileURL.path
}

/// Shared by commands that retrieve passages.
struct RetrievalOptions: ParsableArguments {
    @Option(name: .customLong("top-k"), help: "How many passages to retrieve.")
    var topK: Int = 5

    @Option(help: ArgumentHelp("How to rank passages: weighted (both searches, the default), rrf (reciprocal rank fusion), vector (meaning only), keyword (BM25 only).",
                               valueName: "ranking"))
    var ranking: Ranking = .weighted

    @OptionGroup var filter: FilterOptions

    @Flag(inversion: .prefixedNo,
          help: "Also search by meaning for a sentence a model writes as a document would answer the question, unless both searches already rank the same passage near the top (the installed search model, else a chat model of 1B parameters or more; about a second). --no-expand searches the question alone.")
    var expand = true

    // For measurement (Benchmarks/answers): neighbouring chunks read with each passage
    // when choosing evidence sentences.
    @Option(name: .customLong("window"), help: ArgumentHelp(visibility: .hidden))
    var windowNeighbours: Int = 1

    // For measurement: the score factor of chunks from documents the question names.
    @Option(name: .customLong("named-factor"), help: ArgumentHelp(visibility: .hidden))
    var namedDocumentFactor: Double = 2.0

    // For measurement: how high both searches must rank the question's first passage for
    // the search sentence to be skipped (0 always writes it).
    @Option(name: .customLong("expansion-agreement"), help: ArgumentHelp(visibility: .hidden))
    var expansionAgreement: Int = 2

    func validate() throws {
        guard (1...100).contains(topK) else {
            throw ValidationError("--top-k must be between 1 and 100.")
        }
        guard (0...5).contains(windowNeighbours) else {
            throw ValidationError("--window must be between 0 and 5.")
        }
        guard expansionAgreement >= 0 else {
            throw ValidationError("--expansion-agreement must be 0 or more.")
        }
    }

    /// The writer of the sentence searched with each question, when `--expand` is on: the
    /// installed search model (`docqa models`, role search), else the chat model when it is
    /// large enough to write a useful one. `loaded` is the chat model already loaded (also
    /// reused when it is the search model's file); `chatModel()` loads one when none is.
    /// - Throws: `.modelNotFound` and `.modelLoadFailed` for a listed search model that is
    ///   missing or damaged; `chatModel()`'s errors.
    func makeExpander(loaded: LlamaModel? = nil,
                      chatModel: () throws -> LlamaModel? = { nil }) throws -> HypotheticalAnswerWriter? {
        guard expand else { return nil }
        if let search = ModelCatalog().defaultModel(for: .search) {
            let model = try loaded.flatMap { $0.path == search.path ? $0 : nil } ?? LlamaModel(path: search.path)
            model.prefixStates = PrefixStateStore.inCacheFolder()
            return try HypotheticalAnswerWriter.make(searchModel: model)
        }
        guard let model = try loaded ?? chatModel() else { return nil }
        model.prefixStates = PrefixStateStore.inCacheFolder()
        return try HypotheticalAnswerWriter.make(model: model)
    }

    /// `makeExpander(loaded:)` deferred until a question needs the sentence (its two
    /// searches disagree, `Retriever.expansionAgreement`), or `nil` with `--no-expand`. A
    /// listed search model whose file is missing is reported now, as loading it would, not
    /// only for the questions that need it.
    /// - Throws: `.modelNotFound` for that missing file.
    func lazyExpander(loaded: LlamaModel) throws -> LazyQueryExpander? {
        guard expand else { return nil }
        if let search = ModelCatalog().defaultModel(for: .search), !FileManager.default.fileExists(atPath: search.path) {
            _ = try LlamaModel(path: search.path)
        }
        return LazyQueryExpander { try makeExpander(loaded: loaded) }
    }

    func makeRetriever(store: IndexStore, embedder: Embedder, expander: (any QueryExpanding)? = nil) -> Retriever {
        var retriever = Retriever(store: store, embedder: embedder)
        retriever.expander = expander
        retriever.ranking = ranking
        retriever.filter = filter.documentFilter
        retriever.windowNeighbours = windowNeighbours
        retriever.namedDocumentFactor = namedDocumentFactor
        retriever.expansionAgreement = expansionAgreement
        return retriever
    }
}

extension Ranking: ExpressibleByArgument {}

/// Limits a command to some of the indexed documents.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("path"),
            help: ArgumentHelp("Only documents whose path matches this pattern (*, ?, [...]; repeat for several). A pattern without a leading / may match the end of the path: '*.pdf', 'contracts/*'.",
                               valueName: "glob"))
    var paths: [String] = []

    @Option(name: .customLong("type"),
            help: ArgumentHelp("Only documents of this type: pdf, text, html, docx or email (repeatable).", valueName: "type"))
    var types: [ExtractedDocument.Format] = []

    /// `nil` when no filter was asked for.
    var documentFilter: DocumentFilter? {
        paths.isEmpty && types.isEmpty ? nil : DocumentFilter(paths: paths, formats: Set(types))
    }
}

extension ExtractedDocument.Format: ExpressibleByArgument {}

/// Takes the write lock of the index at `indexPath` for `command` (held until the lock is
/// released), saying on stderr when it waits for another writer.
func writeLock(_ indexPath: String, wait: Bool, command: String) throws -> IndexWriteLock {
    try IndexWriteLock(indexPath: indexPath, wait: wait, command: command) { holder in
        printError("docqa: waiting for \(holder) to finish writing to this index")
    }
}

/// Opens an existing index for reading, with a sentence that says how to make one.
func openExistingIndex(_ options: IndexOptions) throws -> IndexStore {
    try IndexStore(path: try options.indexPath(), create: false)
}
