import CPoppler

/// One entry of a PDF's outline (the bookmarks a viewer shows beside the pages).
public struct PDFOutlineEntry: Sendable, Equatable, Codable {
    /// 1 for a top-level entry, 2 for its children, and so on.
    public var level: Int
    /// The entry's title, white space collapsed.
    public var title: String
    /// The 1-based page the entry points at.
    public var page: Int

    public init(level: Int, title: String, page: Int) {
        self.level = level
        self.title = title
        self.page = page
    }
}

extension PDFDocument {
    /// Entries read at most; an outline longer than this is cut (a book's has hundreds).
    static let outlineEntryLimit = 5_000
    /// Levels read at most; deeper entries are left out.
    static let outlineDepthLimit = 8

    /// The document's outline in reading order, depth first: the entries that point at
    /// a page of this document and have a title. Empty when the PDF has no outline.
    ///
    /// The corresponding C functions are `poppler_index_iter_new`, `_get_action`,
    /// `_get_child` and `_next`; a named destination is resolved with
    /// `poppler_document_find_dest`. Entries that open a link, launch a file or point at
    /// another document are skipped.
    public var outline: [PDFOutlineEntry] {
        guard let root = poppler_index_iter_new(handle) else { return [] }
        defer { poppler_index_iter_free(root) }
        var entries: [PDFOutlineEntry] = []
        var visited = 0
        collectOutline(root, level: 1, into: &entries, visited: &visited)
        return entries
    }

    private func collectOutline(_ iterator: OpaquePointer, level: Int, into entries: inout [PDFOutlineEntry],
                                visited: inout Int) {
        repeat {
            visited += 1
            guard visited <= Self.outlineEntryLimit else { return }
            if let action = poppler_index_iter_get_action(iterator) {
                if let entry = outlineEntry(action, level: level) { entries.append(entry) }
                poppler_action_free(action)
            }
            if level < Self.outlineDepthLimit, let child = poppler_index_iter_get_child(iterator) {
                collectOutline(child, level: level + 1, into: &entries, visited: &visited)
                poppler_index_iter_free(child)
            }
        } while poppler_index_iter_next(iterator) != 0
    }

    private func outlineEntry(_ action: UnsafeMutablePointer<PopplerAction>, level: Int) -> PDFOutlineEntry? {
        guard action.pointee.type == POPPLER_ACTION_GOTO_DEST, let title = action.pointee.any.title,
              let destination = action.pointee.goto_dest.dest else { return nil }
        let text = String(cString: title).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var page = Int(destination.pointee.page_num)
        if destination.pointee.type == POPPLER_DEST_NAMED {
            guard let name = destination.pointee.named_dest,
                  let resolved = poppler_document_find_dest(handle, name) else { return nil }
            page = Int(resolved.pointee.page_num)
            poppler_dest_free(resolved)
        }
        guard !text.isEmpty, page >= 1, page <= pageCount else { return nil }
        return PDFOutlineEntry(level: level, title: String(text.prefix(200)), page: page)
    }
}
