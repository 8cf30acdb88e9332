import DocQATestSupport
import Foundation
import Testing

extension ModelBackedTests {
    /// Documents and questions that must not get out where they do not belong: into
    /// stderr, leftover files, or a terminal's control sequences. Run as a user would, with
    /// the built `docqa`, the real embedding model and the fast chat model.
    @Suite("docqa hostile documents")
    struct HostileDocumentTests {
        /// A word no stemmer shortens and no document holds by chance.
        private static func canary(_ prefix: String) -> String {
            prefix + String(UUID().uuidString.filter(\.isLetter).lowercased().prefix(6)) + "4817"
        }

        /// Runs the built docqa with TMPDIR and SQLITE_TMPDIR pointing into `temporary`, so
        /// any temporary file it leaves is found there.
        private static func docqa(_ arguments: [String], temporary: String, in folder: TestFolder) async throws
            -> CommandResult {
            try await ChildProcess.run("/usr/bin/env", ["TMPDIR=\(temporary)", "SQLITE_TMPDIR=\(temporary)",
                                                        try DocQABinary.path()] + arguments,
                                       in: folder, timeout: ChildProcess.modelTimeout)
        }

        /// Every regular file under `root`, recursively.
        private static func files(under root: String) -> [String] {
            guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
            return walker.compactMap { $0 as? String }.map { root + "/" + $0 }.filter {
                var info = stat()
                return lstat($0, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
            }
        }

        /// Leak audit: canaries in file names, document text and questions. `index` (with a
        /// file that fails on its text), `search`, `ask`, `batch`, `status` and forced errors
        /// (a chat model as the embedding model, a missing chat model, a malformed questions
        /// file that holds the text canary) at default verbosity: neither text nor question
        /// canary appears in any stderr line; the name canary only where a line names the
        /// file; and no file outside the index, the documents, the batch answers and the
        /// captured stdout holds any canary, in the test's folder, its TMPDIR, or among
        /// files changed in /tmp and /dev/shm meanwhile.
        @Test func canariesStayOutOfStderrAndTemporaryFiles() async throws {
            try DefaultModels.require()
            let started = Date()
            let folder = try TestFolder()
            let (name, text, question) = (Self.canary("qzxn"), Self.canary("qzxt"), Self.canary("qzxq"))
            let temporary = folder.file("tmp")
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            let paragraph = (1...40).map { "Clause \($0): the settlement code \(text) binds the Quillfeather parties to silence." }
                .joined(separator: " ")
            let memo = try folder.write("docs/\(name)-memo.txt", paragraph)
            try folder.write("docs/\(name)-notes.md", "# Notes\n\nThe \(text) matter is privileged. " + paragraph)
            // Latin-1, so it fails as not UTF-8 after its text was read.
            let latin = folder.file("docs/\(name)-latin.txt")
            try (Data("Caf".utf8) + Data([0xE9]) + Data(" \(text) owes the Quillfeather estate.".utf8))
                .write(to: URL(fileURLWithPath: latin))
            try folder.copy(Repository.fixture("damaged.pdf"), to: "docs/\(name)-broken.pdf")
            let index = folder.file("x.sqlite")
            let asked = "What does the settlement code \(text) bind, according to \(question)?"
            let questions = try folder.write("questions.jsonl",
                                             "{\"id\": \"q1\", \"question\": \"\(asked)\"}\n")
            let badQuestions = try folder.write("bad.jsonl", "{\"id\": \"q1\", \"question\": 5, \"note\": \"\(text) \(question)\"}\n")
            let answers = folder.file("answers.jsonl")

            var runs: [CommandResult] = []
            runs.append(try await Self.docqa(["index", "docs", "--index", index], temporary: temporary, in: folder))
            #expect(runs.last?.status == 1, "\(runs.last!)")
            #expect(runs.last?.stderrLines.contains { $0.hasPrefix("indexed    \(memo) (") } == true, "\(runs.last!)")
            runs.append(try await Self.docqa(["search", "--no-expand", "\(text) \(question)", "--index", index], temporary: temporary, in: folder))
            #expect(runs.last?.status == 0 && runs.last?.stdout.contains(text) == true, "\(runs.last!)")
            runs.append(try await Self.docqa(["ask", asked, "--index", index, "--model", "smollm2-135m"],
                                             temporary: temporary, in: folder))
            #expect(runs.last?.status == 0, "\(runs.last!)")
            runs.append(try await Self.docqa(["batch", questions, "--out", answers, "--index", index, "--model", "smollm2-135m"],
                                             temporary: temporary, in: folder))
            #expect(runs.last?.status == 0, "\(runs.last!)")
            runs.append(try await Self.docqa(["status", "--index", index], temporary: temporary, in: folder))
            #expect(runs.last?.status == 0, "\(runs.last!)")
            // Forced errors, each with the question or text canary in its input.
            let chat = DefaultModels.directory + "/SmolLM2-135M-Instruct.Q4_1.gguf"
            runs.append(try await Self.docqa(["search", "--no-expand", asked, "--index", index, "--embedding-model", chat],
                                             temporary: temporary, in: folder))
            runs.append(try await Self.docqa(["ask", asked, "--index", index, "--model", folder.file("missing.gguf")],
                                             temporary: temporary, in: folder))
            runs.append(try await Self.docqa(["batch", badQuestions, "--out", folder.file("bad-answers.jsonl"),
                                              "--index", index, "--model", "smollm2-135m"], temporary: temporary, in: folder))
            for run in runs.suffix(3) { #expect(run.status != 0, "\(run)") }

            for run in runs {
                #expect(!run.stderr.contains(text) && !run.stderr.contains(question), "\(run)")
                for line in run.stderrLines where line.contains(name) {
                    #expect(line.contains(folder.file("docs/\(name)-")), "the name canary outside a file's path: \(line)")
                }
            }
            // The inputs, the index, the answers and stdout hold the canaries by design.
            let byDesign = [folder.file("docs"), folder.file(".captured"), index, answers, questions, badQuestions]
            var suspects = Self.files(under: folder.path).filter { path in !byDesign.contains { path.hasPrefix($0) } }
            suspects += Self.files(under: "/dev/shm") + Self.files(under: "/tmp").filter { path in
                guard !path.hasPrefix(folder.path),
                      let modified = try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date,
                      let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber else { return false }
                return modified >= started && size.intValue < 64 << 20
            }
            #expect(Self.files(under: temporary).isEmpty, "files left in TMPDIR: \(Self.files(under: temporary))")
            for path in suspects {
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                for canary in [name, text, question] {
                    let found = data.range(of: Data(canary.utf8)) != nil
                    #expect(!found, "\(path) holds a canary")
                }
            }
        }

        /// Whether `output` holds anything that could drive a terminal: C0 controls but line
        /// breaks and tabs (and carriage returns, which a terminal adds itself), DEL, C1
        /// controls, Unicode direction controls.
        private static func controls(in output: String) -> [String] {
            output.unicodeScalars.filter { scalar in
                let value = scalar.value
                return (value < 0x20 && !["\n", "\t", "\r"].contains(scalar)) || (0x7F...0x9F).contains(value)
                    || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
            }.map { "U+" + String($0.value, radix: 16, uppercase: true) }
        }

        /// A document whose name and text carry OSC and CSI escape sequences (a window
        /// title, a hyperlink, screen clearing, colours, 8-bit CSI), a bell, backspaces and
        /// a right-to-left override: what `index`, `search`, `ask`, `status` and `batch`
        /// print (batch progress on a real terminal, through `script`) holds none of them,
        /// and the name is shown escaped.
        @Test func escapeSequencesNeverReachTheTerminal() async throws {
            try DefaultModels.require()
            let folder = try TestFolder()
            let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\u{202E}fdp.exe"
            let path = try folder.write("docs/lease\(hostile).txt", """
                The Quillfeather lessee pays \u{1B}[31m900 crowns\u{1B}[0m of rent monthly.\u{07}\u{08}\u{08} \
                \u{1B}]8;;file:///etc/passwd\u{1B}\\Click here\u{1B}]8;;\u{1B}\\ to read the \u{202E}txet nedih\u{202C} \
                terms. \u{9B}2J The Quillfeather deposit is two months of rent.
                """)
            try folder.copy(Repository.fixture("damaged.pdf"), to: "docs/broken\(hostile).pdf")
            let index = folder.file("x.sqlite")
            let question = "How much rent does the Quillfeather lessee pay?"
            let questions = try folder.write("questions.jsonl", "{\"id\": \"rent\\u001b[2J\", \"question\": \"\(question)\"}\n")

            var runs: [CommandResult] = []
            runs.append(try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder))
            #expect(runs.last?.status == 1, "\(runs.last!)")
            let shown = "lease\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}31m\\u{202e}fdp.exe.txt"
            #expect(runs.last?.stderr.contains(shown) == true, "\(runs.last!)")
            runs.append(try await ChildProcess.docqa(["search", "--no-expand", "Quillfeather rent", "--index", index], in: folder))
            #expect(runs.last?.stdout.contains(shown) == true, "\(runs.last!)")
            runs.append(try await ChildProcess.docqa(["ask", question, "--index", index, "--model", "smollm2-135m"],
                                                     in: folder, timeout: ChildProcess.modelTimeout))
            #expect(runs.last?.status == 0, "\(runs.last!)")
            runs.append(try await ChildProcess.docqa(["status", "--index", index], in: folder))
            #expect(runs.last?.stdout.contains("failed  ") == true, "\(runs.last!)")
            // `script` gives batch a terminal (its progress lines are printed only there);
            // stdout and stderr both come back through it.
            let docqa = try DocQABinary.path()
            let command = [docqa, "batch", questions, "--out", folder.file("answers.csv"), "--index", index,
                           "--model", "smollm2-135m"].map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            runs.append(try await ChildProcess.run("/usr/bin/script", ["-qec", command.joined(separator: " "), "/dev/null"],
                                                   in: folder, timeout: ChildProcess.modelTimeout))
            let batch = try #require(runs.last)
            #expect(batch.status == 0 && batch.stdout.contains("batch: 1/1 rent\\u{1b}[2J"), "\(batch)")
            #expect(path.contains("\u{1B}"))

            for run in runs {
                #expect(Self.controls(in: run.stdout + run.stderr).isEmpty,
                        "control characters \(Self.controls(in: run.stdout + run.stderr)) in the output of \(run.arguments.prefix(2))")
            }
        }
    }
}
