import CTesseract
import Foundation
import Synchronization

extension DocQAError.Code {
    /// Tesseract or its English data is missing or cannot start.
    public static let ocrUnavailable = DocQAError.Code(rawValue: "ocr-unavailable")
    /// Tesseract could not read a page image.
    public static let ocrFailed = DocQAError.Code(rawValue: "ocr-failed")
    /// A page could not be drawn to pixels for OCR.
    public static let renderFailed = DocQAError.Code(rawValue: "render-failed")
    /// Reading a scanned file was stopped between two pages because the run was asked to stop.
    public static let ocrInterrupted = DocQAError.Code(rawValue: "ocr-interrupted")
}

/// What Tesseract read on one page image.
public struct RecognizedText: Sendable, Equatable {
    /// The text in reading order, lines separated by `\n`, paragraphs by a blank line.
    public var text: String
    /// Tesseract's mean word confidence for the page, 0 to 100 (0 when it found no words).
    public var meanConfidence: Int
}

/// A Tesseract engine loaded with one language, ready to read page images.
///
/// Owns one `TessBaseAPI` and frees it with `TessBaseAPIEnd` and `TessBaseAPIDelete`.
/// Loading the language model takes a noticeable fraction of a second, so one
/// recognizer is made per extraction run and reused for every page. Not `Sendable`:
/// a Tesseract engine serves one thread at a time.
public final class TextRecognizer {
    /// The `TessBaseAPI *`.
    private let handle: OpaquePointer
    /// The folder holding the `.traineddata` file in use.
    public let dataPath: String
    /// The language code, such as `eng`.
    public let language: String

    /// Loads `language` from `dataPath`, or from the first folder of
    /// ``dataPathCandidates`` that holds its `.traineddata` file.
    ///
    /// The corresponding C functions are `TessBaseAPICreate` and `TessBaseAPIInit3`.
    /// Recognition uses Tesseract's LSTM engine and automatic page segmentation, as the
    /// `tesseract` command does by default.
    ///
    /// - Throws: `DocQAError` with code `.ocrUnavailable` when no data file for the
    ///   language is found, or Tesseract cannot load it.
    public init(language: String = "eng", dataPath: String? = nil) throws(DocQAError) {
        guard let folder = dataPath ?? Self.dataPathCandidates().first(where: {
            FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("\(language).traineddata"))
        }) else {
            throw DocQAError(.ocrUnavailable,
                "Tesseract's data for the language \"\(language)\" was not found (looked in "
                + Self.dataPathCandidates().joined(separator: ", ")
                + "); install it with `apt-get install tesseract-ocr-\(language)` (Scripts/bootstrap does), "
                + "set TESSDATA_PREFIX to the folder holding \(language).traineddata, or index with --ocr never.")
        }
        guard let handle = TessBaseAPICreate() else {
            throw DocQAError(.ocrUnavailable, "Tesseract could not start (out of memory); close other programs and try again.")
        }
        guard TessBaseAPIInit3(handle, folder, language) == 0 else {
            TessBaseAPIDelete(handle)
            throw DocQAError(.ocrUnavailable,
                "Tesseract could not load \(language).traineddata from \(folder); reinstall "
                + "tesseract-ocr-\(language) (or point TESSDATA_PREFIX at a working copy), or index with --ocr never.",
                path: folder)
        }
        TessBaseAPISetPageSegMode(handle, PSM_AUTO)
        // Tesseract prints diagnostics ("Detected 352 diacritics") to stderr through its
        // debug file; they mean nothing to a user and would break up the progress lines.
        _ = TessBaseAPISetVariable(handle, "debug_file", "/dev/null")
        self.handle = handle
        self.dataPath = folder
        self.language = language
    }

    deinit {
        TessBaseAPIEnd(handle)
        TessBaseAPIDelete(handle)
    }

    /// Where Tesseract's language data may be, in the order they are tried:
    /// `TESSDATA_PREFIX` (the folder itself, or its `tessdata` subfolder, as Tesseract
    /// accepts both), then Debian's and the upstream default locations.
    public static func dataPathCandidates(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var candidates: [String] = []
        if let prefix = environment["TESSDATA_PREFIX"], !prefix.isEmpty {
            candidates += [prefix, (prefix as NSString).appendingPathComponent("tessdata")]
        }
        // Debian 12 (tesseract 5) and 11 (tesseract 4) put the data under a versioned folder.
        candidates += ["/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                       "/usr/share/tesseract-ocr/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata"]
        return candidates
    }

    /// The Tesseract library's version, such as "5.3.0". The C function is `TessVersion`.
    public static var version: String { String(cString: TessVersion()) }

    /// Reads the text in `image`.
    ///
    /// The corresponding C functions are `TessBaseAPISetImage` (8-bit gray bytes, no
    /// copy through leptonica), `TessBaseAPISetSourceResolution`, `TessBaseAPIRecognize`,
    /// `TessBaseAPIGetUTF8Text` and `TessBaseAPIMeanTextConf`. A blank image gives empty
    /// text with confidence 0; that is not an error. Bytes that are not valid UTF-8
    /// become U+FFFD.
    ///
    /// - Throws: `DocQAError` with code `.ocrFailed` when Tesseract gives up on the image.
    public func recognize(_ image: PageImage) throws(DocQAError) -> RecognizedText {
        defer { TessBaseAPIClear(handle) }
        SerialOpenMP.begin()
        defer { SerialOpenMP.end() }
        image.pixels.withUnsafeBufferPointer { pixels in
            // Tesseract copies the bytes into its own image during SetImage.
            TessBaseAPISetImage(handle, pixels.baseAddress, Int32(image.width), Int32(image.height),
                                1, Int32(image.bytesPerRow))
        }
        TessBaseAPISetSourceResolution(handle, Int32(image.dotsPerInch))
        guard TessBaseAPIRecognize(handle, nil) == 0 else {
            throw DocQAError(.ocrFailed,
                "Tesseract could not read a \(image.width)x\(image.height) page image; index with --ocr never to skip OCR.")
        }
        var text = ""
        if let raw = TessBaseAPIGetUTF8Text(handle) {
            text = String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self)
            TessDeleteText(raw)
        }
        let confidence = text.contains(where: { !$0.isWhitespace }) ? Int(TessBaseAPIMeanTextConf(handle)) : 0
        return RecognizedText(text: text, meanConfidence: max(0, min(100, confidence)))
    }
}

/// Keeps OpenMP parallel loops to one thread while any Tesseract engine is reading.
///
/// Tesseract's LSTM loops ask for four threads; on this project's measurements (a shared
/// 2-core machine, BENCHMARKS.md "OCR") that cost 3.5 times the CPU time of running them
/// serially and made a page 1.7 times slower. `OMP_THREAD_LIMIT=1` would do the same but
/// is read only at process start and would hold back llama.cpp's threads too, so instead
/// the process-wide max-active-levels is 0 from the first reader's start to the last
/// reader's end and restored after (indexing never embeds while it reads a page).
enum SerialOpenMP {
    private static let state = Mutex<(readers: Int, saved: Int32)>((0, 0))

    static func begin() {
        state.withLock { state in
            if state.readers == 0 {
                state.saved = omp_get_max_active_levels()
                omp_set_max_active_levels(0)
            }
            state.readers += 1
        }
    }

    static func end() {
        state.withLock { state in
            state.readers -= 1
            if state.readers == 0 { omp_set_max_active_levels(state.saved) }
        }
    }
}

@available(*, unavailable, message: "A Tesseract engine serves one owner at a time.")
extension TextRecognizer: Sendable {}
