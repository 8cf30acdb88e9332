import CPoppler
import Foundation

extension PDFPage {
    /// The page's size in points (1/72 inch), as a viewer shows it (rotation applied).
    ///
    /// The corresponding C function is `poppler_page_get_size`.
    public var sizeInPoints: (width: Double, height: Double) {
        var width = 0.0, height = 0.0
        poppler_page_get_size(handle, &width, &height)
        return (width, height)
    }

    /// The share of the page's area covered by drawn images, from 0 to 1 (overlapping
    /// images are counted once each, then capped at 1).
    ///
    /// A scanned page is one large image; a born-digital page has none or a few small
    /// ones. The corresponding C function is `poppler_page_get_image_mapping`, which
    /// walks the page's drawing commands without decoding the images.
    public var imageCoverage: Double {
        let size = sizeInPoints
        let pageArea = size.width * size.height
        guard pageArea > 0 else { return 0 }
        guard let mapping = poppler_page_get_image_mapping(handle) else { return 0 }
        defer { poppler_page_free_image_mapping(mapping) }
        var covered = 0.0
        var node: UnsafeMutablePointer<GList>? = mapping
        while let current = node {
            if let data = current.pointee.data {
                let area = data.assumingMemoryBound(to: PopplerImageMapping.self).pointee.area
                covered += abs(area.x2 - area.x1) * abs(area.y2 - area.y1)
            }
            node = current.pointee.next
        }
        return min(1, covered / pageArea)
    }

    /// Most pixels a rendered page may have (about 2.5 times a letter page at 300 dpi);
    /// a larger page is drawn at a lower resolution so that a poster-sized page cannot
    /// exhaust memory.
    public static let maximumRenderedPixels = 24_000_000

    /// Draws the page in grayscale on white at `dotsPerInch`, or at a lower resolution
    /// when the page is so large that it would exceed ``maximumRenderedPixels``
    /// (the image's `dotsPerInch` says which).
    ///
    /// The corresponding C function is `poppler_page_render`, onto a cairo image surface
    /// whose colours are then reduced to one gray byte per pixel.
    ///
    /// - Precondition: `dotsPerInch` is positive.
    /// - Throws: `DocQAError` with code `.damagedPDF` when the page has no area, and
    ///   `.renderFailed` when cairo cannot make the surface (out of memory).
    public func render(dotsPerInch requested: Int) throws(DocQAError) -> PageImage {
        precondition(requested > 0, "a page is rendered at a positive resolution")
        let size = sizeInPoints
        let name = "Page \(number) of \((document.path as NSString).lastPathComponent)"
        guard size.width >= 1, size.height >= 1, size.width.isFinite, size.height.isFinite else {
            throw DocQAError(.damagedPDF,
                "\(name) has no drawable area, so it cannot be read by OCR; open and re-save the PDF "
                + "and index again.", path: document.path)
        }
        var dotsPerInch = requested
        func pixels(_ points: Double, _ dpi: Int) -> Int { max(1, Int((points * Double(dpi) / 72).rounded(.up))) }
        while dotsPerInch > 36, pixels(size.width, dotsPerInch) * pixels(size.height, dotsPerInch) > Self.maximumRenderedPixels {
            dotsPerInch = dotsPerInch * 3 / 4
        }
        let width = pixels(size.width, dotsPerInch), height = pixels(size.height, dotsPerInch)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw DocQAError(.renderFailed,
                "\(name) could not be drawn for OCR (\(width)x\(height) pixels; out of memory?); "
                + "close other programs or index with --ocr never.", path: document.path)
        }
        defer { cairo_surface_destroy(surface) }
        let context = cairo_create(surface)
        defer { cairo_destroy(context) }
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_scale(context, Double(dotsPerInch) / 72, Double(dotsPerInch) / 72)
        PopplerLog.silence()
        poppler_page_render(handle, context)
        cairo_surface_flush(surface)

        // CAIRO_FORMAT_RGB24: one native-endian UInt32 per pixel, 0x00RRGGBB.
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else {
            throw DocQAError(.renderFailed,
                "\(name) could not be drawn for OCR; index with --ocr never to skip OCR.", path: document.path)
        }
        var gray = [UInt8](repeating: 255, count: width * height)
        gray.withUnsafeMutableBufferPointer { output in
            for row in 0..<height {
                let source = UnsafeRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
                let base = row * width
                for column in 0..<width {
                    let pixel = source[column]
                    let red = (pixel >> 16) & 0xFF, green = (pixel >> 8) & 0xFF, blue = pixel & 0xFF
                    // ITU-R BT.601 luma weights in 1/256ths.
                    output[base + column] = UInt8((red * 77 + green * 150 + blue * 29) >> 8)
                }
            }
        }
        return PageImage(width: width, height: height, bytesPerRow: width, dotsPerInch: dotsPerInch, pixels: gray)
    }
}
