@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

@Suite("Email messages")
struct EmailTests {
    /// Headers (decoded from RFC 2047 words) form a block at the top with the attachments'
    /// names; the body is the text/plain part converted from ISO-8859-1, not its HTML
    /// alternative; the Subject is the title.
    @Test func headersAndPlainBodyAreRead() throws {
        let document = try DocumentExtractor.extract(fileAt: fixture("thread.eml"))
        #expect(document.format == .email)
        #expect(document.title == "Lieferung für März: pallet count")
        #expect(document.pages == [ExtractedPage(number: nil, text: """
            From: Dana Whitfield <dana@example.com>
            To: Omar Reyes <omar@example.com>
            Cc: Jürgen Bauer <jb@example.com>
            Date: Mon, 04 Mar 2024 09:15:00 -0500
            Subject: Lieferung für März: pallet count
            Attachments: dock-note.txt, report.pdf

            The March shipment had 14 pallets, not 12.
            Grüße, Dana
            """)])
    }

    /// The parts come out of GMime with their types, names and decoded content.
    @Test func partsAreDecoded() throws {
        let message = try MailMessage.parse(Data(contentsOf: URL(fileURLWithPath: fixture("thread.eml"))))
        #expect(message.parts.map(\.mimeType) == ["text/plain", "text/html", "text/plain", "application/pdf"])
        #expect(message.parts.map(\.filename) == [nil, nil, "dock-note.txt", "report.pdf"])
        #expect(message.parts[2].isAttachment && message.parts[2].text == "Attachment note: dock 4 was closed.\n")
        let pdf = try Data(contentsOf: URL(fileURLWithPath: fixture("three-pages.pdf")))
        #expect(message.parts[3].data == pdf)
    }

    /// A message with only an HTML body gives that body's visible text, its declared
    /// charset (Windows-1252) honoured.
    @Test func htmlBodyIsConvertedToText() throws {
        let document = try DocumentExtractor.extract(fileAt: fixture("html-only.eml"))
        #expect(document.pages[0].text.hasSuffix("Subject: Quarterly update\n\n# Update\n\nRevenue rose 8 % – café sales led."))
    }

    /// Bad messages fail with a code and a sentence naming the file; none crashes.
    @Test(arguments: [
        ("not-an-email.eml", DocQAError.Code.damagedDocument, "this file is not an email message"),
        ("encrypted.eml", .encryptedDocument, "this email is encrypted (PGP or S/MIME)"),
        ("empty.eml", .emptyDocument, "this email file is empty"),
    ])
    func badMessagesFailWithAReason(name: String, code: DocQAError.Code, message: String) throws {
        let error = try #require(capturedError { _ = try DocumentExtractor.extract(fileAt: fixture(name)) })
        #expect(error.code == code)
        #expect(error.message.hasPrefix(message), "\(error.message)")
        #expect(error.path == fixture(name))
    }

    /// A hostile message of multiparts nested 20,000 deep is read without exhausting the
    /// stack (parts below the depth limit are left out).
    @Test func deepNestingDoesNotCrash() throws {
        let folder = try TestFolder()
        var text = "From: a@example.com\r\nSubject: nested\r\nMIME-Version: 1.0\r\n"
        let depth = 20_000
        for level in 0..<depth {
            text += "Content-Type: multipart/mixed; boundary=\"b\(level)\"\r\n\r\n--b\(level)\r\n"
        }
        text += "Content-Type: text/plain\r\n\r\ninnermost\r\n"
        for level in (0..<depth).reversed() { text += "--b\(level)--\r\n" }
        let path = try folder.write("nested.eml", text)
        let document = try DocumentExtractor.extract(fileAt: path)
        #expect(document.title == "nested")
    }

    /// End to end: an indexed `.eml` is found by a fact in its body, cited by its path.
    @Test func searchFindsAFactInAnEmail() throws {
        let folder = try TestFolder()
        _ = try folder.copy(fixture("thread.eml"), to: "thread.eml")
        _ = try folder.write("other.txt", "Unrelated notes about the office kitchen rota.\n")
        let hit = try #require(try FormatEndToEnd.topResult(indexing: folder, query: "How many pallets did the March shipment have?"))
        #expect(hit.path == folder.file("thread.eml"))
        #expect(hit.pageStart == nil)
        #expect(hit.text.contains("14 pallets"))
    }
}
