@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

/// Lays `lines` out as poppler would report them: each line's characters in boxes 5
/// points wide from `left`, 10 points high from `top`; the line break after each line
/// gets a box of its own at the line's end.
private func laidOut(_ lines: [(text: String, left: Double, top: Double)]) -> (String, [PDFTextBox]) {
    var boxes: [PDFTextBox] = []
    for (index, line) in lines.enumerated() {
        for (position, _) in line.text.unicodeScalars.enumerated() {
            let left = line.left + 5 * Double(position)
            boxes.append(PDFTextBox(left: left, top: line.top, right: left + 5, bottom: line.top + 10))
        }
        if index < lines.count - 1 {
            let end = line.left + 5 * Double(line.text.unicodeScalars.count)
            boxes.append(PDFTextBox(left: end, top: line.top, right: end, bottom: line.top + 10))
        }
    }
    return (lines.map(\.text).joined(separator: "\n"), boxes)
}

@Suite struct PageTablesTests {
    /// A table poppler gives column by column is read row by row, header first; the
    /// paragraph above it and the caption below keep their places.
    @Test func columnsBecomeRows() {
        let (text, boxes) = laidOut([
            ("The fees are set out below.", 50, 100),
            ("Service", 50, 120), ("Filing", 50, 132), ("Service of process", 50, 144),
            ("Fee", 200, 120), ("$150", 200, 132), ("$75", 200, 144),
            ("Table 1: Court fees", 100, 160),
        ])
        #expect(PageTables.readingRows(text, boxes: boxes) == """
            The fees are set out below.
            Service | Fee
            Filing | $150
            Service of process | $75
            Table 1: Court fees
            """)
    }

    /// A cell wrapped onto a second line continues its cell; an empty cell keeps the
    /// columns after it in place.
    @Test func wrappedAndEmptyCells() {
        let (text, boxes) = laidOut([
            ("Service", 50, 120), ("Filing", 50, 132), ("Copies", 50, 156),
            ("Fee", 200, 120), ("$150 for each", 200, 132), ("claim", 200, 143),
            ("Note", 350, 120), ("none", 350, 132), ("per page", 350, 156),
        ])
        #expect(PageTables.readingRows(text, boxes: boxes) == """
            Service | Fee | Note
            Filing | $150 for each claim | none
            Copies |  | per page
            """)
    }

    /// A cell centred beside a two-line cell (its first line is level with neither row)
    /// cannot be read as rows: the lines stay in poppler's order.
    @Test func centredCellsStay() {
        let (text, boxes) = laidOut([
            ("Tool", 50, 100), ("dpkg", 50, 123.5),
            ("Role", 200, 100), ("Low-level package manager", 200, 118), ("used by apt", 200, 129),
        ])
        #expect(PageTables.readingRows(text, boxes: boxes) == text)
    }

    /// Line numbers down the margin of pleading paper or a transcript are not a table's
    /// first column.
    @Test func lineNumbersStay() {
        let (text, boxes) = laidOut([
            ("1", 30, 100), ("2", 30, 112), ("3", 30, 124),
            ("Plaintiff alleges", 80, 100), ("that the goods", 80, 112), ("were defective.", 80, 124),
        ])
        #expect(PageTables.readingRows(text, boxes: boxes) == text)
    }

    /// Two columns of prose, whose lines are level with each other too, stay as poppler
    /// reads them: down the left column, then down the right one.
    @Test func proseColumnsStay() {
        let (text, boxes) = laidOut([
            ("The tenant shall pay the rent on the first day", 50, 100),
            ("of each month to the landlord at the address", 50, 112),
            ("given in the notice section of this lease.", 50, 124),
            ("The landlord shall keep the roof and the outer", 320, 100),
            ("walls in good repair and shall insure the whole", 320, 112),
            ("building against fire at the landlord's cost.", 320, 124),
        ])
        #expect(PageTables.readingRows(text, boxes: boxes) == text)
    }

    /// Signature blocks side by side are read block by block, so that each party stays
    /// next to the person who signed for it.
    @Test func signatureBlocksStay() {
        let (text, boxes) = laidOut([
            ("ACME SUPPLY, INC.", 50, 300), ("By: /s/ Ann Lee", 50, 316), ("Name: Ann Lee", 50, 332),
            ("Title: President", 50, 348),
            ("BOLT MARINE LLC", 300, 300), ("By: /s/ Raj Patel", 300, 316), ("Name: Raj Patel", 300, 332),
            ("Title: Buyer", 300, 348),
        ])
        #expect(PageTables.readingRows(text, boxes: boxes) == text)
    }

    /// Lines already in rows (a heading's number and title level with each other, a table
    /// poppler reads across) are left alone, and a layout that does not match the text
    /// changes nothing.
    @Test func rowsAlreadyInOrderStay() {
        let (text, boxes) = laidOut([
            ("4.6", 50, 80), ("Security of authentication", 90, 80),
            ("Name", 50, 100), ("Port", 200, 100), ("pop3", 50, 112), ("110", 200, 112),
        ])
        #expect(PageTables.readingRows(text, boxes: boxes) == text)
        #expect(PageTables.readingRows(text + "x", boxes: boxes) == text + "x")
    }

    /// Two cells that poppler ran together, with a wide gap and no space between them,
    /// are separated; letters a normal space apart, and words with a space, are not.
    @Test func cellsRunTogetherAreSeparated() {
        var (text, boxes) = laidOut([("man1User programs", 50, 100)])
        for index in 4..<boxes.count { boxes[index].left += 100; boxes[index].right += 100 }
        #expect(PageTables.readingRows(text, boxes: boxes) == "man1 | User programs")
        (text, boxes) = laidOut([("Tenant pays", 50, 100)])
        for index in 7..<boxes.count { boxes[index].left += 9; boxes[index].right += 9 }
        #expect(PageTables.readingRows(text, boxes: boxes) == "Tenant pays")
    }

    /// On a real manual whose tables poppler reads column by column: each service sits
    /// next to its port, and each nice value next to what it means, where the set's
    /// questions look for them; the page's prose is unchanged around them.
    @Test func realManualTables() throws {
        let path = Repository.root + "/Benchmarks/eval/documents/debian-reference.pdf"
        let document = try DocumentExtractor.extract(fileAt: path)
        let ports = try #require(document.pages.first { $0.number == 120 }).text
        #expect(ports.contains("""
            insecure service name | port | secure service name | port
            www (http) | 80 | https | 443
            """))
        #expect(ports.contains("pop3 | 110 | pop3s | 995\nldap | 389 | ldaps | 636\nTable 4.7: List of insecure and secure services and ports"))
        #expect(ports.contains("It is very\nbad idea to transmit password in the plain text"))
        // One box per character of poppler's text, and none for a text that is not the page's.
        let page = try PDFDocument(path: path).page(at: 119)
        let raw = page.text
        #expect(page.characterBoxes(for: raw)?.count == raw.unicodeScalars.count)
        #expect(page.characterBoxes(for: raw + "x") == nil)
        let nice = try #require(document.pages.first { $0.number == 171 }).text
        #expect(nice.contains("nice value | scheduling priority\n19 | lowest priority process (nice)"))
        #expect(nice.contains("-20 | very high priority process for root (not-nice)"))
        let standard = try DocumentExtractor.extract(fileAt: Repository.root + "/Benchmarks/eval/documents/fhs-3.0.pdf")
        let manuals = try #require(standard.pages.first { $0.number == 32 }).text
        #expect(manuals.contains("Directory | Description\nman1 | User programs (optional)"))
        #expect(manuals.contains("man8 | System administration (optional)"))
        // The contract's signature blocks (the samples) are not a table.
        let amendment = try DocumentExtractor.extract(fileAt: Repository.root + "/samples/case-file/amendment-1.pdf")
        let signatures = try #require(amendment.pages.last).text
        #expect(signatures.contains("TALLIS HYDRAULICS, INC.\nBy: /s/ Marcus Feld\nName: Marcus Feld"))
        #expect(!signatures.contains(" | "))
    }
}
