@testable import DocQA
import Testing

/// Parsing and checking the citations in an answer, without a model.
@Suite struct CitationCheckTests {
    /// Source numbers are found in the usual shapes, once each, in order of appearance.
    @Test func citedNumbersAreParsed() {
        let answer = "The cap is $750,000 [2]. The term ends March 2, 2026 [1, 3]. See also [Source 4] and [2][5]."
        #expect(CitationCheck.citedNumbers(in: answer).map(\.number) == [2, 1, 3, 4, 5])
        #expect(CitationCheck.citedNumbers(in: "No citations here, just 2024 and (3).").isEmpty)
    }

    /// A citation written after the full stop still belongs to its sentence.
    @Test func citationAfterFullStopStaysWithItsSentence() {
        let cited = CitationCheck.citedNumbers(in: "Delaware law governs. [3] The cure period is 30 days. [1]")
        #expect(cited.map(\.number) == [3, 1])
        #expect(cited[0].sentence.contains("Delaware"))
        #expect(cited[1].sentence.contains("30 days"))
    }

    /// A full stop after an abbreviation does not end the sentence: "Mr. Whitfield" and
    /// "Amendment No. 1" stay whole claims, checked as one.
    @Test func abbreviationsDoNotEndASentence() {
        let sentences = CitationCheck.sentences(of: "The deposition was taken by Mr. Whitfield [2]. Amendment No. 1 was signed by Zoë Achterberg. Rates rose in the U.S. in 2024.")
        #expect(sentences.map { $0.trimmingCharacters(in: .whitespaces) } == [
            "The deposition was taken by Mr. Whitfield [2].",
            "Amendment No. 1 was signed by Zoë Achterberg.",
            "Rates rose in the U.S. in 2024.",
        ])
        // At the very end of the answer a full stop ends it, abbreviation or not.
        #expect(CitationCheck.sentences(of: "The seller is Tallis Hydraulics, Inc.").count == 1)
    }

    /// A claim is supported when its new words and every number it states are in the source.
    @Test func supportNeedsTheAnswersOwnFactsInTheSource() {
        let source = "13.2 Liability Cap. Each party's total liability shall not exceed $750,000 in the aggregate."
        let question = "What is the cap on total liability under the agreement?"
        #expect(CitationCheck.isSupported("The cap on total liability is $750,000.", by: source, question: question))
        // Words echoed from the question do not make a wrong figure supported.
        #expect(!CitationCheck.isSupported("The cap on total liability is 96 units.", by: source, question: question))
        #expect(!CitationCheck.isSupported("The cap on total liability is $1,000,000.", by: source, question: question))
        // Restating the question adds nothing, so it supports nothing.
        #expect(!CitationCheck.isSupported("The cap on total liability under the agreement.", by: source, question: question))
        // A new figure written with the question's digits is still new.
        let policy = "The request body must be under 2.5 MB to be considered valid."
        let asked = "Under Django 5.2's rules, what is the cap on the request body?"
        #expect(CitationCheck.isSupported("Under Django 5.2's rules, the cap on the request body is 2.5 MB.", by: policy, question: asked))
        #expect(!CitationCheck.isSupported("Under Django 5.2's rules, the cap on the request body is 3.5 MB.", by: policy, question: asked))
        #expect(!CitationCheck.isSupported("Under Django 5.2's rules, the cap on the request body.", by: policy, question: asked))
    }

    /// An amount of money in the answer must be money in the source, not a page, chapter
    /// or section that happens to carry its digits.
    @Test func moneyInTheAnswerMustBeMoneyInTheSource() {
        let chapter = "Chapter 21: Free Software Directory"
        let question = "Above what donation amount does a GNU package publicly thank the donor?"
        #expect(!CitationCheck.isSupported("Above $21, a GNU package publicly thanks the donor.", by: chapter, question: question))
        #expect(CitationCheck.isSupported("Chapter 21 covers the Free Software Directory.", by: chapter))
        // Written with a sign in one and a code or name in the other, it is the same amount.
        let bounty = "The typical reward for a Medium severity issue was 2,400 USD in 2022."
        #expect(CitationCheck.isSupported("The typical reward for a Medium issue was $2,400.", by: bounty))
        #expect(CitationCheck.isSupported("Remedies of 1000 U.S. dollars per account are available.",
                                          by: "Remedies of $1000/account are available."))
        // A table that gives the currency in its header holds the amount as a number.
        #expect(CitationCheck.isSupported("The filing fee is $350.", by: "Fees (USD)\nFiling fee 350\nAppeal fee 505"))
        #expect(CitationCheck.moneyAmounts(in: "fees of EUR 40 and £1,250.50, or 5 million euros") == ["40", "125050", "5"])
        // An amount the question states is the question's, not a claim to check.
        #expect(CitationCheck.isSupported("For $400,000 in sponsorship the fee is 9%.",
                                          by: "The G&A fee shall equal 9% of gross receipts.",
                                          question: "OVS raised $400,000 in sponsorship. What fee does it pay?"))
    }

    /// The model's citations are checked; with none, the best-matching source is attributed.
    @Test func answerCitationsAreCheckedAndFallBackToTheBestMatch() {
        func chunk(_ id: Int64, _ text: String, page: Int) -> ChunkHit {
            ChunkHit(chunkId: id, documentId: 1, path: "/case/agreement.pdf", ordinal: Int(id), text: text,
                     pageStart: page, pageEnd: page, score: 0)
        }
        let sources = [
            Source(number: 1, chunk: chunk(1, "The governing law is the law of the State of Delaware.", page: 5),
                   text: "The governing law is the law of the State of Delaware."),
            Source(number: 2, chunk: chunk(2, "Notices go to 1200 Industrial Parkway, Bethlehem.", page: 6),
                   text: "Notices go to 1200 Industrial Parkway, Bethlehem."),
        ]
        let question = "Which law governs?"
        let cited = Answerer.citations(for: "Delaware law governs [1]. Notices go to Bethlehem [2]. Also [7].",
                                       question: question, sources: sources)
        #expect(cited.map(\.source) == [1, 2])
        #expect(cited.allSatisfy { $0.kind == .cited && $0.supported })

        // A wrong number is re-attributed to the source that holds the claim.
        let wrong = Answerer.citations(for: "Delaware law governs [2].", question: question, sources: sources)
        #expect(wrong.map(\.source) == [1] && wrong[0].kind == .matched && wrong[0].supported)
        // A claim no source holds keeps its citation, marked unsupported.
        let unsupported = Answerer.citations(for: "Texas law governs [2].", question: question, sources: sources)
        #expect(unsupported.map(\.source) == [2] && unsupported[0].kind == .cited && !unsupported[0].supported)

        let matched = Answerer.citations(for: "The State of Delaware.", question: question, sources: sources)
        #expect(matched.map(\.source) == [1] && matched[0].kind == .matched && matched[0].supported)
        #expect(matched[0].pageStart == 5)
    }
}
