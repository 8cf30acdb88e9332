import DocQATestSupport
import Foundation
import Testing

/// Scanned PDFs through the built `docqa`: `index` reads them with OCR and says so page
/// by page, `search --json` finds their facts on the right page marked `"ocr": true`,
/// `status` counts OCR'd pages, and `--ocr never` leaves them unread as before.
@Suite("docqa OCR of scanned pages")
struct OCRCommandTests {
    /// The scanned exhibit and a stamped scan are indexed with OCR; search puts the
    /// exhibit's gauge serial on page 2 and the stamped scan's order numbers on page 1,
    /// both marked as OCR with a confidence (in JSON and in the plain listing); status
    /// --json counts the OCR'd pages, and a page under the confidence floor is listed by
    /// status in text and JSON.
    @Test func scannedFactsAreFoundOnTheirPage() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let exhibit = try folder.copy(Repository.caseFile + "/inspection-report-scan.pdf", to: "docs/inspection-report-scan.pdf")
        let stamped = try folder.copy(Repository.fixture("stamped-scan.pdf"), to: "docs/stamped-scan.pdf")
        let index = folder.file("x.sqlite")
        let run = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder,
                                               timeout: ChildProcess.modelTimeout)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderrLines.contains("ocr        \(exhibit) page 2 of 2"), "\(run)")
        #expect(run.stderrLines.contains { $0.hasPrefix("indexed    \(stamped) (1 page, 1 read by OCR, ") }, "\(run)")
        #expect(run.stdout.contains("\nOCR: 3 pages in "), "\(run)")
        expectNoDocumentText(in: run, also: ["PG-5521", "Gideon"])

        let gauge = try await ChildProcess.docqa(["search", "--no-expand", "pressure gauge serial number PG-5521", "--index", index,
                                                  "--json", "--top-k", "3"], in: folder)
        let top = try #require(try jsonObjects(try jsonObject(gauge.stdout), "results").first, "\(gauge)")
        #expect(top["path"] as? String == exhibit && top["pageStart"] as? Int == 2, "\(gauge)")
        #expect(top["ocr"] as? Bool == true, "\(gauge)")
        #expect((top["ocrConfidence"] as? Int).map { (1...100).contains($0) } == true, "\(gauge)")
        #expect((top["text"] as? String)?.contains("PG-5521") == true, "\(gauge)")

        let plain = try await ChildProcess.docqa(["search", "--no-expand", "pressure gauge serial number PG-5521", "--index", index,
                                                  "--top-k", "1"], in: folder)
        #expect(plain.stdout.hasPrefix("1. \(exhibit):2  (score "), "\(plain)")
        #expect(plain.stdout.contains(", read by OCR, confidence "), "\(plain)")

        let orders = try await ChildProcess.docqa(["search", "--no-expand", "late delivery credit for CMS-4488", "--index", index,
                                                   "--json", "--top-k", "1"], in: folder)
        let hit = try #require(try jsonObjects(try jsonObject(orders.stdout), "results").first, "\(orders)")
        #expect(hit["path"] as? String == stamped && hit["pageStart"] as? Int == 1 && hit["ocr"] as? Bool == true, "\(orders)")

        let status = try await ChildProcess.docqa(["status", "--index", index, "--json"], in: folder)
        let documents = try jsonObjects(try jsonObject(status.stdout), "documents")
        #expect(Dictionary(uniqueKeysWithValues: documents.map { ($0["path"] as? String ?? "", $0["ocrPages"] as? Int ?? -1) })
                == [exhibit: 2, stamped: 1], "\(status)")
        #expect(try jsonObject(status.stdout)["ocrConfidenceFloor"] as? Int == 60)
        #expect(try jsonObjects(try jsonObject(status.stdout), "lowConfidencePages").isEmpty, "\(status)")

        // A page read poorly (its recorded confidence lowered, as a bad scan would leave it)
        // is listed by status, in text and JSON.
        let lowered = try await ChildProcess.run("/usr/bin/python3", ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE ocr_pages SET confidence = 41 WHERE page = 2 AND document_id = "
                       "(SELECT id FROM documents WHERE path = ?)", (sys.argv[2],))
            db.commit()
            """, index, exhibit], in: folder)
        try #require(lowered.status == 0, "\(lowered)")
        let poor = try await ChildProcess.docqa(["status", "--index", index], in: folder)
        #expect(poor.stdout.contains("1 pages read by OCR with low confidence (under 60 of 100)"), "\(poor)")
        #expect(poor.stdout.contains("\n  \(exhibit):2 (confidence 41)\n"), "\(poor)")
        let poorJSON = try await ChildProcess.docqa(["status", "--index", index, "--json"], in: folder)
        let listed = try jsonObjects(try jsonObject(poorJSON.stdout), "lowConfidencePages")
        #expect(listed.count == 1 && listed.first?["path"] as? String == exhibit && listed.first?["page"] as? Int == 2
                && listed.first?["confidence"] as? Int == 41, "\(poorJSON)")
    }

    /// `--ocr never`: the image-only exhibit fails as "no extractable text" with a hint
    /// to use OCR, the stamped scan is indexed with its stamp only and `"ocr": false`.
    @Test func ocrNeverLeavesScansUnread() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let exhibit = try folder.copy(Repository.caseFile + "/inspection-report-scan.pdf", to: "docs/inspection-report-scan.pdf")
        let stamped = try folder.copy(Repository.fixture("stamped-scan.pdf"), to: "docs/stamped-scan.pdf")
        let index = folder.file("x.sqlite")
        let run = try await ChildProcess.docqa(["index", "docs", "--index", index, "--ocr", "never", "--json"], in: folder)
        #expect(run.status == 1, "\(run)")
        #expect(!run.stderr.contains("ocr        "), "\(run)")
        let summary = try jsonObject(run.stdout)
        #expect(summary["ocrPages"] as? Int == 0, "\(run)")
        let files = try jsonObjects(summary, "files")
        let failed = try #require(files.first { $0["path"] as? String == exhibit })
        #expect(failed["code"] as? String == "empty-document", "\(run)")
        #expect((failed["error"] as? String)?.contains("--ocr auto") == true, "\(run)")
        #expect(files.first { $0["path"] as? String == stamped }?["status"] as? String == "indexed", "\(run)")
        let search = try await ChildProcess.docqa(["search", "--no-expand", "CORV-0004125", "--index", index, "--json"], in: folder)
        let hit = try #require(try jsonObjects(try jsonObject(search.stdout), "results").first, "\(search)")
        #expect(hit["ocr"] as? Bool == false && hit["ocrConfidence"] is NSNull, "\(search)")
        #expect(hit["text"] as? String == "CORV-0004125", "\(search)")
    }

    /// The PDF reader process (`docqa extract-worker`, which `index` runs per PDF) reads
    /// scanned pages under the OCR policy in its options: it sends the page count, a line
    /// for each page before reading it with OCR, then the document with each page's
    /// confidence and the pages and seconds OCR took. Under `never` the image-only exhibit
    /// is an empty document with the hint to use OCR.
    @Test func readerProcessReadsScansUnderItsPolicy() async throws {
        let folder = try TestFolder()
        let exhibit = Repository.caseFile + "/inspection-report-scan.pdf"
        let auto = try await ChildProcess.docqa(["extract-worker", "{\"ocr\":\"auto\",\"ocrDotsPerInch\":150}", exhibit],
                                                in: folder)
        #expect(auto.status == 0, "\(auto)")
        let lines = try auto.stdout.split(separator: "\n").map { try jsonObject(String($0)) }
        try #require(lines.count == 4, "\(auto)")
        #expect(lines[0]["pages"] as? Int == 2, "\(auto)")
        #expect(lines[1]["ocrPage"] as? Int == 1 && lines[2]["ocrPage"] as? Int == 2, "\(auto)")
        let document = try #require(lines[3]["document"] as? [String: Any], "\(auto)")
        let pages = try #require(document["pages"] as? [[String: Any]])
        #expect(pages.map { $0["number"] as? Int } == [1, 2])
        #expect(pages.allSatisfy { ($0["ocrConfidence"] as? Int).map { $0 >= 60 } == true }, "\(pages)")
        #expect(pages.contains { ($0["text"] as? String)?.contains("PG-5521") == true })
        #expect(lines[3]["ocrPages"] as? Int == 2 && (lines[3]["ocrSeconds"] as? Double).map { $0 > 0 } == true)

        let never = try await ChildProcess.docqa(["extract-worker", "{\"ocr\":\"never\"}", exhibit], in: folder)
        let last = try jsonObject(String(never.stdout.split(separator: "\n").last ?? ""))
        let error = try #require(last["error"] as? [String: Any], "\(never)")
        #expect(error["code"] as? String == "empty-document" && (error["message"] as? String)?.contains("--ocr auto") == true,
                "\(never)")
        #expect(!never.stdout.contains("ocrPage\""), "\(never)")
    }

    /// Ctrl-C while `index` reads a scan with OCR stops at once: the reader process is
    /// killed (none is left), the scan is neither stored nor recorded as failed, the exit
    /// status is 130, and the next run reads it in full.
    @Test func interruptStopsTheScanBeingRead() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let exhibit = try folder.copy(Repository.caseFile + "/inspection-report-scan.pdf", to: "docs/inspection-report-scan.pdf")
        let index = folder.file("x.sqlite")
        let stopped = try await ChildProcess.docqaInterrupted(["index", "docs", "--index", index, "--ocr", "always"],
                                                              in: folder) {
            ChildProcess.capturedOutput(in: folder).contains("ocr        ")
        }
        #expect(stopped.status == 130, "\(stopped)")
        #expect(!stopped.stderrLines.contains { $0.hasPrefix("indexed    \(exhibit)") || $0.hasPrefix("failed") }, "\(stopped)")
        let workers = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { id in
            id.allSatisfy(\.isNumber) && (FileManager.default.contents(atPath: "/proc/\(id)/cmdline")
                .map { String(decoding: $0, as: UTF8.self) } ?? "").contains(folder.path + "/docs")
        }
        #expect(workers.isEmpty, "reader processes left: \(workers)")

        let resumed = try await ChildProcess.docqa(["index", "docs", "--index", index, "--json"], in: folder,
                                                   timeout: ChildProcess.modelTimeout)
        #expect(resumed.status == 0, "\(resumed)")
        let summary = try jsonObject(resumed.stdout)
        #expect(summary["indexed"] as? Int == 1 && summary["ocrPages"] as? Int == 2, "\(resumed)")
    }

    /// `--ocr` takes only auto, always or never.
    @Test func ocrOptionIsValidated() async throws {
        let folder = try TestFolder()
        let result = try await ChildProcess.docqa(["index", "docs", "--ocr", "sometimes"], in: folder)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("sometimes"), "\(result)")
    }
}
