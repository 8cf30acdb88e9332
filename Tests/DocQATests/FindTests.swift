@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

// `IndexStore.find` is checked against a brute-force scan of what `DocumentExtractor`
// extracts (pages joined by a blank line), with the matching rules restated as a regular
// expression: a second, independent implementation of the same rules.

/// The sample case file and a purpose-made folder, indexed once with the real embedding
/// model, for the tests below.
private enum FindIndex {
    /// Kept alive for the whole run: the purpose-made files and the index live in it.
    static let folder = Result { try TestFolder() }

    /// A long text file: many chunks whose overlaps hold the phrases, occurrences broken
    /// across lines, case variants, and words that start like "cap" without being it.
    static let longText: String = {
        var random = SplitMix64(seed: 6)
        let fillers = [
            "The parties agree to the terms set out below.",
            "Payment is due within thirty days of the invoice date.",
            "Capital expenditure is not covered by this clause.",
            "Each shipment is capped at the agreed amount.",
            "Notices go to the addresses given in Section 12.",
            "The Supplier’s obligations survive termination.",
        ]
        var lines: [String] = []
        for index in 0..<160 {
            var line = fillers[Int(random.next() % UInt64(fillers.count))]
            switch index % 7 {
            case 0: line += " A force majeure event excuses delay."
            case 1: line += " A Force\nMajeure   event was declared by the Buyer."
            case 2: line += " FORCE MAJEURE EVENTS are listed in Schedule B."
            case 3: line += " The cap applies to each claim; the CAP is firm."
            case 4: line += " Such a force majeure\n\nevent must be notified."
            default: break
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }()

    static let shortNote = """
        Corvane and Tallis met on 3 March.
        The Buyer's notice named a force majeure event.
        """

    /// Path of the index, or the error that stopped building it.
    static let built: Result<String, any Error> = Result {
        let folder = try FindIndex.folder.get()
        try folder.write("purpose/long-clauses.txt", longText)
        try folder.write("purpose/note.md", shortNote)
        let path = folder.file("find.sqlite")
        let indexer = try Indexer(store: IndexStore(path: path, create: true),
                                  embedder: Embedder(modelPath: TestModels.embeddingModelPath))
        let report = try indexer.index(paths: [Repository.caseFile, folder.file("purpose")])
        guard report.failures.isEmpty, report.indexedCount == 13 else {
            throw DocQAError(.invalidArgument, "indexing for the find tests gave \(report.outcomes)")
        }
        return path
    }

    static func store() throws -> IndexStore {
        try IndexStore(path: try built.get(), create: false)
    }
}

/// One document's extracted text, as the chunker sees it.
private struct ExtractedText {
    var path: String
    var format: ExtractedDocument.Format
    var text: String
    /// UTF-8 offset where each page starts; `nil` for files without pages.
    var pageStarts: [Int]?

    init(path: String) throws {
        let document: ExtractedDocument
        if let message = Indexer.messagePath(ofAttachment: path) {
            // An e-mail's attachment: read as indexing reads it.
            let name = String(path.dropFirst(message.count + Indexer.attachmentSeparator.count))
            guard let attachment = try EmailReader.attachments(ofMessageAt: message).first(where: { $0.name == name }) else {
                throw DocQAError(.fileNotFound, "no attachment \(name) in the message", path: message)
            }
            document = try EmailReader.extract(attachment, messagePath: message)
        } else {
            // OCR as the index reads the scanned exhibit: Tesseract gives the same text each time.
            document = try DocumentExtractor.extract(fileAt: path, scans: ScannedPageReader(policy: .auto))
        }
        self.path = path
        format = document.format
        text = document.pages.map(\.text).joined(separator: "\n\n")
        var offset = 0
        var starts: [Int] = []
        for page in document.pages {
            starts.append(offset)
            offset += page.text.utf8.count + 2
        }
        pageStarts = document.format == .pdf ? starts : nil
    }

    func page(at offset: Int) -> Int? {
        pageStarts.map { starts in starts.lastIndex { $0 <= offset }! + 1 }
    }

    /// Every extracted text in the index, by path.
    static let all: Result<[ExtractedText], any Error> = Result {
        try FindIndex.store().documents().map { try ExtractedText(path: $0.path) }.sorted { $0.path < $1.path }
    }
}

/// Where brute force (or `find`) says a phrase occurs.
private struct Occurrence: Equatable, CustomStringConvertible {
    var path: String
    var offset: Int
    var page: Int?

    var description: String { "\((path as NSString).lastPathComponent)@\(offset):\(page.map(String.init) ?? "-")" }
}

/// The matching rules as a regular expression: case-insensitive, white space runs as
/// `\s+`, curly quotes and Unicode hyphens as their ASCII forms, and no letter, digit or
/// private-use character just before or after a phrase that starts or ends with one.
private func bruteForcePattern(_ phrase: String, wholeWord: Bool = false) throws -> NSRegularExpression {
    let word = "[\\p{Alphabetic}\\p{N}\\p{Co}]"
    let trimmed = phrase.trimmingCharacters(in: .whitespacesAndNewlines)
    func isWord(_ character: Character?) -> Bool {
        character.map { $0.isLetter || $0.isNumber } ?? false
    }
    var pattern = isWord(trimmed.first) ? "(?<!\(word))" : ""
    var afterSpace = false
    for character in trimmed {
        if character.isWhitespace {
            if !afterSpace { pattern += "\\s+" }
            afterSpace = true
            continue
        }
        afterSpace = false
        switch character {
        case "'", "\u{2018}", "\u{2019}": pattern += "['\u{2018}\u{2019}\u{201B}\u{2032}]"
        case "\"", "\u{201C}", "\u{201D}": pattern += "[\"\u{201C}\u{201D}\u{201F}\u{2033}]"
        case "-": pattern += "[-\u{2010}\u{2011}]"
        default: pattern += NSRegularExpression.escapedPattern(for: String(character))
        }
    }
    if isWord(trimmed.last) { pattern += "(?!\(word))" }
    return try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
}

/// The UTF-8 ranges where `pattern` matches `text`, in order.
private func byteRanges(of pattern: NSRegularExpression, in text: String) -> [Range<Int>] {
    pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { result in
        let range = Range(result.range, in: text)!
        let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        return start..<(start + text[range].utf8.count)
    }
}

/// Every occurrence of `phrase` in the extracted texts that `admit` keeps, by path then offset.
private func bruteForce(_ phrase: String,
                        admit: (ExtractedText) -> Bool = { _ in true }) throws -> [Occurrence] {
    let pattern = try bruteForcePattern(phrase)
    return try ExtractedText.all.get().filter(admit).flatMap { document in
        byteRanges(of: pattern, in: document.text).map {
            Occurrence(path: document.path, offset: $0.lowerBound, page: document.page(at: $0.lowerBound))
        }
    }
}

private func occurrences(_ matches: [PhraseMatch]) -> [Occurrence] {
    matches.map { Occurrence(path: $0.path, offset: $0.byteOffset, page: $0.pageStart) }
}

/// Each chunk's UTF-8 range in the document indexed at `path`, in order.
private func chunkRanges(_ store: IndexStore, path: String) throws -> [Range<Int>] {
    let document = try #require(try store.document(atPath: path))
    let statement = try store.db.prepare("SELECT byte_start, byte_end FROM chunks WHERE document_id = ?1 ORDER BY ordinal")
    try statement.bind(document.id, at: 1)
    var ranges: [Range<Int>] = []
    while try statement.step() {
        ranges.append(statement.int(at: 0)..<statement.int(at: 1))
    }
    return ranges
}

/// A phrase from `text` that no chunk holds whole: from the last word starting before one
/// chunk boundary to the first word ending after it (and after the overlap, if any).
private func phraseAcrossChunks(_ text: String, _ chunks: [Range<Int>], pair: Int) -> (phrase: String, offset: Int) {
    let bytes = Array(text.utf8)
    func isWordByte(_ index: Int) -> Bool {
        let byte = bytes[index]
        return (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
    let (first, second) = (chunks[pair], chunks[pair + 1])
    var start = min(first.upperBound, second.lowerBound) - 1
    while start > 0, !isWordByte(start) { start -= 1 }
    while start > 0, isWordByte(start - 1) { start -= 1 }
    var end = max(first.upperBound, second.lowerBound)
    while end < bytes.count, !isWordByte(end) { end += 1 }
    while end < bytes.count, isWordByte(end) { end += 1 }
    let phrase = String(decoding: bytes[start..<end], as: UTF8.self)
        .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    return (phrase, start)
}

@Suite("find") struct FindTests {
    /// For a range of phrases (one that occurs dozens of times, case variants, one with
    /// punctuation, a curly apostrophe typed straight, a word that other words start
    /// with), `find` reports exactly the occurrences and pages brute force finds.
    @Test(arguments: ["Corvane", "corvane MARINE systems", "Marine Systems LLC", "cap", "force majeure event",
                      "Force Majeure", "Section 9.2", "$750,000", "Buyer's", "twelve (12) months", "capital",
                      "no such phrase anywhere"])
    func matchesBruteForce(_ phrase: String) throws {
        let found = occurrences(try FindIndex.store().find(phrase))
        let expected = try bruteForce(phrase)
        #expect(found == expected)
    }

    /// The long test file's chunks overlap and the overlaps hold the phrase, so counting
    /// per chunk would count some occurrences twice; `find` counts each once.
    @Test func overlappingChunksCountOnce() throws {
        let store = try FindIndex.store()
        let path = try FindIndex.folder.get().file("purpose/long-clauses.txt")
        let chunks = try chunkRanges(store, path: path)
        #expect(chunks.count > 3)
        #expect(zip(chunks, chunks.dropFirst()).contains { $0.upperBound > $1.lowerBound }, "no chunks overlap")

        let found = try store.find("force majeure event").filter { $0.path == path }
        let expected = try bruteForce("force majeure event") { $0.path == path }
        let perChunk = chunks.reduce(0) { total, chunk in
            total + found.filter { chunk.contains($0.byteOffset) }.count
        }
        #expect(found.count == expected.count)
        #expect(occurrences(found) == expected)
        #expect(perChunk > found.count, "no occurrence lies in an overlap, so this test shows nothing")
        // 160 lines, one in seven with each form: 23 + 23 + 23 (plural and "cap" lines excluded).
        #expect(found.count == 69)
    }

    /// A phrase broken by a line break in the extracted text (and one broken by a blank
    /// line) is found, and the match text keeps the break.
    @Test func phraseAcrossLineBreak() throws {
        let documents = try ExtractedText.all.get()
        let agreement = try #require(documents.first { $0.path.hasSuffix("supply-agreement.pdf") })
        let words = try #require(try NSRegularExpression(pattern: "(\\p{L}+)\\n(\\p{L}+)")
            .firstMatch(in: agreement.text, range: NSRange(agreement.text.startIndex..., in: agreement.text)))
        let phrase = [1, 2].map { String(agreement.text[Range(words.range(at: $0), in: agreement.text)!]) }
            .joined(separator: " ")

        let store = try FindIndex.store()
        for phrase in [phrase, "majeure event"] {
            let found = try store.find(phrase)
            #expect(found.contains { $0.text.contains("\n") }, "\(phrase): no match across a line break")
            #expect(occurrences(found) == (try bruteForce(phrase)))
        }
    }

    /// A phrase that no single chunk holds (it spans a chunk boundary and the overlap) is
    /// found once, at its offset; in the PDF the boundary is a page break, so the match
    /// spans two pages.
    @Test(arguments: ["purpose/long-clauses.txt", "supply-agreement.pdf"])
    func phraseAcrossChunkBoundary(_ name: String) throws {
        let store = try FindIndex.store()
        let document = try #require(try ExtractedText.all.get().first { $0.path.hasSuffix("/" + name) })
        let chunks = try chunkRanges(store, path: document.path)
        // In the PDF, the first boundary that is a page break; in the text file, the first.
        let pair = try #require(chunks.indices.dropLast().first { index in
            document.format != .pdf
                || document.page(at: chunks[index].upperBound - 1) != document.page(at: chunks[index + 1].lowerBound)
        })
        let (phrase, offset) = phraseAcrossChunks(document.text, chunks, pair: pair)
        let length = phrase.utf8.count
        #expect(!chunks.contains { $0.lowerBound <= offset && offset + length <= $0.upperBound },
                "the phrase fits in one chunk")

        let found = try store.find(phrase).filter { $0.path == document.path }
        #expect(occurrences(found) == (try bruteForce(phrase) { $0.path == document.path }))
        let match = try #require(found.first { $0.byteOffset == offset }, "not found at \(offset): \(phrase)")
        if document.format == .pdf {
            #expect(match.pageEnd == match.pageStart.map { $0 + 1 })
        }
    }

    /// `--path` and `--type` narrow `find` to the documents they admit, and no further.
    @Test(arguments: [DocumentFilter(paths: ["*.pdf"]), DocumentFilter(formats: [.text]),
                      DocumentFilter(paths: ["purpose/*"]), DocumentFilter(paths: ["/nowhere/*"])])
    func filters(_ filter: DocumentFilter) throws {
        let store = try FindIndex.store()
        let ids = try store.documentIDs(matching: filter)
        for phrase in ["Corvane", "force majeure event", "Buyer's"] {
            let found = try store.find(phrase, in: ids)
            #expect(found.allSatisfy { ids.contains($0.documentId) })
            #expect(occurrences(found) == (try bruteForce(phrase) { filter.admits(path: $0.path, format: $0.format) }))
        }
    }

    /// With `.allWords`, each PDF page holding every word (in any order, anywhere on the
    /// page) is one match, found where brute force finds them; every match in a text file
    /// holds every word too.
    @Test(arguments: ["Corvane Tallis", "buyer supplier days", "notice Buyer's"])
    func allWords(_ phrase: String) throws {
        let store = try FindIndex.store()
        let found = try store.find(phrase, mode: .allWords)
        let words = phrase.split(separator: " ").map(String.init)
        let patterns = try words.map { try bruteForcePattern($0) }
        for document in try ExtractedText.all.get() {
            let mine = found.filter { $0.path == document.path }
            if let starts = document.pageStarts {
                let ends = starts.dropFirst().map { $0 - 2 } + [document.text.utf8.count]
                let expectedPages = zip(starts, ends).enumerated().compactMap { index, page -> Int? in
                    let holdsAll = patterns.allSatisfy { pattern in
                        byteRanges(of: pattern, in: document.text).contains { page.0 <= $0.lowerBound && $0.lowerBound < page.1 }
                    }
                    return holdsAll ? index + 1 : nil
                }
                #expect(mine.map(\.pageStart) == expectedPages.map(Optional.some), "\(document.path)")
                #expect(mine.allSatisfy { $0.pageStart == $0.pageEnd })
            }
            for match in mine {
                let offsets = patterns.map { byteRanges(of: $0, in: document.text).map(\.lowerBound) }
                #expect(offsets.allSatisfy { $0.contains { match.byteOffset <= $0 && $0 < match.byteOffset + match.byteLength } },
                        "\(match.text) does not hold every word")
                #expect(match.snippet.segments.filter(\.isMatch).count >= words.count)
            }
        }
        // The short note holds all of the first phrase's words in its one chunk.
        if phrase == "Corvane Tallis" {
            #expect(found.filter { $0.path.hasSuffix("note.md") }.count == 1)
        }
    }

    /// Matches come in document order, with a one-line snippet that marks exactly the
    /// matched text, about 60 characters either side.
    @Test func orderAndSnippets() throws {
        let found = try FindIndex.store().find("corvane marine")
        #expect(found.count > 5)
        for (earlier, later) in zip(found, found.dropFirst()) {
            #expect(earlier.path < later.path || (earlier.path == later.path && earlier.byteOffset < later.byteOffset))
        }
        for match in found {
            let marked = match.snippet.segments.filter(\.isMatch).map(\.text)
            #expect(marked == [match.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")])
            #expect(!match.snippet.text.contains("\n"))
            #expect(match.snippet.text.count < 160)
            #expect(match.snippet.text.lowercased().contains("corvane marine"))
        }
    }

    /// A phrase without a letter or digit is refused with a sentence that says what to do.
    @Test(arguments: ["", "   ", "—", "\"*\" ()"])
    func phraseWithoutWordsIsRefused(_ phrase: String) throws {
        let store = try FindIndex.store()
        let error = capturedError { _ = try store.find(phrase) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("Give a word or a phrase") == true)
    }

    /// The matcher on its own: word boundaries, white space runs, case, quotes and
    /// non-overlapping matches, on text that needs no index.
    @Test func matcherRules() throws {
        func ranges(_ phrase: String, _ text: String) throws -> [String] {
            let scanned = ScannedText(bytes: Array(text.utf8))
            return try #require(PhrasePattern(phrase)).ranges(in: scanned).map { scanned.original($0) }
        }
        #expect(try ranges("cap", "cap capital Cap recap CAP-9 cap.") == ["cap", "Cap", "CAP", "cap"])
        #expect(try ranges("a b", "a  b a\n\nb ab a-b") == ["a  b", "a\n\nb"])
        #expect(try ranges("buyer's notice", "Buyer’s\nnotice") == ["Buyer’s\nnotice"])
        #expect(try ranges("$750", "$750 US$750 $7500") == ["$750", "$750"])
        #expect(try ranges("na na", "na na na na") == ["na na", "na na"])
        #expect(try ranges("Zoë", "ZOË zoe Zoë") == ["ZOË", "Zoë"])
        #expect(try ranges("word", "\u{F0B7}word word") == ["word"])
        #expect(PhrasePattern("  ..  ") == nil)
    }
}
