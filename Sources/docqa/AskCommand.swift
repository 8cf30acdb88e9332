import ArgumentParser
import DocQA
import Foundation

struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Answer a question from the indexed documents, citing file and page.",
        discussion: """
            Retrieves the best passages, gives them to the chat model as numbered sources, \
            streams the answer, then lists the sources it cites. When the documents do not \
            answer the question, it says so.

            Example: docqa ask "What is the liability cap?" --index acme
            """
    )

    @Argument(help: "The question.")
    var question: String

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var embedding: EmbeddingOptions
    @OptionGroup var retrieval: RetrievalOptions

    @Option(name: .customLong("model"),
            help: ArgumentHelp("GGUF chat model. Env: DOCQA_MODEL. Default: SmolLM2-135M-Instruct from the data directory.",
                               valueName: "path"))
    var model: String?

    @Option(name: .customLong("context"), help: "Chat model context length in tokens.")
    var contextLength: Int = 4096

    @Option(name: .customLong("max-tokens"), help: "Longest answer in tokens.")
    var maxTokens: Int = 256

    @Flag(help: "Print one JSON object (answer, notFound, citations, sources, timings) instead of streaming text.")
    var json = false

    func validate() throws {
        guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("The question is empty; ask something about the indexed documents.")
        }
        guard contextLength >= 512 else { throw ValidationError("--context must be at least 512 tokens.") }
        guard (16...4096).contains(maxTokens) else { throw ValidationError("--max-tokens must be between 16 and 4096.") }
    }

    func run() throws {
        try reportingErrors {
            let clock = ContinuousClock()
            let start = clock.now
            let store = try openExistingIndex(indexOptions)
            let embedder = try Embedder(modelPath: embedding.embeddingModelPath)
            let chatModelPath = expand(model ?? ProcessInfo.processInfo.environment["DOCQA_MODEL"]
                                       ?? Locations().defaultChatModel)
            let answerer = try Answerer(modelPath: chatModelPath, contextLength: contextLength, maxAnswerTokens: maxTokens)

            let retrievalStart = clock.now
            let retrieved = try Retriever(store: store, embedder: embedder).retrieve(question, limit: retrieval.topK)
            let retrievalSeconds = seconds(retrievalStart.duration(to: clock.now))

            var answer = try answerer.answer(question, from: retrieved) { piece in
                if !json { printStreamed(piece) }
            }
            answer.timings.retrievalSeconds = retrievalSeconds
            let total = seconds(start.duration(to: clock.now))
            if json {
                print(JSONOutput.render(JSONOutput.ask(answer, totalSeconds: total)))
                return
            }
            printStreamed("\n")
            if answer.notFound {
                print("\nThe indexed documents do not appear to answer this question.")
                return
            }
            print("\nSources:")
            for citation in answer.citations {
                var notes: [String] = []
                if citation.kind == .matched { notes.append("not cited by the model; the closest matching source") }
                if !citation.supported { notes.append("its wording does not match the answer") }
                let note = notes.isEmpty ? "" : "  (" + notes.joined(separator: "; ") + ")"
                print("  [\(citation.source)] \(location(citation.path, citation.pageStart, citation.pageEnd))\(note)")
            }
            if answer.citations.isEmpty {
                print("  (the answer matches none of the sources)")
            }
            if !answer.citations.contains(where: \.supported) {
                print("\nCaution: docqa could not match this answer to the text of its sources. Read the passages (docqa search) before relying on it.")
            }
        }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
