import Foundation

/// A PDF page holding text drawn white or tiny, as the index records it.
public struct HiddenTextPage: Sendable, Equatable {
    /// The document's path as indexed.
    public var path: String
    /// 1-based page number.
    public var page: Int
    /// Its characters drawn white or near-white, and in a font under 2 points.
    public var count: HiddenTextCount

    public init(path: String, page: Int, count: HiddenTextCount) {
        self.path = path
        self.page = page
        self.count = count
    }
}

// PDF pages with white or tiny text (table `hidden_text_pages` and column
// `documents.hidden_text_checked`, migration 5).
extension IndexStore {
    /// SQL that is 1 when one of a chunk's pages holds white or tiny text, else 0, for
    /// queries over `chunks AS c`. A chunk without pages (page_start NULL) gives 0.
    static let hiddenTextColumn = """
        EXISTS (SELECT 1 FROM hidden_text_pages AS h
                WHERE h.document_id = c.document_id AND h.page BETWEEN c.page_start AND c.page_end)
        """

    func insertHiddenTextPages(documentID: Int64, _ pages: [Int: HiddenTextCount]) throws {
        let insert = try db.prepare("""
            INSERT INTO hidden_text_pages(document_id, page, white_chars, tiny_chars) VALUES (?1, ?2, ?3, ?4)
            """)
        for (page, count) in pages.sorted(by: { $0.key < $1.key }) where !count.isEmpty {
            try insert.bind(documentID, at: 1)
            try insert.bind(page, at: 2)
            try insert.bind(max(0, count.white), at: 3)
            try insert.bind(max(0, count.tiny), at: 4)
            try insert.run()
        }
    }

    /// Records that the document indexed under `path` was checked for white and tiny text,
    /// with the pages that hold some, replacing what was recorded before; its chunks and
    /// vectors are untouched. For documents indexed before docqa checked, whose file is
    /// unchanged.
    ///
    /// - Throws: `.invalidArgument` when nothing is indexed under `path`; `.indexBusy`,
    ///   `.database` as for other writes.
    public func recordHiddenText(path documentPath: String, pages: [Int: HiddenTextCount]) throws {
        try db.inTransaction {
            try db.execute("UPDATE documents SET hidden_text_checked = 1 WHERE path = ?1", [.text(documentPath)])
            guard db.changes == 1 else {
                throw DocQAError(.invalidArgument,
                    "No document is indexed under this path, so its hidden text cannot be recorded.", path: documentPath)
            }
            guard let document = try document(atPath: documentPath) else { return }
            try db.execute("DELETE FROM hidden_text_pages WHERE document_id = ?1", [.integer(document.id)])
            try insertHiddenTextPages(documentID: document.id, pages)
        }
    }

    /// Every recorded page with white or tiny text, ordered by path and page.
    public func hiddenTextPages() throws -> [HiddenTextPage] {
        let statement = try db.prepare("""
            SELECT d.path, h.page, h.white_chars, h.tiny_chars
            FROM hidden_text_pages AS h JOIN documents AS d ON d.id = h.document_id
            ORDER BY d.path, h.page
            """)
        var pages: [HiddenTextPage] = []
        while try statement.step() {
            pages.append(HiddenTextPage(path: statement.string(at: 0), page: statement.int(at: 1),
                                        count: HiddenTextCount(white: statement.int(at: 2), tiny: statement.int(at: 3))))
        }
        return pages
    }
}
