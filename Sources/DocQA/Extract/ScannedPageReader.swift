import Foundation

/// When `docqa index` reads PDF pages with OCR.
public enum OCRPolicy: String, Sendable, CaseIterable, Codable {
    /// Pages that look scanned: almost no text layer, mostly covered by images.
    case auto
    /// Every PDF page, its text layer ignored (for scans whose text layer is garbage).
    case always
    /// No page; a scanned page stays empty, as before OCR existed.
    case never
}

/// Reads the text of scanned PDF pages: draws the page (PDF layer) and reads the
/// pixels with Tesseract (OCR layer).
///
/// Tesseract is loaded on the first page that needs it and kept for every later page and
/// file, so a run pays its start-up once. Not `Sendable`: it owns one Tesseract engine.
public final class ScannedPageReader {
    /// Which pages are read with OCR.
    public let policy: OCRPolicy
    /// The resolution pages are drawn at for Tesseract, ``defaultDotsPerInch`` unless set.
    public var dotsPerInch: Int
    /// Called before each page is read with OCR, with the file's path, the page number and
    /// the file's page count, so a slow run can show where it is.
    public var willRead: (_ path: String, _ page: Int, _ pageCount: Int) -> Void = { _, _, _ in }
    /// Asked before each page: a long scan (a second a page) is left between two pages
    /// when the run is asked to stop, rather than read to its end.
    public var shouldStop: () -> Bool = { false }

    /// Pages read and seconds spent (drawing and recognising) since this reader was made.
    public private(set) var pagesRead = 0
    public private(set) var seconds = 0.0

    /// Where the Tesseract language data is; `nil` looks in the usual places.
    private let dataPath: String?
    private var recognizer: TextRecognizer?

    /// The default rendering resolution, in dots per inch. Chosen by measurement
    /// (BENCHMARKS.md, "OCR"): on 39 test scans (200 dpi gray and fax, 300 dpi office)
    /// 150 dpi read the most words and figures right and was the fastest; 300 dpi
    /// enlarged the specks of 200 dpi scans into false marks (figures right 0.88 against
    /// 0.98), and 7-point print still read fully at 150.
    public static let defaultDotsPerInch = 150

    /// A page with fewer letters than this in its text layer may be a scan: a running
    /// header, a Bates number or "Page 2 of 3" stamped on a scanned page stay below it,
    /// while a page of real text has well over a thousand.
    public static let scanLetterLimit = 100
    /// ...and it is a scan when images cover at least this share of it. A blank page or a
    /// title page with no images is not drawn and read for nothing.
    public static let scanImageCoverage = 0.3

    /// A reader for `policy`; `dataPath` names the folder holding Tesseract's
    /// `eng.traineddata` when it is not in a usual place.
    public init(policy: OCRPolicy, dotsPerInch: Int = ScannedPageReader.defaultDotsPerInch, dataPath: String? = nil) {
        self.policy = policy
        self.dotsPerInch = dotsPerInch
        self.dataPath = dataPath
    }

    /// Whether a page whose text layer is `text` is read with OCR under `policy`;
    /// `imageCoverage` is asked only when it matters.
    public static func needsOCR(policy: OCRPolicy, text: String, imageCoverage: () -> Double) -> Bool {
        switch policy {
        case .never: return false
        case .always: return true
        case .auto:
            var letters = 0
            for character in text where character.isLetter {
                letters += 1
                if letters >= scanLetterLimit { return false }
            }
            return imageCoverage() >= scanImageCoverage
        }
    }

    /// The text of `page` read with OCR, with Tesseract's mean confidence.
    ///
    /// - Throws: `DocQAError` with code `.ocrUnavailable` when Tesseract or its language
    ///   data is missing (the file cannot be read as it should; the message says what to
    ///   install), `.renderFailed` or `.ocrFailed` when this one page cannot be drawn or read,
    ///   `.ocrInterrupted` when ``shouldStop`` says to stop before the page.
    func read(_ page: PDFPage) throws(DocQAError) -> RecognizedText {
        if shouldStop() { throw Self.interrupted(at: page.number, path: page.document.path) }
        willRead(page.document.path, page.number, page.document.pageCount)
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            let elapsed = start.duration(to: clock.now).components
            seconds += Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            pagesRead += 1
        }
        let recognizer = try loadedRecognizer(for: page.document.path)
        let image = try page.render(dotsPerInch: dotsPerInch)
        return try recognizer.recognize(image)
    }

    /// `page` read with OCR as an extracted page; a page that cannot be drawn or read is
    /// empty with confidence 0, so it is reported as unreadable rather than failing the file.
    func extractedPage(_ page: PDFPage) throws(DocQAError) -> ExtractedPage {
        do {
            let recognized = try read(page)
            return ExtractedPage(number: page.number, text: ExtractedTextNormalization.normalize(recognized.text),
                                 ocrConfidence: recognized.meanConfidence)
        } catch where error.code == .renderFailed || error.code == .ocrFailed {
            return ExtractedPage(number: page.number, text: "", ocrConfidence: 0)
        }
    }

    /// Counts pages that another process read with OCR for this reader's owner (the PDF
    /// reader process, see ``IsolatedExtractor``), so a run's totals include them.
    func account(pages: Int, seconds: Double) {
        pagesRead += pages
        self.seconds += seconds
    }

    /// The error for a scan left at `page` because ``shouldStop`` said so.
    static func interrupted(at page: Int, path: String) -> DocQAError {
        DocQAError(.ocrInterrupted,
            "reading this scanned file was stopped at page \(page); it was not stored, and the next run reads it again.",
            path: path)
    }

    private func loadedRecognizer(for path: String) throws(DocQAError) -> TextRecognizer {
        if let recognizer { return recognizer }
        do {
            let loaded = try TextRecognizer(language: "eng", dataPath: dataPath)
            recognizer = loaded
            return loaded
        } catch {
            var error = error
            error.message = "this file has scanned pages, but " + error.message.prefix(1).lowercased()
                + error.message.dropFirst()
            error.path = path
            throw error
        }
    }
}

@available(*, unavailable, message: "A ScannedPageReader owns a Tesseract engine for one owner.")
extension ScannedPageReader: Sendable {}
