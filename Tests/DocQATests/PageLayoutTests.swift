@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

/// Counts white-space separated words.
private struct WordCounter: TokenCounter {
    func countTokens(in text: String) -> Int { text.split(whereSeparator: \.isWhitespace).count }
}

/// Page `number` of an invented manual: a running header, a body, a chapter footer and a
/// page number.
private func manualPage(_ number: Int, body: String) -> ExtractedPage {
    ExtractedPage(number: number, text: """
        Acme Widget Manual, Release 2.1
        \(body)
        Chapter \(number / 3 + 1). Operation
        \(number)
        """)
}

@Suite struct PageLayoutTests {
    /// Lines repeated at the top or bottom of many pages go; the body, and a body line
    /// that repeats on every page, stay; page numbers stay exact.
    @Test func runningHeadersAndFootersAreRemoved() {
        let tasks = ["Unpack the crate.", "Mount the bracket.", "Tighten each bolt.", "Connect the hose.",
                     "Fill the tank.", "Run the test cycle."]
        let pages = (1...6).map { manualPage($0, body: "\(tasks[$0 - 1])\nSafety first.\nThe torque is \($0 * 10) Nm.") }
        let cleaned = PageLayout.cleaned(pages)
        #expect(cleaned.map(\.number) == Array(1...6))
        for (page, original) in zip(cleaned, pages) {
            #expect(!page.text.contains("Acme Widget Manual"))
            #expect(!page.text.contains("Operation"))
            #expect(page.text.split(separator: "\n").last == "The torque is \(original.number! * 10) Nm.")
            #expect(page.text.hasPrefix(tasks[original.number! - 1]))
            #expect(page.text.contains("Safety first."))  // repeated, but in the body
            #expect(page.text.contains("The torque is \(original.number! * 10) Nm."))
        }
    }

    /// A bare number at the foot of a page is removed only when it counts pages; a column
    /// of totals that ends each page stays.
    @Test func onlyPageNumbersAreRemoved() {
        let pages = (1...5).map { number in
            ExtractedPage(number: number, text: "Ledger\nItem \(number) costs \(number * 7).\nTotal\n\(1000 + number * number * 37)\n\(number + 4)")
        }
        let cleaned = PageLayout.cleaned(pages)
        for (page, original) in zip(cleaned, pages) {
            let n = original.number!
            #expect(page.text.hasSuffix("Total\n\(1000 + n * n * 37)"))
        }
    }

    /// A line of digits inside the zone (a year, an amount) stays even when every page
    /// has one at that place.
    @Test func numbersInsideTheZoneStay() {
        let pages = (1...4).map { (n: Int) in
            ExtractedPage(number: n, text: ["Acme Letter", "Item \(["one", "two", "six", "ten"][n - 1]).",
                                            "Note \(["red", "blue", "gold", "gray"][n - 1]).", "Body.", "More body.",
                                            "\(["Rent", "Fees", "Costs", "Dues"][n - 1]) are due on July 19,",
                                            "202\(n).", "Acme", "\(n)"].joined(separator: "\n"))
        }
        for (page, original) in zip(PageLayout.cleaned(pages), pages) {
            #expect(page.text.contains("July 19,\n202\(original.number!)."), "\(page.text)")
            #expect(!page.text.contains("Acme Letter"))
        }
    }

    /// A short document has too few pages to tell a running line from a coincidence.
    @Test func fewPagesAreLeftAlone() {
        let pages = (1...3).map { manualPage($0, body: "Body \($0).") }
        #expect(PageLayout.cleaned(pages).map(\.text) == pages.map(\.text))
    }

    /// Dot leaders make a table of contents; a page of prose or a short list does not.
    @Test func tablesOfContentsAreMarked() {
        let contents = """
            Contents
            1 Scope . . . . . . . . . . . . . . . 1
            2 Definitions . . . . . . . . . . . . 2
            2.1 Party . . . . . . . . . . . . . . 2
            3 Payment .......................... 4
            4 Termination ...................... 7
            5 Governing law . . . . . . . . . . . 9
            """
        #expect(PageLayout.isTableOfContents(contents))
        #expect(!PageLayout.isTableOfContents("The fee is $350.\nSee section 4 . . . for details.\nPaid on time."))
        let cleaned = PageLayout.cleaned([ExtractedPage(number: 1, text: contents), ExtractedPage(number: 2, text: "Body.")])
        #expect(cleaned.map(\.isNavigation) == [true, false])
    }

    /// The running-line key ignores numbers and case, so "Page 3 of 9" and "page 4 of 9" agree.
    @Test func lineKeysIgnoreNumbers() {
        #expect(PageLayout.key("Page 3 of 9") == PageLayout.key("page 14 of 9"))
        #expect(PageLayout.key("iv") == PageLayout.key("12"))
        #expect(PageLayout.key("  . . .  ") == "")
    }

    /// A title is the first line with letters, with the next line when the first is short.
    @Test func leadingTitles() {
        #expect(PageLayout.leadingTitle("   GNU GENERAL PUBLIC LICENSE\n   Version 3, 29 June 2007\n\n Copyright") ==
                "GNU GENERAL PUBLIC LICENSE Version 3, 29 June 2007")
        #expect(PageLayout.leadingTitle("# MEMORANDUM\n\n**PRIVILEGED**") == "MEMORANDUM PRIVILEGED")
        #expect(PageLayout.leadingTitle("12\n\n") == nil)
        #expect(DocumentExtractor.usableTitle("Microsoft Word - draft3.docx") == nil)
        #expect(DocumentExtractor.usableTitle("lease.pdf") == nil)
        #expect(DocumentExtractor.usableTitle("Master Supply Agreement") == "Master Supply Agreement")
    }

    /// Heading shapes found in real documents, and lines that only look like them.
    @Test func headings() {
        func heading(_ line: String, next: String? = nil, markdown: Bool = false) -> String? {
            SectionHeadings.heading(in: line[...], next: next?[...], markdown: markdown)?.title
        }
        #expect(heading("3.2.4 Going on vacation gracefully") == "3.2.4 Going on vacation gracefully")
        #expect(heading("10.8 Log files") == "10.8 Log files")
        #expect(heading("1.1.2", next: "The shell prompt under GUI") == "1.1.2 The shell prompt under GUI")
        #expect(heading("Chapter 5. The Parties' Obligations") == "Chapter 5. The Parties' Obligations")
        #expect(heading("ARTICLE IV") == "ARTICLE IV")
        #expect(heading("TERMS AND CONDITIONS") == "TERMS AND CONDITIONS")
        #expect(heading("## Damages", markdown: true) == "Damages")
        #expect(SectionHeadings.heading(in: "3.2.4 Going on vacation")?.level == 3)

        #expect(heading("# set PATH so it includes user's private bin") == nil)  // a shell comment in a PDF
        #expect(heading("5 To be precise, the string should match the following expression:") == nil)
        #expect(heading("2. Debian claims no authority over an organisation that holds assets") == nil)
        #expect(heading("section on /var/opt for more information.") == nil)
        #expect(heading("NAME") == nil)
        #expect(heading("CR^M130D") == nil)
        #expect(heading("2019 Annual Report") == nil)
    }

    /// Each chunk carries the headings open where it starts, innermost last; a new
    /// heading closes those at its depth and deeper.
    @Test func chunksKnowTheirSection() throws {
        let filler = (1...30).map { "word\($0)" }.joined(separator: " ") + "."
        let document = ExtractedDocument(format: .pdf, pages: [
            ExtractedPage(number: 1, text: "3 Binary packages\n3.1 The package name\n\(filler)\n\(filler)"),
            ExtractedPage(number: 2, text: "\(filler)\n3.2 The version\n\(filler)\n\(filler)"),
            ExtractedPage(number: 3, text: "4 Source packages\n\(filler)\n\(filler)"),
        ])
        let chunks = try Chunker(maxTokens: 40, overlapTokens: 0, minTokensBeforePageBreak: 10)
            .chunks(of: document, counter: WordCounter())
        func section(containing text: String, page: Int) -> String? {
            chunks.first { $0.pageStart == page && $0.text.contains(text) }?.section
        }
        #expect(chunks.first?.section == "")  // starts with its own heading, in its text
        #expect(section(containing: "word1 ", page: 2) == "3 Binary packages › 3.1 The package name")
        #expect(chunks.filter { $0.pageStart == 2 }.last?.section == "3 Binary packages › 3.2 The version")
        #expect(chunks.filter { $0.pageStart == 3 }.last?.section == "4 Source packages")
    }

    /// A PDF with an outline takes its sections from it: lines that only look like
    /// headings ("3. Reboot system.", "DESCRIPTION") open none. A title is found on its
    /// page with the number before it (alone on the line above, or glued to it); one not
    /// found after an entry placed on the same page is left out.
    @Test func sectionsFromTheOutline() throws {
        let document = try DocumentExtractor.extract(fileAt: fixture("outline.pdf"))
        #expect(document.outline?.count == 5)
        let chunks = try Chunker(maxTokens: 8, overlapTokens: 0, minTokensBeforePageBreak: 1)
            .chunks(of: document, counter: WordCounter())
        func section(of marker: String) -> String? { chunks.first { $0.text.contains(marker) }?.section }
        #expect(section(of: "alpha-marker") == "1 Getting started")
        #expect(section(of: "bravo-marker") == "1 Getting started › 1.1 Installing")
        #expect(section(of: "charlie-marker") == "1 Getting started › 1.2 Configuring")
        #expect(section(of: "delta-marker") == "2 Maintenance")  // "Backups" is not on its page
    }

    /// Where an outline title stands on its page, and what is not it.
    @Test func locatingOutlineTitles() {
        let page = "Intro text.\n3.2.4\nGoing on vacation gracefully\nBody.\n1.1Console basics\n"
            + "A very long section title that wraps\nonto a second line\nVoting is open.\n“Quoted” Title!\n"
            + "4. Redistribution\n5.\nTermination\n3D Printing\n12\nIntroduction\n"
            + "Terms of use for the service apply to every account\n"
        func locate(_ title: String, from start: Int = 0) -> (offset: Int, label: String)? {
            SectionHeadings.locate(title, in: page, from: start)
        }
        func offset(of text: String) -> Int { page.utf8.count - page[page.range(of: text)!.lowerBound...].utf8.count }
        #expect(locate("Going on vacation gracefully")?.label == "3.2.4 Going on vacation gracefully")
        #expect(locate("Going on vacation gracefully")?.offset == offset(of: "3.2.4"))
        #expect(locate("Console basics")?.label == "1.1 Console basics")
        #expect(locate("A very long section title that wraps onto a second line")?.offset
                == offset(of: "A very long"))
        #expect(locate("\"Quoted\" title")?.offset == offset(of: "“Quoted”"))
        #expect(locate("4. Redistribution")?.label == "4. Redistribution")  // the outline's title has the number
        #expect(locate("5 Termination")?.offset == offset(of: "5.\n"))
        #expect(locate("Termination")?.label == "5. Termination")
        #expect(locate("3D Printing")?.label == "3D Printing")
        #expect(locate("Introduction")?.label == "Introduction")  // "12" above is a page number, not a section
        #expect(locate("Terms of use for the service apply to every acc") == nil)  // whole words only
        #expect(locate("Voting") == nil)  // a sentence that starts with the word is not the heading
        #expect(locate("Going on vacation gracefully", from: offset(of: "Body.")) == nil)
    }

    /// The context names the document and section; a file name the title already says is left out.
    @Test func chunkContext() {
        #expect(ChunkContext.text(title: "Master Supply Agreement", path: "/case/msa_2019-rev2.pdf", section: "7 Liability")
                == "Master Supply Agreement · msa 2019 rev2 · 7 Liability")
        #expect(ChunkContext.text(title: "Lease", path: "/case/lease.pdf", section: "") == "Lease")
        #expect(ChunkContext.text(title: nil, path: "/case/notes.txt", section: "") == "notes")
        #expect(ChunkContext.embeddingText(context: "", text: "Body") == "Body")
        #expect(ChunkContext.embeddingText(context: "Lease", text: "Body") == "Lease\n\nBody")
    }

    /// On a real manual: its running header is gone from every page, its contents pages
    /// are marked, and its title comes from the PDF metadata.
    @Test func realManual() throws {
        let path = Repository.root + "/Benchmarks/eval/documents/debian-policy.pdf"
        let document = try DocumentExtractor.extract(fileAt: path)
        #expect(document.title == "Debian Policy Manual")
        #expect(document.pages.count == 193)
        #expect(!document.pages.contains { $0.text.contains("Debian Policy Manual, Release 4.6.2.0") })
        #expect(document.pages.filter(\.isNavigation).map { $0.number! } == Array(3...9))
        #expect(document.pages[109].text.contains("10.8 Log files"))
        #expect(document.outline?.count == 339)
        let headings = Chunker.headings(of: document)
        #expect(headings.count >= 330)  // an entry not found after one found on its page is left out
        #expect(headings.contains { $0.path == "Files › 10.8 Log files" })
    }
}
