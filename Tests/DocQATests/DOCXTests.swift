@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

@Suite("Word documents")
struct DOCXTests {
    /// Paragraphs, headings (by built-in style name, even under a localized style id),
    /// a table as rows, list items, notes under their own headings; hidden text, deleted
    /// text and field codes are left out; the Title paragraph is the title (the metadata
    /// title "Microsoft Word - lease.docx" is not a usable one).
    @Test func memoIsReadWithItsStructure() throws {
        let document = try DocumentExtractor.extract(fileAt: fixture("memo.docx"))
        #expect(document.format == .docx)
        #expect(document.title == "Harbor Lease Review")
        #expect(document.pages.count == 1 && document.pages[0].number == nil)
        #expect(document.pages[0].text == """
            Harbor Lease Review

            Prepared for the partners.

            # Background

            The lessor is Quayside Holdings[1] and the term is ten years.

            ## Rent

            Year | Monthly rent
            2024 | $12,400
            2025 | $12,900

            Escalation is capped at 4 percent.[E1]

            - Dock access
            - Crane time

            Inserted clause stays.

            Field result text.

            # Footnotes

            [1] Registered in Delaware in 2011.

            # Endnotes

            [E1] Per clause 7.2 of the lease.
            """)
        #expect(Chunker.headings(of: document).map(\.path).contains("Background › Rent"))
    }

    /// Bad Word files fail with a code and a sentence naming the file; none crashes.
    @Test(arguments: [
        ("truncated.docx", DocQAError.Code.damagedDocument, "this Word document is damaged"),
        ("not-a-zip.docx", .damagedDocument, "this file is not a Word document (it is not a zip archive)"),
        ("no-document.docx", .damagedDocument, "this file is a zip archive but not a Word document"),
        ("bad-xml.docx", .damagedDocument, "this Word document is damaged (its part word/document.xml is not well-formed XML"),
        ("password.docx", .encryptedDocument, "this Word document is password-protected"),
        ("encrypted-entry.docx", .encryptedDocument, "this Word document's archive is encrypted"),
        ("empty.docx", .emptyDocument, "this Word document has no text"),
    ])
    func badFilesFailWithAReason(name: String, code: DocQAError.Code, message: String) throws {
        let error = try #require(capturedError { _ = try DocumentExtractor.extract(fileAt: fixture(name)) })
        #expect(error.code == code)
        #expect(error.message.hasPrefix(message), "\(error.message)")
        #expect(error.path == fixture(name))
    }

    /// A part that inflates past the limit is refused unread (a zip bomb), while the same
    /// file is read under a limit it fits.
    @Test func oversizedPartIsRefused() throws {
        let error = try #require(capturedError { _ = try DOCXReader.read(fixture("bomb.docx"), maximumPartBytes: 1024 * 1024) })
        #expect(error.code == .fileTooLarge)
        #expect(error.message.contains("word/document.xml inflates to more than 1.0 MB"))
        #expect(try DOCXReader.read(fixture("bomb.docx"), maximumPartBytes: 8 * 1024 * 1024).pages[0].text == "x")
    }

    /// End to end: an indexed `.docx` is found by search, cited by file (no page number),
    /// and the passage's section names the heading it falls under.
    @Test func searchFindsAFactInAWordDocument() throws {
        let folder = try TestFolder()
        _ = try folder.copy(fixture("memo.docx"), to: "memo.docx")
        _ = try folder.write("other.txt", "Unrelated notes about the office kitchen rota.\n")
        let hit = try #require(try FormatEndToEnd.topResult(indexing: folder, query: "Who is the lessor?"))
        #expect(hit.path == folder.file("memo.docx"))
        #expect(hit.pageStart == nil)
        #expect(hit.text.contains("Quayside Holdings"))
        #expect((hit.section + hit.text).contains("Background"))
    }
}
