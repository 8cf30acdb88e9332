import Foundation

/// A page whose text was read with OCR, as the index records it.
public struct OCRPage: Sendable, Equatable {
    /// The document's path as indexed.
    public var path: String
    /// 1-based page number.
    public var page: Int
    /// Tesseract's mean word confidence for the page, 0 to 100.
    public var confidence: Int

    public init(path: String, page: Int, confidence: Int) {
        self.path = path
        self.page = page
        self.confidence = confidence
    }
}

// Pages read with OCR (table `ocr_pages`, migration 4).
extension IndexStore {
    /// Below this mean confidence an OCR'd page is listed by `docqa status` as read
    /// poorly: its text may miss or garble words, so a question about it may go unanswered.
    /// Chosen by measurement (BENCHMARKS.md, "OCR"): clean and noisy test scans read at
    /// 80–95; pages at 60 or below had a word in ten or more wrong.
    public static let ocrConfidenceFloor = 60

    /// SQL giving a chunk's lowest OCR confidence over its pages (NULL when none was OCR'd),
    /// for queries over `chunks AS c`.
    static let ocrConfidenceColumn = """
        (SELECT min(o.confidence) FROM ocr_pages AS o
         WHERE o.document_id = c.document_id AND o.page BETWEEN c.page_start AND c.page_end)
        """

    func insertOCRPages(documentID: Int64, _ confidences: [Int: Int]) throws {
        guard !confidences.isEmpty else { return }
        let insert = try db.prepare("INSERT INTO ocr_pages(document_id, page, confidence) VALUES (?1, ?2, ?3)")
        for (page, confidence) in confidences.sorted(by: { $0.key < $1.key }) {
            try insert.bind(documentID, at: 1)
            try insert.bind(page, at: 2)
            try insert.bind(max(0, min(100, confidence)), at: 3)
            try insert.run()
        }
    }

    /// Every page read with OCR (or, with `below`, those whose confidence is under it; with
    /// `path`, those of the document indexed under it), ordered by path and page.
    public func ocrPages(below floor: Int? = nil, of path: String? = nil) throws -> [OCRPage] {
        let statement = try db.prepare("""
            SELECT d.path, o.page, o.confidence FROM ocr_pages AS o JOIN documents AS d ON d.id = o.document_id
            WHERE (?1 IS NULL OR o.confidence < ?1) AND (?2 IS NULL OR d.path = ?2)
            ORDER BY d.path, o.page
            """)
        try statement.bind(floor, at: 1)
        try statement.bind(path, at: 2)
        var pages: [OCRPage] = []
        while try statement.step() {
            pages.append(OCRPage(path: statement.string(at: 0), page: statement.int(at: 1),
                                 confidence: statement.int(at: 2)))
        }
        return pages
    }
}
