import Foundation

/// A sentence from an indexed document that bears on a question, quoted verbatim.
public struct EvidenceSentence: Sendable, Equatable {
    /// The sentence exactly as it is in the chunk (line breaks included).
    public var text: String
    public var path: String
    /// The pages of the chunk the sentence is in; one page whenever the chunk has one.
    public var pageStart: Int?
    public var pageEnd: Int?
    public var chunkId: Int64
    /// UTF-8 byte offsets of the sentence in the document's extracted text (its pages
    /// joined by a blank line), the same coordinates as the chunk's own offsets.
    public var byteStart: Int
    public var byteEnd: Int
    /// How strongly it bears on the question (higher is better; comparable within one question).
    public var score: Double
    /// Cosine similarity of the sentence to the question (0 when scored by key terms alone).
    public var similarity: Double = 0

    /// The sentence on one line, as shown to the model and printed.
    public var displayText: String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// Picks, from retrieved passages, the few sentences that bear on a question.
///
/// Small models read slowly and lose the thread in long context, so the prompt carries
/// sentences rather than whole chunks: each sentence is scored by meaning (cosine between
/// its embedding and the question's), by the question's key terms it contains (weighted
/// by rarity in the index), by holding text of the shape the question asks for
/// (`AnswerShape`: "three years" for "how many years") and by holding a word of the
/// question written as code ("%e", "gps_date") verbatim. The best are kept, with the
/// sentence after each of the best few (an answer often continues a sentence that names
/// the topic), the sentence after any that ends in a colon or stops short, and the short
/// label or heading just before each (a list item's label). Sentences just outside the
/// chunk, in its window and in no other retrieved chunk, compete too, at a small discount
/// (`neighbourReach`).
/// The best sentence of the passage retrieval ranked first is taken first (when it fits
/// the budget on its own). Entries of a table of contents (`ContentsEntries`) are never
/// taken: they name a section and answer nothing.
public struct EvidenceSelector {
    /// Most tokens (of the chat model) the selected sentences may take in all. Measured
    /// (`docqa eval --answers --evidence-only`, BENCHMARKS.md) on 128-token chunks read
    /// with their neighbours: the sentences shown held the expected answer for 28, 62 and
    /// 24 questions (samples, real, hard) with 350; 29, 67 and 25 with 450; 30, 67 and 26
    /// with 600, which costs about 1.5 s more prompt reading per question.
    public var tokenBudget = 450
    /// Most sources (chunks) the sentences may come from.
    public var maxSources = 4
    /// Weight of the key-term score against cosine similarity.
    public var termWeight = 0.5
    /// Added to the score of a sentence that holds text of the shape the question asks
    /// for (`AnswerShape`: a period for "how long", a number for "how many", a date for
    /// "when was").
    public var shapeWeight = 0.15
    /// Added to the score of a sentence that holds, verbatim, a word of the question
    /// written as code or a literal value (`literals(in:)`).
    public var literalWeight = 0.2
    /// Whether a chosen sentence brings the short label or heading just before it.
    public var takesLabels = true
    /// How many sentences of a chunk's window on each side of the chunk compete in their
    /// own right (not only as continuations of a chosen sentence), when no retrieved chunk
    /// holds them. An answer often sits just across a chunk boundary from the sentences
    /// that name its topic ("The Steering Council may defer the Special Election for up
    /// to twelve weeks." ends the chunk before the one retrieved). Measured on the eight
    /// question sets (`eval --answers --evidence-only`, BENCHMARKS.md, "Sentences beside
    /// the passage"): the sentences shown held the expected text for 288 questions with
    /// none, 295 with one sentence (penalty 0.05), 297 with two (0.05), 294 with three
    /// (0.05), 298 with two at 0.10, and 300 once a sentence that overlaps another
    /// retrieved chunk, or may be cut, was left out (the form here).
    public var neighbourReach = 2
    /// Taken off the score of a sentence beside the chunk (`neighbourReach`): retrieval
    /// did not read it, so it must beat the chunk's own sentences by this much.
    public var neighbourPenalty = 0.10
    /// Sentences longer than this many characters are cut at `;` or line breaks.
    static let longSentence = 600
    /// A continuation (the sentences taken after a chosen one) shorter than this many
    /// characters brings the next sentence too. Measured on the five evaluation sets
    /// (BENCHMARKS.md, session 28): 40 gained q15 and lost nothing; 80 lost c25.
    static let shortContinuation = 40

    public init() {}

    /// A sentence candidate around one retrieved chunk.
    struct Candidate {
        var chunkIndex: Int
        var position: Int          // index among the sentences of its chunk's window
        var range: Range<Int>      // UTF-8 offsets in the document's text
        var text: String
        /// Whether the sentence overlaps the retrieved chunk itself (and no better-ranked
        /// one); the others, from the neighbours in its window, are taken to continue a
        /// chosen sentence, or on their own when `nearChunk`.
        var inChunk: Bool
        /// A sentence of the window within `neighbourReach` of the chunk, not in any
        /// retrieved chunk: scored like the chunk's own, less `neighbourPenalty`.
        var nearChunk = false
        /// The window's first sentence, when the window starts inside the document.
        var mayBeCut = false
        var similarity = 0.0
        var termScore = 0.0
        var score = 0.0
    }

    /// The selected sentences grouped by source, best source first; within a source in
    /// document order.
    ///
    /// Sentences are read from each chunk's window (`RetrievedChunk.window`) when it has
    /// one, so a sentence that a chunk boundary cuts is quoted whole and the sentence
    /// after it can be reached; each sentence is considered once, for the best-ranked
    /// chunk it overlaps (one beside the chunks, for the best-ranked that has it within
    /// `neighbourReach`).
    ///
    /// - Parameters:
    ///   - weights: key term (stemmed) → weight, e.g. inverse document frequency; terms
    ///     not in it weigh 1.
    ///   - embed: embeds texts as unit vectors (the index's embedding model), or `nil`
    ///     to score by key terms alone.
    ///   - countTokens: tokens a text takes in the chat model.
    func select(question: String, from retrieved: [RetrievedChunk], weights: [String: Double],
                queryVector: [Float]?, embed: (([String]) throws -> [[Float]])?,
                countTokens: (String) throws -> Int) throws -> [[EvidenceSentence]] {
        var candidates: [Candidate] = []
        var seen = Set<[Int64]>()  // [document, first byte] of sentences already in a chunk
        for (index, hit) in retrieved.enumerated() {
            let window = hit.window ?? PassageWindow(text: hit.chunk.text, byteStart: hit.chunk.byteStart)
            let bytes = Array(window.text.utf8)
            let core = (hit.chunk.byteStart - window.byteStart)..<(hit.chunk.byteStart - window.byteStart + hit.chunk.text.utf8.count)
            var afterContents = false
            for (position, range) in Self.sentenceRanges(in: bytes).enumerated() {
                let text = String(decoding: bytes[range], as: UTF8.self)
                // A contents entry (and the page number split off after it) only points to
                // its section: never evidence, nor a continuation or label of evidence.
                afterContents = ContentsEntries.isEntry(text) || (afterContents && ContentsEntries.isPageNumber(text))
                if afterContents { continue }
                let absolute = (window.byteStart + range.lowerBound)..<(window.byteStart + range.upperBound)
                var inChunk = range.overlaps(core)
                if inChunk { inChunk = seen.insert([hit.chunk.documentId, Int64(absolute.lowerBound)]).inserted }
                candidates.append(Candidate(chunkIndex: index, position: position, range: absolute, text: text,
                                            inChunk: inChunk, mayBeCut: position == 0 && window.byteStart > 0))
            }
        }
        guard candidates.contains(where: \.inChunk) else { return [] }
        if neighbourReach > 0 { markNearChunk(&candidates, retrieved: retrieved) }

        let keyTerms = Terms.keyTerms(question, droppingQuestionWords: true)
        let shape = shapeWeight > 0 ? AnswerShape(question: question) : nil
        let literals = literalWeight > 0 ? Self.literals(in: question) : []
        let totalWeight = keyTerms.reduce(0) { $0 + (weights[$1] ?? 1) }
        let scored = candidates.indices.filter { candidates[$0].inChunk || candidates[$0].nearChunk }
        for index in scored {
            let terms = Set(Terms.keyTerms(candidates[index].text))
            let found = keyTerms.filter(terms.contains).reduce(0) { $0 + (weights[$1] ?? 1) }
            candidates[index].termScore = totalWeight > 0 ? found / totalWeight : 0
        }
        if let embed, let queryVector {
            let vectors = try embed(scored.map { candidates[$0].text })
            for (index, vector) in zip(scored, vectors) {
                candidates[index].similarity = Double(zip(vector, queryVector).reduce(Float(0)) { $0 + $1.0 * $1.1 })
            }
        }
        for index in scored {
            // A slight preference for passages retrieval ranked higher breaks near-ties.
            let rankPrior = 0.02 * Double(retrieved.count - candidates[index].chunkIndex) / Double(retrieved.count)
            let text = candidates[index].text
            let shaped = shape?.matches(text) == true ? shapeWeight : 0
            let lowered = literals.isEmpty ? "" : text.lowercased()
            let literal = literals.contains(where: lowered.contains) ? literalWeight : 0
            let penalty = candidates[index].nearChunk ? neighbourPenalty : 0
            candidates[index].score = candidates[index].similarity + termWeight * candidates[index].termScore + shaped + literal + rankPrior - penalty
        }

        // Best first; then add each sentence (and the one after the best few) while the
        // budget and the source limit allow. The passage retrieval ranked first gives its
        // best sentence ahead of all others: retrieval read the whole passage (its keywords,
        // its meaning, the hypothetical answer's), a sentence's score reads the sentence
        // alone, and the answer is often a plain sentence next to the ones that name the
        // topic ("Produced Work" – a work … resulting from using … the Contents). That best
        // sentence may be one beside the passage when it beats all of the passage's own by
        // more than `neighbourPenalty` (d48's "… for up to twelve weeks.").
        var ranked = scored.sorted { candidates[$0].score > candidates[$1].score }
        if let top = ranked.firstIndex(where: { candidates[$0].chunkIndex == 0 }) {
            ranked.insert(ranked.remove(at: top), at: 0)
        }
        var chosen = Set<Int>()
        var chosenSpans = Set<[Int64]>()
        var chosenChunks: [Int] = []
        var used = 0
        func take(_ index: Int) throws -> Bool {
            let chunk = candidates[index].chunkIndex
            let span = [retrieved[chunk].chunk.documentId, Int64(candidates[index].range.lowerBound)]
            guard !chosenSpans.contains(span) else { return true }
            if !chosenChunks.contains(chunk) && chosenChunks.count >= maxSources { return false }
            let cost = try countTokens(candidates[index].text) + 2
            if used + cost > tokenBudget { return false }
            used += cost
            chosen.insert(index)
            chosenSpans.insert(span)
            if !chosenChunks.contains(chunk) { chosenChunks.append(chunk) }
            return true
        }
        /// The sentence `offset` places from `index` in the same chunk's window.
        func sentence(_ offset: Int, from index: Int) -> Int? {
            candidates.indices.first {
                candidates[$0].chunkIndex == candidates[index].chunkIndex && candidates[$0].position == candidates[index].position + offset
            }
        }
        for (place, index) in ranked.enumerated() {
            guard try take(index) else { continue }
            // A short label or heading just before it says what it is about ("**Moderate**"
            // over a list of attacks, "Long-term support release" over "… typically three years").
            if takesLabels, let label = sentence(-1, from: index), Self.isLabel(candidates[label].text) { _ = try take(label) }
            // The sentence after one of the best few, and whatever continues a chosen
            // piece that stops short (a heading, a long sentence cut in pieces) or
            // introduces what follows with a colon ("… it reinstates:" before "1.
            // automatically … within 30 days"); a continuation too short to say much
            // ("A. The end of April.") brings the sentence after it ("April 29th.").
            var current = index
            var continues = place < 3
            var carried = 0
            while continues || Self.leadsOn(candidates[current].text) || (carried > 0 && carried < Self.shortContinuation),
                  let following = sentence(1, from: current) {
                guard try take(following) else { break }
                continues = false
                current = following
                carried += candidates[following].text.count
            }
            if used >= tokenBudget - 8 { break }
        }

        return chosenChunks.map { chunkIndex in
            let hit = retrieved[chunkIndex].chunk
            let window = retrieved[chunkIndex].window
            return chosen.filter { candidates[$0].chunkIndex == chunkIndex }
                .sorted { candidates[$0].position < candidates[$1].position }
                .map { index in
                    let candidate = candidates[index]
                    let range = candidate.range
                    return EvidenceSentence(text: candidate.text, path: hit.path,
                                            pageStart: window?.page(at: range.lowerBound) ?? hit.pageStart,
                                            pageEnd: window?.page(at: max(range.lowerBound, range.upperBound - 1)) ?? hit.pageEnd,
                                            chunkId: hit.chunkId, byteStart: range.lowerBound, byteEnd: range.upperBound,
                                            score: candidate.score, similarity: candidate.similarity)
                }
        }
    }

    /// Marks the window sentences within `neighbourReach` of their chunk's own sentences
    /// that overlap no retrieved chunk and no sentence marked before: each is offered once,
    /// for the best-ranked chunk that has it within reach. A window's first sentence is
    /// left out when the window starts inside the document (it may be cut).
    private func markNearChunk(_ candidates: inout [Candidate], retrieved: [RetrievedChunk]) {
        var own: [Int: ClosedRange<Int>] = [:]  // chunk → positions of its own sentences
        var taken: [Int64: [Range<Int>]] = [:]  // document → bytes of retrieved chunks and marked sentences
        for hit in retrieved.map(\.chunk) {
            taken[hit.documentId, default: []].append(hit.byteStart..<(hit.byteStart + hit.text.utf8.count))
        }
        for candidate in candidates where candidate.inChunk {
            let position = candidate.position
            own[candidate.chunkIndex] = own[candidate.chunkIndex].map {
                min($0.lowerBound, position)...max($0.upperBound, position)
            } ?? position...position
        }
        for index in candidates.indices where !candidates[index].inChunk && !candidates[index].mayBeCut {
            let candidate = candidates[index]
            guard let span = own[candidate.chunkIndex], !span.contains(candidate.position) else { continue }
            let distance = candidate.position < span.lowerBound ? span.lowerBound - candidate.position
                                                                : candidate.position - span.upperBound
            let document = retrieved[candidate.chunkIndex].chunk.documentId
            guard distance <= neighbourReach,
                  !taken[document, default: []].contains(where: { $0.overlaps(candidate.range) }) else { continue }
            taken[document, default: []].append(candidate.range)
            candidates[index].nearChunk = true
        }
    }

    /// Whether a piece of text is a short label or heading: under 80 characters, ending
    /// without a full stop (or with a colon).
    static func isLabel(_ text: String) -> Bool {
        text.count < 80 && leadsOn(text)
    }

    /// Whether a piece of text leads on into the next: it stops short, or ends in a colon
    /// that introduces what follows.
    static func leadsOn(_ text: String) -> Bool {
        stopsShort(text) || text.last == ":"
    }

    /// Words of the question written as code or a literal value ("%e", "move=+1h",
    /// "gps_date", "--flag", "3.11"): they name one thing exactly, and a sentence that
    /// holds one verbatim is about it, whatever its other words.
    static func literals(in question: String) -> [String] {
        question.split(whereSeparator: \.isWhitespace).compactMap { word in
            let token = word.trimmingCharacters(in: CharacterSet(charactersIn: "?!,;:\"'`()[]“”‘’").union(.whitespaces))
            let trimmed = token.hasSuffix(".") ? String(token.dropLast()) : token
            guard trimmed.count >= 2, trimmed.contains(where: { $0.isLetter || $0.isNumber }) else { return nil }
            let symbolic = trimmed.contains(where: { "%_=$@#/\\<>+".contains($0) }) || trimmed.hasPrefix("-")
                || (trimmed.contains(#/[A-Za-z0-9]\.[A-Za-z0-9]/#) && trimmed.wholeMatch(of: #/(?:[A-Za-z]\.)+[A-Za-z]/#) == nil)
            return symbolic ? trimmed.lowercased() : nil
        }
    }

    /// Whether a sentence ends without closing punctuation: a heading, a label, or a piece
    /// of a long sentence, whose meaning runs on into the next.
    static func stopsShort(_ text: String) -> Bool {
        guard let last = text.last(where: { !$0.isWhitespace }) else { return false }
        return !".!?)\"”’:;".contains(last)
    }

    /// Ranges of the sentences in UTF-8 text, trimmed of surrounding white space.
    ///
    /// A sentence ends at `.`, `!` or `?` followed by white space and then a capital,
    /// digit, bracket or quote; at a blank line; or at a line break after a short line
    /// that does not end in punctuation (a heading). Extracted PDF text breaks lines
    /// mid-sentence, so other line breaks do not end a sentence. Very long sentences are
    /// cut at `;` or line breaks.
    static func sentenceRanges(in bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        func add(_ start: Int, _ end: Int) {
            var lower = start, upper = end
            while lower < upper, isSpace(bytes[lower]) { lower += 1 }
            while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
            guard upper > lower, bytes[lower..<upper].contains(where: { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 >= 0x80 }) else { return }
            // A long sentence is cut after its semicolons, then, where a piece is still
            // long, at line breaks, keeping pieces long enough to say something.
            for clause in pieces(lower..<upper, after: 0x3B, minimum: longSentence / 4) {
                ranges += clause.count > longSentence ? pieces(clause, after: 0x0A, minimum: longSentence / 2) : [clause]
            }
        }
        func pieces(_ range: Range<Int>, after separator: UInt8, minimum: Int) -> [Range<Int>] {
            guard range.count > longSentence else { return [range] }
            var result: [Range<Int>] = []
            var piece = range.lowerBound
            var index = piece
            while index < range.upperBound {
                if bytes[index] == separator && index - piece >= minimum && range.upperBound - index > minimum / 2 {
                    var end = index + 1
                    while end > piece, isSpace(bytes[end - 1]) { end -= 1 }
                    result.append(piece..<end)
                    piece = index + 1
                    while piece < range.upperBound, isSpace(bytes[piece]) { piece += 1 }
                    index = piece
                    continue
                }
                index += 1
            }
            if piece < range.upperBound { result.append(piece..<range.upperBound) }
            return result
        }
        var start = 0
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                let line = bytes[lineStart..<index]
                var nextStart = index + 1
                while nextStart < bytes.count, bytes[nextStart] == 0x20 || bytes[nextStart] == 0x09 { nextStart += 1 }
                let blank = nextStart < bytes.count && bytes[nextStart] == 0x0A
                let heading = Self.isHeading(line)
                if blank || heading {
                    add(start, index)
                    start = index + 1
                }
                lineStart = index + 1
                index += 1
                continue
            }
            if byte == 0x2E || byte == 0x21 || byte == 0x3F {
                var next = index + 1
                var sawSpace = false
                while next < bytes.count, isSpace(bytes[next]) { next += 1; sawSpace = true }
                if sawSpace, next < bytes.count {
                    let following = bytes[next]
                    let startsSentence = (following >= 0x41 && following <= 0x5A) || (following >= 0x30 && following <= 0x39)
                        || following == 0x28 || following == 0x22 || following == 0x5B || following >= 0xC0
                    if startsSentence && !Self.endsWithAbbreviation(bytes, before: index, sentenceStart: start) {
                        add(start, index + 1)
                        start = next
                        if let newline = bytes[(index + 1)..<next].lastIndex(of: 0x0A) { lineStart = newline + 1 }
                        index = next
                        continue
                    }
                }
            }
            index += 1
        }
        add(start, bytes.count)
        return ranges
    }

    /// Whether a line stands alone as a heading: short, no closing punctuation, and
    /// either in capitals or numbered like a section ("7. PRICE", "Section 4", "ARTICLE II").
    private static func isHeading(_ line: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.count < 70, let last = text.last, !".,;:".contains(last) else { return false }
        let letters = text.filter(\.isLetter)
        if !letters.isEmpty && letters.allSatisfy({ !$0.isLowercase }) { return true }
        return text.contains(#/^(?:\d+(?:\.\d+)*\.?|[A-Z]\.|(?:Section|SECTION|Article|ARTICLE|Chapter|CHAPTER|Part|PART)\s+\S+)\s/#)
            && text.count < 50
    }

    /// Whether the word ending just before a full stop at `dot` is an abbreviation that
    /// does not end a sentence ("Mr.", "No.", "Sec.", "U.S.", a single letter), or the
    /// number of a numbered heading or list item ("7. PRICE").
    private static func endsWithAbbreviation(_ bytes: [UInt8], before dot: Int, sentenceStart: Int) -> Bool {
        var start = dot
        while start > 0, bytes[start - 1] != 0x20, bytes[start - 1] != 0x0A, bytes[start - 1] != 0x28 { start -= 1 }
        let word = String(decoding: bytes[start..<dot], as: UTF8.self).lowercased()
        let leading = bytes[sentenceStart..<start].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 }
        if leading, word.count <= 4, word.allSatisfy({ $0.isNumber || $0 == "." }) { return true }
        return isAbbreviation(word)
    }

    /// Whether `word` (lowercased, without its final full stop) is an abbreviation, so
    /// that a full stop after it does not end the sentence: a single letter, a dotted
    /// form ("u.s", "e.g"), or a common title or reference word ("mr", "no", "sec").
    static func isAbbreviation(_ word: some StringProtocol) -> Bool {
        if word.count == 1, word.first?.isLetter == true { return true }
        if word.contains(".") { return true }
        return abbreviations.contains(String(word))
    }

    private static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "no", "nos", "sec", "secs", "art", "para", "inc", "ltd", "co",
        "corp", "llc", "st", "vs", "v", "cf", "etc", "fig", "vol", "pp", "jr", "sr", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "ch",
    ]
}
