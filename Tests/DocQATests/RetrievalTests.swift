@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

@Suite struct RetrievalTests {
    /// Path patterns match the whole path, or its end from a folder boundary on; formats
    /// narrow further.
    @Test func documentFilters() {
        let any = DocumentFilter()
        #expect(any.admits(path: "/case/a.pdf", format: .pdf))

        let pdfs = DocumentFilter(paths: ["*.pdf"])
        #expect(pdfs.admits(path: "/case/contracts/a.pdf", format: .pdf))
        #expect(!pdfs.admits(path: "/case/notes.txt", format: .text))

        let folder = DocumentFilter(paths: ["contracts/*"])
        #expect(folder.admits(path: "/case/contracts/a.pdf", format: .pdf))
        #expect(!folder.admits(path: "/case/old-contracts/a.pdf", format: .pdf))
        #expect(!folder.admits(path: "/case/letters/a.pdf", format: .pdf))

        let absolute = DocumentFilter(paths: ["/case/letters/*"])
        #expect(absolute.admits(path: "/case/letters/b.txt", format: .text))
        #expect(!absolute.admits(path: "/other/case/letters/b.txt", format: .text))

        let named = DocumentFilter(paths: ["lease-2019.pdf", "*.md"], formats: [.pdf])
        #expect(named.admits(path: "/x/lease-2019.pdf", format: .pdf))
        #expect(!named.admits(path: "/x/notes.md", format: .text))  // path matches, type does not
        #expect(!DocumentFilter(formats: [.text]).admits(path: "/x/a.pdf", format: .pdf))
    }

    /// A chunk next to a better kept one of the same document waits until the others have
    /// had their place; chunks of other documents, or further away, do not.
    @Test func neighboursDoNotCrowdTheTop() {
        func result(_ document: Int64, _ ordinal: Int, _ score: Double) -> RetrievedChunk {
            RetrievedChunk(chunk: ChunkHit(chunkId: document * 100 + Int64(ordinal), documentId: document,
                                           path: "/d\(document)", ordinal: ordinal, text: "", pageStart: nil,
                                           pageEnd: nil, score: score),
                           score: score, similarity: nil, vectorRank: nil, keywordRank: nil)
        }
        let ranked = [result(1, 5, 0.9), result(1, 6, 0.8), result(1, 4, 0.7), result(2, 6, 0.6),
                      result(1, 9, 0.5), result(3, 1, 0.4)]
        let spread = Retriever.spread(ranked, limit: 5).map { [$0.chunk.documentId, Int64($0.chunk.ordinal)] }
        #expect(spread == [[1, 5], [2, 6], [1, 9], [3, 1], [1, 6]])
        #expect(Retriever.spread(ranked, limit: 2).count == 2)
        // In a run of good chunks only the kept ones push their neighbours down: the third
        // of a run is two chunks from the first, outside its window, and keeps its place.
        let run = [result(1, 5, 0.9), result(1, 6, 0.8), result(1, 7, 0.7), result(2, 1, 0.6)]
        #expect(Retriever.spread(run, limit: 3).map { [$0.chunk.documentId, Int64($0.chunk.ordinal)] }
                == [[1, 5], [1, 7], [2, 1]])
    }

    /// A plain-text table of contents (no pages, so page detection cannot mark it) names
    /// every section's topic; the section that answers ranks above it.
    @Test func contentsRankBelowTheSectionsTheyList() throws {
        try withTemporaryFolder { folder in
            let titles = ["Definitions", "Term of the lease", "Rent and payment", "Security deposit", "Use of the premises",
                          "Repairs and maintenance", "Alterations", "Insurance", "Assignment and subletting",
                          "Notices", "Termination", "Governing law"]
            var text = "RESIDENTIAL LEASE HANDBOOK\n\nCONTENTS\n"
            for (number, title) in titles.enumerated() {
                text += "\(number + 1). \(title) " + String(repeating: ". ", count: 20) + "\(number * 2 + 3)\n"
            }
            for (number, title) in titles.enumerated() {
                text += "\n\n\(number + 1). \(title.uppercased())\n\n"
                text += title == "Security deposit"
                    ? "The tenant pays a security deposit of two months' rent, returned within 30 days of the end of the lease. "
                    : "This section sets out the parties' duties as to \(title.lowercased()) under the lease. "
                text += String(repeating: "The landlord and the tenant each keep a signed copy of this handbook with the lease. ", count: 6)
            }
            let path = folder + "/handbook.txt"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            let embedder = try Embedder(modelPath: try TestModels.embeddingModelPath)
            _ = try Indexer(store: store, embedder: embedder).index(paths: [path])
            let ranked = try Retriever(store: store, embedder: embedder)
                .retrieval(for: "What does the lease say about the security deposit?", limit: 5).chunks.map(\.chunk.text)
            let section = try #require(ranked.firstIndex { $0.contains("two months' rent") })
            let contents = try #require(ranked.firstIndex { $0.contains("Security deposit . . .") }, "\(ranked)")
            #expect(section < contents, "\(ranked)")
        }
    }

    /// An index from before document identity (schema 1) opens, keeps its text searchable,
    /// and its unchanged files are indexed again once, by the current pipeline.
    @Test func schemaOneIndexIsUpgradedAndReindexed() throws {
        try withTemporaryFolder { folder in
            let document = folder + "/lease.txt"
            let text = "RESIDENTIAL LEASE\n\n1. Rent\nThe monthly rent is 1,450 dollars, due on the first day."
            try Data(text.utf8).write(to: URL(fileURLWithPath: document))
            let indexPath = folder + "/old.sqlite"
            do {
                let raw = try Connection(path: indexPath, mode: .readWriteCreate)
                try Migrator([IndexSchema.migrator.migrations[0]]).migrate(raw)
                try raw.execute("""
                    INSERT INTO documents(path, content_hash, format, indexed_at) VALUES (?1, ?2, 'text', 0);
                    """, [.text(document), .text(try SHA256.hex(ofFileAt: document))])
                try raw.execute("""
                    INSERT INTO chunks(document_id, ordinal, text, byte_start, byte_end, token_count)
                    VALUES (1, 0, ?1, 0, ?2, 20)
                    """, [.text(text), .integer(Int64(text.utf8.count))])
            }
            let store = try IndexStore(path: indexPath, create: false)
            let old = try #require(try store.document(atPath: document))
            #expect(old.pipeline == 1)
            #expect(try store.keywordSearch("monthly rent", limit: 5).map(\.path) == [document])

            let indexer = try Indexer(store: store, embedder: try Embedder(modelPath: try TestModels.embeddingModelPath))
            let first = try indexer.index(paths: [folder])
            #expect(first.indexedCount == 1)
            let upgraded = try #require(try store.document(atPath: document))
            #expect(upgraded.pipeline == Indexer.pipelineVersion)
            #expect(upgraded.title == "RESIDENTIAL LEASE")
            // The title is searchable although the matching chunk's text may not hold it.
            #expect(try store.keywordSearch("residential", limit: 5).count == upgraded.chunkCount)
            #expect(try indexer.index(paths: [folder]).unchangedCount == 1)
        }
    }

    /// A file over the size cap, or whose text is over the text cap, is reported by name
    /// with the sizes and what to do, and the run goes on with the rest.
    @Test func oversizedFilesAreReportedAndSkipped() throws {
        try withTemporaryFolder { folder in
            let big = folder + "/docs/big.txt", small = folder + "/docs/small.txt", wordy = folder + "/docs/wordy.md"
            try FileManager.default.createDirectory(atPath: folder + "/docs", withIntermediateDirectories: true)
            try String(repeating: "The lessee pays rent monthly. ", count: 80_000).write(toFile: big, atomically: true, encoding: .utf8)
            try String(repeating: "The lessor repairs the roof. ", count: 2_000).write(toFile: wordy, atomically: true, encoding: .utf8)
            try "The deposit is two months of rent.".write(toFile: small, atomically: true, encoding: .utf8)
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            let indexer = try Indexer(store: store, embedder: try Embedder(modelPath: try TestModels.embeddingModelPath))
            indexer.maximumFileBytes = 1024 * 1024
            indexer.maximumTextBytes = 20_000
            let report = try indexer.index(paths: [folder + "/docs"])
            #expect(report.indexedCount == 1)
            #expect(report.failures.map(\.path) == [big, wordy])
            #expect(report.failures.allSatisfy { $0.code == .fileTooLarge })
            #expect(report.failures.first?.message == "this file is 2.3 MB, more than the 1.0 MB docqa indexes; split it, or raise the limit with --max-file-size.")
            #expect(report.failures.last?.message.contains("of text, more than the") == true)
            #expect(try store.documents().map(\.path) == [small])
        }
    }

    /// Page offsets are recorded for PDFs and cut each page's text out of the document text.
    @Test func pageOffsetsMatchThePages() throws {
        try withTemporaryFolder { folder in
            let pdf = fixture("three-pages.pdf")
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            let indexer = try Indexer(store: store, embedder: try Embedder(modelPath: try TestModels.embeddingModelPath))
            _ = try indexer.index(paths: [pdf])
            let stored = try #require(try store.documents().first)
            let offsets = try #require(try store.pageOffsets(documentID: stored.id))
            let pages = try DocumentExtractor.extract(fileAt: pdf).pages
            #expect(offsets.count == pages.count)
            let documentText = Array(pages.map(\.text).joined(separator: Chunker.pageSeparator).utf8)
            for (index, page) in pages.enumerated() {
                let start = offsets[index]
                #expect(Array(documentText[start..<(start + page.text.utf8.count)]) == Array(page.text.utf8))
            }
        }
    }

    /// A chunk's window is the document text around it (white space aside), starts at its
    /// previous chunk, and places every byte on the page the chunks say.
    @Test func windowsJoinNeighbouringChunks() throws {
        try withTemporaryFolder { folder in
            let pdf = Repository.caseFile + "/supply-agreement.pdf"
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            let indexer = try Indexer(store: store, embedder: try Embedder(modelPath: try TestModels.embeddingModelPath))
            _ = try indexer.index(paths: [pdf])
            let pages = try DocumentExtractor.extract(fileAt: pdf).pages
            let documentText = Array(pages.map(\.text).joined(separator: Chunker.pageSeparator).utf8)
            let hits = try store.chunks(ids: Array(1...500))
            #expect(hits.count >= 5)
            let windows = try store.windows(around: hits, neighbours: 1)
            #expect(windows.count == hits.count)
            for (hit, window) in zip(hits, windows) {
                let bytes = Array(window.text.utf8)
                let original = Array(documentText[window.byteStart..<(window.byteStart + bytes.count)])
                #expect(zip(bytes, original).allSatisfy { $0 == $1 || ($0 == 0x0A && (Character(UnicodeScalar($1)).isWhitespace)) })
                let local = hit.byteStart - window.byteStart
                #expect(Array(bytes[local..<(local + hit.text.utf8.count)]) == Array(hit.text.utf8))
                #expect(window.page(at: hit.byteStart) == hit.pageStart)
                #expect(window.page(at: hit.byteStart + hit.text.utf8.count - 1) == hit.pageEnd)
                let neighbours = hits.filter { abs($0.ordinal - hit.ordinal) <= 1 }
                #expect(window.byteStart == neighbours.map(\.byteStart).min())
            }
        }
    }
}
