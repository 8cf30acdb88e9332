@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

/// The bounds on what extraction may produce, and the options that carry them.
@Suite struct ExtractionLimitTests {
    /// A PDF page with more text than the per-page cap makes its file fail with a sentence
    /// naming the page and what to do; the run goes on, and a text file (one "page")
    /// larger than the page cap is indexed, as only the per-file cap bounds it.
    @Test func pageTextCapSkipsTheFile() throws {
        let folder = try TestFolder()
        let pdf = try folder.copy(Repository.fixture("three-pages.pdf"), to: "docs/three-pages.pdf")
        let text = try folder.write("docs/long.txt", String(repeating: "The lessor repairs the roof. ", count: 40))
        let store = try IndexStore(path: folder.file("i.sqlite"), create: true)
        let indexer = try Indexer(store: store, embedder: try Embedder(modelPath: try TestModels.embeddingModelPath))
        indexer.extraction.maximumPageTextBytes = 10
        let report = try indexer.index(paths: [folder.file("docs")])
        #expect(report.indexedCount == 1)
        let failure = try #require(report.failures.first)
        #expect(failure.code == .fileTooLarge && failure.path == pdf)
        #expect(failure.message.hasPrefix("page 1 of this file holds ") && failure.message.contains("docqa reads from one page; it is likely damaged or crafted."),
                "\(failure.message)")
        #expect(try store.documents().map(\.path) == [text])
    }

    /// Extraction options travel to the reader process as JSON and come back equal; an
    /// extracted document does too (it is what the reader process sends back).
    @Test func optionsAndDocumentsSurviveJSON() throws {
        let options = ExtractionOptions(pageTimeLimit: 2.5, maximumPageTextBytes: 4096)
        #expect(try JSONDecoder().decode(ExtractionOptions.self, from: JSONEncoder().encode(options)) == options)
        let document = try DocumentExtractor.extract(fileAt: Repository.fixture("three-pages.pdf"))
        #expect(try JSONDecoder().decode(ExtractedDocument.self, from: JSONEncoder().encode(document)) == document)
    }
}
