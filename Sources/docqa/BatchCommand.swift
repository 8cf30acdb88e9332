import ArgumentParser
import DocQA
import Foundation

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Answer a file of questions, writing a table of cited answers you can review and resume.",
        discussion: """
            QUESTIONS is a text file (one question per line; # starts a comment), JSONL \
            ({"id", "question", optional "path" pattern limiting the documents searched}) or \
            CSV with a header naming id and question (and optionally path), by extension. \
            The whole file is checked before any work starts.

            Answers go to --out as JSONL, CSV (for spreadsheets) or a Markdown report, by \
            extension or --format. The JSONL holds everything (answer, citations, the \
            quoted evidence with file, page and offsets, timings) and, on its first line, \
            what produced it: docqa version, both models' SHA-256, the index's documents' \
            digest and the settings. With CSV or Markdown, the JSONL is kept beside it \
            (answers.csv → answers.jsonl). A source whose file changed and could not be \
            indexed again (stale: the answer rests on its earlier version) is marked: \
            "stale": true in the JSONL, "file.txt (stale)" and a note in the CSV, the note \
            docqa ask gives in the Markdown.

            Each answer is written and flushed as soon as it is made. Run the same command \
            again after an interruption and it skips the questions already answered; a \
            question that failed is recorded with its error and asked again next time. \
            Exit status 1 when any question failed.

            --each-document asks every question of every document separately (retrieval \
            limited to that document): one row per document and question; with --matrix, \
            the CSV has one row per document and one column per question.

            Example: docqa batch questions.txt --out answers.csv --index acme
            """
    )

    @Argument(help: "The questions file (.txt, .jsonl or .csv).")
    var questions: String

    @Option(name: .customLong("out"), help: ArgumentHelp("Where to write the answers (.jsonl, .csv or .md).", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("Output format: jsonl, csv or markdown. Default: from the --out extension.", valueName: "format"))
    var format: BatchReport.Format?

    @Flag(help: "Ask every question of every indexed document separately.")
    var eachDocument = false

    @Flag(help: "With --each-document and CSV: documents as rows, questions as columns.")
    var matrix = false

    @Option(help: ArgumentHelp("Answers generated at once, side by side in one model context.", valueName: "n"))
    var parallel: Int = 1

    @Flag(help: "Replace an answers file made by an earlier run instead of resuming it.")
    var restart = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var embedding: EmbeddingOptions
    @OptionGroup var retrieval: RetrievalOptions
    @OptionGroup var answering: AnsweringOptions

    func validate() throws {
        guard (1...16).contains(parallel) else {
            throw ValidationError("--parallel must be between 1 and 16.")
        }
        if matrix && !eachDocument {
            throw ValidationError("--matrix needs --each-document: its rows are documents.")
        }
        if matrix && outputFormat != .csv {
            throw ValidationError("--matrix makes a CSV table; give --out a .csv name or --format csv.")
        }
    }

    private var outputFormat: BatchReport.Format { format ?? BatchReport.Format(path: out) }

    /// The JSONL file the answers are journaled to: --out itself, or beside it.
    private var journalPath: String {
        let path = expand(out)
        guard outputFormat != .jsonl else { return path }
        return (path as NSString).deletingPathExtension + ".jsonl"
    }

    func run() throws {
        var failed = false
        try reportingErrors {
            let clock = ContinuousClock()
            let start = clock.now
            let questionsPath = expand(self.questions)
            let questions = try BatchQuestion.load(path: questionsPath)
            if expand(out) == questionsPath || journalPath == questionsPath {
                throw DocQAError(.invalidArgument, "--out would overwrite the questions file; choose another name for the answers.",
                                 path: questionsPath)
            }
            if outputFormat != .jsonl, expand(out) == journalPath {
                throw DocQAError(.invalidArgument, "the answers file would overwrite its own JSONL; give --out a .csv or .md name.",
                                 path: expand(out))
            }
            let store = try openExistingIndex(indexOptions)
            let embedder = try embedding.makeEmbedder()
            let answerer = try answering.makeAnswerer(embedder: embedder, parallel: parallel)
            let expander = try retrieval.makeExpander(loaded: answerer.model)
            let retriever = retrieval.makeRetriever(store: store, embedder: embedder, expander: expander)
            let runner = BatchRunner(store: store, retriever: retriever, answerer: answerer, topK: retrieval.topK)
            let documents = eachDocument ? try runner.documents() : nil
            if let documents, documents.isEmpty {
                throw DocQAError(.invalidArgument, "no indexed document matches the filters; nothing to ask.", path: store.path)
            }

            let run = BatchRun(
                docqaVersion: DocQACommand.configuration.version, created: Self.timestamp(),
                questionsFile: questionsPath,
                chatModel: try Self.modelRecord(try answering.chatModelPath),
                embeddingModel: try Self.modelRecord(try embedding.embeddingModelPath),
                searchModel: try expander.map { try Self.modelRecord($0.modelPath) },
                index: BatchRun.IndexInfo(path: store.path, documents: try store.counts().documents,
                                          digest: BatchRunner.digest(of: try store.documents())),
                settings: BatchRun.Settings(
                    topK: retrieval.topK, ranking: retrieval.ranking.rawValue, paths: retrieval.filter.paths,
                    types: retrieval.filter.types.map(\.rawValue).sorted(), eachDocument: eachDocument,
                    contextLength: answering.contextLength, maxAnswerTokens: answering.maxTokens,
                    evidenceTokens: answerer.evidenceSelector.tokenBudget, parallel: parallel,
                    expandsQuestions: expander != nil))
            if restart { try? FileManager.default.removeItem(atPath: journalPath) }
            let journal = try BatchJournal(path: journalPath, run: run)

            let isTerminal = isatty(STDERR_FILENO) == 1
            Interruption.install(announcing: "\nbatch: stopping after the current question (press Ctrl-C again to stop at once)\n")
            let summary = try runner.run(questions, documents: documents, journal: journal, shouldStop: {
                Interruption.signal != nil
            }, progress: { progress in
                guard isTerminal else { return }
                let record = progress.record
                let outcome = record.error != nil ? "failed" : record.notFound ? "not found" : "answered"
                let document = record.document.map { " of \(printablePath(URL(fileURLWithPath: $0).lastPathComponent))" } ?? ""
                printError("batch: \(progress.done)/\(progress.total) \(printablePath(record.id))\(document) \(outcome) "
                           + String(format: "%.1fs", record.timings.totalSeconds)
                           + ", about \(Self.duration(progress.remainingSeconds)) left")
            })

            let records = journal.latest
            // Rows answered before a document went stale are marked in the table too.
            let stale = try store.stalePaths()
            switch outputFormat {
            case .jsonl: break
            case .csv:
                try BatchReport.writeAtomically(matrix ? BatchReport.matrix(records, stale: stale)
                                                    : BatchReport.csv(records, eachDocument: eachDocument, stale: stale),
                                                to: expand(out))
            case .markdown:
                try BatchReport.writeAtomically(BatchReport.markdown(records, run: journal.run, stale: stale), to: expand(out))
            }
            failed = records.contains { $0.error != nil }
            if Interruption.signal != nil {
                printError("batch: interrupted; run the same command again to answer the remaining questions.")
            }
            let total = start.duration(to: clock.now).inSeconds
            if json {
                print(JSONOutput.render(.object([
                    ("questions", .int(summary.questions)), ("skipped", .int(summary.skipped)),
                    ("answered", .int(summary.answered)), ("notFound", .int(summary.notFound)),
                    ("failed", .int(summary.failed)), ("failedInFile", .int(records.filter { $0.error != nil }.count)),
                    ("out", .string(expand(out))), ("journal", .string(journalPath)),
                    ("seconds", .double(total)), ("interrupted", .bool(Interruption.signal != nil)),
                ])))
            } else {
                var line = "batch: \(summary.answered) answered, \(summary.notFound) not found, \(summary.failed) failed"
                if summary.skipped > 0 { line += ", \(summary.skipped) already in the file" }
                line += String(format: " in %.1fs", total) + "; answers in \(expand(out))"
                if outputFormat != .jsonl { line += " (all details in \(journalPath))" }
                print(line)
                for record in records where record.error != nil {
                    printError("batch: \(printablePath(record.id)) failed: \(terminalSafe(record.error ?? "")) Run the same command again to retry it.")
                }
            }
        }
        if let code = Interruption.exitCode { throw ExitCode(code) }
        if failed { throw ExitCode.failure }
    }

    /// An installed model's file name and SHA-256 from the manifest; a model given by path
    /// is hashed.
    static func modelRecord(_ path: String) throws -> BatchRun.Model {
        let name = (path as NSString).lastPathComponent
        if let sha = ModelCatalog().models.first(where: { $0.path == path })?.sha256 {
            return BatchRun.Model(file: name, sha256: sha)
        }
        return BatchRun.Model(file: name, sha256: try SHA256.hex(ofFileAt: path))
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 60 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s" : "\(whole)s"
    }
}

extension BatchReport.Format: ExpressibleByArgument {}
