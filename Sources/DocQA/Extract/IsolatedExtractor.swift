import Foundation

/// The limits extraction works within, as one value: a child process receives all of it
/// at once (as JSON), and options added later travel the same way.
public struct ExtractionOptions: Sendable, Equatable, Codable {
    /// Seconds a PDF may take per page in a child process (opening it counts as one page):
    /// the whole file must be read within `pageTimeLimit × (pages + 1)`. The slowest page
    /// of the measured PDFs took well under a second (BENCHMARKS.md, "PDF time bound").
    public var pageTimeLimit = 10.0
    /// Text beyond this on one page (of a PDF; a text file's single page is bounded by the
    /// per-file cap) makes the file fail: no real page holds a megabyte of text, but a
    /// crafted one can hold far more.
    public var maximumPageTextBytes = 1024 * 1024
    /// Which PDF pages the reader process reads with OCR (see ``OCRPolicy``).
    public var ocr = OCRPolicy.auto
    /// The resolution scanned pages are drawn at for OCR.
    public var ocrDotsPerInch = ScannedPageReader.defaultDotsPerInch

    public init(pageTimeLimit: Double = 10, maximumPageTextBytes: Int = 1024 * 1024, ocr: OCRPolicy = .auto,
                ocrDotsPerInch: Int = ScannedPageReader.defaultDotsPerInch) {
        self.pageTimeLimit = pageTimeLimit
        self.maximumPageTextBytes = maximumPageTextBytes
        self.ocr = ocr
        self.ocrDotsPerInch = ocrDotsPerInch
    }

    private enum CodingKeys: String, CodingKey {
        case pageTimeLimit, maximumPageTextBytes, ocr, ocrDotsPerInch
    }

    /// Reads the options a parent sent; a member left out keeps its default, so a caller
    /// (or a test) names only the limits it sets.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ExtractionOptions()
        pageTimeLimit = try container.decodeIfPresent(Double.self, forKey: .pageTimeLimit) ?? defaults.pageTimeLimit
        maximumPageTextBytes = try container.decodeIfPresent(Int.self, forKey: .maximumPageTextBytes)
            ?? defaults.maximumPageTextBytes
        ocr = try container.decodeIfPresent(OCRPolicy.self, forKey: .ocr) ?? defaults.ocr
        ocrDotsPerInch = try container.decodeIfPresent(Int.self, forKey: .ocrDotsPerInch) ?? defaults.ocrDotsPerInch
    }

    /// Seconds added to a file's budget for each page read with OCR. Drawing and reading
    /// a scanned page takes about 1 s of CPU (BENCHMARKS.md, "OCR"), several seconds of
    /// wall-clock time on a loaded machine, on top of its text layer's share; so a scanned
    /// page gets the per-page limit once more, and a scan of many pages is never stopped
    /// for being read with OCR.
    public var ocrPageAllowance: Double { pageTimeLimit }

    /// Throws `.fileTooLarge`, naming the page, when a page of `document` (a paged
    /// format's; a text file's one page is bounded by the per-file cap) holds more than
    /// `maximumPageTextBytes` of text.
    public func checkPageText(of document: ExtractedDocument, path: String) throws(DocQAError) {
        guard let page = document.pages.first(where: { $0.number != nil && $0.text.utf8.count > maximumPageTextBytes })
        else { return }
        throw DocQAError(.fileTooLarge,
            "page \(page.number ?? 1) of this file holds \(Indexer.megabytes(Int64(page.text.utf8.count))) of text, more "
            + "than the \(Indexer.megabytes(Int64(maximumPageTextBytes))) docqa reads from one page; "
            + "it is likely damaged or crafted. Re-save it, or split the page's text into several.", path: path)
    }
}

/// Reads PDFs in a child process that is killed when it takes too long.
///
/// poppler's calls cannot be interrupted, so a page built to stall it (or to crash it)
/// would hang or end the whole run in process. The child (`executable` with `arguments`,
/// a program that calls `serve(_:)`) opens the PDF, reports its page count, extracts it
/// with ``DocumentExtractor`` and writes the document back as JSON. The parent waits at
/// most `pageTimeLimit` for the page count and `pageTimeLimit × (pages + 1)` in all,
/// plus ``ExtractionOptions/ocrPageAllowance`` for each page it reads with OCR, then kills
/// it. Other formats are read in process: their readers are plain Swift.
///
/// Scanned pages are read with OCR in the child under the options' policy; it announces
/// each such page before reading it, and the parent passes that on to the caller's
/// ``ScannedPageReader`` (its `willRead` and `shouldStop`, and its page and time counts).
/// Each child loads Tesseract afresh, on its first scanned page (about 0.25 s of CPU
/// per PDF that has scanned pages; PDFs without them never load it).
public struct IsolatedExtractor: Sendable {
    /// The program to run as the child, e.g. the running `docqa` (`/proc/self/exe`).
    public var executable: String
    /// Arguments before the options and the path, e.g. the hidden worker command's name.
    public var arguments: [String]
    public var options: ExtractionOptions

    public init(executable: String, arguments: [String], options: ExtractionOptions) {
        self.executable = executable
        self.arguments = arguments
        self.options = options
    }

    /// What the child writes: its page count first, a line for each page it is about to
    /// read with OCR, then the document or the error (with the pages read with OCR and
    /// the seconds that took).
    private struct Report: Codable {
        var pages: Int?
        var ocrPage: Int?
        var document: ExtractedDocument?
        var error: ReportedError?
        var ocrPages: Int?
        var ocrSeconds: Double?
    }

    private struct ReportedError: Codable {
        var code: String
        var message: String
        var path: String?
    }

    /// Extracts the file at `path`: PDFs in a child process, other files in process.
    ///
    /// `scans` hears about the pages the child reads with OCR (its `willRead` before each,
    /// its `shouldStop` while one is read, and its counts); the child's policy is the
    /// options' ``ExtractionOptions/ocr``, not `scans.policy`.
    ///
    /// - Throws: what ``DocumentExtractor/extract(fileAt:scans:)`` throws; `.extractionTimedOut`
    ///   when the child ran out of time (it is killed); `.damagedPDF` when it ended
    ///   without an answer (poppler crashed on the file); `.unreadableFile` when it could
    ///   not be started; `.ocrInterrupted` when `scans.shouldStop` said to stop while the
    ///   child was reading scanned pages (it is killed, and the file is left for a later run).
    public func extract(fileAt path: String, scans: ScannedPageReader? = nil) throws(DocQAError) -> ExtractedDocument {
        guard DocumentExtractor.pdfExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased()) else {
            return try DocumentExtractor.extract(fileAt: path)
        }
        let optionsJSON = String(decoding: (try? JSONEncoder().encode(options)) ?? Data("{}".utf8), as: UTF8.self)
        let process: ReaderProcess
        do {
            process = try ReaderProcess(executable: executable, arguments: arguments + [optionsJSON, path])
        } catch {
            throw DocQAError(.unreadableFile,
                "docqa could not start its PDF reader process (\(error)); check that \(executable) can run, "
                + "then index again.", path: path)
        }
        defer { process.close() }

        let clock = ContinuousClock()
        let start = clock.now
        var deadline = start + .seconds(options.pageTimeLimit)
        var received = Data()
        var pages: Int?
        var ocrPagesAnnounced = 0
        var lastOCRPage: Int?
        var finished: Report?
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        readLoop: while finished == nil {
            // A scan is long (seconds a page): a stop request leaves it unstored at once,
            // as the in-process reader leaves it before its next page.
            if let scans, let lastOCRPage, scans.shouldStop() {
                process.kill()
                throw ScannedPageReader.interrupted(at: lastOCRPage, path: path)
            }
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else {
                process.kill()
                let seconds = Self.format(start.duration(to: clock.now).inSeconds)
                throw DocQAError(.extractionTimedOut,
                    "reading this PDF took longer than \(seconds) s (\(Self.format(options.pageTimeLimit)) s per page"
                    + (pages.map { " for its \($0) pages" } ?? "")
                    + (ocrPagesAnnounced > 0 ? ", and as much again for each of the \(ocrPagesAnnounced) read with OCR" : "")
                    + "), so it was stopped and skipped; it may be damaged "
                    + "or built to stall readers. Re-save it (or print it to a new PDF), or raise --page-time-limit.",
                    path: path)
            }
            var descriptor = pollfd(fd: process.output, events: Int16(POLLIN), revents: 0)
            // While scanned pages are read, wake often enough to hear a stop request.
            let milliseconds = Int32(min(remaining.inSeconds * 1000 + 1, lastOCRPage == nil ? 60_000 : 250))
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = read(process.output, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }  // The child closed its output.
            received.append(contentsOf: buffer[0..<count])
            // The child checks the page cap before it writes; this bounds what a child that
            // misbehaves can make this process hold (JSON escapes a byte in at most 6).
            if let pages, received.count > 6 * options.maximumPageTextBytes * (pages + 1) + (1 << 20) {
                process.kill()
                throw DocQAError(.fileTooLarge,
                    "this PDF's text is larger than \(pages) pages can hold within docqa's per-page cap, so it was "
                    + "stopped and skipped; it is likely damaged or crafted. Re-save it.", path: path)
            }
            while let newline = received.firstIndex(of: UInt8(ascii: "\n")) {
                let line = received[received.startIndex..<newline]
                received = Data(received[(newline + 1)...])
                guard let report = try? JSONDecoder().decode(Report.self, from: line) else { break readLoop }
                if let count = report.pages, pages == nil {
                    pages = count
                    deadline = start + .seconds(options.pageTimeLimit * Double(count + 1))
                }
                if let page = report.ocrPage {
                    if let scans, scans.shouldStop() {
                        process.kill()
                        throw ScannedPageReader.interrupted(at: page, path: path)
                    }
                    ocrPagesAnnounced += 1
                    lastOCRPage = page
                    deadline = deadline + .seconds(options.ocrPageAllowance)
                    scans?.willRead(path, page, pages ?? page)
                }
                if report.document != nil || report.error != nil {
                    finished = report
                    scans?.account(pages: report.ocrPages ?? 0, seconds: report.ocrSeconds ?? 0)
                }
            }
        }
        let ending = process.wait()
        if let document = finished?.document { return document }
        if let error = finished?.error {
            throw DocQAError(DocQAError.Code(rawValue: error.code), error.message, path: error.path)
        }
        let how = ending.signal.map { "was ended by signal \($0)" } ?? "stopped with status \(ending.status)"
        throw DocQAError(.damagedPDF,
            "the PDF library failed on this file (docqa's reader process \(how) without an answer), so it was skipped; "
            + "open and re-save it (or print it to a new PDF) and index again.", path: path)
    }

    /// The child's side: extracts `arguments` (the options as JSON, then the path) and
    /// writes the page count, then the document or its error, one JSON line each, to
    /// standard output. Never throws: every failure is reported on that line.
    ///
    /// The child ignores SIGINT and SIGTERM (the parent decides when it stops: Ctrl-C
    /// reaches the whole process group), and bounds itself with the same budget as the
    /// parent (SIGALRM ends it), so it cannot outlive a parent that was killed.
    public static func serve(_ arguments: [String]) {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let options = arguments.first.flatMap { try? JSONDecoder().decode(ExtractionOptions.self, from: Data($0.utf8)) }
            ?? ExtractionOptions()
        // The same budget as the parent's: the page count's share, plus an allowance for
        // each page read with OCR, counted from the start.
        let clock = ContinuousClock()
        let start = clock.now
        var budget = options.pageTimeLimit
        func bound() {
            let remaining = min(clock.now.duration(to: start + .seconds(budget)).inSeconds, 86_400)
            alarm(UInt32(max(remaining, 0).rounded(.up)) + 1)
        }
        bound()
        let encoder = JSONEncoder()
        func send(_ report: Report) {
            var line = (try? encoder.encode(report)) ?? Data("{\"error\":{\"code\":\"damaged-pdf\",\"message\":\"?\"}}".utf8)
            line.append(UInt8(ascii: "\n"))
            FileHandle.standardOutput.write(line)
        }
        guard arguments.count == 2 else {
            send(Report(error: ReportedError(code: DocQAError.Code.invalidArgument.rawValue,
                                             message: "the reader process needs the options and one path.")))
            return
        }
        let path = arguments[1]
        let scans = ScannedPageReader(policy: options.ocr, dotsPerInch: options.ocrDotsPerInch)
        scans.willRead = { _, page, _ in
            budget += options.ocrPageAllowance
            bound()
            send(Report(ocrPage: page))
        }
        do throws(DocQAError) {
            let pages = try PDFDocument(path: path).pageCount
            budget = options.pageTimeLimit * Double(pages + 1)
            bound()
            send(Report(pages: pages))
            let document = try DocumentExtractor.extract(fileAt: path, scans: scans)
            try options.checkPageText(of: document, path: path)
            send(Report(document: document, ocrPages: scans.pagesRead, ocrSeconds: scans.seconds))
        } catch {
            send(Report(error: ReportedError(code: error.code.rawValue, message: error.message, path: error.path),
                        ocrPages: scans.pagesRead, ocrSeconds: scans.seconds))
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds >= 10 || seconds == seconds.rounded() ? String(Int(seconds.rounded()))
            : seconds >= 0.1 ? String(format: "%.1f", seconds) : String(format: "%.3g", seconds)
    }
}

/// The reader process, started with `posix_spawn`: its standard output is a pipe this
/// process reads, its standard input and error are /dev/null, and it inherits no other
/// descriptor. Foundation's `Process` is not used because on Linux it sets up a wake-up
/// pair of UDP sockets on 127.0.0.1 to watch its children, and docqa opens no
/// internet-family socket at all (NetworkTests). Owns the child (waited for exactly once)
/// and the pipe's read end.
private final class ReaderProcess {
    let pid: pid_t
    /// The read end of the child's standard output.
    let output: Int32
    private var ending: (status: Int32, signal: Int32?)?

    struct SpawnError: Error, CustomStringConvertible {
        var code: Int32
        var description: String { String(cString: strerror(code)) }
    }

    init(executable: String, arguments: [String]) throws(SpawnError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SpawnError(code: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Descriptors this process opened without close-on-exec (glibc ignores a close
        // action on one closed meanwhile); closefrom_np is not visible to Swift here.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let descriptor = Int32(name), descriptor > 2, fcntl(descriptor, F_GETFD) == 0 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, nil, argv, environ)
        Glibc.close(ends[1])
        guard result == 0 else {
            Glibc.close(ends[0])
            throw SpawnError(code: result)
        }
        pid = child
        output = ends[0]
    }

    /// Kills the child (SIGKILL: it ignores SIGINT and SIGTERM) and waits for it.
    func kill() {
        if ending == nil { _ = Glibc.kill(pid, SIGKILL) }
        _ = wait()
    }

    /// Waits for the child to end: its exit status, or the signal that ended it.
    @discardableResult
    func wait() -> (status: Int32, signal: Int32?) {
        if let ending { return ending }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        let ended = signal == 0 ? (status: (status >> 8) & 0xff, signal: nil) : (status: 128 + signal, signal: Optional(signal))
        ending = ended
        return ended
    }

    /// Closes the pipe and reaps the child if nobody waited for it yet.
    func close() {
        Glibc.close(output)
        if ending == nil { kill() }
    }
}
