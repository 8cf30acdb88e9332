import DocQATestSupport
import Foundation
import Testing

/// What `search`, `ask` and `remove` say about documents whose file has moved on.
@Suite("docqa stale sources and remove --json")
struct StaleSourceTests {
    /// A file indexed, then changed into one that cannot be indexed: its earlier version
    /// is still found, and `search` (text and JSON) and `ask` (text and JSON, the fast
    /// chat model) mark it stale wherever they show it; a current document is not marked.
    @Test func staleSourcesAreFlagged() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let note = try folder.write("docs/note.txt", "The Quillfeather warehouse opens at nine in the morning.")
        let other = try folder.write("docs/other.txt", "The Quillfeather warehouse closes at six in the evening.")
        let index = folder.file("x.sqlite")
        let built = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(built.status == 0, "\(built)")
        try Data([0x43, 0x61, 0x66, 0xE9]).write(to: URL(fileURLWithPath: note))  // Latin-1, not UTF-8
        let failed = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(failed.status == 1, "\(failed)")

        let note1 = "stale: the file has changed and could not be indexed again; this is its earlier version"
        let search = try await ChildProcess.docqa(["search", "Quillfeather warehouse opens", "--index", index], in: folder)
        #expect(search.status == 0, "\(search)")
        let lines = search.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains(note) && $0.hasSuffix("(\(note1))") }, "\(search)")
        #expect(lines.contains { $0.contains(other) && !$0.contains("stale") }, "\(search)")
        let json = try await ChildProcess.docqa(["search", "Quillfeather warehouse opens", "--index", index, "--json"], in: folder)
        let results = try jsonObjects(try jsonObject(json.stdout), "results")
        #expect(results.first { $0["path"] as? String == note }?["stale"] as? Bool == true, "\(json)")
        #expect(results.first { $0["path"] as? String == other }?["stale"] as? Bool == false, "\(json)")

        let question = "When does the Quillfeather warehouse open in the morning?"
        let ask = try await ChildProcess.docqa(["ask", question, "--index", index, "--model", "smollm2-135m"],
                                               in: folder, timeout: ChildProcess.modelTimeout)
        #expect(ask.status == 0, "\(ask)")
        #expect(ask.stdout.split(separator: "\n").contains { $0.contains(note) && $0.contains(note1) }, "\(ask)")
        let askJSON = try await ChildProcess.docqa(["ask", question, "--index", index, "--model", "smollm2-135m", "--json"],
                                                   in: folder, timeout: ChildProcess.modelTimeout)
        let sources = try jsonObjects(try jsonObject(askJSON.stdout), "sources")
        #expect(sources.contains { $0["path"] as? String == note && $0["stale"] as? Bool == true }, "\(askJSON)")
        #expect(sources.allSatisfy { $0["path"] as? String == note || $0["stale"] as? Bool == false }, "\(askJSON)")
        for citation in try jsonObjects(try jsonObject(askJSON.stdout), "citations") {
            #expect((citation["stale"] as? Bool) == (citation["path"] as? String == note), "\(citation)")
        }
    }

    /// `remove --json` lists what it removed and the paths with nothing indexed, and exits
    /// 1 for the latter; stderr stays empty.
    @Test func removeReportsInJSON() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let note = try folder.write("docs/note.txt", "The Quillfeather warehouse opens at nine in the morning.")
        try folder.write("docs/other.txt", "The Quillfeather warehouse closes at six in the evening.")
        let index = folder.file("x.sqlite")
        let built = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(built.status == 0, "\(built)")
        let nothing = folder.file("elsewhere")
        let removed = try await ChildProcess.docqa(["remove", note, nothing, "--index", index, "--json"], in: folder)
        #expect(removed.status == 1, "\(removed)")
        #expect(removed.stderr.isEmpty, "\(removed)")
        let summary = try jsonObject(removed.stdout)
        #expect(summary["index"] as? String == index)
        #expect(summary["removed"] as? [String] == [note])
        #expect(summary["notIndexed"] as? [String] == [nothing])
    }
}
