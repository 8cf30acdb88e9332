@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

@Suite("HTML pages")
struct HTMLTests {
    /// Extracts the HTML `markup` written to a temporary `.html` file.
    private func extract(_ markup: String, encoding: String.Encoding = .utf8) throws -> ExtractedDocument {
        let folder = try TestFolder()
        let path = folder.file("page.html")
        try #require(markup.data(using: encoding)).write(to: URL(fileURLWithPath: path))
        return try DocumentExtractor.extract(fileAt: path)
    }

    /// Scripts, styles, `<noscript>`, `<template>`, the head and hidden elements give no
    /// text; the `<title>` is the document's title, not part of its text.
    @Test func onlyVisibleTextIsKept() throws {
        let document = try extract("""
            <!DOCTYPE html><html><head><title>Harbor Freight Report</title>
            <style>p { color: red }</style><script>var secret = "script-marker";</script></head>
            <body><p>Visible marker one.</p>
            <script>document.write("inline-script-marker")</script>
            <noscript>noscript-marker</noscript><template><p>template-marker</p></template>
            <div hidden>hidden-attribute-marker</div>
            <div aria-hidden="true">aria-marker</div>
            <p style="display: none">display-none-marker</p>
            <span style="visibility:hidden">visibility-marker</span>
            <p>Visible <b>marker</b> two.</p></body></html>
            """)
        #expect(document.format == .html)
        #expect(document.title == "Harbor Freight Report")
        #expect(document.pages == [ExtractedPage(number: nil, text: "Visible marker one.\n\nVisible marker two.")])
    }

    /// Headings become Markdown `#` lines the chunker files chunks under, table rows
    /// become ` | `-separated lines, list items `- ` lines, and `<br>` a line break.
    @Test func structureBecomesLines() throws {
        let document = try extract("""
            <html><body><h1>Shipment  Log</h1><p>Intro line<br>second line</p>
            <h2>Deliveries</h2>
            <table><tr><th>Date</th><th>Pallets</th></tr>
            <tr><td>March 3</td><td> 14 </td></tr><tr><td>March 9</td><td>22</td></tr></table>
            <ul><li>Dock A</li><li>Dock <i>B</i></li></ul></body></html>
            """)
        #expect(document.pages[0].text == """
            # Shipment Log

            Intro line
            second line

            ## Deliveries

            Date | Pallets
            March 3 | 14
            March 9 | 22

            - Dock A
            - Dock B
            """)
        #expect(document.title == "Shipment Log")
        #expect(Chunker.headings(of: document).map(\.path) == ["Shipment Log", "Shipment Log › Deliveries"])
    }

    /// Entities are decoded, and a page declaring ISO-8859-1 is read in that charset; a
    /// page declaring nothing is read as UTF-8 when it is valid UTF-8.
    @Test func entitiesAndCharsetsAreDecoded() throws {
        let latin = try extract("""
            <html><head><meta charset="iso-8859-1"></head><body><p>Caf\u{E9} &amp; cr&egrave;me &#8364;5</p></body></html>
            """, encoding: .isoLatin1)
        #expect(latin.pages[0].text == "Café & crème €5")
        let undeclared = try extract("<p>Straße 日本 &lt;ok&gt; (no charset here)</p>")
        #expect(undeclared.pages[0].text == "Straße 日本 <ok> (no charset here)")
        #expect(Markup.declaresCharset(Data("<meta http-equiv=\"Content-Type\" content=\"text/html; charset = utf-8\">".utf8)))
    }

    /// An empty file, a page of nothing but scripts, and a file of NUL bytes fail with
    /// `.emptyDocument` naming the file.
    @Test(arguments: ["", "<html><head><script>x()</script></head><body> </body></html>", "\0\0\0\0"])
    func pagesWithoutTextAreRefused(markup: String) throws {
        let folder = try TestFolder()
        let path = try folder.write("empty.htm", markup)
        let error = try #require(capturedError { _ = try DocumentExtractor.extract(fileAt: path) })
        #expect(error.code == .emptyDocument)
        #expect(error.path == path)
    }

    /// Broken markup (unclosed and stray tags) is repaired as a browser would, not refused.
    @Test func brokenMarkupIsRepaired() throws {
        let document = try extract("<p>First <b>bold</i> text<p>Second</div></span><td>cell")
        #expect(document.pages[0].text == "First bold text\n\nSecond\n\ncell")
    }

    /// A hostile page nested 100,000 elements deep neither crashes nor hangs: libxml2
    /// stops at its depth limit (256) and the text before that point is kept.
    @Test func deepNestingDoesNotCrash() throws {
        let depth = 100_000
        let document = try extract("<p>before-marker</p>" + String(repeating: "<div>", count: depth) + "deep-marker"
                                   + String(repeating: "</div>", count: depth))
        #expect(document.pages[0].text.hasPrefix("before-marker"))
    }

    /// End to end: an indexed `.html` page is found by search, cited by its path, with
    /// its heading in the chunk (a chunk's section names the headings open before it).
    @Test func searchFindsAFactInAPage() throws {
        let folder = try TestFolder()
        _ = try folder.write("harbor.html", """
            <html><head><title>Harbor notice</title></head><body><h1>Harbor notice</h1>
            <h2>Berth assignments</h2><p>The vessel Northern Lark is assigned to berth 17 from June 4.</p>
            <h2>Fees</h2><p>Mooring fees are billed weekly.</p></body></html>
            """)
        _ = try folder.write("other.txt", "Unrelated notes about the office kitchen rota.\n")
        let hit = try #require(try FormatEndToEnd.topResult(indexing: folder, query: "Which berth is the Northern Lark assigned to?"))
        #expect(hit.path == folder.file("harbor.html"))
        #expect(hit.pageStart == nil)
        #expect(hit.text.contains("berth 17"))
        #expect((hit.section + hit.text).contains("Berth assignments"))
    }
}
