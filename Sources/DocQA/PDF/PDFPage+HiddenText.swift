import CPoppler

/// How many characters of a PDF page's text are drawn so that a reader of the page would
/// not see them: in white or near-white, or in a font too small to read.
///
/// Such text is extracted, searched and quoted like any other, so a document can carry
/// instructions or "facts" meant for the tool and not for the person reading it. The
/// counts are of characters other than white space; a character both white and tiny
/// counts in both.
///
/// What is not counted, because poppler's text attributes do not show it: text drawn
/// invisibly (render mode 3, as every OCR'd scan's text layer is), text hidden behind an
/// image or a shape, and text coloured like a background that is not white.
public struct HiddenTextCount: Sendable, Equatable, Codable {
    /// Characters drawn in white or near-white (each of red, green and blue at least
    /// ``whiteThreshold``): invisible on a white page.
    public var white: Int
    /// Characters whose font size is under ``tinyFontSize`` points: a speck when printed.
    public var tiny: Int

    /// The share of full intensity, from 0 to 1, every colour channel must reach for text
    /// to count as white. 0.95 takes in near-white (e.g. `#F5F5F5`), which a reader cannot
    /// tell from the page, and leaves out light gray (`#E0E0E0`), which they can see.
    public static let whiteThreshold = 0.95
    /// Text below this font size, in points, counts as tiny: a third of the 6-point type
    /// of the finest print meant to be read.
    public static let tinyFontSize = 2.0

    public init(white: Int = 0, tiny: Int = 0) {
        self.white = white
        self.tiny = tiny
    }

    /// Whether no character was counted.
    public var isEmpty: Bool { white == 0 && tiny == 0 }
}

extension PDFPage {
    /// Counts the characters of `text`, this page's ``text`` as the caller already read
    /// it, that are drawn white or near-white or in a font under 2 points (see
    /// ``HiddenTextCount``).
    ///
    /// The corresponding C function is `poppler_page_get_text_attributes`, whose runs of
    /// equal font and colour give offsets, in Unicode scalars, into the text poppler
    /// extracts; offsets past the end of `text` are ignored. The text is taken rather than
    /// read again because extracting it costs about as much as the attributes do
    /// (BENCHMARKS.md, "Hidden text"). A page without text counts nothing; that is not an
    /// error.
    public func hiddenText(in text: String) -> HiddenTextCount {
        PopplerLog.silence()
        guard let runs = poppler_page_get_text_attributes(handle) else { return HiddenTextCount() }
        defer { poppler_page_free_text_attributes(runs) }
        let full = Double(UInt16.max)
        // Made only when a run needs counting: most pages have none.
        var scalars: [Unicode.Scalar]?
        var count = HiddenTextCount()
        var node: UnsafeMutablePointer<GList>? = runs
        while let current = node {
            node = current.pointee.next
            guard let data = current.pointee.data else { continue }
            let run = data.assumingMemoryBound(to: PopplerTextAttributes.self).pointee
            let isWhite = Double(run.color.red) / full >= HiddenTextCount.whiteThreshold
                && Double(run.color.green) / full >= HiddenTextCount.whiteThreshold
                && Double(run.color.blue) / full >= HiddenTextCount.whiteThreshold
            let isTiny = run.font_size < HiddenTextCount.tinyFontSize
            guard isWhite || isTiny else { continue }
            if scalars == nil { scalars = Array(text.unicodeScalars) }
            let all = scalars ?? []
            let start = max(0, Int(run.start_index)), end = min(all.count - 1, Int(run.end_index))
            guard start <= end else { continue }
            let characters = all[start...end].reduce(0) { $0 + ($1.properties.isWhitespace ? 0 : 1) }
            if isWhite { count.white += characters }
            if isTiny { count.tiny += characters }
        }
        return count
    }
}
