import CPoppler
import Foundation

/// An open PDF file, read through poppler.
///
/// Owns one `PopplerDocument` and releases it with `g_object_unref` when the last
/// reference goes, which includes the references held by its ``PDFPage``s.
///
/// Not `Sendable`: poppler documents are not safe to use from two threads at once, so
/// one owner uses a document and its pages. Opening and extracting are synchronous and
/// can be slow on large or complex files; callers keep them off the shared concurrency
/// pool.
public final class PDFDocument {
    /// The path the document was opened from, absolute and standardized.
    public let path: String

    /// The `PopplerDocument *`.
    let handle: OpaquePointer

    /// Opens the PDF at `path` (absolute, or relative to the current directory).
    ///
    /// The corresponding C function is `poppler_document_new_from_file`, with no password.
    ///
    /// - Throws: `DocQAError` with code
    ///   - `.fileNotFound` when nothing exists at `path`;
    ///   - `.unreadableFile` when `path` is a folder or cannot be read;
    ///   - `.encryptedPDF` when the PDF needs a password to open;
    ///   - `.damagedPDF` when the file is not a PDF or is too damaged to read.
    ///
    /// A PDF with an owner password only (printing or copying restricted) opens normally;
    /// poppler reads its text. A PDF without any text is not an error here.
    public init(path: String) throws(DocQAError) {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        self.path = path

        try requireRegularFile(path)

        PopplerLog.silence()
        do throws(GLibError) {
            let uri = try callReportingGError { error in g_filename_to_uri(path, nil, error) }
            defer { g_free(uri) }
            handle = try callReportingGError { error in
                poppler_document_new_from_file(uri, nil, error)
            }
        } catch {
            throw Self.describe(error, path: path)
        }
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(handle))
    }

    /// The number of pages, from `poppler_document_get_n_pages`. Zero for a PDF whose
    /// page tree is empty.
    public var pageCount: Int {
        max(0, Int(poppler_document_get_n_pages(handle)))
    }

    /// The title in the PDF's document information, trimmed; `nil` when there is none.
    ///
    /// The corresponding C function is `poppler_document_get_title`.
    public var title: String? {
        guard let raw = poppler_document_get_title(handle) else { return nil }
        defer { g_free(raw) }
        let title = String(cString: raw).trimmingCharacters(in: .whitespacesAndNewlines)
        return title.isEmpty ? nil : title
    }

    /// The page at a 0-based `index`; its 1-based page number is `index + 1`.
    ///
    /// The corresponding C function is `poppler_document_get_page`.
    ///
    /// - Precondition: `0 <= index < pageCount`; anything else is a programming error.
    /// - Throws: `DocQAError` with code `.damagedPDF` when the page is listed but poppler
    ///   cannot load it (a broken page tree). This is the file's fault, not the caller's,
    ///   so it is an error rather than a trap.
    public func page(at index: Int) throws(DocQAError) -> PDFPage {
        precondition(index >= 0 && index < pageCount,
                     "page index \(index) is outside 0..<\(pageCount)")
        guard let page = poppler_document_get_page(handle, Int32(index)) else {
            throw DocQAError(.damagedPDF,
                "Page \(index + 1) of \(URL(fileURLWithPath: path).lastPathComponent) cannot be read; "
                + "the PDF is damaged. Open and re-save it (or print it to a new PDF) and index again.",
                path: path)
        }
        return PDFPage(handle: page, index: index, document: self)
    }

    private static func describe(_ error: GLibError, path: String) -> DocQAError {
        if error.isEncrypted {
            return DocQAError(.encryptedPDF,
                "this file is password-protected; remove the password (e.g. save an unprotected copy) "
                + "and index again.", path: path)
        }
        if error.isMissingFile {
            return DocQAError(.fileNotFound,
                "this file does not exist; check the path and try again.", path: path)
        }
        if error.domain == .file {
            // Permission denied, I/O error and the like: the bytes never reached poppler.
            return DocQAError(.unreadableFile,
                "this file cannot be read (\(error.message)); check that the file is readable "
                + "and try again.", path: path)
        }
        // POPPLER_ERROR_DAMAGED, _BAD_CATALOG, _INVALID: poppler could not parse the file.
        return DocQAError(.damagedPDF,
            "this file is damaged or is not a PDF; open and re-save it (or print it to a new PDF) "
            + "and index again.", path: path)
    }
}

@available(*, unavailable, message: "A PDFDocument and its pages belong to one owner at a time.")
extension PDFDocument: Sendable {}
