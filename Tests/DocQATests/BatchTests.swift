@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

/// Batch questions files, the CSV wrapper, the review table and report, and the journal
/// that makes a batch resumable, without a chat model.
@Suite struct BatchTests {
    private func parse(_ text: String, _ format: BatchQuestion.FileFormat) throws -> [BatchQuestion] {
        try BatchQuestion.parse(Data(text.utf8), format: format, path: "/case/questions")
    }

    /// The error a questions file gives, as printed.
    private func failure(_ text: String, _ format: BatchQuestion.FileFormat) -> String {
        do {
            _ = try parse(text, format)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func textQuestionsSkipBlankLinesAndComments() throws {
        let questions = try parse("\u{FEFF}What is the cap?\n\n# not a question\n  Who signed?  \n", .text)
        #expect(questions == [BatchQuestion(id: "line1", question: "What is the cap?"),
                              BatchQuestion(id: "line4", question: "Who signed?")])
    }

    @Test func jsonlQuestionsWithIdsAndPaths() throws {
        let questions = try parse("""
            {"id": "cap", "question": "What is the cap?", "path": "contracts/*.pdf"}
            {"question": "Who signed?"}
            {"id": 7, "question": "When?"}
            """, .jsonl)
        #expect(questions == [BatchQuestion(id: "cap", question: "What is the cap?", path: "contracts/*.pdf"),
                              BatchQuestion(id: "line2", question: "Who signed?"),
                              BatchQuestion(id: "7", question: "When?")])
    }

    /// Quoted commas, doubled quotes and line breaks inside a field; a byte-order mark; ids
    /// derived from the row where the cell is empty.
    @Test func csvQuestionsFollowRFC4180() throws {
        let questions = try parse("\u{FEFF}id,question,path\r\nq1,\"Who pays, and when?\",\r\n,\"The \"\"cap\"\",\nplease\",*.pdf\r\n", .csv)
        #expect(questions == [BatchQuestion(id: "q1", question: "Who pays, and when?"),
                              BatchQuestion(id: "row3", question: "The \"cap\",\nplease", path: "*.pdf")])
    }

    @Test(arguments: [
        ("{\"id\": \"a\", \"question\": \"x?\"}\n{\"id\": \"a\", \"question\": \"y?\"}", BatchQuestion.FileFormat.jsonl,
         "/case/questions: line 2: the id \"a\" is already used on line 1; ids must be unique."),
        ("{\"question\": \"x?\"}\n{\"question\": \"  \"}", .jsonl, "/case/questions: line 2: the question is empty."),
        ("{\"question\": \"x?\"\n", .jsonl, "/case/questions: line 1: not a JSON object"),
        ("{\"question\": \"x?\", \"answer\": \"y\"}", .jsonl, "/case/questions: line 1: unknown field \"answer\""),
        ("{\"id\": \"a\"}", .jsonl, "/case/questions: line 1: no \"question\" text."),
        ("id,query\na,x?", .csv, "/case/questions: row 1: unknown column \"query\""),
        ("id,path\na,x", .csv, "/case/questions: row 1: no \"question\" column"),
        ("id,question\na,x?,extra", .csv, "/case/questions: row 2: 3 fields where the header has 2"),
        ("id,question\na,\"x?", .csv, "/case/questions: row 2: not valid CSV"),
        ("id,question\na,x?\na,y?", .csv, "/case/questions: row 3: the id \"a\" is already used on row 2"),
        ("# only a comment\n\n", .text, "/case/questions: the questions file holds no questions."),
    ])
    func badQuestionFilesNameTheLineAndReason(text: String, format: BatchQuestion.FileFormat, expected: String) {
        let message = failure(text, format)
        #expect(message.hasPrefix(expected), "\(message)")
    }

    @Test func formatsFollowTheExtension() {
        #expect(BatchQuestion.FileFormat(path: "q.JSONL") == .jsonl)
        #expect(BatchQuestion.FileFormat(path: "q.csv") == .csv)
        #expect(BatchQuestion.FileFormat(path: "q.txt") == .text)
        #expect(BatchReport.Format(path: "a.md") == .markdown)
        #expect(BatchReport.Format(path: "a.csv") == .csv)
        #expect(BatchReport.Format(path: "a.jsonl") == .jsonl)
    }

    /// What libcsv writes, libcsv reads back unchanged, whatever the field holds.
    @Test func csvRoundTrips() throws {
        let rows = [["plain", "comma, inside", "quote \" inside", "line\nbreak", "", "émigré – €", "=1+1"]]
        let text = rows.map(CSV.line).joined()
        #expect(text.hasSuffix("\r\n"))
        #expect(try CSV.records(in: Data(text.utf8)) == rows)
    }

    private func record(_ id: String, answer: String = "The cap is $750,000.", document: String? = nil,
                        error: String? = nil) -> BatchRecord {
        BatchRecord(id: id, question: "What is the cap?", document: document, answer: error == nil ? answer : "",
                    notFound: false, declineReason: nil,
                    citations: [.init(source: 1, path: "/case/agreement.pdf", pageStart: 4, pageEnd: 4, kind: "cited", supported: true),
                                .init(source: 2, path: "/case/memo.txt", pageStart: nil, pageEnd: nil, kind: "matched", supported: true),
                                .init(source: 3, path: "/case/other.pdf", pageStart: 2, pageEnd: 2, kind: "cited", supported: false)],
                    evidence: [.init(text: "shall not exceed\n$750,000.", path: "/case/agreement.pdf", pageStart: 4, pageEnd: 4,
                                     byteStart: 10, byteEnd: 36)],
                    sources: [], timings: .init(retrievalSeconds: 0.1, timeToFirstTokenSeconds: 1, totalSeconds: 2),
                    error: error)
    }

    /// The review table: a byte-order mark, one citation cell of supported sources, evidence
    /// with file and page, and formula-like cells neutralised.
    @Test func csvReportIsSpreadsheetSafe() throws {
        let records = [record("q1"), record("=HYPERLINK(\"x\")", answer: "-5 degrees"), record("q3", error: "decode failed")]
        let text = BatchReport.csv(records, eachDocument: false)
        #expect(text.hasPrefix("\u{FEFF}\"id\""))
        let rows = try CSV.records(in: Data(text.utf8))
        #expect(rows[0] == ["id", "question", "answer", "status", "citations", "evidence", "note"])
        #expect(rows[1] == ["q1", "What is the cap?", "The cap is $750,000.", "answered", "agreement.pdf:4; memo.txt",
                            "agreement.pdf:4: \"shall not exceed $750,000.\"", ""])
        #expect(rows[2][0] == "'=HYPERLINK(\"x\")" && rows[2][2] == "'-5 degrees")
        #expect(rows[3][3] == "failed" && rows[3][6] == "decode failed")
    }

    @Test func matrixHasDocumentsAsRowsAndQuestionsAsColumns() throws {
        var second = record("q2", answer: "Delaware.")
        second.question = "Which law?"
        var records: [BatchRecord] = []
        for document in ["/case/a.pdf", "/case/b.pdf"] {
            var first = record("q1")
            first.document = document
            var other = second
            other.document = document
            records += [first, other]
        }
        records[3].notFound = true
        let rows = try CSV.records(in: Data(BatchReport.matrix(records).utf8))
        #expect(rows.count == 3)
        #expect(rows[0] == ["document", "What is the cap?", "Which law?"])
        #expect(rows[1] == ["/case/a.pdf", "The cap is $750,000. [agreement.pdf:4; memo.txt]", "Delaware. [agreement.pdf:4; memo.txt]"])
        #expect(rows[2][0] == "/case/b.pdf" && rows[2][2] == "(not found)")
    }

    @Test func markdownQuotesEvidenceAndEscapesMarkup() {
        let run = sampleRun()
        var answered = record("q1", answer: "See [here](http://x) <b>now</b>")
        answered.question = "What is *the* cap?"
        let text = BatchReport.markdown([answered, record("q2", error: "decode failed")], run: run)
        #expect(text.contains("## q1. What is \\*the\\* cap?"))
        #expect(text.contains("**Answer:** See \\[here\\](http://x) \\<b\\>now\\</b\\>"))
        #expect(text.contains("> shall not exceed $750,000.\n> — agreement.pdf:4"))
        #expect(text.contains("**Failed:** decode failed"))
        #expect(text.contains("2 questions: 1 answered, 0 not found, 1 failed"))
    }

    /// A record from stale documents: in the JSONL only the stale citation and source
    /// carry `"stale": true` (the others no key); the CSV marks the citation
    /// `agreement.pdf:4 (stale)` and explains it in the note; the matrix cell is marked
    /// likewise; the Markdown report gives the note `docqa ask` gives, and its passage is
    /// marked `(stale)`.
    @Test func staleSourcesAreMarkedInEveryFormat() throws {
        var stale = record("q1")
        stale.citations[0].stale = true
        stale.sources = [.init(source: 1, path: "/case/agreement.pdf", pageStart: 4, pageEnd: 4, text: "shall not exceed", stale: true),
                         .init(source: 2, path: "/case/memo.txt", pageStart: nil, pageEnd: nil, text: "the memo")]
        let line = try JSONSerialization.jsonObject(with: BatchJournal.encode(stale)) as? [String: Any]
        let citations = try #require(line?["citations"] as? [[String: Any]])
        #expect(citations.map { $0["stale"] as? Bool } == [true, nil, nil], "\(citations)")
        #expect(!citations[1].keys.contains("stale"))
        let sources = try #require(line?["sources"] as? [[String: Any]])
        #expect(sources.map { $0["stale"] as? Bool } == [true, nil] && !sources[1].keys.contains("stale"), "\(sources)")
        #expect(stale.recordedStalePaths == ["/case/agreement.pdf"])

        let rows = try CSV.records(in: Data(BatchReport.csv([stale, record("q2")], eachDocument: false).utf8))
        #expect(rows[1][4] == "agreement.pdf:4 (stale); memo.txt", "\(rows[1])")
        #expect(rows[1][6] == "agreement.pdf: " + FileState.staleNote + ".", "\(rows[1])")
        #expect(rows[2][4] == "agreement.pdf:4; memo.txt" && rows[2][6] == "", "\(rows[2])")

        var cell = stale
        cell.document = "/case/agreement.pdf"
        let matrix = try CSV.records(in: Data(BatchReport.matrix([cell]).utf8))
        #expect(matrix[1][1] == "The cap is $750,000. [agreement.pdf:4 (stale); memo.txt]", "\(matrix)")

        let text = BatchReport.markdown([stale], run: sampleRun())
        #expect(text.contains("Sources: agreement.pdf:4 (" + FileState.staleNote + "); memo.txt\n"), "\(text)")
        #expect(text.contains("> shall not exceed $750,000.\n> — agreement.pdf:4 (stale)\n"), "\(text)")
        #expect(FileState.staleNote == "stale: the file has changed and could not be indexed again; this is its earlier version")
    }

    /// A row written before docqa recorded staleness (no `stale` keys) is read back and
    /// resumed as before, and the tables mark the documents stale now (the `stale` set
    /// the command passes) on old and new rows alike.
    @Test func rowsWithoutStaleMarksResumeAndAreMarkedFromTheIndex() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/answers.jsonl"
            do {
                let journal = try BatchJournal(path: path, run: sampleRun())
                try journal.append(record("q1"))
            }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.contains("stale"), "a current document's rows carry no stale key: \(text)")
            let journal = try BatchJournal(path: path, run: sampleRun())
            #expect(journal.finished == [record("q1").key])
            let rows = try CSV.records(in: Data(BatchReport.csv(journal.latest, eachDocument: false,
                                                                stale: ["/case/memo.txt"]).utf8))
            #expect(rows[1][4] == "agreement.pdf:4; memo.txt (stale)", "\(rows[1])")
            #expect(rows[1][6] == "memo.txt: " + FileState.staleNote + ".", "\(rows[1])")
            let report = BatchReport.markdown(journal.latest, run: sampleRun(), stale: ["/case/memo.txt"])
            #expect(report.contains("Sources: agreement.pdf:4; memo.txt (" + FileState.staleNote + ")\n"), "\(report)")
        }
    }

    private func sampleRun(topK: Int = 5, digest: String = "abc", search: String? = "search.gguf") -> BatchRun {
        BatchRun(docqaVersion: "0.1.0", created: "2026-11-26T00:00:00Z", questionsFile: "/case/q.txt",
                 chatModel: .init(file: "chat.gguf", sha256: "11"), embeddingModel: .init(file: "embed.gguf", sha256: "22"),
                 searchModel: search.map { .init(file: $0, sha256: "33") },
                 index: .init(path: "/case/i.sqlite", documents: 2, digest: digest),
                 settings: .init(topK: topK, ranking: "weighted", paths: [], types: [], eachDocument: false,
                                 contextLength: 4096, maxAnswerTokens: 128, evidenceTokens: 450))
    }

    /// Answers are appended one line at a time; reopening finds them; a last line cut short
    /// by a kill is dropped and written again; a question that failed is not finished.
    @Test func journalResumesAfterAnInterruption() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/answers.jsonl"
            do {
                let journal = try BatchJournal(path: path, run: sampleRun())
                try journal.append(record("q1"))
                try journal.append(record("q2", error: "decode failed"))
                try journal.append(record("q3"))
            }
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            // Cut the last line in half, as a kill during the write would.
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            let lines = data.split(separator: UInt8(ascii: "\n"))
            #expect(lines.count == 4)
            data = data.prefix(data.count - lines[3].count / 2 - 1)
            try data.write(to: URL(fileURLWithPath: path))

            let journal = try BatchJournal(path: path, run: sampleRun())
            #expect(journal.records.map(\.id) == ["q1", "q2"])
            #expect(journal.finished == [record("q1").key])
            try journal.append(record("q2"))
            let reread = try BatchJournal(path: path, run: sampleRun())
            #expect(reread.latest.map(\.id) == ["q1", "q2"] && reread.latest.allSatisfy { $0.error == nil })
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for line in text.split(separator: "\n") {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
            }
        }
    }

    /// A file made with other settings, another index or not by docqa is never appended to.
    @Test func journalRefusesToMixRuns() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/answers.jsonl"
            _ = try BatchJournal(path: path, run: sampleRun())
            #expect(throws: DocQAError.self) { try BatchJournal(path: path, run: sampleRun(topK: 3)) }
            do {
                _ = try BatchJournal(path: path, run: sampleRun(digest: "other"))
                Issue.record("a changed index was accepted")
            } catch let error as DocQAError {
                #expect(error.message.contains("indexed documents"), "\(error)")
                #expect(error.message.contains("--restart"), "\(error)")
            }
            do {
                _ = try BatchJournal(path: path, run: sampleRun(search: "other-search.gguf"))
                Issue.record("a changed search model was accepted")
            } catch let error as DocQAError {
                #expect(error.message.contains("search model (search.gguf then, other-search.gguf now)"), "\(error)")
            }
            // A file from before the search model was recorded: its sentences were the chat model's.
            var old = sampleRun(search: nil), now = sampleRun()
            old.settings.expandsQuestions = true
            now.settings.expandsQuestions = true
            #expect(now.differences(from: old) == ["search model (chat.gguf then, search.gguf now)"])
            let other = folder + "/notes.jsonl"
            try Data("{\"hello\": 1}\n".utf8).write(to: URL(fileURLWithPath: other))
            #expect(throws: DocQAError.self) { try BatchJournal(path: other, run: sampleRun()) }
            #expect(try String(contentsOfFile: other, encoding: .utf8) == "{\"hello\": 1}\n")
        }
    }
}
