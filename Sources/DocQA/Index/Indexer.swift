import Foundation

/// What happened to one file during an indexing run.
public enum FileOutcome: Sendable, Equatable {
    /// Extracted, chunked, embedded and stored (new or changed since the last run).
    case indexed(chunks: Int, pages: Int?)
    /// Its content hash matches the indexed copy; nothing was done.
    case unchanged
    /// Its content hash matches an indexed document whose file is gone: that document was
    /// given this path, keeping its chunks and vectors (nothing was embedded).
    case renamed(from: String)
    /// It could not be indexed (or was skipped by rule, see `FileState.Kind(recording:)`);
    /// the index still holds its previous version, if any, and records the failure.
    case failed(DocQAError)
    /// It was in the index but is gone from disk, so it was removed.
    case removed
}

/// Totals for one indexing run.
public struct IndexReport: Sendable, Equatable {
    public var outcomes: [(path: String, outcome: FileOutcome)] = []
    public var pages = 0
    public var chunks = 0
    public var embeddedTokens = 0
    public var seconds = 0.0
    /// Pages read with OCR, and the seconds spent drawing and reading them (part of `seconds`).
    public var ocrPages = 0
    public var ocrSeconds = 0.0
    /// PDF pages found holding text drawn white or tiny (see ``HiddenTextCount``), in the
    /// files this run stored or checked.
    public var hiddenTextPages = 0
    /// The run was asked to stop before it had handled every file (and pruned nothing).
    public var interrupted = false

    public var indexedCount: Int { outcomes.filter { if case .indexed = $0.outcome { true } else { false } }.count }
    public var unchangedCount: Int { outcomes.filter { $0.outcome == .unchanged }.count }
    public var removedCount: Int { outcomes.filter { $0.outcome == .removed }.count }
    public var renamedCount: Int { outcomes.filter { if case .renamed = $0.outcome { true } else { false } }.count }
    /// Every file not indexed: skipped by rule or failed.
    public var failures: [DocQAError] {
        outcomes.compactMap { if case .failed(let error) = $0.outcome { error } else { nil } }
    }
    /// Files skipped by rule (too large, a format docqa does not read).
    public var skippedCount: Int { failures.filter { FileState.Kind(recording: $0) == .skipped }.count }
    /// Files docqa tried and could not index.
    public var failedCount: Int { failures.count - skippedCount }

    public static func == (lhs: IndexReport, rhs: IndexReport) -> Bool {
        lhs.outcomes.elementsEqual(rhs.outcomes) { $0.path == $1.path && $0.outcome == $1.outcome }
            && lhs.pages == rhs.pages && lhs.chunks == rhs.chunks
    }
}

/// Brings an index up to date with files on disk.
///
/// Each file is hashed; only new or changed files are extracted, chunked and embedded,
/// and each is stored in one transaction, so an interrupted run leaves a consistent
/// index and the next run picks up where it stopped. A file that fails is reported and
/// skipped; the run goes on with the rest.
public final class Indexer {
    /// The version of extraction, page cleaning and chunking. A document stored by an
    /// older version is indexed again even when its file is unchanged.
    /// 2: running headers and footers removed, tables of contents marked, chunks carry
    /// their document's title and section headings (128-token chunks).
    /// 3: a line without letters ("2024.", "4,500") is a running line only as a page's
    /// first or last line; pipeline 2 could drop such lines from inside a page's zone.
    /// 4: scanned PDF pages are read with OCR (a PDF with some scanned pages was stored
    /// with those pages empty).
    /// (Counting white and tiny text on PDF pages, schema migration 5, did not change it: a
    /// PDF stored before is checked by re-reading its text, without embedding it again.)
    /// 5: a PDF with an outline takes its chunks' sections from it (the shapes of lines gave
    /// long books sections such as "3. Reboot system." or "DESCRIPTION" for hundreds of
    /// pages); text of every format has its ligatures spelled out and soft hyphens dropped.
    /// 6: tables on PDF pages that poppler reads column by column are read row by row
    /// (`PageTables`).
    public static let pipelineVersion = 6

    public let store: IndexStore
    public let embedder: Embedder
    /// Reads scanned PDF pages with OCR, loading Tesseract once for the whole run.
    public let scans: ScannedPageReader
    /// Chunks embedded per call; bounds memory for very large documents.
    public var embeddingBatch = 64
    /// Files larger than this are reported and skipped, unread: a stray disk image or
    /// video export must not stall a run or fill memory.
    public var maximumFileBytes: Int64 = 512 * 1024 * 1024
    /// Extracted text beyond this (per file) is reported and the file skipped: about
    /// 20,000 pages of dense text, far beyond any real document.
    public var maximumTextBytes = 64 * 1024 * 1024
    /// Limits for reading files (time per PDF page, text per page), passed whole to the
    /// reader process.
    public var extraction = ExtractionOptions()
    /// The program that reads PDFs in a child process, killed when it runs out of time
    /// (see ``IsolatedExtractor``); `nil` reads them in this process, without a time bound.
    public var readerProcess: (executable: String, arguments: [String])?
    /// Called with a file's path after its text is extracted and before it is checked for
    /// changes; tests change the file here.
    var extracted: (String) -> Void = { _ in }
    /// The attachments the last run left failed or skipped, by message path: read from the
    /// index once per run, when the first unchanged message needs it.
    var attachmentProblems: [String: Set<String>]?

    /// `ocr` says which PDF pages are read with OCR (see ``OCRPolicy``); it applies to the
    /// files this indexer reads, not to unchanged files already indexed.
    /// - Throws: `.embeddingModelMismatch` when the index was built with another model.
    public init(store: IndexStore, embedder: Embedder, ocr: OCRPolicy = .auto) throws {
        self.store = store
        self.embedder = embedder
        self.scans = ScannedPageReader(policy: ocr)
        try store.bindEmbeddingModel(embedder.info)
    }

    /// Indexes the supported files under `paths` and prunes indexed files under them
    /// that no longer exist. `progress` is called once per file, after it is handled.
    ///
    /// `shouldStop` is asked before each file (and before each page read with OCR, so a
    /// long scan is left unstored between two pages); when it says yes, the run ends there with
    /// `interrupted` set: every file handled so far is stored, and nothing is pruned (the
    /// files not yet seen are not gone).
    /// - Throws: only for failures of the index itself (e.g. the disk is full); a bad
    ///   input file is a `.failed` outcome, not a thrown error.
    public func index(paths: [String], shouldStop: @escaping () -> Bool = { false },
                      progress: (String, FileOutcome) -> Void = { _, _ in }) throws -> IndexReport {
        let clock = ContinuousClock()
        let start = clock.now
        let tokensBefore = embedder.tokensEmbedded
        let ocrPagesBefore = scans.pagesRead, ocrSecondsBefore = scans.seconds
        var report = IndexReport()
        attachmentProblems = nil
        func record(_ path: String, _ outcome: FileOutcome) {
            report.outcomes.append((path, outcome))
            progress(path, outcome)
        }

        // States written at the end, in one transaction: unchanged files (so a run over
        // an unchanged folder writes nothing per file) and the walk's problems (after the
        // pruning, which clears the states of files gone from disk).
        var pendingStates: [(path: String, kind: FileState.Kind, error: DocQAError?)] = []
        // A long scan is left between two pages when asked to stop, not read to its end.
        scans.shouldStop = shouldStop
        defer { scans.shouldStop = { false } }
        let (files, problems) = DocumentWalker.walk(paths)
        for problem in problems {
            record(problem.path ?? "", .failed(problem))
            // A named path that does not exist at all has no state to keep.
            var info = stat()
            if let path = problem.path, lstat(path, &info) == 0 {
                pendingStates.append((path, FileState.Kind(recording: problem), problem))
            }
        }
        for file in files {
            if shouldStop() {
                report.interrupted = true
                break
            }
            do {
                var attachments: [(path: String, outcome: FileOutcome)] = []
                let outcome = try indexFile(file, report: &report, attachments: &attachments)
                for attachment in attachments {
                    record(attachment.path, attachment.outcome)
                    if case .failed(let error) = attachment.outcome {
                        try store.recordFileStates([(attachment.path, FileState.Kind(recording: error), error)])
                    }
                }
                record(file, outcome)
                if outcome == .unchanged { pendingStates.append((file, .unchanged, nil)) }
            } catch let error as DocQAError where error.code == .ocrInterrupted {
                // Stopped inside the file: it is not stored and not a failure; nothing is pruned.
                report.interrupted = true
                break
            } catch let error as DocQAError where Self.isFileProblem(error) {
                record(file, .failed(error))
                try store.recordFileStates([(file, FileState.Kind(recording: error), error)])
            }
        }
        if !report.interrupted {
            for removed in try prune(under: paths, seen: Set(report.outcomes.map(\.path))) {
                record(removed, .removed)
            }
        }
        try store.recordFileStates(pendingStates)
        report.embeddedTokens = embedder.tokensEmbedded - tokensBefore
        report.ocrPages = scans.pagesRead - ocrPagesBefore
        report.ocrSeconds = scans.seconds - ocrSecondsBefore
        let elapsed = start.duration(to: clock.now).components
        report.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return report
    }

    /// `bytes` in MB, one decimal below 10 MB ("2.5 MB", "512 MB").
    static func megabytes(_ bytes: Int64) -> String {
        let value = Double(bytes) / (1024 * 1024)
        return value < 10 ? String(format: "%.1f MB", value) : "\(Int(value.rounded())) MB"
    }

    /// Errors that concern one input file; anything else (the index, the model) stops the run.
    private static func isFileProblem(_ error: DocQAError) -> Bool {
        switch error.code {
        case .database, .indexBusy, .indexCorrupt, .indexTooNew, .embeddingModelMismatch,
             .decodeFailed, .contextFailed, .modelLoadFailed:
            return false
        default:
            return true
        }
    }

    /// Indexes one file; a message's attachments' outcomes go to `attachments`.
    private func indexFile(_ path: String, report: inout IndexReport,
                           attachments: inout [(path: String, outcome: FileOutcome)]) throws -> FileOutcome {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value,
           size > maximumFileBytes {
            throw DocQAError(.fileTooLarge,
                "this file is \(Self.megabytes(size)), more than the \(Self.megabytes(maximumFileBytes)) docqa indexes; "
                + "split it, or raise the limit with --max-file-size.", path: path)
        }
        let hash: String
        do {
            hash = try SHA256.hex(ofFileAt: path)
        } catch {
            throw DocQAError(.unreadableFile, "cannot read this file (\(error)); check its permissions.", path: path)
        }
        if let existing = try store.document(atPath: path), existing.contentHash == hash,
           existing.pipeline >= Self.pipelineVersion {
            // An attachment that failed (out of time, say) is tried again, as a file that
            // failed is: an unchanged message does not make it readable or unreadable.
            if existing.format == .email, let retried = try problemAttachments(ofMessageAt: path) {
                attachments = try indexAttachments(ofMessageAt: path, retrying: retried, report: &report)
            }
            if existing.format == .pdf, !existing.isCheckedForHiddenText {
                report.hiddenTextPages += try checkHiddenText(of: existing)
            }
            return .unchanged
        }
        // Renamed or moved: the same bytes are indexed under a path that is gone.
        // (An attachment's path never exists on disk; it moves with its message.)
        if let moved = try store.documents(withContentHash: hash).first(where: {
            $0.path != path && $0.pipeline >= Self.pipelineVersion && Self.messagePath(ofAttachment: $0.path) == nil
                && !FileManager.default.fileExists(atPath: $0.path)
        }) {
            try store.moveDocument(from: moved.path, to: path)
            try moveAttachments(from: moved.path, to: path)
            return .renamed(from: moved.path)
        }
        let document = try extract(path)
        extracted(path)
        // A file written to while it was read could give text from two versions, stored
        // under a hash of neither: hash it again, and leave it for the next run if it moved.
        guard (try? SHA256.hex(ofFileAt: path)) == hash else {
            throw DocQAError(.fileChanged,
                "this file changed while it was being read, so it was not stored; run docqa index again "
                + "once nothing is writing to it.", path: path)
        }
        try extraction.checkPageText(of: document, path: path)
        if document.format == .email {
            // Attachments first: the message's own hash, stored last, marks the whole
            // message as done, so an interrupted run redoes its attachments next time.
            attachments = try indexAttachments(ofMessageAt: path, report: &report)
        }
        let byteSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        return try store(document, path: path, contentHash: hash, byteSize: byteSize, report: &report)
    }

    /// Chunks, embeds and stores `document` under `path` in one transaction.
    func store(_ document: ExtractedDocument, path: String, contentHash hash: String, byteSize: Int?,
               report: inout IndexReport) throws -> FileOutcome {
        let textBytes = document.pages.reduce(0) { $0 + $1.text.utf8.count }
        guard textBytes <= maximumTextBytes else {
            throw DocQAError(.fileTooLarge,
                "this file holds \(Self.megabytes(Int64(textBytes))) of text, more than the "
                + "\(Self.megabytes(Int64(maximumTextBytes))) docqa indexes from one file; split it.", path: path)
        }
        let chunks = try embedder.chunker.chunks(of: document, counter: embedder.model)
        guard !chunks.isEmpty else {
            throw DocQAError(.emptyDocument, "no text to index in this file.", path: path)
        }
        var vectors: [[Float]] = []
        vectors.reserveCapacity(chunks.count)
        for start in stride(from: 0, to: chunks.count, by: embeddingBatch) {
            let batch = chunks[start..<min(start + embeddingBatch, chunks.count)]
            vectors += try embedder.embed(batch.map {
                ChunkContext.embeddingText(context: ChunkContext.text(title: document.title, path: path, section: $0.section),
                                           text: $0.text)
            })
        }
        let pageCount = document.format == .pdf ? document.pages.count : nil
        try store.replaceDocument(path: path, contentHash: hash, format: document.format,
                                  pageCount: pageCount, byteSize: byteSize, title: document.title,
                                  pageOffsets: document.format == .pdf ? document.pageOffsets : nil,
                                  chunks: chunks, vectors: vectors, ocrConfidences: document.ocrConfidences,
                                  hiddenText: document.isCheckedForHiddenText ? document.hiddenTextPages : nil)
        report.pages += document.pages.count
        report.chunks += chunks.count
        report.hiddenTextPages += document.hiddenTextPages.count
        return .indexed(chunks: chunks.count, pages: pageCount)
    }

    /// The file's text: PDFs in the reader process when there is one, else in process.
    /// Either way scanned pages are read with OCR under ``scans``'s policy: the reader
    /// process is handed the policy and resolution in its options, and reports each page
    /// it reads with OCR back to ``scans`` (progress, counts, stop requests).
    ///
    /// `shown` is the path ``scans``'s `willRead` names instead of `path`: an attachment's
    /// indexed path (`message.eml › scan.pdf`) for the temporary file it was unpacked to,
    /// which nobody should see.
    func extract(_ path: String, shownAs shown: String? = nil) throws(DocQAError) -> ExtractedDocument {
        let willRead = scans.willRead
        defer { scans.willRead = willRead }
        if let shown { scans.willRead = { _, page, pageCount in willRead(shown, page, pageCount) } }
        return try read(path, scans: scans)
    }

    /// The file's text, in the reader process when there is one, else in process; scanned
    /// pages are read with OCR under `scans`'s policy, or not at all when it is `nil`.
    private func read(_ path: String, scans: ScannedPageReader?) throws(DocQAError) -> ExtractedDocument {
        guard let readerProcess else { return try DocumentExtractor.extract(fileAt: path, scans: scans) }
        var options = extraction
        options.ocr = scans?.policy ?? .never
        if let scans { options.ocrDotsPerInch = scans.dotsPerInch }
        return try IsolatedExtractor(executable: readerProcess.executable, arguments: readerProcess.arguments,
                                     options: options).extract(fileAt: path, scans: scans)
    }

    /// Checks an unchanged PDF indexed before docqa looked for white and tiny text, and
    /// records what it finds; nothing is embedded again. This reads the file's text once
    /// more (in the reader process when there is one), without OCR: a page read with OCR
    /// keeps none of its text layer, so it is left out. A file that cannot be read now stays
    /// unchecked; its state is still "unchanged".
    /// - Returns: the number of pages found holding such text.
    private func checkHiddenText(of document: StoredDocument) throws -> Int {
        let extracted: ExtractedDocument
        do throws(DocQAError) {
            extracted = try read(document.path, scans: nil)
        } catch where error.code == .emptyDocument {
            // No text layer at all (a scan): nothing hidden in it.
            try store.recordHiddenText(path: document.path, pages: [:])
            return 0
        } catch {
            return 0
        }
        guard extracted.isCheckedForHiddenText else { return 0 }
        let readByOCR = Set(try store.ocrPages(of: document.path).map(\.page))
        let pages = extracted.hiddenTextPages.filter { !readByOCR.contains($0.key) }
        try store.recordHiddenText(path: document.path, pages: pages)
        return pages.count
    }

    /// Removes indexed documents inside the named folders (or named files) that are gone
    /// from disk, with their files' states, and forgets the states of other files there
    /// that are gone (failed or skipped files never indexed) unless this run met them.
    private func prune(under paths: [String], seen: Set<String>) throws -> [String] {
        let roots = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        func isInside(_ path: String) -> Bool {
            let file = Self.messagePath(ofAttachment: path) ?? path
            return roots.contains { root in file == root || file.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
        }
        var removed: [String] = []
        for document in try store.documents() {
            // An attachment lives as long as its message does.
            let file = Self.messagePath(ofAttachment: document.path) ?? document.path
            guard isInside(document.path), !FileManager.default.fileExists(atPath: file) else { continue }
            try store.removeDocument(atPath: document.path)
            removed.append(document.path)
        }
        let gone = try store.fileStates().map(\.path).filter {
            isInside($0) && !seen.contains($0)
                && !FileManager.default.fileExists(atPath: Self.messagePath(ofAttachment: $0) ?? $0)
        }
        try store.removeFileStates(atPaths: gone)
        return removed
    }
}
