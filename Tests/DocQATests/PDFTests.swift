import DocQATestSupport
import Foundation
import Testing
@testable import DocQA

@Suite("PDF documents and pages")
struct PDFTests {
    /// The outline's titles, levels and pages, a named destination resolved to its page;
    /// a PDF without bookmarks has none.
    @Test func outline() throws {
        let document = try PDFDocument(path: fixture("outline.pdf"))
        #expect(document.outline == [
            PDFOutlineEntry(level: 1, title: "Getting started", page: 1),
            PDFOutlineEntry(level: 2, title: "Installing", page: 2),
            PDFOutlineEntry(level: 2, title: "Configuring", page: 2),
            PDFOutlineEntry(level: 1, title: "Maintenance", page: 3),
            PDFOutlineEntry(level: 2, title: "Backups", page: 3),
        ])
        #expect(try PDFDocument(path: fixture("three-pages.pdf")).outline.isEmpty)
        #expect(try DocumentExtractor.extract(fileAt: fixture("three-pages.pdf")).outline == nil)
    }

    /// An outline whose entries lead back to themselves is read once through, not forever.
    @Test func circularOutlineEnds() throws {
        let outline = try PDFDocument(path: fixture("outline-cycle.pdf")).outline
        #expect(!outline.isEmpty)
        #expect(outline.count <= 5)
        let document = try DocumentExtractor.extract(fileAt: fixture("outline-cycle.pdf"))
        #expect(document.pages.count == 3)
    }

    /// A bookmark into a PDF without pages is left out, not a crash.
    @Test func outlineOfAPDFWithoutPages() throws {
        let document = try PDFDocument(path: fixture("outline-no-pages.pdf"))
        #expect(document.pageCount == 0)
        #expect(document.outline.isEmpty)
    }

    /// A three-page PDF opens with three pages, each numbered from 1 and holding only its
    /// own marker word.
    @Test func threePagesHaveTheirOwnText() throws {
        let document = try PDFDocument(path: fixture("three-pages.pdf"))
        #expect(document.pageCount == 3)
        let markers = ["alpha-marker", "bravo-marker", "charlie-marker"]
        for index in 0..<3 {
            let page = try document.page(at: index)
            #expect(page.index == index)
            #expect(page.number == index + 1)
            let text = page.text
            for (other, marker) in markers.enumerated() {
                #expect(text.contains(marker) == (other == index), "page \(index + 1): \(marker)")
            }
        }
    }

    /// The document records the absolute, standardized path it was opened from.
    @Test func pathIsStandardized() throws {
        let fixtures = URL(fileURLWithPath: fixture("three-pages.pdf")).deletingLastPathComponent()
        let roundabout = fixtures.path + "/../Fixtures/./three-pages.pdf"
        let document = try PDFDocument(path: roundabout)
        #expect(document.path == fixture("three-pages.pdf"))
    }

    /// A page keeps its document alive: its text can be read after the caller has dropped
    /// every reference to the document.
    @Test func pageOutlivesItsDocumentReference() throws {
        func lastPage() throws -> PDFPage {
            let document = try PDFDocument(path: fixture("three-pages.pdf"))
            return try document.page(at: document.pageCount - 1)
        }
        let page = try lastPage()
        #expect(page.text.contains("charlie-marker"))
        #expect(page.document.pageCount == 3)
    }

    /// A blank page opens and has empty text; no text is not an error at this layer.
    @Test func blankPageHasEmptyText() throws {
        let document = try PDFDocument(path: fixture("blank.pdf"))
        #expect(document.pageCount == 1)
        #expect(try document.page(at: 0).text == "")
    }

    /// A PDF with a user password fails with `.encryptedPDF` and says how to fix it.
    @Test func encryptedPDFIsRefused() throws {
        let error = try #require(capturedError { _ = try PDFDocument(path: fixture("encrypted.pdf")) })
        #expect(error.code == .encryptedPDF)
        #expect(error.path == fixture("encrypted.pdf"))
        #expect(error.message == "this file is password-protected; remove the password "
            + "(e.g. save an unprotected copy) and index again.")
    }

    /// Garbage after a PDF header, and a text file named .pdf, both fail with `.damagedPDF`.
    @Test(arguments: ["damaged.pdf", "not-a-pdf.pdf"])
    func damagedPDFIsRefused(name: String) throws {
        #expect(throws: DocQAError(.damagedPDF,
            "this file is damaged or is not a PDF; open and re-save it (or print it to a new PDF) "
            + "and index again.", path: fixture(name))) {
            try PDFDocument(path: fixture(name))
        }
    }

    /// A PDF cut off part-way fails with `.damagedPDF` or opens with what poppler can
    /// recover; it never crashes.
    @Test(arguments: [0, 9, 100, 400, 700, 1000, 1300])
    func truncatedPDFNeverCrashes(length: Int) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture("three-pages.pdf")))
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("docqa-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("cut.pdf")
        try bytes.prefix(length).write(to: file)

        do throws(DocQAError) {
            let document = try PDFDocument(path: file.path)
            for index in 0..<document.pageCount { _ = try? document.page(at: index).text }
        } catch {
            #expect(error.code == .damagedPDF)
        }
    }

    /// A missing file fails with `.fileNotFound`; a folder fails with `.unreadableFile`.
    @Test func missingFileAndFolderAreRefused() throws {
        let missing = fixture("no-such-file.pdf")
        #expect(throws: DocQAError(.fileNotFound,
            "this file does not exist; check the path and try again.", path: missing)) {
            try PDFDocument(path: missing)
        }
        let folder = URL(fileURLWithPath: fixture("three-pages.pdf")).deletingLastPathComponent().path
        let error = try #require(capturedError { _ = try PDFDocument(path: folder) })
        #expect(error.code == .unreadableFile)
    }

    /// poppler's complaints about a broken file go to our GLib log handler, not to stderr,
    /// because they can quote the document's bytes.
    @Test func popplerMessagesAreDropped() throws {
        let before = PopplerLog.droppedMessageCount
        _ = try? PDFDocument(path: fixture("damaged.pdf"))
        #expect(PopplerLog.droppedMessageCount > before)
    }

    /// Records what poppler extracts from text a reader cannot see: invisible (render
    /// mode 3) and white text are returned, text placed off the page is not. Downstream
    /// layers must treat document text as untrusted data.
    @Test func hiddenTextIsExtractedExceptOffPage() throws {
        let text = try PDFDocument(path: fixture("hidden-text.pdf")).page(at: 0).text
        #expect(text.contains("seen-marker"))
        #expect(text.contains("mode3-marker"))
        #expect(text.contains("white-marker"))
        #expect(text.contains("tiny-marker"))
        #expect(!text.contains("offpage-marker"))
    }
}
