/// Counts the tokens a text becomes under some model's tokenizer.
public protocol TokenCounter {
    /// Tokens in `text`, without the special tokens the model adds around a sequence.
    func countTokens(in text: String) throws -> Int
}

/// Splits a document into overlapping passages that fit an embedding model.
///
/// Sizes are in the embedding model's own tokens, so a chunk never exceeds what the model
/// reads (a character-based size would overflow on dense text and waste room on prose).
/// Chunks are built from whole sentences and lines where possible; a sentence longer than
/// a chunk is cut at words, and a single enormous "word" at characters. Each chunk starts
/// at a page boundary when the previous page left enough text for a chunk of its own, so
/// citations point at one page whenever the text allows.
public struct Chunker {
    /// Largest chunk, in tokens.
    public var maxTokens: Int
    /// Tokens of the previous chunk repeated at the start of the next, so a fact that
    /// straddles a boundary is whole in at least one chunk.
    public var overlapTokens: Int
    /// A page boundary starts a new chunk once the current one has at least this many tokens.
    public var minTokensBeforePageBreak: Int

    public init(maxTokens: Int = 200, overlapTokens: Int = 40, minTokensBeforePageBreak: Int = 48) {
        precondition(maxTokens > 0 && overlapTokens >= 0 && overlapTokens < maxTokens,
                     "Chunker needs maxTokens > overlapTokens >= 0")
        self.maxTokens = maxTokens
        self.overlapTokens = overlapTokens
        self.minTokensBeforePageBreak = minTokensBeforePageBreak
    }

    /// The separator between pages in the document text that chunk byte offsets refer to.
    public static let pageSeparator = "\n\n"

    /// Cuts `document` into chunks, in reading order.
    ///
    /// - Throws: whatever `counter` throws.
    /// Pages with no text produce no chunks; a document with no text produces none.
    public func chunks(of document: ExtractedDocument, counter: some TokenCounter) throws -> [Chunk] {
        let (documentBytes, units) = try self.units(of: document, counter: counter)
        let headings = Self.headings(of: document)
        var chunks: [Chunk] = []
        var current: [Unit] = []
        var currentTokens = 0
        var nextHeading = 0  // chunks start in order, so the heading lookup only moves forward

        func close() {
            guard let first = current.first, let last = current.last else { return }
            let text = String(decoding: documentBytes[first.byteStart..<last.byteEnd], as: UTF8.self)
            // The headings open where the chunk starts; one at its very start is in its text.
            while nextHeading < headings.count, headings[nextHeading].offset < first.byteStart { nextHeading += 1 }
            let section = nextHeading > 0 ? headings[nextHeading - 1].path : ""
            chunks.append(Chunk(ordinal: chunks.count, text: text, pageStart: first.page, pageEnd: last.page,
                                byteStart: first.byteStart, byteEnd: last.byteEnd, tokenCount: currentTokens,
                                section: section, isNavigation: first.isNavigation))
        }

        for unit in units {
            let pageBreak = current.last.map { $0.page != unit.page } ?? false
            if pageBreak && currentTokens >= minTokensBeforePageBreak {
                close()
                current = []
                currentTokens = 0
            } else if currentTokens + unit.tokens > maxTokens && !current.isEmpty {
                close()
                // Carry the tail of the closed chunk over as overlap, staying on the new unit's page.
                var carried: [Unit] = []
                var carriedTokens = 0
                for previous in current.reversed() {
                    guard previous.page == unit.page,
                          carriedTokens + previous.tokens <= overlapTokens,
                          carriedTokens + previous.tokens + unit.tokens <= maxTokens else { break }
                    carried.insert(previous, at: 0)
                    carriedTokens += previous.tokens
                }
                current = carried
                currentTokens = carriedTokens
            }
            current.append(unit)
            currentTokens += unit.tokens
        }
        close()
        return chunks
    }

    // MARK: Units: sentences and lines with their token counts

    private struct Unit {
        var byteStart: Int
        var byteEnd: Int
        var page: Int?
        var tokens: Int
        var isNavigation = false
    }

    /// Each heading line's byte offset in the document text, with the heading path open
    /// after it. Navigation pages (tables of contents) are skipped: their lines name
    /// sections without opening them.
    static func headings(of document: ExtractedDocument) -> [(offset: Int, path: String)] {
        if let outline = document.outline, !outline.isEmpty {
            let events = headings(of: document, outline: outline)
            if !events.isEmpty { return events }
        }
        var events: [(offset: Int, path: String)] = []
        var trail = SectionHeadings.Trail()
        for (page, base) in zip(document.pages, document.pageOffsets) where !page.isNavigation {
            let lines = page.text.split(separator: "\n", omittingEmptySubsequences: false)
            var lineStart = 0
            for (index, line) in lines.enumerated() {
                defer { lineStart += line.utf8.count + 1 }
                let next = lines[(index + 1)...].first { $0.contains { !$0.isWhitespace } }
                if let heading = SectionHeadings.heading(in: line, next: next, markdown: document.format != .pdf) {
                    trail.enter(heading)
                    events.append((base + lineStart, trail.path))
                }
            }
        }
        return events
    }

    /// Headings from a PDF's outline: each entry opens at the line of its page where its
    /// title starts (after a section number, which joins the title), or at the top of
    /// its page when the title is not found there. An entry not found on a page where an
    /// earlier entry was is left out (it would relabel that entry's text); so is one whose
    /// page comes before the previous entry's. With no entry placed, the shapes of lines
    /// decide, as for a PDF without an outline.
    static func headings(of document: ExtractedDocument, outline: [PDFOutlineEntry]) -> [(offset: Int, path: String)] {
        let offsets = document.pageOffsets
        var pageIndex: [Int: Int] = [:]
        for (index, page) in document.pages.enumerated() {
            if let number = page.number { pageIndex[number] = index }
        }
        var events: [(offset: Int, path: String)] = []
        var trail = SectionHeadings.Trail()
        var floor = 0
        var searches: [Int: Int] = [:]  // page index → titles looked for on it
        var located: Set<Int> = []      // pages where a title was found
        for entry in outline {
            guard let index = pageIndex[entry.page] else { continue }
            let text = document.pages[index].text
            let base = offsets[index]
            guard floor <= base + text.utf8.count else { continue }  // out of order
            var offset = max(base, floor)
            var title = entry.title
            searches[index, default: 0] += 1
            // Each search reads the page; a hostile outline pointing thousands of entries
            // at one page gets the first 64 of them placed.
            if searches[index]! <= 64, offset - base < text.utf8.count,
               let found = SectionHeadings.locate(entry.title, in: text, from: offset - base) {
                offset = base + found.offset
                title = found.label
                located.insert(index)
            } else if located.contains(index) {
                continue  // not found after an entry found on this page
            }
            floor = offset
            trail.enter((entry.level, title))
            events.append((offset, trail.path))
        }
        return events
    }

    /// The document's UTF-8 bytes (pages joined by `pageSeparator`) and its units.
    private func units(of document: ExtractedDocument, counter: some TokenCounter) throws -> (bytes: [UInt8], units: [Unit]) {
        var bytes: [UInt8] = []
        var units: [Unit] = []
        for (index, page) in document.pages.enumerated() {
            if index > 0 { bytes += Self.pageSeparator.utf8 }
            let base = bytes.count
            let pageBytes = Array(page.text.utf8)
            bytes += pageBytes
            let first = units.count
            for range in Self.sentenceRanges(in: pageBytes) {
                try split(pageBytes, range, base: base, page: page.number, counter: counter, into: &units)
            }
            if page.isNavigation {
                for index in first..<units.count { units[index].isNavigation = true }
            }
        }
        return (bytes, units)
    }

    /// Adds `range` as one unit, or as several when it is longer than a chunk.
    private func split(_ bytes: [UInt8], _ range: Range<Int>, base: Int, page: Int?,
                       counter: some TokenCounter, into units: inout [Unit]) throws {
        let text = String(decoding: bytes[range], as: UTF8.self)
        let tokens = try counter.countTokens(in: text)
        if tokens <= maxTokens {
            units.append(Unit(byteStart: base + range.lowerBound, byteEnd: base + range.upperBound, page: page, tokens: tokens))
            return
        }
        let words = Self.wordRanges(in: bytes, range)
        if words.count > 1 {
            for word in words {
                try split(bytes, word, base: base, page: page, counter: counter, into: &units)
            }
            return
        }
        // One "word" longer than a chunk (a hash, a run of symbols): cut it by characters,
        // in pieces small enough that each fits.
        let pieceCount = tokens / max(1, maxTokens / 2) + 1
        let pieceLength = max(1, range.count / pieceCount)
        var start = range.lowerBound
        while start < range.upperBound {
            var end = min(start + pieceLength, range.upperBound)
            while end < range.upperBound, bytes[end] & 0b1100_0000 == 0b1000_0000 { end += 1 }
            try split(bytes, start..<end, base: base, page: page, counter: counter, into: &units)
            start = end
        }
    }

    /// Ranges of sentences and lines, each including its trailing white space; white
    /// space alone is not a sentence.
    static func sentenceRanges(in bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var index = 0
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while index < bytes.count {
            let byte = bytes[index]
            let endsSentence = (byte == 0x2E || byte == 0x21 || byte == 0x3F) // . ! ?
                && index + 1 < bytes.count && isSpace(bytes[index + 1])
            if byte == 0x0A || endsSentence {
                var end = index + 1
                while end < bytes.count, isSpace(bytes[end]) { end += 1 }
                if bytes[start..<end].contains(where: { !isSpace($0) }) { ranges.append(start..<end) }
                start = end
                index = end
                continue
            }
            index += 1
        }
        if start < bytes.count, bytes[start...].contains(where: { !isSpace($0) }) {
            ranges.append(start..<bytes.count)
        }
        return ranges
    }

    /// Ranges of words in `range`, each with its trailing white space.
    static func wordRanges(in bytes: [UInt8], _ range: Range<Int>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 {
                var end = index + 1
                while end < range.upperBound, bytes[end] == 0x20 || bytes[end] == 0x0A || bytes[end] == 0x09 { end += 1 }
                ranges.append(start..<end)
                start = end
                index = end
                continue
            }
            index += 1
        }
        if start < range.upperBound { ranges.append(start..<range.upperBound) }
        return ranges
    }
}
