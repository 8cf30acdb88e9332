import CPoppler

/// One page of a ``PDFDocument``.
///
/// Owns one `PopplerPage` and holds its document strongly, so the document outlives the
/// page whatever order the caller drops them in. Not `Sendable`, like its document.
public final class PDFPage {
    /// The document this page belongs to; kept alive by the page.
    public let document: PDFDocument
    /// 0-based position in the document.
    public let index: Int

    /// The `PopplerPage *`.
    let handle: OpaquePointer

    init(handle: OpaquePointer, index: Int, document: PDFDocument) {
        self.handle = handle
        self.index = index
        self.document = document
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(handle))
    }

    /// 1-based physical page number, as a PDF viewer's page counter shows it (not the
    /// printed page label, which may be "iv" or "A-3").
    public var number: Int { index + 1 }

    /// The page's text in reading order, lines separated by `\n`.
    ///
    /// The corresponding C function is `poppler_page_get_text`. Extraction runs on every
    /// access and can be slow on complex pages; read it once. Bytes that are not valid
    /// UTF-8 become U+FFFD. A page without text (a blank or scanned page) gives the empty
    /// string; that is not an error.
    ///
    /// poppler returns all text drawn on the page, including text drawn invisibly
    /// (render mode 3, as OCR layers do) or in white; text placed outside the page is
    /// left out. ``hiddenText(in:)`` counts the white and tiny part of it.
    public var text: String {
        takeGLibString(poppler_page_get_text(handle))
    }
}

@available(*, unavailable, message: "A PDFPage belongs to the owner of its PDFDocument.")
extension PDFPage: Sendable {}
