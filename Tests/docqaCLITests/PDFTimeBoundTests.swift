import DocQATestSupport
import Foundation
import Testing

/// `docqa index` reads PDFs in a child process that it stops when a file runs out of
/// time, so one pathological PDF cannot hang the run.
@Suite("docqa PDF time bound")
struct PDFTimeBoundTests {
    /// The process ids of running `docqa extract-worker` processes reading files under `folder`.
    private static func workers(under folder: String) -> [String] {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return ids.filter { $0.allSatisfy(\.isNumber) }.filter { id in
            let command = FileManager.default.contents(atPath: "/proc/\(id)/cmdline").map { String(decoding: $0, as: UTF8.self) } ?? ""
            return command.contains("extract-worker") && command.contains(folder)
        }
    }

    /// With a time limit no PDF can meet, each PDF is stopped, reported as failed with
    /// `extraction-timed-out` and a sentence naming the limit, and the text file is
    /// indexed; no reader process is left. With the default limit the next run indexes the
    /// PDFs with the same pages and chunks as reading them in process.
    @Test func slowPDFIsStoppedAndTheRestIndexed() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let pdf = try folder.copy(Repository.caseFile + "/supply-agreement.pdf", to: "docs/supply-agreement.pdf")
        let three = try folder.copy(Repository.fixture("three-pages.pdf"), to: "docs/-three pages.pdf")
        let note = try folder.write("docs/note.txt", "The Quillfeather warehouse opens at nine in the morning.")
        let index = folder.file("x.sqlite")

        let stopped = try await ChildProcess.docqa(["index", "docs", "--index", index, "--json", "--page-time-limit", "0.001"],
                                                   in: folder)
        #expect(stopped.status == 1, "\(stopped)")
        let files = try jsonObjects(try jsonObject(stopped.stdout), "files")
        for path in [pdf, three] {
            let entry = try #require(files.first { $0["path"] as? String == path }, "\(stopped)")
            #expect(entry["status"] as? String == "failed" && entry["code"] as? String == "extraction-timed-out", "\(entry)")
            #expect((entry["error"] as? String)?.hasPrefix("reading this PDF took longer than ") == true, "\(entry)")
            #expect((entry["error"] as? String)?.hasSuffix("so it was stopped and skipped; it may be damaged or built to "
                + "stall readers. Re-save it (or print it to a new PDF), or raise --page-time-limit.") == true, "\(entry)")
        }
        #expect(files.first { $0["path"] as? String == note }?["status"] as? String == "indexed", "\(stopped)")
        #expect(Self.workers(under: folder.path).isEmpty, "reader processes left: \(Self.workers(under: folder.path))")

        let again = try await ChildProcess.docqa(["index", "docs", "--index", index, "--json"], in: folder)
        #expect(again.status == 0, "\(again)")
        #expect(try jsonObject(again.stdout)["indexed"] as? Int == 2, "\(again)")
        let inProcess = folder.file("in-process.sqlite")
        let reference = try await ChildProcess.docqa(["index", "docs", "--index", inProcess, "--read-pdfs-in-process"], in: folder)
        #expect(reference.status == 0, "\(reference)")
        func documents(_ index: String) async throws -> [String] {
            let status = try await ChildProcess.docqa(["status", "--index", index, "--json"], in: folder)
            return try jsonObjects(try jsonObject(status.stdout), "documents").map {
                "\($0["path"] ?? "") \($0["pages"] ?? "-") \($0["chunks"] ?? "-") \($0["title"] ?? "-")"
            }
        }
        #expect(try await documents(index) == documents(inProcess))
    }

    /// The reader process on its own: one JSON line with the page count, then one with the
    /// document; with a per-page text cap the page breaks, the second line is the error
    /// naming the page (checked in the child, before the text is sent).
    @Test func readerProcessReportsPagesThenTheDocumentOrItsError() async throws {
        let folder = try TestFolder()
        let pdf = Repository.fixture("three-pages.pdf")
        let good = try await ChildProcess.docqa(["extract-worker", "{\"pageTimeLimit\":10,\"maximumPageTextBytes\":1048576}", pdf],
                                                in: folder)
        #expect(good.status == 0, "\(good)")
        let lines = good.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(good)")
        #expect(try jsonObject(lines[0])["pages"] as? Int == 3)
        let document = try #require(try jsonObject(lines[1])["document"] as? [String: Any], "\(good)")
        #expect((document["pages"] as? [[String: Any]])?.map { $0["number"] as? Int } == [1, 2, 3])

        let capped = try await ChildProcess.docqa(["extract-worker", "{\"pageTimeLimit\":10,\"maximumPageTextBytes\":10}", pdf],
                                                  in: folder)
        let error = try #require(try jsonObject(String(capped.stdout.split(separator: "\n").last ?? ""))["error"] as? [String: Any],
                                 "\(capped)")
        #expect(error["code"] as? String == "file-too-large", "\(capped)")
        #expect((error["message"] as? String)?.hasPrefix("page 1 of this file holds ") == true, "\(capped)")
        #expect(error["path"] as? String == pdf)
    }
}
