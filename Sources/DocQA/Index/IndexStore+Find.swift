import Foundation

/// What `IndexStore.find` looks for.
public enum FindMode: Sendable, Equatable {
    /// The phrase as written: its characters in order, case-insensitively, any run of
    /// white space matching any run of white space (line breaks included), starting and
    /// ending at word boundaries. Every occurrence is one match.
    case phrase
    /// Every word of the phrase, in any order, within one passage: a page of a document
    /// with pages, otherwise one chunk without the overlap it repeats from the chunk
    /// before (so each stretch of text belongs to exactly one passage). Each passage that
    /// holds all the words is one match. The words are the phrase's parts between white
    /// space ("Buyer's" and "9.2" are one word each), each matched as a phrase is.
    case allWords
}

/// A short, one-line excerpt of a document around a match, in parts, so a caller can
/// highlight the matched text however its output allows.
public struct Snippet: Sendable, Equatable {
    /// A run of snippet text that is, or is not, matched text.
    public struct Segment: Sendable, Equatable {
        public var text: String
        public var isMatch: Bool

        public init(text: String, isMatch: Bool) {
            self.text = text
            self.isMatch = isMatch
        }
    }

    /// The parts in reading order. White space runs (line breaks included) are shown as
    /// one space; "…" marks text left out.
    public var segments: [Segment]

    public init(segments: [Segment]) {
        self.segments = segments
    }

    /// The snippet without highlighting.
    public var text: String { segments.map(\.text).joined() }
}

/// One place where `IndexStore.find` found the phrase (or, in `.allWords` mode, a passage
/// holding all its words).
public struct PhraseMatch: Sendable, Equatable {
    /// The row id of the document.
    public var documentId: Int64
    /// The document's path as indexed.
    public var path: String
    public var format: ExtractedDocument.Format
    /// First and last 1-based page of the match (they differ when it crosses a page
    /// break); `nil` for files without pages.
    public var pageStart: Int?
    public var pageEnd: Int?
    /// UTF-8 offset and length of the match in the document's text (pages joined by a
    /// blank line), the coordinates chunks use. In `.allWords` mode: the shortest stretch
    /// of the passage that holds every word.
    public var byteOffset: Int
    public var byteLength: Int
    /// The matched text exactly as in the document. In `.allWords` mode: one occurrence of
    /// each word, as written, joined by " … ".
    public var text: String
    /// The match in context, with the matched words marked.
    public var snippet: Snippet
}

extension IndexStore {
    /// Every place in the indexed documents where `phrase` occurs, in document order
    /// (documents by path, matches by offset): exhaustive, not ranked.
    ///
    /// Matching is case-insensitive, treats any run of white space in `phrase` as any run
    /// of white space in the text (so a phrase matches across a line or page break), counts
    /// curly and straight quotes as equal, and requires a word boundary where the phrase
    /// starts or ends with a letter or digit ("cap" does not match "capital"). Words are
    /// runs of letters, digits and private-use characters, the characters the keyword
    /// index keeps together. Matches do not overlap: after one, the search goes on after
    /// its end.
    ///
    /// The keyword index only narrows the documents searched; each candidate's text is
    /// rebuilt from its chunks and scanned, so a phrase that straddles two chunks is found
    /// and one in the overlap two chunks share is reported once.
    ///
    /// - Parameters:
    ///   - mode: `.phrase` for the phrase as written, `.allWords` for passages holding
    ///     all its words.
    ///   - documents: when given, only these documents are searched.
    /// - Returns: `[]` when nothing matches; that is not an error.
    /// - Throws: `.invalidArgument` when `phrase` has no letter or digit;
    ///   `.indexCorrupt` when a document's stored page offsets are malformed.
    public func find(_ phrase: String, mode: FindMode = .phrase,
                     in documents: Set<Int64>? = nil) throws -> [PhraseMatch] {
        guard let pattern = PhrasePattern(phrase) else {
            throw DocQAError(.invalidArgument,
                "The phrase has no letter or digit to look for. Give a word or a phrase.", path: path)
        }
        return try db.inTransaction(.deferred) {
            var matches: [PhraseMatch] = []
            for candidate in try findCandidates(words: pattern.distinctWords, in: documents) {
                let text = try storedText(of: candidate)
                switch mode {
                case .phrase:
                    matches += pattern.ranges(in: text.scanned).map { range in
                        text.match(range, highlights: [range], context: 60)
                    }
                case .allWords:
                    matches += allWordsMatches(of: pattern, in: text)
                }
            }
            return matches
        }
    }

    // MARK: Candidates

    /// Most words of a phrase used to narrow the documents down; any subset of the words
    /// is a correct (if looser) filter, and a few long words narrow as well as many.
    private static let maximumFilterWords = 8

    private struct Candidate {
        var id: Int64
        var path: String
        var format: ExtractedDocument.Format
    }

    /// The documents (by path) in which every word of the phrase occurs in some chunk, as
    /// far as the keyword index can tell.
    ///
    /// The keyword index stems words ("terminated" also finds "termination") and drops
    /// accents, so it may name a document without the exact words; the scan decides. It
    /// does not miss one: a word found by the scan is a run of the same token characters,
    /// folded the same way, so the index holds it as the same token.
    private func findCandidates(words: [String], in documents: Set<Int64>?) throws -> [Candidate] {
        var ids = documents
        let filterWords = words.enumerated()
            .sorted { ($0.element.count, $1.offset) > ($1.element.count, $0.offset) }
            .prefix(Self.maximumFilterWords).map(\.element)
        let statement = try db.prepare("""
            SELECT DISTINCT c.document_id
            FROM chunks_fts JOIN chunks AS c ON c.id = chunks_fts.rowid
            WHERE chunks_fts MATCH ?1
            """)
        for word in filterWords {
            if let ids, ids.isEmpty { break }
            // Only the text column: a word in the title or section context is not in the text.
            try statement.bind("{text} : \"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"", at: 1)
            var found = Set<Int64>()
            while try statement.step() {
                found.insert(statement.int64(at: 0))
            }
            statement.reset()
            ids = ids.map { $0.intersection(found) } ?? found
        }
        guard let ids, !ids.isEmpty else { return [] }

        let documentsStatement = try db.prepare("""
            SELECT id, path, format FROM documents
            WHERE id IN (SELECT value FROM json_each(?1))
            ORDER BY path
            """)
        try documentsStatement.bind("[" + ids.sorted().map(String.init).joined(separator: ",") + "]", at: 1)
        var candidates: [Candidate] = []
        while try documentsStatement.step() {
            guard let format = ExtractedDocument.Format(rawValue: documentsStatement.string(at: 2)) else {
                throw DocQAError(.indexCorrupt,
                    "The index records a document format this docqa does not know. Upgrade docqa, "
                    + "or build a new index with `docqa index`.", path: path)
            }
            candidates.append(Candidate(id: documentsStatement.int64(at: 0), path: documentsStatement.string(at: 1),
                                        format: format))
        }
        return candidates
    }

    // MARK: Document text

    private struct StoredChunk {
        var byteStart: Int
        var byteEnd: Int
        var pageStart: Int?
        var pageEnd: Int?
    }

    /// A document's text rebuilt from its chunks, with what is needed to place matches.
    private struct StoredText {
        var document: Candidate
        var scanned: ScannedText
        /// In ordinal order.
        var chunks: [StoredChunk]
        var pageOffsets: [Int]?

        /// The pages (first, last) that hold the bytes `range`.
        func pages(of range: Range<Int>) -> (Int?, Int?) {
            let last = max(range.lowerBound, range.upperBound - 1)
            if let pageOffsets, !pageOffsets.isEmpty {
                return (ExtractedDocument.page(containing: range.lowerBound, pageOffsets: pageOffsets),
                        ExtractedDocument.page(containing: last, pageOffsets: pageOffsets))
            }
            // Without page offsets, the narrowest chunk holding each end says its pages.
            func narrowestChunk(holding offset: Int) -> StoredChunk? {
                chunks.filter { $0.byteStart <= offset && offset < $0.byteEnd }
                    .min { ($0.pageEnd ?? 0) - ($0.pageStart ?? 0) < ($1.pageEnd ?? 0) - ($1.pageStart ?? 0) }
            }
            return (narrowestChunk(holding: range.lowerBound)?.pageStart, narrowestChunk(holding: last)?.pageEnd)
        }

        /// The characters of pages `first` to `last`; all of them without page offsets.
        func characters(ofPages first: Int?, _ last: Int?) -> Range<Int>? {
            guard let pageOffsets, let first, let last, 1 <= first, first <= last, last <= pageOffsets.count else {
                return nil
            }
            let end = last < pageOffsets.count ? pageOffsets[last] : scanned.byteCount
            return scanned.characterRange(of: pageOffsets[first - 1]..<max(pageOffsets[first - 1], end))
        }

        /// The match covering `range` (characters), with `highlights` marked in its snippet,
        /// which stays on the match's pages.
        func match(_ range: Range<Int>, highlights: [Range<Int>], context: Int) -> PhraseMatch {
            let bytes = scanned.byteRange(of: range)
            let (pageStart, pageEnd) = pages(of: bytes)
            return PhraseMatch(documentId: document.id, path: document.path, format: document.format,
                               pageStart: pageStart, pageEnd: pageEnd,
                               byteOffset: bytes.lowerBound, byteLength: bytes.count,
                               text: scanned.original(range),
                               snippet: scanned.snippet(highlights: highlights, context: context,
                                                        within: characters(ofPages: pageStart, pageEnd)))
        }
    }

    /// Rebuilds the document's text: each chunk's text at its byte offsets, and spaces in
    /// the gaps between chunks (the chunker leaves only white space out: page separators
    /// and blank lines).
    private func storedText(of document: Candidate) throws -> StoredText {
        let statement = try db.prepare("""
            SELECT byte_start, byte_end, page_start, page_end, text
            FROM chunks WHERE document_id = ?1 ORDER BY ordinal
            """)
        try statement.bind(document.id, at: 1)
        var layout = ChunkLayout(base: 0, filler: 0x20)
        var chunks: [StoredChunk] = []
        while try statement.step() {
            let start = max(0, statement.int(at: 0))
            let text = statement.string(at: 4)
            layout.place(text, at: start)
            chunks.append(StoredChunk(byteStart: start, byteEnd: start + text.utf8.count,
                                      pageStart: statement.optionalInt(at: 2), pageEnd: statement.optionalInt(at: 3)))
        }
        return StoredText(document: document, scanned: ScannedText(bytes: layout.bytes), chunks: chunks,
                          pageOffsets: try pageOffsets(documentID: document.id))
    }

    // MARK: All words

    private func allWordsMatches(of pattern: PhrasePattern, in text: StoredText) -> [PhraseMatch] {
        let scanned = text.scanned
        let words = pattern.terms
        var occurrences: [(range: Range<Int>, word: Int)] = []
        for (index, word) in words.enumerated() {
            occurrences += word.ranges(in: scanned).map { ($0, index) }
        }
        guard !occurrences.isEmpty else { return [] }
        occurrences.sort { $0.range.lowerBound < $1.range.lowerBound }

        // Passages as byte ranges, with their pages: pages when their offsets are known,
        // otherwise chunks up to where the next one starts.
        var passages: [(bytes: Range<Int>, pageStart: Int?, pageEnd: Int?)] = []
        let length = scanned.byteCount
        if let offsets = text.pageOffsets, !offsets.isEmpty {
            for (index, start) in offsets.enumerated() {
                let end = index + 1 < offsets.count ? offsets[index + 1] : length
                if start < end { passages.append((start..<end, index + 1, index + 1)) }
            }
        } else {
            for (index, chunk) in text.chunks.enumerated() {
                let end = index + 1 < text.chunks.count ? text.chunks[index + 1].byteStart : length
                if chunk.byteStart < end { passages.append((chunk.byteStart..<end, chunk.pageStart, chunk.pageEnd)) }
            }
        }

        var matches: [PhraseMatch] = []
        var next = 0  // the first occurrence not in an earlier passage
        for passage in passages {
            let characters = scanned.characterRange(of: passage.bytes)
            while next < occurrences.count, occurrences[next].range.lowerBound < characters.lowerBound { next += 1 }
            var end = next
            while end < occurrences.count, occurrences[end].range.lowerBound < characters.upperBound { end += 1 }
            let inPassage = occurrences[next..<end]
            next = end
            guard let window = Self.shortestWindow(inPassage, wordCount: words.count) else { continue }

            // The first occurrence of each word in the window is marked, and any other
            // occurrence in the passage that the snippet happens to show.
            var chosen: [Int: Range<Int>] = [:]
            for occurrence in occurrences[window] where chosen[occurrence.word] == nil {
                chosen[occurrence.word] = occurrence.range
            }
            let marked = chosen.values.sorted { $0.lowerBound < $1.lowerBound }
            let span = occurrences[window.lowerBound].range.lowerBound..<occurrences[window.upperBound - 1].range.upperBound
            let bytes = scanned.byteRange(of: span)
            matches.append(PhraseMatch(
                documentId: text.document.id, path: text.document.path, format: text.document.format,
                pageStart: passage.pageStart, pageEnd: passage.pageEnd,
                byteOffset: bytes.lowerBound, byteLength: bytes.count,
                text: marked.map { scanned.original($0) }.joined(separator: " … "),
                snippet: scanned.snippet(highlights: marked, context: 40, alsoMarking: inPassage.map(\.range),
                                         within: characters)))
        }
        return matches
    }

    /// The shortest run of `occurrences` (sorted by position) holding every word, by the
    /// characters it spans; `nil` when some word is missing.
    private static func shortestWindow(_ occurrences: ArraySlice<(range: Range<Int>, word: Int)>,
                                       wordCount: Int) -> Range<Int>? {
        var counts = [Int](repeating: 0, count: wordCount)
        var covered = 0
        var best: Range<Int>?
        var bestSpan = Int.max
        var left = occurrences.startIndex
        for right in occurrences.indices {
            if counts[occurrences[right].word] == 0 { covered += 1 }
            counts[occurrences[right].word] += 1
            while covered == wordCount {
                let span = occurrences[right].range.upperBound - occurrences[left].range.lowerBound
                if span < bestSpan {
                    bestSpan = span
                    best = left..<(right + 1)
                }
                counts[occurrences[left].word] -= 1
                if counts[occurrences[left].word] == 0 { covered -= 1 }
                left += 1
            }
        }
        return best
    }
}

// MARK: Matching

/// A document's text as characters, folded for matching, with each one's UTF-8 offset.
struct ScannedText {
    enum Kind: UInt8 {
        case word, space, other
    }

    /// The text's UTF-8 bytes.
    let bytes: [UInt8]
    /// Each character folded by `ScannedText.fold`.
    private(set) var folded: [Character] = []
    private(set) var kinds: [Kind] = []
    /// The UTF-8 offset of each character, then the text's length.
    private(set) var offsets: [Int] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
        let text = String(decoding: bytes, as: UTF8.self)
        folded.reserveCapacity(bytes.count)
        kinds.reserveCapacity(bytes.count)
        offsets.reserveCapacity(bytes.count + 1)
        var offset = 0
        for character in text {
            folded.append(Self.fold(character))
            kinds.append(Self.kind(of: character))
            offsets.append(offset)
            offset += character.utf8.count
        }
        offsets.append(offset)
    }

    var count: Int { folded.count }
    var byteCount: Int { offsets[offsets.count - 1] }

    /// Letters, digits and private-use characters: what the keyword index (unicode61,
    /// categories L*, N*, Co) keeps in one token. Symbol fonts in PDFs extract as
    /// private-use characters, and one glued to a word is part of that word's token.
    static func isWord(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
            || character.unicodeScalars.first?.properties.generalCategory == .privateUse
    }

    static func kind(of character: Character) -> Kind {
        character.isWhitespace ? .space : isWord(character) ? .word : .other
    }

    /// Lower case, with curly quotes and Unicode hyphens as their ASCII forms (documents
    /// typeset "Buyer’s" are searched as "Buyer's").
    static func fold(_ character: Character) -> Character {
        if let ascii = character.asciiValue {
            return (0x41...0x5A).contains(ascii) ? Character(Unicode.Scalar(ascii + 0x20)) : character
        }
        switch character {
        case "\u{2018}", "\u{2019}", "\u{201B}", "\u{2032}": return "'"
        case "\u{201C}", "\u{201D}", "\u{201F}", "\u{2033}": return "\""
        case "\u{2010}", "\u{2011}": return "-"
        default:
            let lower = character.lowercased()
            return lower.count == 1 ? Character(lower) : character
        }
    }

    func byteRange(of characters: Range<Int>) -> Range<Int> {
        offsets[characters.lowerBound]..<offsets[characters.upperBound]
    }

    /// The characters that start within `bytes`.
    func characterRange(of bytes: Range<Int>) -> Range<Int> {
        characterIndex(atByte: bytes.lowerBound)..<characterIndex(atByte: bytes.upperBound)
    }

    /// The first character starting at or after `byte`.
    private func characterIndex(atByte byte: Int) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < byte { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The characters `range` exactly as in the text.
    func original(_ range: Range<Int>) -> String {
        String(decoding: bytes[byteRange(of: range)], as: UTF8.self)
    }

    /// The characters `range` with each run of white space as one space.
    func display(_ range: Range<Int>) -> String {
        var output = ""
        var index = range.lowerBound
        while index < range.upperBound {
            var end = index + 1
            if kinds[index] == .space {
                while end < range.upperBound, kinds[end] == .space { end += 1 }
                output += " "
            } else {
                while end < range.upperBound, kinds[end] != .space { end += 1 }
                output += original(index..<end)
            }
            index = end
        }
        return output
    }

    /// An excerpt of about `context` characters either side of each of `highlights` (sorted,
    /// not overlapping), which it marks, and of any of `alsoMarking` that falls inside it,
    /// within `bounds` (the page or passage, so the context is from where the match is).
    /// Excerpts that touch are merged; text left out is shown as "…".
    func snippet(highlights: [Range<Int>], context: Int, alsoMarking: [Range<Int>] = [],
                 within bounds: Range<Int>? = nil) -> Snippet {
        let bounds = bounds ?? 0..<count
        var fragments: [Range<Int>] = []
        for highlight in highlights {
            var low = max(bounds.lowerBound, min(highlight.lowerBound, highlight.lowerBound - context))
            var high = min(bounds.upperBound, max(highlight.upperBound, highlight.upperBound + context))
            // Start and end at a word's edge, unless the word is very long.
            if low > bounds.lowerBound, kinds[low - 1] == .word {
                var edge = low
                while edge < highlight.lowerBound, kinds[edge] == .word { edge += 1 }
                if edge - low <= 15 { low = edge }
            }
            if high < bounds.upperBound, kinds[high] == .word {
                var edge = high
                while edge > highlight.upperBound, kinds[edge - 1] == .word { edge -= 1 }
                if high - edge <= 15 { high = edge }
            }
            // Not starting on the punctuation of a sentence left out; ending on that of one shown.
            if low > bounds.lowerBound {
                while low < highlight.lowerBound, kinds[low] != .word { low += 1 }
            }
            var punctuationEnd = high
            while punctuationEnd < min(bounds.upperBound, high + 3), kinds[punctuationEnd] == .other { punctuationEnd += 1 }
            if punctuationEnd == bounds.upperBound || kinds[punctuationEnd] == .space { high = punctuationEnd }
            while low < highlight.lowerBound, kinds[low] == .space { low += 1 }
            while high > highlight.upperBound, kinds[high - 1] == .space { high -= 1 }
            if let last = fragments.last, low <= last.upperBound + 10 {
                fragments[fragments.count - 1] = last.lowerBound..<max(last.upperBound, high)
            } else {
                fragments.append(low..<high)
            }
        }
        let marks = (highlights + alsoMarking.filter { extra in
            !highlights.contains { $0.overlaps(extra) }
                && fragments.contains { $0.lowerBound <= extra.lowerBound && extra.upperBound <= $0.upperBound }
        }).sorted { $0.lowerBound < $1.lowerBound }

        var segments: [Snippet.Segment] = []
        func add(_ text: String, isMatch: Bool) {
            guard !text.isEmpty else { return }
            if let last = segments.last, last.isMatch == isMatch {
                segments[segments.count - 1].text += text
            } else {
                segments.append(Snippet.Segment(text: text, isMatch: isMatch))
            }
        }
        func leavesOutText(_ range: Range<Int>) -> Bool {
            kinds[range].contains { $0 != .space }
        }
        for (index, fragment) in fragments.enumerated() {
            let before = index > 0 ? " … " : leavesOutText(bounds.lowerBound..<fragment.lowerBound) ? "…" : ""
            add(before, isMatch: false)
            var position = fragment.lowerBound
            for mark in marks where fragment.lowerBound <= mark.lowerBound && mark.upperBound <= fragment.upperBound
                && mark.lowerBound >= position {
                add(display(position..<mark.lowerBound), isMatch: false)
                add(display(mark), isMatch: true)
                position = mark.upperBound
            }
            add(display(position..<fragment.upperBound), isMatch: false)
        }
        if let last = fragments.last, leavesOutText(last.upperBound..<bounds.upperBound) { add("…", isMatch: false) }
        return Snippet(segments: segments)
    }
}

/// A phrase prepared for matching against a `ScannedText`.
struct PhrasePattern {
    enum Element: Hashable {
        /// One or more white-space characters.
        case space
        /// One character, folded.
        case character(Character)
    }

    let elements: [Element]
    /// Whether the phrase starts (ends) with a word character, so a match must not be
    /// preceded (followed) by one.
    let startsWithWord: Bool
    let endsWithWord: Bool
    /// The phrase's words (runs of word characters) as written, in order.
    let words: [String]

    /// `nil` when `phrase` has no word character.
    init?(_ phrase: String) {
        let trimmed = phrase.trimmingCharacters(in: .whitespacesAndNewlines)
        words = trimmed.split(whereSeparator: { !ScannedText.isWord($0) }).map(String.init)
        guard let first = trimmed.first, let last = trimmed.last, !words.isEmpty else { return nil }
        var elements: [Element] = []
        for character in trimmed {
            if character.isWhitespace {
                if elements.last != .space { elements.append(.space) }
            } else {
                elements.append(.character(ScannedText.fold(character)))
            }
        }
        self.elements = elements
        startsWithWord = ScannedText.isWord(first)
        endsWithWord = ScannedText.isWord(last)
    }

    /// The words, each once (ignoring case), in order of first appearance.
    var distinctWords: [String] {
        var seen = Set<String>()
        return words.filter { word in seen.insert(String(word.map(ScannedText.fold))).inserted }
    }

    /// The phrase's terms for `.allWords`: its parts between white space that hold a
    /// word character ("Buyer's" and "9.2" are one term each), each once ignoring case.
    var terms: [PhrasePattern] {
        var seen = Set<[Element]>()
        return elements.split(separator: .space).compactMap { part in
            guard seen.insert(Array(part)).inserted else { return nil }
            return PhrasePattern(String(part.map { element -> Character in
                if case .character(let character) = element { return character }
                return " "
            }))
        }
    }

    /// Every match in `text` as a range of characters, in order, not overlapping.
    func ranges(in text: ScannedText) -> [Range<Int>] {
        guard case .character(let firstCharacter) = elements.first else { return [] }
        var ranges: [Range<Int>] = []
        var start = 0
        while start < text.count {
            defer { start += 1 }
            guard text.folded[start] == firstCharacter else { continue }
            if startsWithWord, start > 0, text.kinds[start - 1] == .word { continue }
            guard let end = matchEnd(in: text, from: start) else { continue }
            if endsWithWord, end < text.count, text.kinds[end] == .word { continue }
            ranges.append(start..<end)
            start = end - 1
        }
        return ranges
    }

    /// Where a match starting at `start` ends, or `nil` when none starts there.
    private func matchEnd(in text: ScannedText, from start: Int) -> Int? {
        var position = start
        for element in elements {
            guard position < text.count else { return nil }
            switch element {
            case .space:
                guard text.kinds[position] == .space else { return nil }
                while position < text.count, text.kinds[position] == .space { position += 1 }
            case .character(let character):
                guard text.folded[position] == character else { return nil }
                position += 1
            }
        }
        return position
    }
}
