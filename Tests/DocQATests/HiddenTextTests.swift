import DocQATestSupport
import Foundation
import Testing
@testable import DocQA

/// Text a reader of the page would not see, white or tiny, counted from poppler's text
/// attributes and carried from extraction into the index (real fixtures, a real index, the
/// real embedding model where something is indexed).
@Suite("Hidden text", .serialized)
struct HiddenTextTests {
    /// The counts of each page of a PDF, read through the PDF layer.
    private static func counts(_ path: String) throws -> [HiddenTextCount] {
        let pdf = try PDFDocument(path: path)
        return try (0..<pdf.pageCount).map { index in
            let page = try pdf.page(at: index)
            return page.hiddenText(in: page.text)
        }
    }

    /// The fixture's white line ("The white word is white-marker.") and tiny line ("The
    /// tiny word is tiny-marker.") are counted character for character, blanks left out;
    /// the invisible (render mode 3) line is not seen, and neither is the visible one.
    @Test func whiteAndTinyCharactersAreCounted() throws {
        #expect(try Self.counts(fixture("hidden-text.pdf")) == [HiddenTextCount(white: 27, tiny: 25)])
    }

    /// Near-white (96% in each channel) counts as white, light gray (80%) does not, and
    /// 1.5-point text counts as tiny; each on its own page, the plain page counts nothing.
    @Test func eachPageIsCountedOnItsOwn() throws {
        #expect(try Self.counts(fixture("hidden-text-pages.pdf"))
                == [HiddenTextCount(), HiddenTextCount(white: 25), HiddenTextCount(tiny: 27)])
    }

    /// White text on a black banner or a mid-gray box is seen by a reader and not
    /// counted; on a light gray box (30 characters), on the white page (27) and under
    /// hairlines 3 points apart (27) it is. A white word stretched so far (Tz) that its
    /// boxes overflow an integer is counted, not a crash. The same on a real document: the
    /// IRS's 2007 instructions print "CAUTION" and "DIRECT" in white on dark boxes, 202
    /// white characters on 21 pages before the background was looked at, none now.
    @Test func whiteTextOnADarkBackgroundIsSeen() throws {
        #expect(try Self.counts(fixture("white-on-dark.pdf")) == [HiddenTextCount(white: 84), HiddenTextCount(white: 1)])
        let irs = Repository.root + "/Benchmarks/eval4/documents/irs-1040nr-instructions-2007.pdf"
        #expect(try Self.counts(irs).allSatisfy(\.isEmpty))
    }

    /// Ordinary documents count nothing: the sample case file's PDFs (the scanned exhibit's
    /// empty text layer included), the OCR fixture's Bates-stamped scan, and a blank page.
    @Test func ordinaryPDFsCountNothing() throws {
        let samples = try FileManager.default.contentsOfDirectory(atPath: Repository.caseFile)
            .filter { $0.hasSuffix(".pdf") }.map { Repository.caseFile + "/" + $0 }
        #expect(samples.count == 4)
        for path in samples + [fixture("stamped-scan.pdf"), fixture("blank.pdf"), fixture("three-pages.pdf")] {
            #expect(try Self.counts(path).allSatisfy(\.isEmpty), "\(path)")
        }
    }

    /// Extraction gives each PDF page its counts, and the document the pages to flag; a
    /// text file is not checked. A page read with OCR counts zero: its text is what shows.
    @Test func extractionCarriesTheCounts() throws {
        let document = try DocumentExtractor.extract(fileAt: fixture("hidden-text-pages.pdf"))
        #expect(document.pages.map(\.hiddenText) == [HiddenTextCount(), HiddenTextCount(white: 25), HiddenTextCount(tiny: 27)])
        #expect(document.isCheckedForHiddenText)
        #expect(document.hiddenTextPages == [2: HiddenTextCount(white: 25), 3: HiddenTextCount(tiny: 27)])

        let text = try DocumentExtractor.extract(fileAt: fixture("utf8.txt"))
        #expect(!text.isCheckedForHiddenText && text.hiddenTextPages.isEmpty && text.pages[0].hiddenText == nil)

        let scan = try DocumentExtractor.extract(fileAt: fixture("stamped-scan.pdf"),
                                                 scans: ScannedPageReader(policy: .always))
        #expect(scan.pages.allSatisfy { $0.ocrConfidence != nil && $0.hiddenText == HiddenTextCount() })
        #expect(scan.isCheckedForHiddenText && scan.hiddenTextPages.isEmpty)
    }

    /// The reader process's JSON: a page written without `hiddenText` (as a docqa from
    /// before the check writes it) decodes as not checked, and one with it keeps its counts.
    @Test func pagesWithoutCountsStillDecode() throws {
        let old = Data(#"{"format":"pdf","pages":[{"number":1,"text":"Clause 1.","isNavigation":false}]}"#.utf8)
        let decoded = try JSONDecoder().decode(ExtractedDocument.self, from: old)
        #expect(decoded.pages.first?.hiddenText == nil && !decoded.isCheckedForHiddenText)

        let current = try DocumentExtractor.extract(fileAt: fixture("hidden-text.pdf"))
        let roundTrip = try JSONDecoder().decode(ExtractedDocument.self, from: JSONEncoder().encode(current))
        #expect(roundTrip == current && roundTrip.hiddenTextPages == [1: HiddenTextCount(white: 27, tiny: 25)])
    }

    /// Indexing records the flagged pages with their counts and marks each PDF checked (a
    /// text file is not); a search hit on a flagged page says so, one elsewhere does not;
    /// removing the document removes its pages.
    @Test func indexRecordsFlaggedPages() throws {
        try withTemporaryFolder { folder in
            let docs = folder + "/docs"
            try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
            for name in ["hidden-text.pdf", "hidden-text-pages.pdf", "three-pages.pdf", "utf8.txt"] {
                try FileManager.default.copyItem(atPath: fixture(name), toPath: docs + "/" + name)
            }
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            let indexer = try Indexer(store: store, embedder: Embedder(modelPath: TestModels.embeddingModelPath))
            let report = try indexer.index(paths: [docs])
            #expect(report.indexedCount == 4 && report.failures.isEmpty, "\(report.failures)")
            #expect(report.hiddenTextPages == 3)
            #expect(try store.hiddenTextPages() == [
                HiddenTextPage(path: docs + "/hidden-text-pages.pdf", page: 2, count: HiddenTextCount(white: 25)),
                HiddenTextPage(path: docs + "/hidden-text-pages.pdf", page: 3, count: HiddenTextCount(tiny: 27)),
                HiddenTextPage(path: docs + "/hidden-text.pdf", page: 1, count: HiddenTextCount(white: 27, tiny: 25)),
            ])
            let checked = Dictionary(uniqueKeysWithValues: try store.documents().map {
                (($0.path as NSString).lastPathComponent, $0.isCheckedForHiddenText)
            })
            #expect(checked == ["hidden-text.pdf": true, "hidden-text-pages.pdf": true, "three-pages.pdf": true,
                                "utf8.txt": false])

            let pale = try #require(try store.keywordSearch("pale-marker", limit: 1).first)
            #expect(pale.pageStart! <= 2 && 2 <= pale.pageEnd! && pale.hasHiddenText)
            let bravo = try #require(try store.keywordSearch("bravo-marker", limit: 5).first { $0.path.hasSuffix("three-pages.pdf") })
            #expect(!bravo.hasHiddenText)

            try store.removeDocument(atPath: docs + "/hidden-text.pdf")
            #expect(try store.hiddenTextPages().map(\.page) == [2, 3])
        }
    }

    /// A hit is marked when one of its pages is flagged, and only then: chunks of pages 1,
    /// 2 and 1–3 of a document flagged on page 2, and a text file's chunk (no pages).
    @Test func hitsKnowTheirFlaggedPages() throws {
        try withTemporaryFolder { folder in
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            try store.bindEmbeddingModel(EmbeddingModelInfo(name: "test", fingerprint: "f1f1", dimension: 4))
            func chunk(_ ordinal: Int, _ text: String, _ pages: ClosedRange<Int>?) -> Chunk {
                Chunk(ordinal: ordinal, text: text, pageStart: pages?.lowerBound, pageEnd: pages?.upperBound,
                      byteStart: ordinal * 100, byteEnd: ordinal * 100 + text.utf8.count, tokenCount: 3)
            }
            try store.replaceDocument(path: "/m/a.pdf", contentHash: "h1", format: .pdf, pageCount: 3,
                                      chunks: [chunk(0, "Quillfeather one", 1...1), chunk(1, "Quillfeather two", 2...2),
                                               chunk(2, "Quillfeather all", 1...3)],
                                      vectors: Array(repeating: [1, 0, 0, 0], count: 3),
                                      hiddenText: [2: HiddenTextCount(white: 4), 3: HiddenTextCount()])
            try store.replaceDocument(path: "/m/b.txt", contentHash: "h2", format: .text, pageCount: nil,
                                      chunks: [chunk(0, "Quillfeather text", nil)], vectors: [[1, 0, 0, 0]])
            let marks = Dictionary(uniqueKeysWithValues: try store.keywordSearch("Quillfeather", limit: 10).map {
                ($0.text, $0.hasHiddenText)
            })
            #expect(marks == ["Quillfeather one": false, "Quillfeather two": true, "Quillfeather all": true,
                              "Quillfeather text": false])
            #expect(try store.nearestChunks(to: [1, 0, 0, 0], limit: 10).filter(\.hasHiddenText).map(\.text).sorted()
                    == ["Quillfeather all", "Quillfeather two"])
            // A page whose counts are zero is not recorded.
            #expect(try store.hiddenTextPages() == [HiddenTextPage(path: "/m/a.pdf", page: 2, count: HiddenTextCount(white: 4))])
        }
    }

    /// An index from before the check (schema 4) opens and is upgraded in place: its PDFs
    /// are "not checked" and nothing is flagged. The next `index` run checks the unchanged
    /// PDFs without embedding anything and records their pages; the text file stays
    /// unchecked (it has no colours or sizes to check).
    @Test func schema4IndexIsUpgradedThenChecked() throws {
        try withTemporaryFolder { folder in
            let docs = folder + "/docs", path = folder + "/i.sqlite"
            try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
            for name in ["hidden-text-pages.pdf", "three-pages.pdf", "utf8.txt"] {
                try FileManager.default.copyItem(atPath: fixture(name), toPath: docs + "/" + name)
            }
            let embedder = try Embedder(modelPath: TestModels.embeddingModelPath)
            do {
                let store = try IndexStore(path: path, create: true)
                _ = try Indexer(store: store, embedder: embedder).index(paths: [docs])
                // Back to schema 4, as docqa before this change left it.
                try store.db.execute("""
                    DROP TABLE hidden_text_pages; ALTER TABLE documents DROP COLUMN hidden_text_checked;
                    PRAGMA user_version = 4
                    """)
            }
            let store = try IndexStore(path: path, create: false)
            #expect(try store.db.int64("PRAGMA user_version") == 5)
            #expect(try store.documents().allSatisfy { !$0.isCheckedForHiddenText })
            #expect(try store.hiddenTextPages().isEmpty)
            #expect(try store.keywordSearch("pale-marker", limit: 1).first?.hasHiddenText == false)

            let report = try Indexer(store: store, embedder: embedder).index(paths: [docs])
            #expect(report.unchangedCount == 3 && report.embeddedTokens == 0 && report.hiddenTextPages == 2,
                    "\(report.outcomes)")
            #expect(try store.hiddenTextPages() == [
                HiddenTextPage(path: docs + "/hidden-text-pages.pdf", page: 2, count: HiddenTextCount(white: 25)),
                HiddenTextPage(path: docs + "/hidden-text-pages.pdf", page: 3, count: HiddenTextCount(tiny: 27)),
            ])
            #expect(try store.documents().map(\.isCheckedForHiddenText) == [true, true, false])
            #expect(try store.keywordSearch("pale-marker", limit: 1).first?.hasHiddenText == true)
            #expect(try store.db.string("PRAGMA integrity_check") == "ok")
        }
    }

    /// A scanned page whose text layer holds tiny text (a 1.5-point Bates stamp) is read
    /// with OCR, so what is indexed is the OCR text, not the layer: neither indexing nor
    /// the check of an upgraded schema-4 index flags it, while the same run flags the
    /// hidden text of an ordinary PDF beside it.
    @Test func pagesReadWithOCRAreNotFlaggedAfterUpgrade() throws {
        // The fixture's text layer does hold tiny text, as the PDF layer counts it.
        #expect(try Self.counts(fixture("tiny-stamped-scan.pdf")) == [HiddenTextCount(tiny: 12)])
        try withTemporaryFolder { folder in
            let docs = folder + "/docs", path = folder + "/i.sqlite"
            try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
            for name in ["hidden-text-pages.pdf", "tiny-stamped-scan.pdf"] {
                try FileManager.default.copyItem(atPath: fixture(name), toPath: docs + "/" + name)
            }
            let scan = docs + "/tiny-stamped-scan.pdf"
            let flagged = [
                HiddenTextPage(path: docs + "/hidden-text-pages.pdf", page: 2, count: HiddenTextCount(white: 25)),
                HiddenTextPage(path: docs + "/hidden-text-pages.pdf", page: 3, count: HiddenTextCount(tiny: 27)),
            ]
            let embedder = try Embedder(modelPath: TestModels.embeddingModelPath)
            do {
                let store = try IndexStore(path: path, create: true)
                let report = try Indexer(store: store, embedder: embedder, ocr: .auto).index(paths: [docs])
                #expect(report.ocrPages == 1, "\(report.outcomes)")
                #expect(try store.ocrPages(of: scan).map(\.page) == [1])
                #expect(try store.hiddenTextPages() == flagged)
                try store.db.execute("""
                    DROP TABLE hidden_text_pages; ALTER TABLE documents DROP COLUMN hidden_text_checked;
                    PRAGMA user_version = 4
                    """)
            }
            let store = try IndexStore(path: path, create: false)
            #expect(try store.hiddenTextPages().isEmpty)
            let report = try Indexer(store: store, embedder: embedder, ocr: .auto).index(paths: [docs])
            #expect(report.unchangedCount == 2 && report.embeddedTokens == 0 && report.ocrPages == 0
                    && report.hiddenTextPages == 2, "\(report.outcomes)")
            #expect(try store.hiddenTextPages() == flagged)
            #expect(try store.documents().map(\.isCheckedForHiddenText) == [true, true])
            // The OCR'd page is found by its printed words and is not marked as hiding text.
            let hit = try #require(try store.keywordSearch("hydrostatic Rotterdam", limit: 1).first)
            #expect(hit.path == scan && hit.ocrConfidence != nil && !hit.hasHiddenText)
        }
    }
}
