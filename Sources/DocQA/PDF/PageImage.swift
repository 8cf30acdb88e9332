/// A page drawn to pixels: 8-bit grayscale, rows top to bottom, 0 black and 255 white.
///
/// Plain Swift bytes, so that the OCR layer can read what the PDF layer drew without
/// either importing the other's C library.
public struct PageImage: Sendable, Equatable {
    /// Width and height in pixels.
    public var width: Int
    public var height: Int
    /// Bytes from the start of one row to the start of the next (at least `width`).
    public var bytesPerRow: Int
    /// The resolution the page was drawn at, in pixels per inch.
    public var dotsPerInch: Int
    /// `height * bytesPerRow` bytes, one per pixel plus any row padding.
    public var pixels: [UInt8]

    /// An image from its bytes; `pixels.count` must be `height * bytesPerRow`.
    public init(width: Int, height: Int, bytesPerRow: Int, dotsPerInch: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && bytesPerRow >= width && pixels.count == height * bytesPerRow,
                     "a \(width)x\(height) image needs \(height) rows of at least \(width) bytes")
        self.width = width
        self.height = height
        self.bytesPerRow = bytesPerRow
        self.dotsPerInch = dotsPerInch
        self.pixels = pixels
    }

    /// The image as a binary PGM file (P5), which the `tesseract` command and image
    /// viewers read; for benchmarks and debugging.
    public var pgm: [UInt8] {
        var bytes = Array("P5\n\(width) \(height)\n255\n".utf8)
        bytes.reserveCapacity(bytes.count + width * height)
        for row in 0..<height {
            bytes += pixels[(row * bytesPerRow)..<(row * bytesPerRow + width)]
        }
        return bytes
    }
}
