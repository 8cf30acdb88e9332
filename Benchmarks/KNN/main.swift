// docqa-knn-bench: times docqa's exact vector search (`IndexStore.nearestChunks`) and its
// FTS5 keyword search (`IndexStore.keywordSearch`) on a real index file built from given
// vectors, and checks the vector search's top 10 against a reference (numpy's).
//
// Benchmarks/knn writes the inputs and runs this; see its header. Uses only DocQA's public
// API, so it measures what the CLI gets. Prints one JSON object on stdout; progress goes
// to stderr.
//
// Usage: docqa-knn-bench --vectors FILE --queries FILE --truth FILE --index FILE
//                        [--dimension 384] [--chunks-per-document 1000] [--seed 1]
//   --vectors  N×dimension little-endian float32 values, row after row
//   --queries  Q×dimension little-endian float32 values
//   --truth    Q×10 little-endian int64 row numbers (0-based, best first): the reference
//              top 10 of each query
//   --index    the index file to create; must not exist

import DocQA
import Foundation

/// Command-line options; every path is required.
struct Options {
    var vectors = ""
    var queries = ""
    var truth = ""
    var index = ""
    var dimension = 384
    var chunksPerDocument = 1000
    var seed: UInt64 = 1

    static let usage = """
        usage: docqa-knn-bench --vectors FILE --queries FILE --truth FILE --index FILE
                               [--dimension 384] [--chunks-per-document 1000] [--seed 1]
        """

    init(arguments: [String]) throws(UsageError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else {
                throw UsageError("\(flag) needs a value.")
            }
            switch flag {
            case "--vectors": vectors = value
            case "--queries": queries = value
            case "--truth": truth = value
            case "--index": index = value
            case "--dimension": dimension = try Self.positive(value, flag)
            case "--chunks-per-document": chunksPerDocument = try Self.positive(value, flag)
            case "--seed":
                guard let seed = UInt64(value) else { throw UsageError("--seed needs a whole number.") }
                self.seed = seed
            default: throw UsageError("Unknown option \(flag).")
            }
        }
        for (name, value) in [("--vectors", vectors), ("--queries", queries), ("--truth", truth), ("--index", index)]
        where value.isEmpty {
            throw UsageError("\(name) is required.")
        }
    }

    private static func positive(_ value: String, _ flag: String) throws(UsageError) -> Int {
        guard let number = Int(value), number > 0 else {
            throw UsageError("\(flag) needs a positive whole number, not \(value).")
        }
        return number
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct InputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Reads a file of little-endian float32 rows a block at a time, so a large file is never
/// held in memory twice.
struct FloatRows {
    let dimension: Int
    let rowCount: Int
    private let handle: FileHandle

    init(path: String, dimension: Int) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw InputError("\(path) does not exist or cannot be read.")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let rowBytes = dimension * MemoryLayout<Float>.size
        guard size > 0, size % rowBytes == 0 else {
            throw InputError("\(path) holds \(size) bytes, not a whole number of \(dimension)-value float32 rows.")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError("\(path) cannot be opened for reading.")
        }
        self.dimension = dimension
        self.rowCount = size / rowBytes
        self.handle = handle
    }

    /// The next `count` rows.
    func read(_ count: Int) throws -> [[Float]] {
        let bytes = count * dimension * MemoryLayout<Float>.size
        guard let data = try handle.read(upToCount: bytes), data.count == bytes else {
            throw InputError("A vector file ended early.")
        }
        return data.withUnsafeBytes { raw in
            (0..<count).map { row in
                (0..<dimension).map { column in
                    let offset = (row * dimension + column) * MemoryLayout<Float>.size
                    return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                }
            }
        }
    }
}

/// What the benchmark prints, as one JSON object.
struct Report: Encodable {
    var vectors: Int
    var dimension: Int
    var documents: Int
    var indexBuildSeconds: Double
    var indexFileMegabytes: Double
    /// The first `nearestChunks` on a freshly opened store: loads every vector from SQLite.
    var firstQueryMilliseconds: Double
    var knnQueries: Int
    var knnMedianMilliseconds: Double
    var knnP95Milliseconds: Double
    var knnMilliseconds: [Double]
    /// Queries whose top-10 rows equal the reference's as a set.
    var top10ExactMatches: Int
    /// Mean share of the reference's top 10 found in docqa's top 10.
    var recallAt10: Double
    var ftsMedianMilliseconds: Double
    var ftsQueries: [FTSQuery]
    /// A whole question with its stop words, which the Retriever would drop.
    var ftsQuestion: FTSQuery

    struct FTSQuery: Encodable {
        var query: String
        var hits: Int
        var medianMilliseconds: Double
    }
}

enum KNNBenchmark {
    /// Keyword queries as the Retriever sends them (question and stop words dropped).
    static let keywordQueries = [
        "deadline filing appeal",
        "contract termination notice period",
        "invoice amount payment schedule",
        // Two words from the vocabulary's rare tail.
        "\(SyntheticText.word(rank: 6_000)) \(SyntheticText.word(rank: 15_000))",
    ]
    /// A whole question, stop words included: each common word matches nearly every
    /// chunk. Reported apart, not in the median.
    static let questionQuery = "what is the deadline for filing the appeal"
    static let keywordRepeats = 7

    static func documentPath(_ number: Int) -> String {
        "/bench/document-\(String(number + 100_000).dropFirst()).txt"
    }

    static func run(_ options: Options) throws -> Report {
        if FileManager.default.fileExists(atPath: options.index) {
            throw InputError("\(options.index) exists; give the path of a new index file.")
        }
        let queryRows = try FloatRows(path: options.queries, dimension: options.dimension)
        let queries = try queryRows.read(queryRows.rowCount)
        let truth = try readTruth(options.truth, queries: queries.count)

        let (vectorCount, buildSeconds) = try buildIndex(options)
        let documents = (vectorCount + options.chunksPerDocument - 1) / options.chunksPerDocument
        var rowOfDocument: [String: Int] = [:]
        for number in 0..<documents {
            rowOfDocument[documentPath(number)] = number * options.chunksPerDocument
        }
        func row(_ hit: ChunkHit) -> Int { (rowOfDocument[hit.path] ?? -1_000_000_000) + hit.ordinal }

        // A new store, so that its first search loads the vectors (the file is in the OS's
        // cache, having just been written).
        let store = try IndexStore(path: options.index, create: false)
        var firstHits: [ChunkHit] = []
        let first = try milliseconds { firstHits = try store.nearestChunks(to: queries[0], limit: 10) }
        guard firstHits.count == 10 else { throw InputError("The first search found \(firstHits.count) chunks, not 10.") }
        progress("first query (loads vectors): \(String(format: "%.1f", first)) ms")

        var times: [Double] = []
        var exact = 0
        var found = 0
        for (number, query) in queries.enumerated() {
            var hits: [ChunkHit] = []
            times.append(try milliseconds { hits = try store.nearestChunks(to: query, limit: 10) })
            let overlap = Set(hits.map(row)).intersection(truth[number]).count
            found += overlap
            if overlap == 10 && hits.count == 10 { exact += 1 }
        }

        let ftsReports = try keywordQueries.map { try timeKeywordSearch($0, store) }
        let questionReport = try timeKeywordSearch(questionQuery, store)

        let fileBytes = ["", "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: options.index + $0)[.size] as? NSNumber)?.doubleValue
        }.reduce(0, +)
        return Report(
            vectors: vectorCount, dimension: options.dimension, documents: documents,
            indexBuildSeconds: buildSeconds, indexFileMegabytes: fileBytes / 1_048_576,
            firstQueryMilliseconds: first, knnQueries: queries.count,
            knnMedianMilliseconds: median(times), knnP95Milliseconds: percentile(times, 0.95),
            knnMilliseconds: times, top10ExactMatches: exact,
            recallAt10: Double(found) / Double(10 * queries.count),
            ftsMedianMilliseconds: median(ftsReports.map(\.medianMilliseconds)), ftsQueries: ftsReports,
            ftsQuestion: questionReport)
    }

    /// Median of `keywordRepeats` runs of `keywordSearch(limit: 40)` after one warm-up.
    private static func timeKeywordSearch(_ query: String, _ store: IndexStore) throws -> Report.FTSQuery {
        var hits: [ChunkHit] = try store.keywordSearch(query, limit: 40)
        var runs: [Double] = []
        for _ in 0..<keywordRepeats {
            runs.append(try milliseconds { hits = try store.keywordSearch(query, limit: 40) })
        }
        return Report.FTSQuery(query: query, hits: hits.count, medianMilliseconds: median(runs))
    }

    /// Writes every vector into a new index, `chunksPerDocument` chunks per document, each
    /// chunk with synthetic text. Returns the number of vectors and the seconds taken.
    private static func buildIndex(_ options: Options) throws -> (Int, Double) {
        let rows = try FloatRows(path: options.vectors, dimension: options.dimension)
        let store = try IndexStore(path: options.index, create: true)
        try store.bindEmbeddingModel(EmbeddingModelInfo(
            name: "synthetic vectors", fingerprint: "docqa-knn-bench", dimension: options.dimension))
        var text = SyntheticText(seed: options.seed)
        var done = 0
        var document = 0
        let seconds = try milliseconds {
            while done < rows.rowCount {
                let count = min(options.chunksPerDocument, rows.rowCount - done)
                let vectors = try rows.read(count)
                var chunks: [Chunk] = []
                chunks.reserveCapacity(count)
                var offset = 0
                for ordinal in 0..<count {
                    let (body, words) = text.chunk()
                    let length = body.utf8.count
                    chunks.append(Chunk(ordinal: ordinal, text: body, pageStart: nil, pageEnd: nil,
                                        byteStart: offset, byteEnd: offset + length,
                                        tokenCount: words * 4 / 3))
                    offset += length + 2
                }
                try store.replaceDocument(
                    path: documentPath(document), contentHash: String(repeating: "0", count: 56) + hex8(document),
                    format: .text, pageCount: nil, chunks: chunks, vectors: vectors)
                done += count
                document += 1
                if document % 50 == 0 { progress("indexed \(done) of \(rows.rowCount) chunks") }
            }
        } / 1000
        progress("indexed \(done) chunks in \(document) documents in \(String(format: "%.1f", seconds)) s")
        return (done, seconds)
    }

    private static func readTruth(_ path: String, queries: Int) throws -> [Set<Int>] {
        guard let data = FileManager.default.contents(atPath: path), data.count == queries * 10 * 8 else {
            throw InputError("\(path) is missing or does not hold 10 int64 row numbers for each of \(queries) queries.")
        }
        return data.withUnsafeBytes { raw in
            (0..<queries).map { query in
                Set((0..<10).map { rank in
                    Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: (query * 10 + rank) * 8, as: Int64.self)))
                })
            }
        }
    }

    private static func hex8(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Nearest-rank percentile.
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((fraction * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

func progress(_ message: String) {
    FileHandle.standardError.write(Data("docqa-knn-bench: \(message)\n".utf8))
}

do {
    let options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
    let report = try KNNBenchmark.run(options)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
} catch let error as UsageError {
    progress("error: \(error)\n\(Options.usage)")
    exit(2)
} catch {
    progress("error: \(error)")
    exit(1)
}
