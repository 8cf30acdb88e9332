import DocQATestSupport
import Foundation
import Testing
@testable import DocQA

/// The chunk ids of the document at `path`, in ordinal order.
private func chunkIDs(_ store: IndexStore, _ path: String) throws -> [Int64] {
    let statement = try store.db.prepare("""
        SELECT c.id FROM chunks AS c JOIN documents AS d ON d.id = c.document_id WHERE d.path = ?1 ORDER BY c.ordinal
        """)
    try statement.bind(path, at: 1)
    var ids: [Int64] = []
    while try statement.step() { ids.append(statement.int64(at: 0)) }
    return ids
}

private func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

/// Every file an indexing run meets ends in a stored state (real files, a real index, the
/// real embedding model).
@Suite("File states", .serialized)
struct FileStateTests {
    /// A file that fails, and one that is skipped, are recorded with code, reason and
    /// time but never become searchable documents; a later successful run clears the
    /// failure, and a file gone from disk leaves no state behind.
    @Test func failuresAndSkipsAreRecordedThenCleared() throws {
        try withTemporaryFolder { folder in
            let docs = folder + "/docs"
            let good = docs + "/good.txt", broken = docs + "/broken.pdf", big = docs + "/big.txt"
            let link = docs + "/dangling.txt"
            try write("The Quillfeather warehouse opens at nine.", to: good)
            try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: fixture("damaged.pdf"), toPath: broken)
            try write(String(repeating: "The lessee pays rent monthly. ", count: 40_000), to: big)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: docs + "/nowhere.txt")
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            let indexer = try Indexer(store: store, embedder: try Embedder(modelPath: try TestModels.embeddingModelPath))
            indexer.maximumFileBytes = 1024 * 1024

            let before = Date(timeIntervalSinceNow: -1)
            let first = try indexer.index(paths: [docs])
            #expect(first.indexedCount == 1 && first.skippedCount == 1 && first.failedCount == 2)
            let problems = try store.fileStates(problemsOnly: true)
            #expect(problems.map(\.path) == [big, broken, link])
            #expect(problems.map(\.kind) == [.skipped, .failed, .failed])
            #expect(problems.map(\.code) == [.fileTooLarge, .damagedPDF, .fileNotFound])
            #expect(problems.allSatisfy { ($0.reason ?? "").hasSuffix(".") && $0.recordedAt >= before && !$0.isStale })
            #expect(try store.fileState(atPath: good)?.kind == .indexed)
            // Recorded, but not documents: nothing of theirs is searched.
            #expect(try store.documents().map(\.path) == [good])
            #expect(try store.keywordSearch("lessee rent", limit: 5).isEmpty)

            // Failing the same way again keeps the time of the first failure.
            let firstSeen = try #require(try store.fileState(atPath: broken)).recordedAt
            _ = try indexer.index(paths: [docs])
            #expect(try store.fileState(atPath: broken)?.recordedAt == firstSeen)
            #expect(try store.fileState(atPath: good)?.kind == .unchanged)

            // Fixed: the damaged PDF replaced by a good one; the big file made small.
            try FileManager.default.removeItem(atPath: broken)
            try FileManager.default.copyItem(atPath: fixture("three-pages.pdf"), toPath: broken)
            try write("The lessee pays rent monthly.", to: big)
            let fixed = try indexer.index(paths: [docs])
            #expect(fixed.indexedCount == 2 && fixed.failedCount == 1, "\(fixed.outcomes)")
            #expect(try store.fileStates(problemsOnly: true).map(\.path) == [link])
            #expect(try store.fileState(atPath: broken)?.kind == .indexed)

            // Gone from disk: its state goes too.
            try FileManager.default.removeItem(atPath: link)
            _ = try indexer.index(paths: [docs])
            #expect(try store.fileStates(problemsOnly: true).isEmpty)
            #expect(try store.fileStates().map(\.path) == [big, broken, good])
            try FileManager.default.removeItem(atPath: good)
            let pruned = try indexer.index(paths: [docs])
            #expect(pruned.removedCount == 1)
            #expect(try store.fileStates().map(\.path) == [big, broken])
        }
    }

    /// A file that was indexed and then fails keeps its earlier version searchable, marked
    /// stale with the failure recorded; fixing the file clears both.
    @Test func failedFileKeepsItsStaleVersion() throws {
        try withTemporaryFolder { folder in
            let note = folder + "/docs/note.txt"
            try write("The Quillfeather warehouse opens at nine.", to: note)
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            let indexer = try Indexer(store: store, embedder: try Embedder(modelPath: try TestModels.embeddingModelPath))
            #expect(try indexer.index(paths: [folder + "/docs"]).indexedCount == 1)
            let original = try #require(try store.document(atPath: note))

            // Saved in Latin-1 with an accented letter: not UTF-8, so it fails.
            try Data([0x43, 0x61, 0x66, 0xE9, 0x20, 0x51]).write(to: URL(fileURLWithPath: note))
            let failed = try indexer.index(paths: [folder + "/docs"])
            #expect(failed.failures.map(\.code) == [.notUTF8])
            let state = try #require(try store.fileState(atPath: note))
            #expect(state.kind == .failed && state.code == .notUTF8 && state.isStale)
            #expect(try store.document(atPath: note) == original)
            #expect(try store.keywordSearch("Quillfeather warehouse", limit: 5).map(\.path) == [note])

            try write("The Quillfeather warehouse opens at ten.", to: note)
            #expect(try indexer.index(paths: [folder + "/docs"]).indexedCount == 1)
            #expect(try store.fileStates(problemsOnly: true).isEmpty)
            #expect(try store.fileState(atPath: note)?.kind == .indexed)
        }
    }

    /// A renamed file, and a file moved to another folder, are re-pointed by content hash:
    /// same document and chunk ids, nothing embedded, the old path gone, the keyword
    /// index knows the new name. A copy (the original still on disk) is indexed anew.
    @Test func renamedAndMovedFilesAreRepointed() throws {
        try withTemporaryFolder { folder in
            let docs = folder + "/docs"
            let lease = docs + "/lease.txt", memo = docs + "/memo.txt"
            try write("The lessee pays the Quillfeather rent monthly, in advance, by bank transfer.", to: lease)
            try write("Memo: the tenant asked to repaint the hall in spring.", to: memo)
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            let indexer = try Indexer(store: store, embedder: try Embedder(modelPath: try TestModels.embeddingModelPath))
            #expect(try indexer.index(paths: [docs]).indexedCount == 2)
            let before = try #require(try store.document(atPath: lease))
            let chunksBefore = try chunkIDs(store, lease)
            #expect(!chunksBefore.isEmpty)

            let renamed = docs + "/archive/zanzibar-agreement.txt"
            try FileManager.default.createDirectory(atPath: docs + "/archive", withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: lease, toPath: renamed)
            let report = try indexer.index(paths: [docs])
            #expect(report.renamedCount == 1 && report.indexedCount == 0 && report.removedCount == 0,
                    "\(report.outcomes)")
            #expect(report.outcomes.contains { $0.path == renamed && $0.outcome == .renamed(from: lease) })
            #expect(report.embeddedTokens == 0)
            let after = try #require(try store.document(atPath: renamed))
            #expect(after.id == before.id && after.contentHash == before.contentHash)
            #expect(try chunkIDs(store, renamed) == chunksBefore)
            #expect(try store.document(atPath: lease) == nil)
            #expect(try store.fileState(atPath: lease) == nil)
            #expect(try store.fileState(atPath: renamed)?.kind == .renamed)
            #expect(try store.fileState(atPath: renamed)?.reason == lease)
            // The new file name is in the keyword index's context, the old one is not.
            #expect(try store.keywordSearch("zanzibar", limit: 5).map(\.path) == [renamed])
            #expect(try store.keywordSearch("lease", limit: 5).isEmpty)
            #expect(try indexer.index(paths: [docs]).unchangedCount == 2)

            // A copy is not a move: the original is still there.
            let copy = docs + "/copy-of-memo.txt"
            try FileManager.default.copyItem(atPath: memo, toPath: copy)
            let copied = try indexer.index(paths: [docs])
            #expect(copied.indexedCount == 1 && copied.renamedCount == 0)
            #expect(try store.document(atPath: memo) != nil && store.document(atPath: copy) != nil)
        }
    }

    /// A file that changes between its hashing and the end of its extraction is not stored
    /// (neither version's text under the other's hash): it fails with a sentence saying
    /// to run again, and the next run indexes what the file then holds.
    @Test func fileChangedWhileReadIsNotStored() throws {
        try withTemporaryFolder { folder in
            let note = folder + "/docs/note.txt"
            try write("The Quillfeather warehouse opens at nine.", to: note)
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            let indexer = try Indexer(store: store, embedder: try Embedder(modelPath: try TestModels.embeddingModelPath))
            indexer.extracted = { path in
                try? "The Zanzibar depot closes at noon.".write(toFile: path, atomically: false, encoding: .utf8)
            }
            let changed = try indexer.index(paths: [folder + "/docs"])
            #expect(changed.failures.map(\.code) == [.fileChanged])
            #expect(changed.failures.first?.message
                    == "this file changed while it was being read, so it was not stored; run docqa index again once nothing is writing to it.")
            #expect(try store.documents().isEmpty)
            #expect(try store.fileState(atPath: note)?.code == .fileChanged)

            indexer.extracted = { _ in }
            #expect(try indexer.index(paths: [folder + "/docs"]).indexedCount == 1)
            #expect(try store.keywordSearch("Zanzibar depot", limit: 5).map(\.path) == [note])
            #expect(try store.keywordSearch("Quillfeather", limit: 5).isEmpty)
            #expect(try store.fileStates(problemsOnly: true).isEmpty)
        }
    }

    /// `removeDocuments(under:)` takes a named file, or every file inside a named folder
    /// (with or without a trailing slash), and their states, but not a sibling whose name
    /// merely starts the same; a removed document no longer answers any search.
    @Test func removeTakesFilesAndFoldersOnly() throws {
        try withTemporaryFolder { folder in
            let store = try IndexStore(path: folder + "/i.sqlite", create: true)
            try store.bindEmbeddingModel(EmbeddingModelInfo(name: "test", fingerprint: "f1f1", dimension: 4))
            let paths = ["/m/a/one.txt", "/m/a/sub/two.txt", "/m/ab.txt", "/m/b.txt"]
            for (number, path) in paths.enumerated() {
                let text = "Quillfeather clause \(number)"
                try store.replaceDocument(path: path, contentHash: "h\(number)", format: .text, pageCount: nil,
                                          chunks: [Chunk(ordinal: 0, text: text, pageStart: nil, pageEnd: nil, byteStart: 0,
                                                         byteEnd: text.utf8.count, tokenCount: 3)],
                                          vectors: [[1, 0, 0, 0]])
            }
            try store.recordFileStates([("/m/a/broken.pdf", .failed, DocQAError(.damagedPDF, "damaged.", path: "/m/a/broken.pdf"))])

            let removed = try store.removeDocuments(under: ["/m/a/", "/m/b.txt", "/m/none"])
            #expect(removed.documents == ["/m/a/one.txt", "/m/a/sub/two.txt", "/m/b.txt"])
            #expect(removed.fileStates == 4)
            #expect(removed.unmatched == ["/m/none"])
            #expect(try store.documents().map(\.path) == ["/m/ab.txt"])
            #expect(try store.fileStates().map(\.path) == ["/m/ab.txt"])
            #expect(try store.keywordSearch("Quillfeather", limit: 10).map(\.path) == ["/m/ab.txt"])
            #expect(try store.nearestChunks(to: [1, 0, 0, 0], limit: 10).map(\.path) == ["/m/ab.txt"])

            let purged = try store.purge()
            #expect(purged.bytesAfter > 0 && purged.bytesBefore >= purged.bytesAfter)
            #expect(try store.keywordSearch("Quillfeather", limit: 10).map(\.path) == ["/m/ab.txt"])
            #expect(try store.db.string("PRAGMA integrity_check") == "ok")
        }
    }

    /// An index made before file states (schema 2) is upgraded in place: its documents
    /// start as 'indexed', with their indexing time, and nothing is stale.
    @Test func schema2IndexGainsFileStates() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/i.sqlite"
            let indexedAt: Date
            do {
                let store = try IndexStore(path: path, create: true)
                try store.bindEmbeddingModel(EmbeddingModelInfo(name: "test", fingerprint: "f1f1", dimension: 4))
                indexedAt = try store.replaceDocument(path: "/m/a.txt", contentHash: "h", format: .text, pageCount: nil,
                                                      chunks: [], vectors: []).indexedAt
                // Back to schema 2, as docqa before this change left it.
                try store.db.execute("""
                    DROP TABLE file_states; DROP TABLE ocr_pages; DROP TABLE hidden_text_pages;
                    ALTER TABLE documents DROP COLUMN hidden_text_checked; PRAGMA user_version = 2
                    """)
            }
            let store = try IndexStore(path: path, create: false)
            #expect(try store.db.int64("PRAGMA user_version") == 5)
            let state = try #require(try store.fileState(atPath: "/m/a.txt"))
            #expect(state.kind == .indexed && !state.isStale && state.reason == nil)
            #expect(abs(state.recordedAt.timeIntervalSince(indexedAt)) < 0.001)
        }
    }
}
