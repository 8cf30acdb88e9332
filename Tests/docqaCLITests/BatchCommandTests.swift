import DocQATestSupport
import Foundation
import Testing

extension ModelBackedTests {
    /// `docqa batch` on the sample case file: every output format read back by a parser,
    /// resuming after an interruption, a failed question recorded on its row, the document ×
    /// question matrix, and bad question files refused before any work.
    @Suite("docqa batch", .sampleIndex)
    struct BatchCommandTests {
        static let questions = """
            {"id": "cap", "question": "What is the liability cap?"}
            {"id": "law", "question": "Which state's law governs the supply agreement?", "path": "supply-agreement.pdf"}
            {"id": "none", "question": "What is the airspeed of an unladen swallow?"}

            """

        /// The JSONL's lines, parsed: the run line first, then the answers.
        private func lines(_ path: String) throws -> [[String: Any]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try jsonObject(String($0)) }
        }

        /// The default model answers into JSONL; a run cut off mid-write is resumed, the
        /// finished answers kept and not asked again.
        @Test func jsonlAnswersAndResume() async throws {
            try DefaultModels.require(chat: true)
            let index = try await SampleIndex.shared().ready()
            let folder = try TestFolder()
            let questions = try folder.write("questions.jsonl", Self.questions)
            let out = folder.file("answers.jsonl")
            let first = try await ChildProcess.docqa(["batch", questions, "--out", out, "--index", index, "--json"],
                                                     in: folder, timeout: ChildProcess.modelTimeout)
            #expect(first.status == 0, "\(first)")
            let summary = try jsonObject(first.stdout)
            #expect(summary["answered"] as? Int == 2 && summary["notFound"] as? Int == 1 && summary["skipped"] as? Int == 0, "\(first)")

            var rows = try lines(out)
            try #require(rows.count == 4, "\(rows)")
            let run = rows[0]
            #expect(run["record"] as? String == "run")
            #expect((run["chatModel"] as? [String: Any])?["sha256"] as? String
                    == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046")
            #expect(((run["index"] as? [String: Any])?["digest"] as? String)?.count == 64)
            #expect((run["index"] as? [String: Any])?["documents"] as? Int == 11)
            #expect(rows[1...].map { $0["id"] as? String } == ["cap", "law", "none"])
            #expect((rows[1]["answer"] as? String)?.contains("750,000") == true, "\(rows[1])")
            let citations = try #require(rows[1]["citations"] as? [[String: Any]])
            #expect(citations.contains { ($0["path"] as? String)?.hasSuffix("supply-agreement.pdf") == true
                                         && $0["pageStart"] as? Int == 4 && $0["supported"] as? Bool == true }, "\(citations)")
            let evidence = try #require(rows[1]["evidence"] as? [[String: Any]])
            #expect(evidence.contains { ($0["text"] as? String)?.contains("750,000") == true }, "\(evidence)")
            #expect((rows[2]["answer"] as? String)?.contains("Delaware") == true, "\(rows[2])")
            #expect(rows[3]["notFound"] as? Bool == true && rows[3]["answer"] as? String == "")
            #expect(rows[1...].allSatisfy { $0["error"] == nil || $0["error"] is NSNull })

            // Interrupted while writing the third answer: half its line is on disk.
            let text = try String(contentsOfFile: out, encoding: .utf8)
            let kept = text.split(separator: "\n").prefix(3).joined(separator: "\n") + "\n"
            let partial = String(text.split(separator: "\n")[3].prefix(40))
            try (kept + partial).write(toFile: out, atomically: false, encoding: .utf8)
            let resumed = try await ChildProcess.docqa(["batch", questions, "--out", out, "--index", index],
                                                       in: folder, timeout: ChildProcess.modelTimeout)
            #expect(resumed.status == 0, "\(resumed)")
            #expect(resumed.stdout.contains("0 answered, 1 not found, 0 failed, 2 already in the file"), "\(resumed)")
            rows = try lines(out)
            #expect(rows.count == 4 && rows[1...].map { $0["id"] as? String } == ["cap", "law", "none"], "\(rows)")

            // Other settings would mix answers: refused, file untouched.
            let before = try String(contentsOfFile: out, encoding: .utf8)
            let mixed = try await ChildProcess.docqa(["batch", questions, "--out", out, "--index", index, "--top-k", "3"],
                                                     in: folder, timeout: ChildProcess.modelTimeout)
            #expect(mixed.status == 1 && mixed.stderr.contains("--top-k (5 then, 3 now)"), "\(mixed)")
            #expect(try String(contentsOfFile: out, encoding: .utf8) == before)
            // Each question was also searched by the sentence the installed search model
            // wrote (recorded with its SHA-256); a run without that would retrieve other passages.
            #expect((run["settings"] as? [String: Any])?["expandsQuestions"] as? Bool == true, "\(run)")
            #expect((run["searchModel"] as? [String: Any])?["file"] as? String == "Qwen2.5-Coder-0.5B-Instruct.Q4_K_M.gguf", "\(run)")
            let plain = try await ChildProcess.docqa(["batch", questions, "--out", out, "--index", index, "--no-expand"],
                                                     in: folder, timeout: ChildProcess.modelTimeout)
            #expect(plain.status == 1 && plain.stderr.contains("--expand (true then, false now)"), "\(plain)")
            #expect(try String(contentsOfFile: out, encoding: .utf8) == before)
        }

        /// CSV read back by Python's csv module; the JSONL kept beside it; the Markdown report;
        /// a question that fails (too long for the context) is recorded and the run goes on,
        /// exit 1.
        @Test func csvMarkdownAndFailedRow() async throws {
            try DefaultModels.require()
            let index = try await SampleIndex.shared().ready()
            let folder = try TestFolder()
            let long = Array(repeating: "indemnification", count: 700).joined(separator: " ")
            let questions = try folder.write("questions.csv", """
                id,question
                =cap,"What is the liability cap, in dollars?"
                long,"\(long)?"

                """)
            let csv = folder.file("review.csv")
            let result = try await ChildProcess.docqa(["batch", questions, "--out", csv, "--index", index,
                                                       "--model", "smollm2-135m", "--context", "1024"],
                                                      in: folder, timeout: ChildProcess.modelTimeout)
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.contains("1 failed"), "\(result)")
            #expect(result.stderr.contains("batch: long failed:"), "\(result)")
            #expect(FileManager.default.fileExists(atPath: folder.file("review.jsonl")))

            let parsed = try await ChildProcess.run("/usr/bin/python3", ["-c", """
                import csv, json, sys
                with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
                    print(json.dumps(list(csv.reader(f))))
                """, csv], in: folder)
            #expect(parsed.status == 0, "\(parsed)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String]])
            try #require(rows.count == 3, "\(rows)")
            #expect(rows[0] == ["id", "question", "answer", "status", "citations", "evidence", "note"])
            #expect(rows[1][0] == "'=cap" && rows[1][1] == "What is the liability cap, in dollars?", "\(rows[1])")
            #expect(rows[2][0] == "long" && rows[2][3] == "failed" && !rows[2][6].isEmpty, "\(rows[2])")

            let report = folder.file("review.md")
            let markdown = try await ChildProcess.docqa(["batch", questions, "--out", report, "--index", index,
                                                         "--model", "smollm2-135m", "--context", "1024"],
                                                        in: folder, timeout: ChildProcess.modelTimeout)
            // The JSONL beside review.md is review.jsonl, shared with the CSV run: both
            // answers are already there, the failed one is asked again (and fails again).
            #expect(markdown.status == 1 && markdown.stdout.contains("1 already in the file"), "\(markdown)")
            let text = try String(contentsOfFile: report, encoding: .utf8)
            #expect(text.hasPrefix("# docqa batch answers\n"))
            #expect(text.contains("## =cap. What is the liability cap, in dollars?"), "\(text)")
            #expect(text.contains("## long. ") && text.contains("**Failed:**"), "\(text)")
        }

        /// `--each-document --matrix`: one row per sample document, one column per question.
        @Test func documentQuestionMatrix() async throws {
            try DefaultModels.require()
            let index = try await SampleIndex.shared().ready()
            let folder = try TestFolder()
            let questions = try folder.write("questions.txt", "Who are the parties?\nWhat is the date of this document?\n")
            let out = folder.file("matrix.csv")
            let result = try await ChildProcess.docqa(["batch", questions, "--out", out, "--index", index, "--each-document",
                                                       "--matrix", "--model", "smollm2-135m", "--json"],
                                                      in: folder, timeout: ChildProcess.modelTimeout)
            #expect(result.status == 0, "\(result)")
            #expect(try jsonObject(result.stdout)["questions"] as? Int == 22, "\(result)")
            let parsed = try await ChildProcess.run("/usr/bin/python3", ["-c", """
                import csv, json, sys
                with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
                    print(json.dumps(list(csv.reader(f))))
                """, out], in: folder)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String]], "\(parsed)")
            try #require(rows.count == 12, "\(rows)")
            #expect(rows[0] == ["document", "Who are the parties?", "What is the date of this document?"])
            #expect(Set(rows[1...].map { $0[0] }) == Set(Repository.caseFileDocuments))
            #expect(rows[1...].allSatisfy { $0.count == 3 && !$0[1].isEmpty && !$0[2].isEmpty })
            // Each row's citations name only its own document.
            let records = try String(contentsOfFile: folder.file("matrix.jsonl"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map { try jsonObject(String($0)) }
            for record in records {
                let document = try #require(record["document"] as? String)
                for citation in record["citations"] as? [[String: Any]] ?? [] {
                    #expect(citation["path"] as? String == document, "\(record)")
                }
            }
        }

        /// Ctrl-C during `docqa ask` stops at the model's next piece of text: exit 130, one
        /// line on stderr, and no half-checked answer on stdout.
        @Test func interruptedAskGivesNoAnswer() async throws {
            try DefaultModels.require()
            let index = try await SampleIndex.shared().ready()
            let folder = try TestFolder()
            let start = ContinuousClock.now
            // Two seconds in: the handler is installed and the default model is still loading or reading.
            let result = try await ChildProcess.docqaInterrupted(["ask", "What is the liability cap?", "--index", index],
                                                                 in: folder) { ContinuousClock.now - start > .seconds(2) }
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("ask: interrupted; no answer was given."), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
        }

        /// Ctrl-C stops the run after the question in hand: exit 130, every answer so far in
        /// the JSONL and the CSV, a note to run again; the next run answers the rest.
        @Test func interruptedRunStopsCleanlyAndResumes() async throws {
            try DefaultModels.require()
            let index = try await SampleIndex.shared().ready()
            let folder = try TestFolder()
            // Questions the model answers (none declined before it runs), so the run takes a while.
            let questions = try folder.write("questions.txt", """
                What is the liability cap?
                Which state's law governs the supply agreement?
                How long is the product warranty?
                What did the amendment change about notices?
                When did Corvane first report the pressure-test failures?
                What late-delivery credit did counsel calculate?
                Who signed the supply agreement for Tallis?
                What price did Corvane pay per valve assembly?

                """)
            let out = folder.file("answers.csv")
            let journal = folder.file("answers.jsonl")
            let arguments = ["batch", questions, "--out", out, "--index", index, "--model", "smollm2-135m", "--json"]
            // Interrupted once the run line and a first answer are on disk (the handler is installed).
            let result = try await ChildProcess.docqaInterrupted(arguments, in: folder) {
                ((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").split(separator: "\n").count >= 2
            }
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("stopping after the current question"), "\(result)")
            #expect(result.stderr.contains("interrupted; run the same command again"), "\(result)")
            #expect(try jsonObject(result.stdout)["interrupted"] as? Bool == true, "\(result)")
            let rows = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").dropFirst()
                .map { try jsonObject(String($0)) }
            #expect((1..<8).contains(rows.count), "\(rows.count) rows")
            let csv = try String(contentsOfFile: out, encoding: .utf8)
            for row in rows {
                #expect(csv.contains(try #require(row["question"] as? String)), "\(csv)")
            }

            let resumed = try await ChildProcess.docqa(arguments, in: folder, timeout: ChildProcess.modelTimeout)
            #expect(resumed.status == 0, "\(resumed)")
            #expect(try jsonObject(resumed.stdout)["skipped"] as? Int == rows.count, "\(resumed)")
            #expect(try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").count == 9)
        }

        /// `--parallel 3` answers every question, records the setting, and a file made with
        /// it is not resumed with another (answers may differ in wording: BENCHMARKS.md).
        @Test func parallelRunIsRecordedAndNotMixed() async throws {
            try DefaultModels.require()
            let index = try await SampleIndex.shared().ready()
            let folder = try TestFolder()
            let questions = Repository.root + "/samples/review-questions.jsonl"
            let out = folder.file("answers.jsonl")
            let arguments = ["batch", questions, "--out", out, "--index", index, "--model", "smollm2-135m"]
            let result = try await ChildProcess.docqa(arguments + ["--parallel", "3", "--json"], in: folder,
                                                      timeout: ChildProcess.modelTimeout)
            #expect(result.status == 0, "\(result)")
            #expect(try jsonObject(result.stdout)["failed"] as? Int == 0, "\(result)")
            let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { try jsonObject(String($0)) }
            #expect(lines.count == 5, "\(lines)")
            #expect((lines[0]["settings"] as? [String: Any])?["parallel"] as? Int == 3, "\(lines[0])")
            #expect(lines.dropFirst().allSatisfy { ($0["answer"] as? String)?.isEmpty == false || $0["notFound"] as? Bool == true })

            let mixed = try await ChildProcess.docqa(arguments, in: folder, timeout: ChildProcess.modelTimeout)
            #expect(mixed.status == 1 && mixed.stderr.contains("--parallel (3 then, 1 now)"), "\(mixed)")
        }

        /// Bad question files stop before any work (no model loaded, no answers file) with
        /// the file, the line and the reason.
        @Test(arguments: [
            ("q.jsonl", "{\"id\": \"a\", \"question\": \"x?\"}\n{\"id\": \"a\", \"question\": \"y?\"}\n",
             "q.jsonl: line 2: the id \"a\" is already used on line 1"),
            ("q.jsonl", "{\"id\": \"a\", \"question\": \"\"}\n", "q.jsonl: line 1: the question is empty."),
            ("q.jsonl", "not json\n", "q.jsonl: line 1: not a JSON object"),
            ("q.csv", "id,prompt\na,x?\n", "q.csv: row 1: unknown column \"prompt\""),
        ])
        func badQuestionFiles(name: String, contents: String, message: String) async throws {
            let folder = try TestFolder()
            let questions = try folder.write(name, contents)
            let result = try await ChildProcess.docqa(["batch", questions, "--out", folder.file("a.jsonl"),
                                                       "--index", folder.file("missing.sqlite")], in: folder)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains(message), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("a.jsonl")))
        }

        /// `--out` naming the questions file (or a CSV whose JSONL would be it) is refused
        /// and the questions stay as they were.
        @Test(arguments: ["q.csv", "q.md"])
        func answersNeverOverwriteTheQuestions(out: String) async throws {
            let folder = try TestFolder()
            let contents = out == "q.csv" ? "id,question\na,x?\n" : "{\"question\": \"x?\"}\n"
            let questions = try folder.write(out == "q.csv" ? "q.csv" : "q.jsonl", contents)
            let result = try await ChildProcess.docqa(["batch", questions, "--out", folder.file(out),
                                                       "--index", folder.file("missing.sqlite")], in: folder)
            #expect(result.status == 1 && result.stderr.contains("would overwrite the questions file"), "\(result)")
            #expect(try String(contentsOfFile: questions, encoding: .utf8) == contents)
        }
    }
}
