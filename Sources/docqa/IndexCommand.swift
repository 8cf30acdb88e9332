import ArgumentParser
import DocQA
import Foundation

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Add or update files in an index.",
        discussion: """
            Walks the named folders for .pdf, .txt, .text, .md and .markdown files (hidden \
            files skipped) and indexes each new or changed one; unchanged files are skipped by \
            content hash, and indexed files that are gone from a named folder are removed. A \
            file that cannot be read is reported and the rest go on. One run writes to an \
            index at a time (a second is refused, or waits with --wait); ask and search \
            read the last committed state meanwhile.

            Scanned PDF pages (almost no text layer, mostly image) are read with OCR \
            (Tesseract, English); --ocr always reads every PDF page that way and --ocr never \
            none. OCR takes a few seconds a page; each page is listed as it is read.

            Example: docqa index ~/cases/acme-v-brightline --index acme
            """
    )

    @Argument(help: ArgumentHelp("Files or folders to index.", valueName: "path"))
    var paths: [String]

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var embedding: EmbeddingOptions

    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    @Flag(name: .shortAndLong, help: "Do not list files as they are handled.")
    var quiet = false

    @Flag(help: "When another `docqa index` is writing to the index, wait for it instead of stopping.")
    var wait = false

    @Option(help: ArgumentHelp("Skip (and report) files larger than this many megabytes.", valueName: "MB"))
    var maxFileSize: Int = 512

    @Option(help: ArgumentHelp("""
        Which PDF pages to read with OCR: auto (pages with almost no text that are mostly image), \
        always (every page, ignoring its text layer) or never.
        """, valueName: "when"))
    var ocr: OCRPolicy = .auto

    @Option(help: ArgumentHelp("Stop reading a PDF (and report it) when it takes longer than this many seconds per page.",
                               valueName: "seconds"))
    var pageTimeLimit: Double = ExtractionOptions().pageTimeLimit

    // For measurement (BENCHMARKS.md, "PDF time bound"): read PDFs in this process, as
    // the library does, without the time bound.
    @Flag(name: .customLong("read-pdfs-in-process"), help: ArgumentHelp(visibility: .hidden))
    var readPDFsInProcess = false

    func validate() throws {
        guard maxFileSize >= 1 else { throw ValidationError("--max-file-size must be at least 1 (MB).") }
        guard pageTimeLimit > 0, pageTimeLimit <= 3600 else {
            throw ValidationError("--page-time-limit must be more than 0 and at most 3600 seconds.")
        }
    }

    func run() throws {
        try reportingErrors {
            // Load the model first: a missing model must not leave an empty index behind.
            let embedder = try embedding.makeEmbedder()
            let indexPath = try indexOptions.indexPath()
            // One writer at a time, for the whole run; readers are not held up.
            let lock = try writeLock(indexPath, wait: wait, command: "docqa index")
            defer { withExtendedLifetime(lock) {} }
            let store = try IndexStore(path: indexPath, create: true)
            let indexer = try Indexer(store: store, embedder: embedder, ocr: ocr)
            indexer.maximumFileBytes = Int64(maxFileSize) * 1024 * 1024
            // OCR takes seconds a page: say which page is being read, and count them per file.
            let ocrCounts = OCRPageCounts()
            indexer.scans.willRead = { path, page, pageCount in
                ocrCounts.pages[path, default: 0] += 1
                if !quiet { printError("ocr        \(printablePath(path)) page \(page) of \(pageCount)") }
            }
            // PDFs are read by a copy of this program, killed when a file runs out of time:
            // poppler's calls cannot be interrupted in process.
            indexer.extraction.pageTimeLimit = pageTimeLimit
            if !readPDFsInProcess { indexer.readerProcess = ("/proc/self/exe", [ExtractWorkerCommand.configuration.commandName ?? "extract-worker"]) }
            Interruption.install(announcing: "\nindex: stopping after the file in hand (press Ctrl-C again to stop at once)\n")
            let report = try indexer.index(paths: paths, shouldStop: { Interruption.signal != nil }) { path, outcome in
                guard !quiet else { return }
                switch outcome {
                case let .indexed(chunks, pages):
                    var pageText = pages.map { "\($0) page\($0 == 1 ? "" : "s"), " } ?? ""
                    if let read = ocrCounts.pages[path] { pageText += "\(read) read by OCR, " }
                    printError("indexed    \(printablePath(path)) (\(pageText)\(chunks) chunk\(chunks == 1 ? "" : "s"))")
                case .unchanged:
                    printError("unchanged  \(printablePath(path))")
                case let .renamed(from):
                    printError("renamed    \(printablePath(path)) (was \(printablePath(from)); nothing embedded)")
                case .removed:
                    printError("removed    \(printablePath(path)) (no longer on disk)")
                case let .failed(error):
                    let label = FileState.Kind(recording: error) == .skipped ? "skipped    " : "failed     "
                    printError(label + (error.path.map { printablePath($0) + ": " } ?? "") + terminalSafe(error.message))
                }
            }
            let counts = try store.counts()
            if json {
                print(JSONOutput.render(JSONOutput.indexSummary(report, indexPath: store.path,
                                                                 documents: counts.documents, chunks: counts.chunks)))
            } else {
                let rate = report.seconds > 0 ? Double(report.pages) / report.seconds : 0
                print("""
                    \(report.indexedCount) indexed, \(report.unchangedCount) unchanged, \(report.renamedCount) renamed, \
                    \(report.removedCount) removed, \(report.skippedCount) skipped, \(report.failedCount) failed in \(String(format: "%.1f", report.seconds)) s \
                    (\(report.pages) pages, \(report.chunks) chunks, \(String(format: "%.1f", rate)) pages/s).
                    Index \(printablePath(store.path)) holds \(counts.documents) documents, \(counts.chunks) chunks.
                    """)
                if report.ocrPages > 0 {
                    print("OCR: \(report.ocrPages) page\(report.ocrPages == 1 ? "" : "s") in "
                          + "\(String(format: "%.1f", report.ocrSeconds)) s "
                          + "(\(String(format: "%.2f", Double(report.ocrPages) / max(report.ocrSeconds, 0.001))) pages/s).")
                }
                if report.hiddenTextPages > 0 {
                    print("Hidden text: \(report.hiddenTextPages) PDF page\(report.hiddenTextPages == 1 ? " holds" : "s hold") text "
                          + "drawn white or tiny, invisible when printed; `docqa status` lists them.")
                }
            }
            if !report.failures.isEmpty {
                printError("docqa: \(report.failures.count) file(s) could not be indexed; the messages above say why "
                           + "(`docqa status` lists them). The rest are indexed.")
            }
            if report.interrupted {
                printError("index: interrupted; every file listed above is stored. Run the same command again to index the rest.")
            }
            if let code = Interruption.exitCode { throw ExitCode(code) }
            if !report.failures.isEmpty { throw ExitCode.failure }
        }
    }
}

extension OCRPolicy: ExpressibleByArgument {}

/// Pages read with OCR per file during one run, for the progress lines.
private final class OCRPageCounts {
    var pages: [String: Int] = [:]
}
