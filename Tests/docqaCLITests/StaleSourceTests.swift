import DocQATestSupport
import Foundation
import Testing

/// What `search`, `ask` and `remove` say about documents whose file has moved on.
@Suite("docqa stale sources and remove --json")
struct StaleSourceTests {
    /// What docqa says of a stale source.
    static let staleNote = "stale: the file has changed and could not be indexed again; this is its earlier version"

    /// An index of two notes, `note.txt` then changed into bytes that cannot be indexed, so
    /// that its earlier version stays searchable and stale; `other.txt` stays current.
    static func indexWithStaleNote() async throws -> (folder: TestFolder, note: String, other: String, index: String) {
        let folder = try TestFolder()
        let note = try folder.write("docs/note.txt", "The Quillfeather warehouse opens at nine in the morning.")
        let other = try folder.write("docs/other.txt", "The Quillfeather warehouse closes at six in the evening.")
        let index = folder.file("x.sqlite")
        let built = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(built.status == 0, "\(built)")
        try Data([0x43, 0x61, 0x66, 0xE9]).write(to: URL(fileURLWithPath: note))  // Latin-1, not UTF-8
        let failed = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(failed.status == 1, "\(failed)")
        return (folder, note, other, index)
    }

    /// A file indexed, then changed into one that cannot be indexed: its earlier version
    /// is still found, and `search` (text and JSON) and `ask` (text and JSON, the fast
    /// chat model) mark it stale wherever they show it; a current document is not marked.
    @Test func staleSourcesAreFlagged() async throws {
        try DefaultModels.require()
        let (folder, note, other, index) = try await Self.indexWithStaleNote()

        let search = try await ChildProcess.docqa(["search", "--no-expand", "Quillfeather warehouse opens", "--index", index], in: folder)
        #expect(search.status == 0, "\(search)")
        let lines = search.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains(note) && $0.hasSuffix("(\(Self.staleNote))") }, "\(search)")
        #expect(lines.contains { $0.contains(other) && !$0.contains("stale") }, "\(search)")
        let json = try await ChildProcess.docqa(["search", "--no-expand", "Quillfeather warehouse opens", "--index", index, "--json"], in: folder)
        let results = try jsonObjects(try jsonObject(json.stdout), "results")
        #expect(results.first { $0["path"] as? String == note }?["stale"] as? Bool == true, "\(json)")
        #expect(results.first { $0["path"] as? String == other }?["stale"] as? Bool == false, "\(json)")

        let question = "When does the Quillfeather warehouse open in the morning?"
        // The text output lists the sources the answer rests on; with one passage that is
        // the stale note whatever the fast model makes of two (given the note last, next
        // to the question, it mixed in the other note's "six in the evening").
        let ask = try await ChildProcess.docqa(["ask", question, "--index", index, "--model", "smollm2-135m", "--top-k", "1"],
                                               in: folder, timeout: ChildProcess.modelTimeout)
        #expect(ask.status == 0, "\(ask)")
        #expect(ask.stdout.split(separator: "\n").contains { $0.contains(note) && $0.contains(Self.staleNote) }, "\(ask)")
        let askJSON = try await ChildProcess.docqa(["ask", question, "--index", index, "--model", "smollm2-135m", "--json"],
                                                   in: folder, timeout: ChildProcess.modelTimeout)
        let sources = try jsonObjects(try jsonObject(askJSON.stdout), "sources")
        #expect(sources.contains { $0["path"] as? String == note && $0["stale"] as? Bool == true }, "\(askJSON)")
        #expect(sources.allSatisfy { $0["path"] as? String == note || $0["stale"] as? Bool == false }, "\(askJSON)")
        for citation in try jsonObjects(try jsonObject(askJSON.stdout), "citations") {
            #expect((citation["stale"] as? Bool) == (citation["path"] as? String == note), "\(citation)")
        }
    }

    /// `docqa batch` over an index with a stale document: in the JSONL its sources and
    /// citations carry `"stale": true` and the current document's carry no such key; the
    /// CSV (read back by Python's csv module) marks its citation `note.txt (stale)` and
    /// explains it in the note column; the Markdown report gives it the note `ask` gives.
    /// With the marks taken out of the JSONL (a file from before they were recorded), the
    /// same command resumes it without asking again and the CSV still marks the document.
    @Test func batchMarksStaleSources() async throws {
        try DefaultModels.require(chat: true)
        let (folder, note, other, index) = try await Self.indexWithStaleNote()
        let questions = try folder.write("questions.txt", "When does the Quillfeather warehouse open in the morning?\n")
        func batch(_ out: String) async throws -> CommandResult {
            try await ChildProcess.docqa(["batch", questions, "--out", folder.file(out), "--index", index],
                                         in: folder, timeout: ChildProcess.modelTimeout)
        }
        func csvRows() async throws -> [[String]] {
            let parsed = try await ChildProcess.run("/usr/bin/python3", ["-c", """
                import csv, json, sys
                with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
                    print(json.dumps(list(csv.reader(f))))
                """, folder.file("answers.csv")], in: folder)
            return try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String]], "\(parsed)")
        }

        let first = try await batch("answers.csv")
        #expect(first.status == 0 && first.stdout.contains("1 answered"), "\(first)")
        let journal = folder.file("answers.jsonl")
        let row = try jsonObject(String(try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")[1]))
        let sources = try jsonObjects(row, "sources")
        #expect(sources.contains { $0["path"] as? String == note && $0["stale"] as? Bool == true }, "\(row)")
        #expect(sources.contains { $0["path"] as? String == other && !$0.keys.contains("stale") }, "\(row)")
        let citations = try jsonObjects(row, "citations")
        try #require(citations.contains { $0["path"] as? String == note && $0["supported"] as? Bool == true },
                     "the default model answers from note.txt: \(row)")
        for citation in citations {
            #expect(citation["path"] as? String == note ? citation["stale"] as? Bool == true : !citation.keys.contains("stale"),
                    "\(citation)")
        }
        var rows = try await csvRows()
        try #require(rows.count == 2, "\(rows)")
        #expect(rows[1][4].contains("note.txt (stale)") && !rows[1][4].contains("other.txt (stale)"), "\(rows[1])")
        #expect(rows[1][6] == "note.txt: \(Self.staleNote).", "\(rows[1])")

        let markdown = try await batch("answers.md")
        #expect(markdown.status == 0 && markdown.stdout.contains("1 already in the file"), "\(markdown)")
        let report = try String(contentsOfFile: folder.file("answers.md"), encoding: .utf8)
        #expect(report.contains("note.txt (\(Self.staleNote))"), "\(report)")

        // As a file written before the marks were recorded.
        let unmarked = try String(contentsOfFile: journal, encoding: .utf8).replacingOccurrences(of: "\"stale\":true,", with: "")
        #expect(!unmarked.contains("stale"))
        try unmarked.write(toFile: journal, atomically: true, encoding: .utf8)
        let resumed = try await batch("answers.csv")
        #expect(resumed.status == 0 && resumed.stdout.contains("0 answered, 0 not found, 0 failed, 1 already in the file"),
                "\(resumed)")
        rows = try await csvRows()
        #expect(rows.count == 2 && rows[1][4].contains("note.txt (stale)") && rows[1][6] == "note.txt: \(Self.staleNote).", "\(rows)")
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
