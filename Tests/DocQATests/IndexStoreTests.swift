import DocQATestSupport
import Foundation
import Testing
@testable import DocQA

private let model = EmbeddingModelInfo(name: "test-embed.gguf", fingerprint: "f1f1f1f1f1f1f1f1f1", dimension: 4)

/// `texts` as consecutive chunks on consecutive pages.
private func chunks(_ texts: [String]) -> [Chunk] {
    var offset = 0
    return texts.enumerated().map { ordinal, text in
        defer { offset += text.utf8.count + 2 }
        return Chunk(ordinal: ordinal, text: text, pageStart: ordinal + 1, pageEnd: ordinal + 1,
                     byteStart: offset, byteEnd: offset + text.utf8.count, tokenCount: text.count / 4)
    }
}

/// A unit basis vector of dimension 4 for each chunk, cycling through the axes.
private func axisVectors(_ count: Int) -> [[Float]] {
    (0..<count).map { index in (0..<4).map { $0 == index % 4 ? 1 : 0 } }
}

private func fileMode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// Opens a new index at `folder/index.sqlite` with the 4-dimensional test model bound.
private func makeStore(in folder: String) throws -> IndexStore {
    let store = try IndexStore(path: folder + "/index.sqlite", create: true)
    try store.bindEmbeddingModel(model)
    return store
}

@Suite("IndexStore")
struct IndexStoreTests {
    /// A new index and its missing parent folders are created private (0600 / 0700), in
    /// WAL mode, and the WAL file inherits the private mode.
    @Test func newIndexIsPrivateAndInWALMode() throws {
        try withTemporaryFolder { folder throws in
            let path = folder + "/matters/acme/index.sqlite"
            let store = try IndexStore(path: path, create: true)
            try store.bindEmbeddingModel(model)
            #expect(try fileMode(path) == 0o600)
            #expect(try fileMode(folder + "/matters/acme") == 0o700)
            #expect(try fileMode(folder + "/matters") == 0o700)
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            #expect(try fileMode(path + "-wal") == 0o600)

            let raw = try Connection(path: path)
            #expect(try raw.string("PRAGMA journal_mode") == "wal")
            #expect(try raw.int64("PRAGMA user_version") == 5)
            #expect(try raw.string("SELECT value FROM meta WHERE key = 'created_by'")?.hasPrefix("docqa") == true)
            #expect(store.path == path)
        }
    }

    /// A missing index with `create: false` is `.indexNotFound` naming `docqa index`, and
    /// no file appears.
    @Test func missingIndexIsNotCreated() throws {
        try withTemporaryFolder { folder throws in
            let path = folder + "/none.sqlite"
            let error = #expect(throws: DocQAError.self) { try IndexStore(path: path, create: false) }
            #expect(error?.code == .indexNotFound)
            #expect(error?.message.contains("docqa index") == true)
            #expect(error?.path == path)
            #expect(!FileManager.default.fileExists(atPath: path))

            let isFolder = #expect(throws: DocQAError.self) { try IndexStore(path: folder, create: true) }
            #expect(isFolder?.code == .invalidArgument)
        }
    }

    /// Documents, chunks, vectors and the model survive closing and reopening the index.
    @Test func reopeningKeepsData() throws {
        try withTemporaryFolder { folder throws in
            let stored: StoredDocument
            do {
                let store = try makeStore(in: folder)
                stored = try store.replaceDocument(
                    path: "/docs/lease.pdf", contentHash: "h1", format: .pdf, pageCount: 3,
                    chunks: chunks(["The tenant pays rent monthly.", "Termination needs notice."]),
                    vectors: axisVectors(2))
            }
            let store = try IndexStore(path: folder + "/index.sqlite", create: false)
            #expect(try store.embeddingModel() == model)
            #expect(try store.document(atPath: "/docs/lease.pdf") == stored)
            #expect(try store.documents() == [stored])
            #expect(stored.chunkCount == 2)
            #expect(stored.pageCount == 3)
            #expect(try store.counts() == (documents: 1, chunks: 2))
            let hits = try store.nearestChunks(to: [0, 2, 0, 0], limit: 1)
            #expect(hits.map(\.text) == ["Termination needs notice."])
            #expect(hits.first?.pageStart == 2)
            #expect(abs((hits.first?.score ?? 0) - 1) < 1e-6)
        }
    }

    /// Replacing a document leaves one copy: the new chunks, vectors and keyword entries,
    /// none of the old.
    @Test func replaceDocumentReplaces() throws {
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            let first = try store.replaceDocument(path: "a.txt", contentHash: "h1", format: .text, pageCount: nil,
                                                  chunks: chunks(["alpha zebra", "beta", "gamma"]),
                                                  vectors: axisVectors(3))
            try store.replaceDocument(path: "b.txt", contentHash: "hb", format: .text, pageCount: nil,
                                      chunks: chunks(["unrelated"]), vectors: axisVectors(1))
            let second = try store.replaceDocument(path: "a.txt", contentHash: "h2", format: .text, pageCount: nil,
                                                   chunks: chunks(["delta giraffe"]), vectors: [[0, 0, 0, 3]])
            #expect(second.id != first.id)
            #expect(try store.counts() == (documents: 2, chunks: 2))
            #expect(try store.document(atPath: "a.txt")?.contentHash == "h2")
            #expect(try store.keywordSearch("zebra", limit: 10).isEmpty)
            #expect(try store.keywordSearch("giraffe", limit: 10).map(\.path) == ["a.txt"])
            let nearest = try store.nearestChunks(to: [0, 0, 0, 1], limit: 10)
            #expect(nearest.count == 2)
            #expect(nearest.first?.text == "delta giraffe")

            let raw = try Connection(path: store.path)
            #expect(try raw.int64("SELECT count(*) FROM vectors") == 2)
            // Stored vectors are unit length.
            let statement = try raw.prepare("SELECT embedding FROM vectors WHERE chunk_id = ?1")
            try statement.bind(nearest[0].chunkId, at: 1)
            #expect(try statement.step())
            #expect(statement.floats(at: 0) == [0, 0, 0, 1])
        }
    }

    /// Invalid input (a vector of the wrong dimension, a count mismatch, NaN) throws
    /// `.invalidArgument` and leaves the previous version intact.
    @Test func invalidReplacementKeepsPreviousVersion() throws {
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            let original = try store.replaceDocument(path: "a.txt", contentHash: "h1", format: .text, pageCount: nil,
                                                     chunks: chunks(["original words"]), vectors: axisVectors(1))
            let attempts: [[[Float]]] = [[[1, 0, 0]], [], [[.nan, 0, 0, 1]]]
            for vectors in attempts {
                let error = #expect(throws: DocQAError.self) {
                    try store.replaceDocument(path: "a.txt", contentHash: "h2", format: .text, pageCount: nil,
                                              chunks: chunks(["replacement words"]), vectors: vectors)
                }
                #expect(error?.code == .invalidArgument)
            }
            #expect(try store.document(atPath: "a.txt") == original)
            #expect(try store.keywordSearch("original", limit: 5).count == 1)
            #expect(try store.nearestChunks(to: [1, 0, 0, 0], limit: 5).map(\.text) == ["original words"])
        }
    }

    /// A failure in the middle of the write transaction (injected with a SQLite trigger,
    /// after the old version was deleted) rolls back to the previous version.
    @Test func failedReplacementIsAtomic() throws {
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            let original = try store.replaceDocument(path: "a.txt", contentHash: "h1", format: .text, pageCount: nil,
                                                     chunks: chunks(["original words", "second"]),
                                                     vectors: axisVectors(2))
            _ = try store.nearestChunks(to: [1, 0, 0, 0], limit: 1)  // fill the vector cache
            let saboteur = try Connection(path: store.path)
            try saboteur.execute("""
                CREATE TRIGGER sabotage BEFORE INSERT ON chunks WHEN new.text = 'boom'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
            let error = #expect(throws: DocQAError.self) {
                try store.replaceDocument(path: "a.txt", contentHash: "h2", format: .text, pageCount: nil,
                                          chunks: chunks(["fine", "boom"]), vectors: axisVectors(2))
            }
            #expect(error?.code == .database)
            #expect(error?.message.contains("injected failure") == true)
            #expect(try store.document(atPath: "a.txt") == original)
            #expect(try store.counts() == (documents: 1, chunks: 2))
            #expect(try store.keywordSearch("fine", limit: 5).isEmpty)
            #expect(try store.keywordSearch("original", limit: 5).map(\.text) == ["original words"])
            #expect(try store.nearestChunks(to: [0, 1, 0, 0], limit: 1).map(\.text) == ["second"])
        }
    }

    /// Removing a document removes its chunks, vectors and FTS rows, and nothing else;
    /// removing an unknown path is not an error.
    @Test func removeDocumentCascades() throws {
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            try store.replaceDocument(path: "gone.pdf", contentHash: "h", format: .pdf, pageCount: 2,
                                      chunks: chunks(["vanishing platypus", "more platypus"]),
                                      vectors: axisVectors(2))
            try store.replaceDocument(path: "kept.txt", contentHash: "k", format: .text, pageCount: nil,
                                      chunks: chunks(["remaining wombat"]), vectors: axisVectors(1))
            _ = try store.nearestChunks(to: [1, 0, 0, 0], limit: 5)
            #expect(try store.removeDocument(atPath: "gone.pdf"))
            #expect(try !store.removeDocument(atPath: "gone.pdf"))

            #expect(try store.document(atPath: "gone.pdf") == nil)
            #expect(try store.counts() == (documents: 1, chunks: 1))
            #expect(try store.keywordSearch("platypus", limit: 5).isEmpty)
            #expect(try store.nearestChunks(to: [0, 1, 0, 0], limit: 5).map(\.path) == ["kept.txt"])

            let raw = try Connection(path: store.path)
            #expect(try raw.int64("SELECT count(*) FROM vectors") == 1)
            #expect(try raw.int64("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'platypus'") == 0)
            #expect(try raw.int64("SELECT count(*) FROM chunks_fts_docsize") == 1)
            try raw.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")
            #expect(try raw.int64("PRAGMA foreign_key_check") == nil)
        }
    }

    /// Vector search returns exactly the brute-force nearest neighbours (by cosine, in
    /// Double) on random vectors of a dimension that is not a multiple of 16.
    @Test func nearestChunksMatchesBruteForce() throws {
        try withTemporaryFolder { folder throws in
            let dimension = 37
            let store = try IndexStore(path: folder + "/index.sqlite", create: true)
            try store.bindEmbeddingModel(EmbeddingModelInfo(name: "random", fingerprint: "r", dimension: dimension))
            var random = SplitMix64(seed: 42)
            func randomVector() -> [Float] {
                (0..<dimension).map { _ in Float.random(in: -1...1, using: &random) }
            }
            var all: [(path: String, ordinal: Int, vector: [Float])] = []
            for document in 0..<6 {
                let count = 40 + document * 7
                let vectors = (0..<count).map { _ in randomVector() }
                let path = "doc\(document).txt"
                try store.replaceDocument(path: path, contentHash: "\(document)", format: .text, pageCount: nil,
                                          chunks: chunks((0..<count).map { "chunk \($0)" }), vectors: vectors)
                all += vectors.enumerated().map { (path, $0.offset, $0.element) }
            }
            func cosine(_ a: [Float], _ b: [Float]) -> Double {
                let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let na = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                let nb = b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                return dot / (na * nb)
            }
            for limit in [1, 10, 25] {
                for _ in 0..<10 {
                    let query = randomVector().map { $0 * 3 }
                    let reference = all.map { (key: "\($0.path)#\($0.ordinal)", score: cosine(query, $0.vector)) }
                        .sorted { $0.score > $1.score }
                        .prefix(limit)
                    let hits = try store.nearestChunks(to: query, limit: limit)
                    #expect(hits.map { "\($0.path)#\($0.ordinal)" } == reference.map(\.key))
                    for (hit, expected) in zip(hits, reference) {
                        #expect(abs(hit.score - expected.score) < 1e-5)
                    }
                }
            }
            #expect(try store.nearestChunks(to: randomVector(), limit: 10_000).count == all.count)
            #expect(try store.nearestChunks(to: randomVector(), limit: 0).isEmpty)
            let wrong = #expect(throws: DocQAError.self) { try store.nearestChunks(to: [1, 2, 3], limit: 3) }
            #expect(wrong?.code == .invalidArgument)
        }
    }

    /// The in-memory vectors follow changes made through this store and through another
    /// connection to the same file.
    @Test func vectorCacheFollowsChanges() throws {
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            #expect(try store.nearestChunks(to: [1, 0, 0, 0], limit: 3).isEmpty)
            try store.replaceDocument(path: "a.txt", contentHash: "a", format: .text, pageCount: nil,
                                      chunks: chunks(["first"]), vectors: [[1, 0, 0, 0]])
            #expect(try store.nearestChunks(to: [0, 1, 0, 0], limit: 3).map(\.text) == ["first"])

            let other = try IndexStore(path: store.path, create: false)
            try other.replaceDocument(path: "b.txt", contentHash: "b", format: .text, pageCount: nil,
                                      chunks: chunks(["second"]), vectors: [[0, 1, 0, 0]])
            #expect(try store.nearestChunks(to: [0, 1, 0, 0], limit: 3).map(\.text) == ["second", "first"])
            try other.removeDocument(atPath: "b.txt")
            #expect(try store.nearestChunks(to: [0, 1, 0, 0], limit: 3).map(\.text) == ["first"])
        }
    }

    /// Keyword search finds words (with stemming and case folding), ranks by BM25 with
    /// positive scores, and the hit carries its document and pages.
    @Test func keywordSearchFindsWords() throws {
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            try store.replaceDocument(path: "lease.pdf", contentHash: "l", format: .pdf, pageCount: 2,
                                      chunks: chunks(["The landlord may terminate the lease.",
                                                      "Rent is due on the first day."]),
                                      vectors: axisVectors(2))
            try store.replaceDocument(path: "memo.txt", contentHash: "m", format: .text, pageCount: nil,
                                      chunks: chunks(["Termination clauses, termination fees, TERMINATED deals."]),
                                      vectors: axisVectors(1))
            let hits = try store.keywordSearch("Termination?", limit: 10)
            #expect(hits.map(\.path) == ["memo.txt", "lease.pdf"])
            #expect(hits.allSatisfy { $0.score > 0 })
            #expect(hits[0].score >= hits[1].score)
            #expect(hits[1].pageStart == 1 && hits[1].ordinal == 0)
            #expect(try store.keywordSearch("rent", limit: 10).map(\.text) == ["Rent is due on the first day."])
            #expect(try store.keywordSearch("rent", limit: 0).isEmpty)
            #expect(try store.keywordSearch("café", limit: 10).isEmpty)
        }
    }

    /// A literal of several words ("3.6.12", "gps_date") is also searched as a phrase:
    /// the chunk that holds it whole comes before chunks that hold its parts apart.
    @Test func keywordSearchKeepsLiteralsTogether() throws {
        #expect(IndexStore.queryPhrases(in: "Does ReportLab 3.6.12 run under Django 5.2's rules, with gps_date?")
                == ["3 6 12", "5 2", "gps date"])
        #expect(IndexStore.queryPhrases(in: "Who wrote it? It doesn't say, and it isn't. (See page 12.)").isEmpty)
        #expect(IndexStore.queryPhrases(in: "Is it in the company's (3.6.12)?") == ["3 6 12"])
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            try store.replaceDocument(path: "notes.txt", contentHash: "n", format: .text, pageCount: nil,
                                      chunks: chunks(["Release 3.12 requires Python 3.6, and 12 GB; release 6 requires 3.",
                                                      "Release 3.6.12 requires Python 3.7."]),
                                      vectors: axisVectors(2))
            #expect(try store.keywordSearch("Which Python does release 3.6.12 require?", limit: 2).first?.text
                    == "Release 3.6.12 requires Python 3.7.")
        }
    }

    /// Irregular forms find their dictionary form (`WordForms`): a question asking what is
    /// kept "hidden" finds the promise not to "hide" it, and "criteria" finds the
    /// "criterion"; the Porter stemmer alone joins neither. Ambiguous forms stay as written.
    @Test func keywordSearchMeetsIrregularForms() throws {
        #expect(Retriever.withDictionaryForms("Hidden defects, criteria; hide") == "Hidden defects, criteria; hide criterion")
        #expect(Retriever.withDictionaryForms("left found data men take") == "left found data men take")
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            try store.replaceDocument(path: "contract.txt", contentHash: "c", format: .text, pageCount: nil,
                                      chunks: chunks(["We will not hide problems from our users.",
                                                      "Each criterion is scored from one to five.",
                                                      "Problems are listed in the tracker."]),
                                      vectors: axisVectors(3))
            #expect(try store.keywordSearch(Retriever.withDictionaryForms("Which problem is hidden?"), limit: 3).first?.text
                    == "We will not hide problems from our users.")
            #expect(try store.keywordSearch(Retriever.withDictionaryForms("criteria"), limit: 3).map(\.text)
                    == ["Each criterion is scored from one to five."])
        }
    }

    /// Words in half or more of the chunks (which BM25 gives no weight) are searched for
    /// only when the other words give too few hits, so the hits are the whole query's:
    /// the chunk with the rare word first, then those with only common words; and the
    /// word counts follow a change to the index.
    @Test func keywordSearchSkipsCommonWordsOnlyWhenItChangesNothing() throws {
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            try store.replaceDocument(path: "lease.pdf", contentHash: "l", format: .pdf, pageCount: 3,
                                      chunks: chunks(["The landlord may terminate the lease.",
                                                      "The rent is due on the first day.",
                                                      "The tenant keeps the garden."]),
                                      vectors: axisVectors(3))
            try store.replaceDocument(path: "memo.txt", contentHash: "m", format: .text, pageCount: nil,
                                      chunks: chunks(["Notes on the harbour office."]),
                                      vectors: axisVectors(1))
            let rent = "The rent is due on the first day."
            #expect(try store.keywordSearch("the rent", limit: 1).map(\.text) == [rent])
            let all = try store.keywordSearch("the rent", limit: 10)
            #expect(all.count == 4 && all.first?.text == rent)
            #expect(try store.keywordSearch("the", limit: 10).count == 4)
            #expect(try store.chunkFrequency(of: "the") == 4 && store.chunkFrequency(of: "rent") == 1)

            try store.replaceDocument(path: "notes.txt", contentHash: "n", format: .text, pageCount: nil,
                                      chunks: chunks(["Notes, more notes."]), vectors: axisVectors(1))
            try store.replaceDocument(path: "more.txt", contentHash: "o", format: .text, pageCount: nil,
                                      chunks: chunks(["Notes again."]), vectors: axisVectors(1))
            #expect(try store.chunkFrequency(of: "notes") == 3)
            #expect(try store.keywordSearch("notes rent", limit: 1).map(\.text) == [rent])
            #expect(try store.keywordSearch("notes rent", limit: 10).count == 4)
        }
    }

    /// Text that would be FTS5 syntax is treated as plain words: no error, no crash.
    @Test(arguments: ["\"NEAR( AND *", "'", ")", "", "   ", "\"", "*", "NOT", "AND OR NOT",
                      "text:rent", "^rent", "-rent", "rent OR", "{rent}", "NEAR(rent day, 2)",
                      "rent\"; DROP TABLE chunks; --", "\u{0}", "💥"])
    func keywordSearchSurvivesHostileInput(_ text: String) throws {
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            try store.replaceDocument(path: "lease.pdf", contentHash: "l", format: .pdf, pageCount: 1,
                                      chunks: chunks(["Rent is due on the first day, not later."]),
                                      vectors: axisVectors(1))
            let hits = try store.keywordSearch(text, limit: 5)
            let words = text.split { !($0.isLetter || $0.isNumber) }.map { $0.lowercased() }
            let indexed: Set = ["rent", "is", "due", "on", "the", "first", "day", "not", "later"]
            #expect(hits.count == (words.contains(where: indexed.contains) ? 1 : 0))
            #expect(try store.counts().chunks == 1)
        }
    }

    /// The query built for FTS5 quotes every word and joins them with OR.
    @Test func ftsQueryQuotesWords() {
        #expect(IndexStore.ftsQuery(for: "\"NEAR( AND *") == "\"NEAR\" OR \"AND\"")
        #expect(IndexStore.ftsQuery(for: "Rent rent RENT due") == "\"Rent\" OR \"due\"")
        #expect(IndexStore.ftsQuery(for: "'") == "")
        let many = (0..<200).map { "w\($0)" }.joined(separator: " ")
        #expect(IndexStore.ftsQuery(for: many).components(separatedBy: " OR ").count
                == IndexStore.maximumQueryWords)
    }

    /// `chunks(ids:)` returns chunks in the order asked, skipping unknown ids, score 0.
    @Test func chunksByID() throws {
        try withTemporaryFolder { folder throws in
            let store = try makeStore(in: folder)
            try store.replaceDocument(path: "a.txt", contentHash: "a", format: .text, pageCount: nil,
                                      chunks: chunks(["zero", "one", "two"]), vectors: axisVectors(3))
            let ids = try store.keywordSearch("zero one two", limit: 3).map(\.chunkId).sorted()
            let hits = try store.chunks(ids: [ids[2], 999_999, ids[0]])
            #expect(hits.map(\.text) == ["two", "zero"])
            #expect(hits.allSatisfy { $0.score == 0 && $0.path == "a.txt" })
            #expect(try store.chunks(ids: []).isEmpty)
        }
    }

    /// A different embedding model is refused with a message naming both; the same model
    /// under another name is accepted.
    @Test func embeddingModelMismatch() throws {
        try withTemporaryFolder { folder throws in
            let store = try IndexStore(path: folder + "/index.sqlite", create: true)
            #expect(try store.embeddingModel() == nil)
            try store.bindEmbeddingModel(model)
            try store.bindEmbeddingModel(model)
            var renamed = model
            renamed.name = "copy-of-test-embed.gguf"
            try store.bindEmbeddingModel(renamed)
            #expect(try store.embeddingModel() == model)

            let other = EmbeddingModelInfo(name: "bigger-embed.gguf", fingerprint: "abcdef", dimension: 768)
            let error = #expect(throws: DocQAError.self) { try store.bindEmbeddingModel(other) }
            #expect(error?.code == .embeddingModelMismatch)
            #expect(error?.message.contains("test-embed.gguf") == true)
            #expect(error?.message.contains("bigger-embed.gguf") == true)
            #expect(error?.message.contains("new index") == true)

            var sameSize = model
            sameSize.fingerprint = "different"
            let mismatch = #expect(throws: DocQAError.self) { try store.bindEmbeddingModel(sameSize) }
            #expect(mismatch?.code == .embeddingModelMismatch)
            #expect(try store.embeddingModel() == model)
        }
    }

    /// An index written by a newer schema is refused with `.indexTooNew`.
    @Test func tooNewIndexIsRefused() throws {
        try withTemporaryFolder { folder throws in
            let path = folder + "/index.sqlite"
            _ = try makeStore(in: folder)
            try Connection(path: path).execute("PRAGMA user_version = 99")
            let error = #expect(throws: DocQAError.self) { try IndexStore(path: path, create: false) }
            #expect(error?.code == .indexTooNew)
            #expect(error?.path == path)
            #expect(try Connection(path: path).int64("PRAGMA user_version") == 99)
        }
    }

    /// Files that are not docqa indexes (random bytes, text, another program's SQLite
    /// database) are refused with `.indexCorrupt`, without a crash and without changing
    /// them or creating WAL files beside them.
    @Test(arguments: ["random", "text", "foreign-sqlite"])
    func notAnIndexIsRefusedUntouched(kind: String) throws {
        try withTemporaryFolder { folder throws in
            let path = folder + "/index.sqlite"
            switch kind {
            case "random":
                var random = SplitMix64(seed: 7)
                let bytes = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &random) }
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            case "text":
                try Data("Meeting notes\nnothing to see here\n".utf8).write(to: URL(fileURLWithPath: path))
            default:
                try Connection(path: path, mode: .readWriteCreate)
                    .execute("CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES ('x')")
            }
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            for create in [false, true] {
                let error = #expect(throws: DocQAError.self) { try IndexStore(path: path, create: create) }
                #expect(error?.code == .indexCorrupt)
                #expect(error?.path == path)
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    /// One writer at a time: a second lock on the same index is refused at once, naming
    /// the first; it is free again when the first is released; `wait` waits for it.
    @Test func writeLockAdmitsOneWriter() throws {
        try withTemporaryFolder { folder throws in
            let index = folder + "/cases/index.sqlite"
            var first: IndexWriteLock? = try IndexWriteLock(indexPath: index, command: "first writer")
            #expect(try fileMode(index + ".lock") == 0o600)
            let error = #expect(throws: DocQAError.self) { try IndexWriteLock(indexPath: index) }
            #expect(error?.code == .indexBusy)
            #expect(error?.message.contains("another first writer (process \(getpid()), started ") == true, "\(String(describing: error))")
            #expect(error?.path == index)
            first = nil
            var second: IndexWriteLock? = try IndexWriteLock(indexPath: index)
            #expect(second != nil)

            // Released from another thread while the third waits.
            final class Holder: @unchecked Sendable {
                var lock: IndexWriteLock?
                init(_ lock: IndexWriteLock?) { self.lock = lock }
            }
            let holder = Holder(second)
            second = nil
            let released = Thread { Thread.sleep(forTimeInterval: 0.3); holder.lock = nil }
            var announced: [String] = []
            released.start()
            var third: IndexWriteLock? = try IndexWriteLock(indexPath: index, wait: true) { announced.append($0) }
            #expect(announced.count == 1 && announced[0].hasPrefix("docqa index (process"), "\(announced)")
            #expect(third != nil)
            third = nil
            _ = first
            #expect(!FileManager.default.fileExists(atPath: index + ".lock"), "the lock file is removed with the lock")
        }
    }
}
