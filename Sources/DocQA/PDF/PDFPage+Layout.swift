import CPoppler

/// The rectangle one character of a page's text is drawn in, in points from the page's
/// top-left corner (y grows downwards).
public struct PDFTextBox: Sendable, Equatable {
    public var left: Double
    public var top: Double
    public var right: Double
    public var bottom: Double
}

extension PDFPage {
    /// Where each character of `text`, this page's ``text`` as the caller already read it,
    /// is drawn: one box per Unicode scalar, line breaks included. `nil` when poppler gives
    /// no layout or one that does not match `text`, so that a caller never pairs a box with
    /// the wrong letter: a character poppler wrote as invalid UTF-8 and docqa replaced, a
    /// NUL that cut poppler's text short, or a right-to-left run, which poppler's text wraps
    /// in embedding marks (U+202B … U+202C) that have no boxes.
    ///
    /// The corresponding C function is `poppler_page_get_text_layout`, whose rectangles
    /// are indexed by character offset into the text poppler extracts. It reuses the text
    /// poppler already laid out for ``text``, so it costs little after it (BENCHMARKS.md,
    /// "Tables read row by row").
    public func characterBoxes(for text: String) -> [PDFTextBox]? {
        PopplerLog.silence()
        var rectangles: UnsafeMutablePointer<PopplerRectangle>?
        var count: guint = 0
        guard poppler_page_get_text_layout(handle, &rectangles, &count) != 0, let rectangles else { return nil }
        defer { g_free(rectangles) }
        guard Int(count) == text.unicodeScalars.count else { return nil }
        return (0..<Int(count)).map { index in
            let box = rectangles[index]
            return PDFTextBox(left: min(box.x1, box.x2), top: min(box.y1, box.y2),
                              right: max(box.x1, box.x2), bottom: max(box.y1, box.y2))
        }
    }
}
