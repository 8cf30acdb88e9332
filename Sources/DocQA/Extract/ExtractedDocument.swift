/// The text of one source file, page by page, as extraction found it.
public struct ExtractedDocument: Sendable, Equatable, Codable {
    /// The kind of file the text came from.
    public enum Format: String, Sendable, Codable {
        case pdf
        case text
        /// An HTML page (`.html`, `.htm`): its visible text, one page without a number.
        case html
        /// A Word document (`.docx`): paragraphs, headings, tables and notes, one page
        /// without a number (Word has no stable pages).
        case docx
        /// An email message (`.eml`): a header block and the body, one page without a number.
        case email
    }

    public var format: Format
    /// Pages in reading order. A text file has a single page whose `number` is `nil`.
    public var pages: [ExtractedPage]
    /// The document's own title (a PDF's metadata title, or its first heading), when it
    /// has a usable one.
    public var title: String?
    /// A PDF's outline (its bookmarks), when it has one: the sections its chunks fall
    /// under, more reliable than headings guessed from the shape of lines. `nil` for
    /// other formats and for PDFs without one.
    public var outline: [PDFOutlineEntry]?

    public init(format: Format, pages: [ExtractedPage], title: String? = nil, outline: [PDFOutlineEntry]? = nil) {
        self.format = format
        self.pages = pages
        self.title = title
        self.outline = outline
    }

    /// The UTF-8 offset at which each page starts in the document's text, its pages
    /// joined by `Chunker.pageSeparator` (the coordinates of chunk byte offsets).
    public var pageOffsets: [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(pages.count)
        var offset = 0
        for page in pages {
            offsets.append(offset)
            offset += page.text.utf8.count + Chunker.pageSeparator.utf8.count
        }
        return offsets
    }

    /// The 1-based page holding the byte `offset` of a document whose pages start at
    /// `pageOffsets` (ascending): the last page starting at or before it.
    public static func page(containing offset: Int, pageOffsets: [Int]) -> Int {
        var low = 0, high = pageOffsets.count
        while low < high {
            let middle = (low + high) / 2
            if pageOffsets[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        return max(1, low)
    }

    /// The pages read with OCR: page number and Tesseract's mean confidence.
    public var ocrConfidences: [Int: Int] {
        var confidences: [Int: Int] = [:]
        for page in pages { if let number = page.number, let confidence = page.ocrConfidence { confidences[number] = confidence } }
        return confidences
    }

    /// The pages holding text drawn white or tiny (see ``HiddenTextCount``): page number
    /// and counts, for pages with at least one such character.
    public var hiddenTextPages: [Int: HiddenTextCount] {
        var counts: [Int: HiddenTextCount] = [:]
        for page in pages {
            if let number = page.number, let count = page.hiddenText, !count.isEmpty { counts[number] = count }
        }
        return counts
    }

    /// Whether every page was checked for white and tiny text: a PDF read by this docqa.
    /// Other formats have no such attributes, and are not checked.
    public var isCheckedForHiddenText: Bool {
        format == .pdf && pages.allSatisfy { $0.hiddenText != nil }
    }

    /// Whether any page holds more than white space.
    public var hasText: Bool {
        pages.contains { page in page.text.contains { !$0.isWhitespace } }
    }
}

/// The text of one page.
public struct ExtractedPage: Sendable, Equatable, Codable {
    /// 1-based physical page index in the PDF; `nil` for files without pages.
    public var number: Int?
    public var text: String
    /// A page that points elsewhere (a table of contents): it matches many queries but
    /// answers none, so retrieval ranks it low.
    public var isNavigation: Bool
    /// For a page read with OCR, Tesseract's mean confidence (0 to 100); `nil` for text
    /// from the file itself.
    public var ocrConfidence: Int?
    /// For a PDF page, the characters of its text drawn white or tiny (zero for a page
    /// read with OCR, whose text is what shows); `nil` when the page was not checked (other
    /// formats). Optional in JSON, so a reader process's report without it still decodes.
    public var hiddenText: HiddenTextCount?

    public init(number: Int?, text: String, isNavigation: Bool = false, ocrConfidence: Int? = nil,
                hiddenText: HiddenTextCount? = nil) {
        self.number = number
        self.text = text
        self.isNavigation = isNavigation
        self.ocrConfidence = ocrConfidence
        self.hiddenText = hiddenText
    }
}
