import Foundation

/// Turns a supported file into an ``ExtractedDocument``: its text, page by page.
///
/// Extraction is synchronous and, for large PDFs, slow; callers run it off the shared
/// concurrency pool.
public enum DocumentExtractor {
    /// File extensions `extract(fileAt:)` reads, lowercase and without the dot. Matching
    /// ignores case, so `REPORT.PDF` is a PDF.
    public static let supportedExtensions: Set<String> = pdfExtensions.union(textExtensions)
        .union(htmlExtensions).union(docxExtensions).union(emailExtensions)

    static let pdfExtensions: Set<String> = ["pdf"]
    static let textExtensions: Set<String> = ["txt", "text", "md", "markdown"]
    static let htmlExtensions: Set<String> = ["html", "htm"]
    static let docxExtensions: Set<String> = ["docx"]
    static let emailExtensions: Set<String> = ["eml"]

    /// Extracts the text of the file at `path`, choosing the reader by its extension.
    ///
    /// A PDF gives one page per PDF page, numbered from 1, including pages without text
    /// (their text is empty), so numbers always match the viewer's page counter; each
    /// carries its count of characters drawn white or tiny (``ExtractedPage/hiddenText``). A text or
    /// Markdown file gives one page with `number == nil`. All text is lightly normalised:
    /// line breaks become `\n`, control characters other than `\n` and `\t` are removed,
    /// and trailing blanks and runs of blank lines are trimmed.
    ///
    /// Text files must be UTF-8 (a leading byte-order mark is dropped); UTF-16 with a
    /// byte-order mark is accepted too.
    ///
    /// - Throws: `DocQAError` with code
    ///   - `.fileNotFound` when nothing exists at `path`;
    ///   - `.unreadableFile` when `path` is a folder, not a regular file, or unreadable;
    ///   - `.unsupportedFormat` when the extension is not in ``supportedExtensions``;
    ///   - `.encryptedPDF` or `.damagedPDF` for a PDF that needs a password or is broken;
    ///   - `.notUTF8` for a text file in another encoding;
    ///   - `.encryptedDocument`, `.damagedDocument` or `.fileTooLarge` for a Word document
    ///     that is password-protected, broken, or inflates beyond reason (see
    ///     ``DOCXReader``), or an email that is not one or is encrypted (see
    ///     ``EmailReader``);
    ///   - `.emptyDocument` when the file has no text at all, such as a scanned PDF
    ///     without OCR or an empty text file;
    ///   - `.ocrUnavailable` for a PDF with scanned pages when Tesseract cannot start.
    ///
    /// `scans` reads scanned PDF pages with OCR (its policy says which); without it, such
    /// pages are empty. A page OCR cannot draw or read is kept empty with confidence 0.
    public static func extract(fileAt path: String, scans: ScannedPageReader? = nil) throws(DocQAError) -> ExtractedDocument {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let path = url.path
        let fileExtension = url.pathExtension.lowercased()

        try requireRegularFile(path)

        let document: ExtractedDocument
        if pdfExtensions.contains(fileExtension) {
            document = try extractPDF(path, scans: scans)
        } else if textExtensions.contains(fileExtension) {
            document = try extractText(path)
        } else if htmlExtensions.contains(fileExtension) {
            document = try extractHTML(path)
        } else if docxExtensions.contains(fileExtension) {
            document = try DOCXReader.read(path)
        } else if emailExtensions.contains(fileExtension) {
            document = try EmailReader.read(path)
        } else {
            throw unsupportedFormat(path)
        }

        guard document.hasText else {
            switch document.format {
            case .pdf:
                let message = if document.pages.contains(where: { $0.ocrConfidence != nil }) {
                    "OCR found no text on this file's pages; check that it is a legible scan."
                } else if let scans, scans.policy != .never {
                    "this file has no text and no pages that look scanned (are its pages blank?); "
                        + "if it is a scan, index it with --ocr always."
                } else {
                    "this file has no extractable text (is it a scanned image? index it with --ocr auto "
                        + "to read it with OCR)."
                }
                throw DocQAError(.emptyDocument, message, path: path)
            case .docx:
                throw DocQAError(.emptyDocument,
                    "this Word document has no text; add content to it or leave it out.", path: path)
            case .text, .html, .email:
                throw DocQAError(.emptyDocument,
                    "this file has no text; add content to it or leave it out.", path: path)
            }
        }
        return document
    }

    /// The error for a file whose extension no extractor reads.
    static func unsupportedFormat(_ path: String) -> DocQAError {
        let list = supportedExtensions.sorted().map { "." + $0 }.joined(separator: ", ")
        return DocQAError(.unsupportedFormat,
            "this file is not a supported format; docqa reads \(list) files. "
            + "Convert it to PDF or plain text, or leave it out.", path: path)
    }

    // MARK: - Readers

    private static func extractPDF(_ path: String, scans: ScannedPageReader?) throws(DocQAError) -> ExtractedDocument {
        let pdf = try PDFDocument(path: path)
        var pages: [ExtractedPage] = []
        pages.reserveCapacity(pdf.pageCount)
        for index in 0..<pdf.pageCount {
            let page = try pdf.page(at: index)
            let text = page.text
            if let scans, ScannedPageReader.needsOCR(policy: scans.policy, text: text, imageCoverage: { page.imageCoverage }) {
                // OCR reads what is drawn, so nothing hidden in the text layer gets in.
                var scanned = try scans.extractedPage(page)
                scanned.hiddenText = HiddenTextCount()
                pages.append(scanned)
                continue
            }
            // Tables read row by row (`PageTables`); hidden text is counted in poppler's own text.
            let boxes = page.characterBoxes(for: text)
            let read = boxes.map { PageTables.readingRows(text, boxes: $0) } ?? text
            pages.append(ExtractedPage(
                number: page.number,
                text: ExtractedTextNormalization.normalize(read),
                hiddenText: page.hiddenText(in: text, boxes: boxes)))
        }
        // The title before cleaning: a title repeated as a running header is still the title.
        let title = usableTitle(pdf.title) ?? pages.lazy.compactMap { PageLayout.leadingTitle($0.text) }.first
        let cleaned = PageLayout.cleaned(pages)
        // Titles cleaned as page text is (ligatures, control characters), so they match it.
        let outline = pdf.outline.compactMap { entry -> PDFOutlineEntry? in
            var entry = entry
            entry.title = ExtractedTextNormalization.normalize(entry.title)
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return entry.title.isEmpty ? nil : entry
        }
        return ExtractedDocument(format: .pdf, pages: cleaned, title: title, outline: outline.isEmpty ? nil : outline)
    }

    /// A PDF's metadata title unless it is clearly not one: empty, "untitled", or the
    /// name of the file it was made from ("Microsoft Word - draft3.docx", "report.tex").
    static func usableTitle(_ title: String?) -> String? {
        guard let title, title.filter(\.isLetter).count >= 3 else { return nil }
        let lower = title.lowercased()
        let madeFrom = [".doc", ".docx", ".pdf", ".tex", ".dvi", ".odt", ".rtf", ".txt", ".indd"]
        if lower.hasPrefix("untitled") || lower.hasPrefix("microsoft word")
            || madeFrom.contains(where: { lower.hasSuffix($0) }) {
            return nil
        }
        return String(title.prefix(160))
    }

    private static func extractText(_ path: String) throws(DocQAError) -> ExtractedDocument {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DocQAError(.unreadableFile,
                "this file cannot be read; check that the file is readable and try again.",
                path: path)
        }
        guard let text = decodeText(bytes) else {
            throw DocQAError(.notUTF8,
                "this file is not UTF-8 text; save it as UTF-8 (for example with your editor's "
                + "\"Save with encoding\" or `iconv -t UTF-8`) and index again.", path: path)
        }
        let normalized = ExtractedTextNormalization.normalize(text)
        return ExtractedDocument(format: .text, pages: [ExtractedPage(number: nil, text: normalized)],
                                 title: PageLayout.leadingTitle(normalized))
    }

    /// Reads a file's bytes, or throws `.unreadableFile`.
    static func contents(of path: String) throws(DocQAError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DocQAError(.unreadableFile,
                "this file cannot be read; check that the file is readable and try again.",
                path: path)
        }
    }

    private static func extractHTML(_ path: String) throws(DocQAError) -> ExtractedDocument {
        let data = try contents(of: path)
        guard let (text, title) = try? HTMLReader.read(data) else {
            throw DocQAError(.emptyDocument,
                "this file has no text; add content to it or leave it out.", path: path)
        }
        return ExtractedDocument(format: .html, pages: [ExtractedPage(number: nil, text: text)],
                                 title: title ?? PageLayout.leadingTitle(text))
    }

    /// Decodes strict UTF-8 (dropping a UTF-8 byte-order mark), or UTF-16 announced by a
    /// byte-order mark. Returns `nil` for anything else rather than guessing: a wrong
    /// guess would index mojibake that no question can match.
    static func decodeText(_ bytes: Data) -> String? {
        let bytes = [UInt8](bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return String(validating: bytes.dropFirst(3), as: UTF8.self)
        }
        // UTF-32 marks start with the UTF-16 ones; refuse them before they are misread.
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            return nil
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return decodeUTF16(bytes.dropFirst(2), bigEndian: false) }
        if bytes.starts(with: [0xFE, 0xFF]) { return decodeUTF16(bytes.dropFirst(2), bigEndian: true) }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func decodeUTF16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        // Unpaired surrogates make this nil instead of U+FFFD: the file is not clean UTF-16.
        return String(validating: units, as: UTF16.self)
    }
}
