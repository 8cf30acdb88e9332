import Foundation

/// The embedding model an index's vectors were made with.
///
/// Vectors from different models live in different spaces, so an index accepts vectors
/// and queries only from the model it recorded first.
public struct EmbeddingModelInfo: Sendable, Equatable {
    /// A human-readable name, such as the model file's name. Shown in messages; not
    /// compared.
    public var name: String
    /// Identifies the model's weights (for example the SHA-256 of the GGUF file). Two
    /// models are the same when fingerprints and dimensions match.
    public var fingerprint: String
    /// The number of values in each embedding vector.
    public var dimension: Int

    /// Describes a model by name, fingerprint and vector dimension.
    public init(name: String, fingerprint: String, dimension: Int) {
        self.name = name
        self.fingerprint = fingerprint
        self.dimension = dimension
    }
}

/// A document as the index records it.
public struct StoredDocument: Sendable, Equatable {
    /// The document's row id; stable until the document is replaced or removed.
    public var id: Int64
    /// The path the document was indexed under, exactly as given to `replaceDocument`.
    public var path: String
    /// The SHA-256 (hex) of the file's bytes when it was indexed.
    public var contentHash: String
    /// The kind of file the text came from.
    public var format: ExtractedDocument.Format
    /// Pages in the file; `nil` for files without pages.
    public var pageCount: Int?
    /// Chunks stored for the document.
    public var chunkCount: Int
    /// When the document was last indexed.
    public var indexedAt: Date
    /// The document's title, when extraction found one.
    public var title: String?
    /// The version of the indexing pipeline (extraction, cleaning, chunking) that stored
    /// it; older ones are re-indexed.
    public var pipeline: Int
    /// Whether its pages were checked for text drawn white or tiny (``HiddenTextCount``):
    /// a PDF read by a docqa that checks. Other formats are never checked.
    public var isCheckedForHiddenText: Bool

    /// A document record; `IndexStore` makes these, tests and callers may too.
    public init(id: Int64, path: String, contentHash: String, format: ExtractedDocument.Format,
                pageCount: Int?, chunkCount: Int, indexedAt: Date, title: String? = nil,
                pipeline: Int = Indexer.pipelineVersion, isCheckedForHiddenText: Bool = false) {
        self.isCheckedForHiddenText = isCheckedForHiddenText
        self.title = title
        self.pipeline = pipeline
        self.id = id
        self.path = path
        self.contentHash = contentHash
        self.format = format
        self.pageCount = pageCount
        self.chunkCount = chunkCount
        self.indexedAt = indexedAt
    }
}

/// A chunk found by a search, with where it came from and how well it matched.
public struct ChunkHit: Sendable, Equatable {
    /// The chunk's row id.
    public var chunkId: Int64
    /// The row id of the chunk's document.
    public var documentId: Int64
    /// The document's path as indexed.
    public var path: String
    /// The chunk's position within its document, from 0.
    public var ordinal: Int
    /// The chunk's text.
    public var text: String
    /// First 1-based page the chunk covers; `nil` for files without pages.
    public var pageStart: Int?
    /// Last 1-based page the chunk covers; `nil` for files without pages.
    public var pageEnd: Int?
    /// How well the chunk matched; higher is better. Cosine similarity for vector search,
    /// negated BM25 for keyword search, 0 for chunks fetched by id. Scores from different
    /// searches are not comparable.
    public var score: Double
    /// UTF-8 offset of the chunk's first byte in its document's extracted text (pages
    /// joined by a blank line).
    public var byteStart: Int
    /// The headings the chunk falls under, outermost first; empty when none was found.
    public var section: String
    /// Whether the chunk comes from a table-of-contents page.
    public var isNavigation: Bool
    /// When some of the chunk's pages were read with OCR, the lowest of their Tesseract
    /// mean confidences (0–100); `nil` when all its text came from the file itself.
    public var ocrConfidence: Int?
    /// Whether one of the chunk's pages holds text drawn white or tiny (see
    /// ``HiddenTextCount``), which a reader of the page would not see.
    public var hasHiddenText: Bool

    /// A search result; `IndexStore` makes these, tests and callers may too.
    public init(chunkId: Int64, documentId: Int64, path: String, ordinal: Int, text: String,
                pageStart: Int?, pageEnd: Int?, score: Double, byteStart: Int = 0,
                section: String = "", isNavigation: Bool = false, ocrConfidence: Int? = nil,
                hasHiddenText: Bool = false) {
        self.ocrConfidence = ocrConfidence
        self.hasHiddenText = hasHiddenText
        self.section = section
        self.isNavigation = isNavigation
        self.byteStart = byteStart
        self.chunkId = chunkId
        self.documentId = documentId
        self.path = path
        self.ordinal = ordinal
        self.text = text
        self.pageStart = pageStart
        self.pageEnd = pageEnd
        self.score = score
    }
}

/// A stretch of a document's text around a retrieved chunk: the chunk and its neighbours,
/// so that a sentence cut by a chunk boundary can be read whole.
public struct PassageWindow: Sendable, Equatable {
    /// The text, exactly as extracted; gaps the chunker left out (page separators, blank
    /// lines) are line breaks.
    public var text: String
    /// UTF-8 offset of the window's first byte in the document's extracted text.
    public var byteStart: Int
    /// The byte offset at which each page starts in the document's text; `nil` for a
    /// document without pages.
    public var pageOffsets: [Int]?

    public init(text: String, byteStart: Int, pageOffsets: [Int]? = nil) {
        self.text = text
        self.byteStart = byteStart
        self.pageOffsets = pageOffsets
    }

    /// The 1-based page holding the document byte `offset`; `nil` without page offsets.
    public func page(at offset: Int) -> Int? {
        guard let pageOffsets, !pageOffsets.isEmpty else { return nil }
        return ExtractedDocument.page(containing: offset, pageOffsets: pageOffsets)
    }
}

/// The last outcome docqa recorded for one file: every file an indexing run meets ends in
/// one of these, so nothing is silently left out.
public struct FileState: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Stored by the run that recorded it.
        case indexed
        /// Its content hash matched the stored copy.
        case unchanged
        /// It matched, by content hash, an indexed document whose file had gone; that
        /// document now has this path (its chunks and vectors kept).
        case renamed
        /// docqa declined it by rule (too large, a format it does not read).
        case skipped
        /// docqa tried and could not index it (unreadable, damaged, no text…).
        case failed

        /// The state a file problem leaves: `.skipped` for limits and unsupported formats,
        /// `.failed` for everything else.
        public init(recording error: DocQAError) {
            switch error.code {
            case .fileTooLarge, .unsupportedFormat: self = .skipped
            default: self = .failed
            }
        }

        /// Whether the file's current content is not in the index.
        public var isProblem: Bool { self == .skipped || self == .failed }
    }

    /// The file's path, as the index stores documents' paths.
    public var path: String
    public var kind: Kind
    /// For `.skipped` and `.failed`: the error's code.
    public var code: DocQAError.Code?
    /// For `.skipped` and `.failed`: the sentence that says why and what to do; for
    /// `.renamed`: the path the document had before.
    public var reason: String?
    /// When this state began: a file failing the same way run after run keeps the time
    /// of its first failure.
    public var recordedAt: Date
    /// For `.skipped` and `.failed`: an earlier version of the file is still indexed and
    /// searchable, though it no longer matches the file.
    public var isStale: Bool

    /// What docqa says of a stale document wherever it shows one as a source (`ask`,
    /// `search`, the batch report): what is shown is the version indexed before.
    public static let staleNote = "stale: the file has changed and could not be indexed again; this is its earlier version"

    public init(path: String, kind: Kind, code: DocQAError.Code? = nil, reason: String? = nil,
                recordedAt: Date, isStale: Bool = false) {
        self.path = path
        self.kind = kind
        self.code = code
        self.reason = reason
        self.recordedAt = recordedAt
        self.isStale = isStale
    }
}
