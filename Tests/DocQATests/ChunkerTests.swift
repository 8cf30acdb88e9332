@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

/// Counts white-space separated words: a stand-in tokenizer whose counts are easy to reason about.
private struct WordCounter: TokenCounter {
    func countTokens(in text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }
}

private func words(_ prefix: String, _ count: Int) -> String {
    (1...count).map { "\(prefix)\($0)" }.joined(separator: " ")
}

private func documentBytes(_ document: ExtractedDocument) -> [UInt8] {
    Array(document.pages.map(\.text).joined(separator: Chunker.pageSeparator).utf8)
}

@Suite struct ChunkerTests {
    /// Every chunk records the pages it came from, and its byte offsets cut exactly its text
    /// out of the document.
    @Test func chunksKnowTheirPagesAndOffsets() throws {
        let document = ExtractedDocument(format: .pdf, pages: [
            ExtractedPage(number: 1, text: words("alpha", 120) + "."),
            ExtractedPage(number: 2, text: words("bravo", 30) + "."),
            ExtractedPage(number: 3, text: words("charlie", 90) + "."),
        ])
        let chunker = Chunker(maxTokens: 50, overlapTokens: 10, minTokensBeforePageBreak: 20)
        let chunks = try chunker.chunks(of: document, counter: WordCounter())
        let bytes = documentBytes(document)
        #expect(!chunks.isEmpty)
        for (ordinal, chunk) in chunks.enumerated() {
            #expect(chunk.ordinal == ordinal)
            #expect(String(decoding: bytes[chunk.byteStart..<chunk.byteEnd], as: UTF8.self) == chunk.text)
            #expect(chunk.tokenCount <= 50)
            let start = try #require(chunk.pageStart)
            let end = try #require(chunk.pageEnd)
            for word in chunk.text.split(separator: " ") {
                let page = word.hasPrefix("alpha") ? 1 : word.hasPrefix("bravo") ? 2 : 3
                #expect((start...end).contains(page), "\(word) is outside pages \(start)-\(end)")
            }
        }
        // Page 1 has enough text that no chunk should spill from it onto page 2.
        #expect(chunks.filter { $0.pageStart == 1 }.allSatisfy { $0.pageEnd == 1 })
    }

    /// Consecutive chunks overlap, and together they cover every word of the document.
    @Test func chunksOverlapAndCoverEverything() throws {
        let text = (1...40).map { "Sentence \($0) has exactly six words." }.joined(separator: " ")
        let document = ExtractedDocument(format: .text, pages: [ExtractedPage(number: nil, text: text)])
        let chunks = try Chunker(maxTokens: 30, overlapTokens: 8).chunks(of: document, counter: WordCounter())
        #expect(chunks.count > 1)
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            #expect(next.byteStart < previous.byteEnd, "chunk \(next.ordinal) does not overlap the one before")
            #expect(next.byteStart > previous.byteStart)
        }
        var covered = Set<Int>()
        for chunk in chunks { covered.formUnion(chunk.byteStart..<chunk.byteEnd) }
        let bytes = Array(text.utf8)
        for (offset, byte) in bytes.enumerated() where byte != 0x20 {
            #expect(covered.contains(offset))
        }
        #expect(chunks.allSatisfy { $0.pageStart == nil && $0.pageEnd == nil })
    }

    /// A "word" longer than a chunk (no spaces at all) is cut without splitting a character.
    @Test func enormousWordIsCutAtCharacters() throws {
        let blob = String(repeating: "é", count: 3000)
        let document = ExtractedDocument(format: .text, pages: [ExtractedPage(number: nil, text: "Start. " + blob + " End.")])
        // One "token" per 10 characters, so the blob is 300 tokens against a limit of 50.
        struct CharacterCounter: TokenCounter {
            func countTokens(in text: String) -> Int { max(1, text.count / 10) }
        }
        let chunks = try Chunker(maxTokens: 50, overlapTokens: 5).chunks(of: document, counter: CharacterCounter())
        #expect(chunks.count >= 6)
        #expect(chunks.allSatisfy { $0.tokenCount <= 50 })
        #expect(chunks.allSatisfy { !$0.text.contains("\u{FFFD}") })
        #expect(chunks.map(\.text).joined().filter { $0 == "é" }.count >= 3000)
    }

    /// Pages with no text produce no chunks; a document with none produces nothing.
    @Test func emptyPagesGiveNoChunks() throws {
        let empty = ExtractedDocument(format: .pdf, pages: [ExtractedPage(number: 1, text: "  \n "),
                                                            ExtractedPage(number: 2, text: "")])
        #expect(try Chunker().chunks(of: empty, counter: WordCounter()).isEmpty)

        let sparse = ExtractedDocument(format: .pdf, pages: [ExtractedPage(number: 1, text: ""),
                                                             ExtractedPage(number: 2, text: "Only page two.")])
        let chunks = try Chunker().chunks(of: sparse, counter: WordCounter())
        #expect(chunks.count == 1)
        #expect(chunks.first?.pageStart == 2 && chunks.first?.pageEnd == 2)
    }

    /// With the real embedding tokenizer, no chunk of the sample agreement exceeds what the
    /// model reads, and each records pages within the PDF.
    @Test func realTokenizerKeepsChunksWithinTheModelLimit() throws {
        let embedder = try Embedder(modelPath: TestModels.embeddingModelPath)
        let document = try DocumentExtractor.extract(fileAt: Repository.caseFile + "/supply-agreement.pdf")
        let chunker = embedder.chunker
        let chunks = try chunker.chunks(of: document, counter: embedder.model)
        #expect(chunks.count > 6)
        for chunk in chunks {
            let tokens = try embedder.model.countTokens(in: chunk.text)
            #expect(tokens <= chunker.maxTokens, "chunk \(chunk.ordinal) has \(tokens) tokens")
            // Plain comparisons, not a range built from the values under test: a bad page
            // must fail this test, not trap the test process.
            let start = chunk.pageStart ?? 0
            let end = chunk.pageEnd ?? 0
            #expect(start >= 1 && start <= end && end <= document.pages.count,
                    "chunk \(chunk.ordinal) has pages \(start)-\(end) of \(document.pages.count)")
        }
        // The liability cap sits on page 4 of the agreement.
        let cap = try #require(chunks.first { $0.text.contains("$750,000") })
        #expect(cap.pageStart == 4)
    }
}
