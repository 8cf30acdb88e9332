@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

/// The scanned sample exhibit: two image-only pages, no text layer.
private let exhibit = Repository.caseFile + "/inspection-report-scan.pdf"

/// Drawing PDF pages to pixels (PDF layer) and reading them with Tesseract (OCR layer),
/// on real PDFs: the committed fixtures and the scanned sample exhibit.
@Suite struct OCRTests {
    /// A page drawn at 100 dpi has the page's size in pixels (612×792 points → 850×1100),
    /// one gray byte per pixel, mostly white with some dark text.
    @Test func renderDrawsThePageAtTheRequestedResolution() throws {
        let page = try PDFDocument(path: fixture("three-pages.pdf")).page(at: 0)
        let image = try page.render(dotsPerInch: 100)
        #expect(image.width == 850 && image.height == 1100 && image.bytesPerRow == 850)
        #expect(image.dotsPerInch == 100)
        #expect(image.pixels.count == 850 * 1100)
        let dark = image.pixels.filter { $0 < 128 }.count
        #expect(dark > 100 && dark < image.pixels.count / 20, "\(dark) dark pixels")
        #expect(image.pgm.starts(with: Array("P5\n850 1100\n255\n".utf8)))
        #expect(image.pgm.count == "P5\n850 1100\n255\n".utf8.count + 850 * 1100)
    }

    /// A page so large that it would pass the pixel limit is drawn at a lower resolution,
    /// and says so in `dotsPerInch`.
    @Test func hugeRenderingsAreScaledDown() throws {
        let page = try PDFDocument(path: fixture("three-pages.pdf")).page(at: 0)
        let image = try page.render(dotsPerInch: 2400)
        #expect(image.dotsPerInch < 2400)
        #expect(image.width * image.height <= PDFPage.maximumRenderedPixels)
    }

    /// A born-digital page has no images; a scanned page is one image covering it.
    @Test func imageCoverageTellsScansFromTextPages() throws {
        #expect(try PDFDocument(path: fixture("three-pages.pdf")).page(at: 0).imageCoverage == 0)
        #expect(try PDFDocument(path: fixture("blank.pdf")).page(at: 0).imageCoverage == 0)
        #expect(try PDFDocument(path: exhibit).page(at: 1).imageCoverage > 0.95)
    }

    /// Tesseract reads a drawn born-digital page word for word, with high confidence.
    @Test func recognizerReadsADrawnPage() throws {
        let recognizer = try TextRecognizer()
        let image = try PDFDocument(path: fixture("three-pages.pdf")).page(at: 1).render(dotsPerInch: 300)
        let read = try recognizer.recognize(image)
        #expect(read.text.contains("Page two of the fixture."), "\(read.text)")
        #expect(read.text.contains("bravo-marker"), "\(read.text)")
        #expect(read.meanConfidence >= 85, "\(read.meanConfidence)")
    }

    /// One recognizer reads several images in turn; a blank image gives no text and
    /// confidence 0, and does not disturb the next page.
    @Test func recognizerIsReusedAcrossPages() throws {
        let recognizer = try TextRecognizer()
        let blank = PageImage(width: 200, height: 100, bytesPerRow: 208, dotsPerInch: 300,
                              pixels: [UInt8](repeating: 255, count: 208 * 100))
        #expect(try recognizer.recognize(blank) == RecognizedText(text: "", meanConfidence: 0))
        let page = try PDFDocument(path: fixture("three-pages.pdf")).page(at: 2).render(dotsPerInch: 300)
        #expect(try recognizer.recognize(page).text.contains("charlie-marker"))
    }

    /// Missing language data is an error that says what to install, never a crash.
    @Test func missingLanguageDataIsExplained() throws {
        #expect {
            try TextRecognizer(language: "qqq")
        } throws: { error in
            let error = error as? DocQAError
            return error?.code == .ocrUnavailable
                && error?.message.contains("apt-get install tesseract-ocr-qqq") == true
                && error?.message.contains("--ocr never") == true
        }
        try withTemporaryFolder { folder in
            // A data file that is not one: Tesseract refuses to load it.
            _ = FileManager.default.createFile(atPath: folder + "/eng.traineddata", contents: Data("not a model".utf8))
            #expect(throws: DocQAError.self) { try TextRecognizer(language: "eng", dataPath: folder) }
        }
    }

    /// `TESSDATA_PREFIX` is tried first, as the folder itself and its `tessdata`
    /// subfolder; Debian's folder is among the defaults.
    @Test func dataPathCandidatesHonourTheEnvironment() {
        let candidates = TextRecognizer.dataPathCandidates(environment: ["TESSDATA_PREFIX": "/opt/tess"])
        #expect(Array(candidates.prefix(2)) == ["/opt/tess", "/opt/tess/tessdata"])
        #expect(TextRecognizer.dataPathCandidates(environment: [:]).contains("/usr/share/tesseract-ocr/5/tessdata"))
    }

    /// `auto` reads a page with (almost) no text layer only when images cover it; `always`
    /// reads every page and `never` none.
    @Test(arguments: [
        (OCRPolicy.auto, "", 1.0, true),
        (.auto, "CORV-0004125  Page 2 of 3", 0.98, true),
        (.auto, "", 0.0, false),
        (.auto, "", 0.1, false),
        (.auto, String(repeating: "word ", count: 40), 1.0, false),
        (.never, "", 1.0, false),
        (.always, String(repeating: "word ", count: 400), 0.0, true),
    ])
    func whichPagesAreRead(policy: OCRPolicy, text: String, coverage: Double, expected: Bool) {
        #expect(ScannedPageReader.needsOCR(policy: policy, text: text, imageCoverage: { coverage }) == expected)
    }

    /// The scanned exhibit is read page by page with OCR: its facts are on the right page,
    /// each page carries a confidence, and Tesseract is loaded once for both pages.
    @Test func scannedExhibitIsReadPageExact() throws {
        let scans = ScannedPageReader(policy: .auto)
        var announced: [Int] = []
        scans.willRead = { _, page, count in
            #expect(count == 2)
            announced.append(page)
        }
        let document = try DocumentExtractor.extract(fileAt: exhibit, scans: scans)
        #expect(document.pages.map(\.number) == [1, 2])
        #expect(announced == [1, 2])
        #expect(scans.pagesRead == 2 && scans.seconds > 0)
        #expect(document.pages[0].text.contains("Gideon Marsh"), "\(document.pages[0].text)")
        #expect(document.pages[1].text.contains("PG-5521"), "\(document.pages[1].text)")
        #expect(!document.pages[0].text.contains("PG-5521"))
        #expect(document.pages.allSatisfy { ($0.ocrConfidence ?? 0) >= IndexStore.ocrConfidenceFloor }, "\(document.pages.map(\.ocrConfidence))")
        #expect(Set(document.ocrConfidences.keys) == [1, 2])
    }

    /// With `--ocr never` a scan has no text, as before OCR existed, and the error says how
    /// to read it; a page whose only text layer is a stamp keeps just the stamp.
    @Test func neverLeavesScansUnread() throws {
        let never = ScannedPageReader(policy: .never)
        #expect(throws: DocQAError(.emptyDocument,
            "this file has no extractable text (is it a scanned image? index it with --ocr auto to read it with OCR).",
            path: exhibit)) {
            try DocumentExtractor.extract(fileAt: exhibit, scans: never)
        }
        let stamped = try DocumentExtractor.extract(fileAt: fixture("stamped-scan.pdf"), scans: never)
        #expect(stamped.pages == [ExtractedPage(number: 1, text: "CORV-0004125", hiddenText: HiddenTextCount())])
        #expect(never.pagesRead == 0)
    }

    /// A scan with a Bates stamp as its only text layer still counts as scanned under
    /// `auto`: its page is read with OCR (the stamp too, as it is drawn on the page).
    @Test func stampedScanIsRead() throws {
        let document = try DocumentExtractor.extract(fileAt: fixture("stamped-scan.pdf"), scans: ScannedPageReader(policy: .auto))
        let page = try #require(document.pages.first)
        #expect(page.ocrConfidence != nil)
        #expect(page.text.contains("CMS-4488"), "\(page.text)")
        #expect(page.text.contains("Van Houten"), "\(page.text)")
    }

    /// `always` reads born-digital pages with OCR too, replacing their text layer; a blank
    /// PDF without images is not sent to OCR under `auto`, and the error says so.
    @Test func alwaysReadsEveryPageAndBlankPagesAreNotScans() throws {
        let always = try DocumentExtractor.extract(fileAt: fixture("three-pages.pdf"), scans: ScannedPageReader(policy: .always))
        #expect(always.pages.allSatisfy { $0.ocrConfidence != nil })
        #expect(always.pages[2].text.contains("charlie-marker"))
        let auto = ScannedPageReader(policy: .auto)
        #expect(throws: DocQAError(.emptyDocument,
            "this file has no text and no pages that look scanned (are its pages blank?); if it is a scan, index it with --ocr always.",
            path: fixture("blank.pdf"))) {
            try DocumentExtractor.extract(fileAt: fixture("blank.pdf"), scans: auto)
        }
        #expect(auto.pagesRead == 0)
    }
}

/// Pages read with OCR in the index: recorded with their confidence, shown on every chunk
/// that covers them, listed below the floor, and removed with their document.
@Suite struct OCRIndexTests {
    /// `ocr_pages` holds each OCR'd page's confidence; search hits carry the lowest
    /// confidence of their pages (nil for text-layer pages); removal cascades.
    @Test func ocrPagesAreStoredAndReported() throws {
        try withTemporaryFolder { folder in
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            try store.bindEmbeddingModel(EmbeddingModelInfo(name: "test", fingerprint: "f1", dimension: 2))
            let chunks = [
                Chunk(ordinal: 0, text: "typed page quillfeather", pageStart: 1, pageEnd: 1, byteStart: 0, byteEnd: 23, tokenCount: 3),
                Chunk(ordinal: 1, text: "scanned page quillfeather", pageStart: 2, pageEnd: 3, byteStart: 25, byteEnd: 50, tokenCount: 3),
            ]
            try store.replaceDocument(path: "/m/a.pdf", contentHash: "h", format: .pdf, pageCount: 3,
                                      chunks: chunks, vectors: [[1, 0], [0, 1]], ocrConfidences: [2: 91, 3: 42])
            #expect(try store.ocrPages() == [OCRPage(path: "/m/a.pdf", page: 2, confidence: 91),
                                             OCRPage(path: "/m/a.pdf", page: 3, confidence: 42)])
            #expect(try store.ocrPages(below: IndexStore.ocrConfidenceFloor) == [OCRPage(path: "/m/a.pdf", page: 3, confidence: 42)])
            try store.replaceDocument(path: "/m/b.pdf", contentHash: "h2", format: .pdf, pageCount: 1,
                                      chunks: [chunks[0]], vectors: [[1, 0]], ocrConfidences: [1: 77])
            #expect(try store.ocrPages(of: "/m/b.pdf") == [OCRPage(path: "/m/b.pdf", page: 1, confidence: 77)])
            #expect(try store.ocrPages(of: "/m/a.pdf").map(\.page) == [2, 3])
            try store.removeDocument(atPath: "/m/b.pdf")
            let hits = try store.keywordSearch("quillfeather", limit: 5)
            #expect(Dictionary(uniqueKeysWithValues: hits.map { ($0.ordinal, $0.ocrConfidence) }) == [0: nil, 1: 42])
            let nearest = try store.nearestChunks(to: [0, 1], limit: 1)
            #expect(nearest.first?.ocrConfidence == 42)
            try store.removeDocument(atPath: "/m/a.pdf")
            #expect(try store.ocrPages().isEmpty)
        }
    }

    /// Asked to stop while a scan is being read, indexing stops before its next page: the
    /// run is marked interrupted and the scan is neither stored nor recorded as failed, so
    /// the next run reads it whole.
    @Test func stopIsHeardBetweenScannedPages() throws {
        try withTemporaryFolder { folder in
            try FileManager.default.createDirectory(atPath: folder + "/docs", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: exhibit, toPath: folder + "/docs/scan.pdf")
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            let indexer = try Indexer(store: store, embedder: Embedder(modelPath: TestModels.embeddingModelPath))
            var pagesStarted = 0
            indexer.scans.willRead = { _, _, _ in pagesStarted += 1 }
            let report = try indexer.index(paths: [folder + "/docs"], shouldStop: { pagesStarted >= 1 })
            #expect(report.interrupted)
            #expect(pagesStarted == 1)
            #expect(report.outcomes.isEmpty, "\(report.outcomes)")
            #expect(try store.documents().isEmpty)
            #expect(try store.fileStates().isEmpty)

            let resumed = try indexer.index(paths: [folder + "/docs"])
            #expect(!resumed.interrupted && resumed.indexedCount == 1 && resumed.ocrPages == 2)
            #expect(try store.ocrPages().map(\.page) == [1, 2])
        }
    }
}
