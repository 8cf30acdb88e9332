// docqa-ocr-bench: times docqa's OCR of PDF pages, split into drawing (poppler + cairo,
// `PDFPage.render`) and reading (Tesseract, `TextRecognizer.recognize`), at one resolution.
//
// Benchmarks/ocr runs this over test scans at several resolutions, scores the text against
// the pages' original text and times the `tesseract` command on the same images; see its
// header. Uses only DocQA's public API, so it measures what `docqa index` does per page.
//
// Usage: docqa-ocr-bench --dpi 300 [--dump FOLDER] FILE.pdf...
//   --dump  writes each drawn page as FOLDER/<file>-<page>.pgm and its text as .txt
// Prints one tab-separated line per page on stdout:
//   file  page  width  height  renderSeconds  ocrSeconds  confidence  renderCPU  ocrCPU
// (wall-clock seconds, then CPU seconds of this process: on a shared machine the CPU
// time is the steadier measure; with OMP_THREAD_LIMIT=1 Tesseract works on one thread).

import DocQA
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
var dotsPerInch = ScannedPageReader.defaultDotsPerInch
var dump: String?
var files: [String] = []
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--dpi": dotsPerInch = Int(arguments.removeFirst()) ?? dotsPerInch
    case "--dump": dump = arguments.removeFirst()
    default: files.append(argument)
    }
}
guard !files.isEmpty else {
    FileHandle.standardError.write(Data("usage: docqa-ocr-bench --dpi 300 [--dump FOLDER] FILE.pdf...\n".utf8))
    exit(2)
}

/// CPU seconds this process has used, all threads (`CLOCK_PROCESS_CPUTIME_ID`).
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

do {
    let clock = ContinuousClock()
    let start = clock.now
    let recognizer = try TextRecognizer()
    FileHandle.standardError.write(Data("tesseract \(TextRecognizer.version) loaded in \(String(format: "%.3f", seconds(start.duration(to: clock.now)))) s\n".utf8))
    for file in files {
        let pdf = try PDFDocument(path: file)
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        for index in 0..<pdf.pageCount {
            let page = try pdf.page(at: index)
            let renderStart = clock.now, renderCPU = cpuSeconds()
            let image = try page.render(dotsPerInch: dotsPerInch)
            let ocrStart = clock.now, ocrCPU = cpuSeconds()
            let text = try recognizer.recognize(image)
            let end = clock.now, endCPU = cpuSeconds()
            print([name, String(page.number), String(image.width), String(image.height),
                   String(format: "%.3f", seconds(renderStart.duration(to: ocrStart))),
                   String(format: "%.3f", seconds(ocrStart.duration(to: end))),
                   String(text.meanConfidence),
                   String(format: "%.3f", ocrCPU - renderCPU), String(format: "%.3f", endCPU - ocrCPU)].joined(separator: "\t"))
            if let dump {
                let base = (dump as NSString).appendingPathComponent("\(name)-\(page.number)")
                _ = FileManager.default.createFile(atPath: base + ".pgm", contents: Data(image.pgm))
                _ = FileManager.default.createFile(atPath: base + ".txt", contents: Data(text.text.utf8))
            }
        }
    }
} catch {
    FileHandle.standardError.write(Data("docqa-ocr-bench: \(error)\n".utf8))
    exit(1)
}
