import DocQATestSupport
import Foundation
import Testing

/// A message (`.eml`) with a short text body and the given attachments (name, bytes), all
/// `application/pdf`, base64-encoded.
private func message(attaching attachments: [(name: String, data: Data)]) -> String {
    var text = """
        From: s.verhoeven@corvane-marine.example\r
        To: evarga@pryordanvers.example\r
        Date: Tue, 21 May 2024 07:52:00 +0200\r
        Subject: Inspection report for Lot 24-0117\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="XYZ"\r
        \r
        --XYZ\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        The faxed inspection report is attached.\r

        """
    for (name, data) in attachments {
        text += "--XYZ\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"\(name)\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n\(data.base64EncodedString(options: .lineLength76Characters))\r\n"
    }
    return text + "--XYZ--\r\n"
}

/// PDFs attached to e-mails are read by `docqa index` like PDFs on disk: in the reader
/// process, with OCR for scanned pages and the per-page time limit.
@Suite("docqa e-mail attachments in the reader process")
struct AttachmentReaderTests {
    /// Runs the built docqa with TMPDIR set to `temporary`, where attachments are unpacked.
    private static func docqa(_ arguments: [String], temporary: String, in folder: TestFolder) async throws -> CommandResult {
        try await ChildProcess.run("/usr/bin/env", ["TMPDIR=\(temporary)", try DocQABinary.path()] + arguments,
                                   in: folder, timeout: ChildProcess.modelTimeout)
    }

    /// Everything left under `folder`, as paths relative to it.
    private static func files(under folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? []
    }

    /// The process ids of running `docqa extract-worker` processes reading files under `folder`.
    private static func workers(under folder: String) -> [String] {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return ids.filter { $0.allSatisfy(\.isNumber) }.filter { id in
            let command = FileManager.default.contents(atPath: "/proc/\(id)/cmdline").map { String(decoding: $0, as: UTF8.self) } ?? ""
            return command.contains("extract-worker") && command.contains(folder)
        }
    }

    /// The image-only exhibit attached to a message is read with OCR in the reader process:
    /// each page is announced under the attachment's indexed path (never the temporary
    /// file's), the attachment's line counts its OCR'd pages, search finds the gauge serial
    /// on page 2 of `exhibit.eml › inspection-report-scan.pdf` marked as OCR, status counts
    /// two OCR'd pages for it, and nothing is left in the temporary folder.
    @Test func scannedAttachmentIsReadWithOCR() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let scan = try Data(contentsOf: URL(fileURLWithPath: Repository.caseFile + "/inspection-report-scan.pdf"))
        let mail = try folder.write("docs/exhibit.eml", message(attaching: [("inspection-report-scan.pdf", scan)]))
        let attachment = mail + " › inspection-report-scan.pdf"
        let temporary = folder.file("tmp")
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let index = folder.file("x.sqlite")

        let run = try await Self.docqa(["index", "docs", "--index", index], temporary: temporary, in: folder)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderrLines.contains("ocr        \(attachment) page 1 of 2"), "\(run)")
        #expect(run.stderrLines.contains("ocr        \(attachment) page 2 of 2"), "\(run)")
        #expect(run.stderrLines.contains { $0.hasPrefix("indexed    \(attachment) (2 pages, 2 read by OCR, ") }, "\(run)")
        #expect(!run.stderr.contains(temporary) && !run.stderr.contains("docqa-attachment"), "\(run)")
        #expect(run.stdout.contains("\nOCR: 2 pages in "), "\(run)")
        #expect(Self.files(under: temporary).isEmpty, "left in TMPDIR: \(Self.files(under: temporary))")

        let gauge = try await ChildProcess.docqa(["search", "--no-expand", "pressure gauge serial number PG-5521", "--index", index,
                                                  "--json", "--top-k", "3"], in: folder)
        let top = try #require(try jsonObjects(try jsonObject(gauge.stdout), "results").first, "\(gauge)")
        #expect(top["path"] as? String == attachment && top["pageStart"] as? Int == 2, "\(gauge)")
        #expect(top["ocr"] as? Bool == true && (top["text"] as? String)?.contains("PG-5521") == true, "\(gauge)")

        let status = try await ChildProcess.docqa(["status", "--index", index, "--json"], in: folder)
        let documents = try jsonObjects(try jsonObject(status.stdout), "documents")
        #expect(documents.first { $0["path"] as? String == attachment }?["ocrPages"] as? Int == 2, "\(status)")
        #expect(documents.first { $0["path"] as? String == mail }?["ocrPages"] as? Int == 0, "\(status)")
    }

    /// With a time limit no PDF can meet, the attached PDF's reader process is stopped and
    /// the attachment fails with `extraction-timed-out` under its indexed path, while its
    /// message and the text file beside it are indexed; no reader process or temporary
    /// file is left. The next run, with the default limit, leaves the unchanged message
    /// alone but tries the failed attachment again and indexes it.
    @Test func slowAttachmentIsStoppedAndTheRestIndexed() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let pdf = try Data(contentsOf: URL(fileURLWithPath: Repository.fixture("three-pages.pdf")))
        let mail = try folder.write("docs/exhibit.eml", message(attaching: [("three-pages.pdf", pdf)]))
        let attachment = mail + " › three-pages.pdf"
        let note = try folder.write("docs/note.txt", "The Quillfeather warehouse opens at nine in the morning.")
        let temporary = folder.file("tmp")
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let index = folder.file("x.sqlite")

        let stopped = try await Self.docqa(["index", "docs", "--index", index, "--json", "--page-time-limit", "0.001"],
                                           temporary: temporary, in: folder)
        #expect(stopped.status == 1, "\(stopped)")
        var files = try jsonObjects(try jsonObject(stopped.stdout), "files")
        let entry = try #require(files.first { $0["path"] as? String == attachment }, "\(stopped)")
        #expect(entry["status"] as? String == "failed" && entry["code"] as? String == "extraction-timed-out", "\(entry)")
        #expect((entry["error"] as? String)?.hasPrefix("reading this PDF took longer than ") == true, "\(entry)")
        #expect(files.first { $0["path"] as? String == mail }?["status"] as? String == "indexed", "\(stopped)")
        #expect(files.first { $0["path"] as? String == note }?["status"] as? String == "indexed", "\(stopped)")
        #expect(Self.workers(under: temporary).isEmpty, "reader processes left: \(Self.workers(under: temporary))")
        #expect(Self.files(under: temporary).isEmpty, "left in TMPDIR: \(Self.files(under: temporary))")

        let again = try await Self.docqa(["index", "docs", "--index", index, "--json"], temporary: temporary, in: folder)
        #expect(again.status == 0, "\(again)")
        files = try jsonObjects(try jsonObject(again.stdout), "files")
        #expect(files.first { $0["path"] as? String == attachment }?["status"] as? String == "indexed", "\(again)")
        #expect(files.first { $0["path"] as? String == mail }?["status"] as? String == "unchanged", "\(again)")
        let hit = try await ChildProcess.docqa(["search", "--no-expand", "bravo-marker", "--index", index, "--json", "--top-k", "1"], in: folder)
        #expect(try jsonObjects(try jsonObject(hit.stdout), "results").first?["path"] as? String == attachment, "\(hit)")
        let status = try await ChildProcess.docqa(["status", "--index", index, "--json"], in: folder)
        #expect(try jsonObjects(try jsonObject(status.stdout), "notIndexed").isEmpty, "\(status)")
    }
}
