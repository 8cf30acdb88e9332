import DocQATestSupport
import Foundation
import Testing
@testable import DocQA

@Suite("Document extraction")
struct ExtractTests {
    /// A PDF gives one page per PDF page, numbered 1, 2, 3, each with its own marker.
    @Test func pdfPagesAreNumberedFromOne() throws {
        let document = try DocumentExtractor.extract(fileAt: fixture("three-pages.pdf"))
        #expect(document.format == .pdf)
        #expect(document.pages.map(\.number) == [1, 2, 3])
        #expect(document.pages[0].text == "Page one of the fixture.\nThe distinctive word is alpha-marker.")
        #expect(document.pages[1].text.contains("bravo-marker"))
        #expect(document.pages[2].text.contains("charlie-marker"))
    }

    /// Extensions match without regard to case: `REPORT.PDF` is read as a PDF and
    /// `NOTES.Md` as text.
    @Test func extensionsIgnoreCase() throws {
        try withTemporaryDirectory { directory in
            let pdf = directory.appendingPathComponent("REPORT.PDF")
            try FileManager.default.copyItem(atPath: fixture("three-pages.pdf"), toPath: pdf.path)
            #expect(try DocumentExtractor.extract(fileAt: pdf.path).pages.count == 3)

            let markdown = directory.appendingPathComponent("NOTES.Md")
            try Data("# Notes\n".utf8).write(to: markdown)
            let document = try DocumentExtractor.extract(fileAt: markdown.path)
            #expect(document == ExtractedDocument(format: .text, pages: [ExtractedPage(number: nil, text: "# Notes")],
                                                  title: "Notes"))
        }
    }

    /// The supported extensions are exactly PDF, plain text, Markdown, HTML, Word and email.
    @Test func supportedExtensions() {
        #expect(DocumentExtractor.supportedExtensions == ["pdf", "txt", "text", "md", "markdown", "html", "htm", "docx", "eml"])
    }

    /// UTF-8 text with accents, the euro sign, Japanese and an emoji comes through intact,
    /// as one page without a number.
    @Test func utf8TextKeepsMultiByteCharacters() throws {
        let document = try DocumentExtractor.extract(fileAt: fixture("utf8.txt"))
        #expect(document == ExtractedDocument(format: .text, pages: [ExtractedPage(
            number: nil, text: "Café au lait costs 3 €.\n日本語のテキスト。\nParty time 🎉 done.")],
            title: "Café au lait costs 3 €."))
    }

    /// A UTF-8 byte-order mark is dropped and CR LF line ends become LF.
    @Test func bomIsDroppedAndCRLFBecomesLF() throws {
        let document = try DocumentExtractor.extract(fileAt: fixture("bom-crlf.txt"))
        #expect(document.pages == [ExtractedPage(number: nil, text: "First line\nSecond line é\nThird line")])
    }

    /// UTF-16 announced by a byte-order mark is decoded.
    @Test func utf16WithBOMIsDecoded() throws {
        let document = try DocumentExtractor.extract(fileAt: fixture("utf16le.txt"))
        #expect(document.pages == [ExtractedPage(number: nil, text: "UTF-16 text with é and 日本.")])
    }

    /// A Latin-1 file is refused with `.notUTF8`, naming the file and saying to save it
    /// as UTF-8.
    @Test func latin1IsRefused() throws {
        let error = try #require(capturedError { _ = try DocumentExtractor.extract(fileAt: fixture("latin1.txt")) })
        #expect(error.code == .notUTF8)
        #expect(error.path == fixture("latin1.txt"))
        #expect(error.message.hasPrefix("this file is not UTF-8 text; save it as UTF-8"))
    }

    /// Byte sequences that are not clean UTF-8 or UTF-16 are refused, not guessed at.
    @Test(arguments: [
        [0xC3, 0x28] as [UInt8],              // bad continuation byte
        [0xED, 0xA0, 0x80],                   // UTF-8-encoded surrogate
        [0xFF, 0xFE, 0x41],                   // UTF-16 with an odd byte count
        [0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00], // UTF-16 with an unpaired surrogate
        [0xFF, 0xFE, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00], // UTF-32
    ])
    func invalidEncodingsAreRefused(bytes: [UInt8]) throws {
        #expect(DocumentExtractor.decodeText(Data(bytes)) == nil)
    }

    /// A PDF without any text fails with `.emptyDocument`, suggesting OCR.
    @Test func blankPDFIsEmpty() throws {
        #expect(throws: DocQAError(.emptyDocument,
            "this file has no extractable text (is it a scanned image? index it with --ocr auto to read it with OCR).",
            path: fixture("blank.pdf"))) {
            try DocumentExtractor.extract(fileAt: fixture("blank.pdf"))
        }
    }

    /// A text file holding only white space and control characters fails with
    /// `.emptyDocument`.
    @Test func blankTextFileIsEmpty() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("empty.md")
            try Data(" \r\n\t\u{0}\n".utf8).write(to: file)
            let error = try #require(capturedError { _ = try DocumentExtractor.extract(fileAt: file.path) })
            #expect(error.code == .emptyDocument)
        }
    }

    /// PDF failures from the PDF layer reach the caller with their codes.
    @Test(arguments: [
        ("encrypted.pdf", DocQAError.Code.encryptedPDF),
        ("damaged.pdf", .damagedPDF),
        ("not-a-pdf.pdf", .damagedPDF),
        ("no-such-file.pdf", .fileNotFound),
        ("no-such-file.txt", .fileNotFound),
        ("make-fixtures.sh", .unsupportedFormat),
    ])
    func failuresCarryTheirCodes(name: String, code: DocQAError.Code) throws {
        let error = try #require(capturedError { _ = try DocumentExtractor.extract(fileAt: fixture(name)) })
        #expect(error.code == code)
        #expect(error.path == fixture(name))
        // The message reads after the path ("PATH: this file is ..."), so it does not repeat the name.
        #expect(error.message.hasPrefix("this "))
        #expect(error.description == fixture(name) + ": " + error.message)
    }

    /// A folder, or a pipe named like a text file, is refused with `.unreadableFile`
    /// instead of being read (a pipe would block forever).
    @Test func nonRegularFilesAreRefused() throws {
        try withTemporaryDirectory { directory in
            let folder = directory.appendingPathComponent("folder.txt")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
            let fifo = directory.appendingPathComponent("pipe.txt")
            #expect(mkfifo(fifo.path, 0o600) == 0)
            for path in [folder.path, fifo.path] {
                let error = try #require(capturedError { _ = try DocumentExtractor.extract(fileAt: path) })
                #expect(error.code == .unreadableFile)
            }
        }
    }

    /// Arbitrary bytes, named as PDF or as text, either extract or fail with a
    /// `DocQAError`; they never crash the process.
    @Test(arguments: ["pdf", "txt"])
    func arbitraryBytesNeverCrash(fileExtension: String) throws {
        var generator = SplitMix64(seed: 0x00D0_C0A0)
        try withTemporaryDirectory { directory in
            for round in 0..<40 {
                var bytes = (0..<Int(generator.next() % 3000)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                if round % 2 == 0 { bytes.insert(contentsOf: Array("%PDF-1.7\n".utf8), at: 0) }
                let file = directory.appendingPathComponent("random-\(round).\(fileExtension)")
                try Data(bytes).write(to: file)
                do throws(DocQAError) {
                    _ = try DocumentExtractor.extract(fileAt: file.path)
                } catch {
                    #expect([.damagedPDF, .notUTF8, .emptyDocument].contains(error.code))
                }
            }
        }
    }

    /// Normalisation unifies line breaks, drops control characters, trims trailing blanks
    /// and blank-line runs, and leaves indentation, inner spacing and other text alone.
    /// (Cases are inline rather than test arguments so that no control character is
    /// printed to the terminal in the test log.)
    @Test func normalization() {
        func normalize(_ text: String) -> String { ExtractedTextNormalization.normalize(text) }
        #expect(normalize("a\r\nb\rc\u{0C}d\u{0B}e") == "a\nb\nc\nd\ne")
        #expect(normalize("nul\u{0}here \u{1B}[31mred\u{7F}\u{85}next") == "nulhere [31mred\nnext")
        #expect(normalize("\n\n  title  \n\n\n\n\tindented  two  spaces \t\n\n")
            == "  title\n\n\tindented  two  spaces")
        #expect(normalize("line\u{2028}sep\u{2029}para") == "line\nsep\npara")
        #expect(normalize("é 日本 🎉 e\u{301}") == "é 日本 🎉 e\u{301}")
        #expect(normalize("") == "")
        #expect(normalize("\u{FB01}nancial e\u{FB03}cient \u{FB02}oor") == "financial efficient floor")
        #expect(normalize("indemni\u{AD}\nfication and termi\u{AD}nation") == "indemni-\nfication and termination")
        #expect(normalize("soft\u{AD}\r\nhyphen\u{AD}") == "soft-\nhyphen")
    }
}

