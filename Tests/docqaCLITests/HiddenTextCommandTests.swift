import DocQATestSupport
import Foundation
import Testing

extension ModelBackedTests {
    /// Text drawn white or tiny in a PDF, flagged by `status` and marked in `search` after a
    /// real `docqa index`, with the built binary and the real embedding model.
    @Suite("docqa hidden text")
    struct HiddenTextCommandTests {
        /// After `docqa index` over the hidden-text fixtures and a plain PDF (which says how
        /// many pages it found), `status --json`
        /// lists exactly the pages with white or tiny text, with their character counts, and
        /// marks every PDF checked; plain `status` prints the warning sentence and one line
        /// per page; `search --json` marks a passage from a flagged page and not one from a
        /// plain page.
        @Test func whiteAndTinyTextIsFlagged() async throws {
            try DefaultModels.require()
            let folder = try TestFolder()
            for name in ["hidden-text.pdf", "hidden-text-pages.pdf", "three-pages.pdf"] {
                try folder.copy(Repository.fixture(name), to: "docs/" + name)
            }
            let index = folder.file("x.sqlite")
            let run = try await ChildProcess.docqa(["index", folder.file("docs"), "--index", index], in: folder,
                                                   timeout: ChildProcess.modelTimeout)
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains("\nHidden text: 3 PDF pages hold text drawn white or tiny, invisible when printed; "
                                        + "`docqa status` lists them.\n"), "\(run)")

            let status = try await ChildProcess.docqa(["status", "--index", index, "--json"], in: folder)
            #expect(status.status == 0 && status.stderr.isEmpty, "\(status)")
            let output = try jsonObject(status.stdout)
            let pages = try jsonObjects(output, "hiddenTextPages").map { page in
                "\(((page["path"] as? String ?? "") as NSString).lastPathComponent):\(page["page"] as? Int ?? 0) "
                    + "\(page["whiteCharacters"] as? Int ?? -1)/\(page["tinyCharacters"] as? Int ?? -1)"
            }
            #expect(pages == ["hidden-text-pages.pdf:2 25/0", "hidden-text-pages.pdf:3 0/27", "hidden-text.pdf:1 27/25"],
                    "\(status)")
            #expect(try jsonObjects(output, "documents").allSatisfy { $0["hiddenTextChecked"] as? Bool == true }, "\(status)")

            let text = try await ChildProcess.docqa(["status", "--index", index], in: folder)
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout.contains("3 PDF pages hold text drawn white or tiny (under 2 points), which is invisible "
                                         + "when printed but is read, searched and can reach answers; check these pages:"),
                    "\(text)")
            #expect(text.stdout.contains("  \(folder.file("docs/hidden-text.pdf")):1 (27 white, 25 tiny characters)\n"),
                    "\(text)")
            #expect(text.stdout.contains("  \(folder.file("docs/hidden-text-pages.pdf")):3 (0 white, 27 tiny characters)\n"),
                    "\(text)")
            #expect(!text.stdout.contains("three-pages.pdf:"), "\(text)")

            // Passages from a flagged page are marked; three-pages.pdf has none.
            let search = try await ChildProcess.docqa(["search", "--no-expand", "pale-marker distinctive word", "--index", index, "--json",
                                                       "--top-k", "10"], in: folder, timeout: ChildProcess.modelTimeout)
            #expect(search.status == 0, "\(search)")
            let hits = try jsonObjects(try jsonObject(search.stdout), "results")
            let pale = try #require(hits.first { ($0["text"] as? String)?.contains("pale-marker") == true }, "\(search)")
            #expect(pale["hiddenText"] as? Bool == true, "\(search)")
            let plain = hits.filter { ($0["path"] as? String)?.hasSuffix("/three-pages.pdf") == true }
            #expect(!plain.isEmpty && plain.allSatisfy { $0["hiddenText"] as? Bool == false }, "\(search)")

            // `ask --json` marks its sources as `search` marks the same passages.
            let ask = try await ChildProcess.docqa(["ask", "What is the pale-marker distinctive word?", "--index", index,
                                                    "--json", "--max-tokens", "16"], in: folder,
                                                   timeout: ChildProcess.modelTimeout)
            #expect(ask.status == 0, "\(ask)")
            let sources = try jsonObjects(try jsonObject(ask.stdout), "sources")
            #expect(sources.contains { $0["hiddenText"] as? Bool == true }, "\(ask)")
            for source in sources {
                guard let hit = hits.first(where: { $0["chunkId"] as? Int == source["chunkId"] as? Int }) else { continue }
                #expect(source["hiddenText"] as? Bool == hit["hiddenText"] as? Bool, "\(ask)")
            }
        }
    }
}
