import CPoppler

/// How many characters of a PDF page's text are drawn so that a reader of the page would
/// not see them: in white or near-white, or in a font too small to read.
///
/// Such text is extracted, searched and quoted like any other, so a document can carry
/// instructions or "facts" meant for the tool and not for the person reading it. The
/// counts are of characters other than white space; a character both white and tiny
/// counts in both.
///
/// White text drawn over something dark is not counted: forms and reports print headings
/// and notes ("CAUTION", "TIP") in white on black or coloured boxes, and a reader sees
/// them. Where a page has white text, it is drawn at 144 dpi (``PDFPage/render(dotsPerInch:)``)
/// and each white character counts only when fewer than half the pixels in its box are
/// darker than gray level 179 of 255.
///
/// What is not counted, because poppler's text attributes do not show it: text drawn
/// invisibly (render mode 3, as every OCR'd scan's text layer is), text hidden behind an
/// image or a shape, and text coloured like a background that is not white. White text
/// under anything dark that fills half of each character's box (other heavy text, dense
/// hatching) counts as seen, though a reader would not make it out.
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
    /// A white character counts as seen when at least this share of the drawn pixels in
    /// its box are darker than ``darkGray``: the background it is printed on. Half, so
    /// that thin lines or sparse marks drawn over white text do not pass for a background
    /// (the IRS's white-on-dark boxes are at least 58% dark).
    public static let darkShare = 0.5
    /// Pixels below this gray level (0 black to 255 white) are dark enough for white text
    /// on them to be read. Light gray boxes stay above it, so white text on them still
    /// counts as hidden.
    public static let darkGray: UInt8 = 179
    /// The resolution pages with white text are drawn at to see what lies under it: two
    /// pixels per point, so a hairline covers a small part of a character's box.
    static let backgroundDotsPerInch = 144

    public init(white: Int = 0, tiny: Int = 0) {
        self.white = white
        self.tiny = tiny
    }

    /// Whether no character was counted.
    public var isEmpty: Bool { white == 0 && tiny == 0 }
}

extension PDFPage {
    /// Counts the characters of `text`, this page's ``text`` as the caller already read
    /// it, that are drawn white or near-white on a light background, or in a font under 2
    /// points (see ``HiddenTextCount``).
    ///
    /// The corresponding C function is `poppler_page_get_text_attributes`, whose runs of
    /// equal font and colour give offsets, in Unicode scalars, into the text poppler
    /// extracts; offsets past the end of `text` are ignored. The text is taken rather than
    /// read again because extracting it costs about as much as the attributes do
    /// (BENCHMARKS.md, "Hidden text"). A page without text counts nothing; that is not an
    /// error. When the page cannot be drawn, or its characters' boxes do not match the
    /// text, every white character counts.
    ///
    /// - Parameter boxes: ``characterBoxes(for:)`` of `text`, when the caller has already
    ///   asked for them; otherwise they are read here, and only for a page with white text.
    public func hiddenText(in text: String, boxes: [PDFTextBox]? = nil) -> HiddenTextCount {
        PopplerLog.silence()
        guard let runs = poppler_page_get_text_attributes(handle) else { return HiddenTextCount() }
        defer { poppler_page_free_text_attributes(runs) }
        let full = Double(UInt16.max)
        // Made only when a run needs counting: most pages have none.
        var scalars: [Unicode.Scalar]?
        var count = HiddenTextCount()
        var white: [Int] = []
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
            let characters = (start...end).filter { !all[$0].properties.isWhitespace }
            if isWhite { white += characters }
            if isTiny { count.tiny += characters.count }
        }
        count.white = unseen(white, in: text, boxes: boxes)
        return count
    }

    /// How many of the white characters at `offsets` (Unicode scalars of `text`) are
    /// drawn on a light background; all of them when the page cannot be drawn or its
    /// boxes do not match `text`.
    private func unseen(_ offsets: [Int], in text: String, boxes known: [PDFTextBox]?) -> Int {
        guard !offsets.isEmpty else { return 0 }
        guard let boxes = known ?? characterBoxes(for: text),
              let image = try? render(dotsPerInch: HiddenTextCount.backgroundDotsPerInch) else { return offsets.count }
        let scale = Double(image.dotsPerInch) / 72
        /// A box edge in pixels, clamped to `0...limit` before it becomes an integer: a
        /// hostile page can give a character a box billions of points wide.
        func pixel(_ points: Double, _ rule: FloatingPointRoundingRule, limit: Int) -> Int? {
            let value = points * scale
            guard value.isFinite else { return nil }
            return Int(min(max(value, 0), Double(limit)).rounded(rule))
        }
        return offsets.filter { offset in
            guard offset < boxes.count else { return true }
            let box = boxes[offset]
            guard let left = pixel(box.left, .down, limit: image.width), let right = pixel(box.right, .up, limit: image.width),
                  let top = pixel(box.top, .down, limit: image.height), let bottom = pixel(box.bottom, .up, limit: image.height),
                  left < right, top < bottom else { return true }
            var dark = 0
            for row in top..<bottom {
                let base = row * image.bytesPerRow
                for column in left..<right where image.pixels[base + column] < HiddenTextCount.darkGray { dark += 1 }
            }
            return Double(dark) < HiddenTextCount.darkShare * Double((right - left) * (bottom - top))
        }.count
    }
}
