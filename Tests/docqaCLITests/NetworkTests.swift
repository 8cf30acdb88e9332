import DocQATestSupport
import Foundation
import Testing

extension ModelBackedTests {
    /// docqa promises that nothing leaves the machine. These tests watch `index` and `ask` at
    /// the system-call level and run them with no network at all.
    @Suite("docqa opens no network connection")
    struct NetworkTests {
        static let document = "The Quillfeather harbour office opens at nine in the morning and closes at five."
        static let question = "When does the harbour office open?"

        /// Under `strace -f`, neither `index` nor `ask` creates a socket other than AF_UNIX
        /// (glibc's nscd lookup) or connects anywhere but a Unix socket. The index run reads a
        /// scanned PDF with OCR too: Debian's Tesseract library links libcurl (for images
        /// named by URL, which docqa never passes), and this shows it stays unused.
        @Test func indexAndAskOpenNoInternetSocket() async throws {
            try DefaultModels.require(chat: true)
            let strace = try #require(ChildProcess.which("strace"), """
                strace is not installed, so this test cannot prove that docqa opens no network \
                socket. \(DefaultModels.setupHint) (it installs strace), or apt-get install strace.
                """)
            let folder = try TestFolder()
            try folder.write("docs/harbour.txt", Self.document)
            try folder.copy(Repository.caseFile + "/inspection-report-scan.pdf", to: "docs/scan.pdf")
            let index = folder.file("x.sqlite")
            let docqa = try DocQABinary.path()

            let runs: [(name: String, arguments: [String])] = [
                ("index", ["index", "docs", "--index", index]),
                ("ask", ["ask", Self.question, "--index", index, "--top-k", "1", "--max-tokens", "16"]),
            ]
            for (name, arguments) in runs {
                let trace = folder.file("\(name).strace")
                // --seccomp-bpf stops the tracee only on the traced calls, so model threads run
                // at full speed.
                let traced = ["-f", "--seccomp-bpf", "-e", "trace=socket,connect", "-o", trace, docqa] + arguments
                let result = try await ChildProcess.run(strace, traced, in: folder, timeout: ChildProcess.modelTimeout)
                #expect(result.status == 0, "\(result)")
                expectNoDocumentText(in: result, also: ["Quillfeather", Self.question])
                let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map(String.init)
                #expect(lines.contains { $0.contains("+++ exited with 0 +++") }, "strace did not trace the run: \(lines)")
                for line in lines {
                    if let call = line.firstMatch(of: #/\bsocket\((AF_\w+)/#) {
                        #expect(call.1 == "AF_UNIX" || call.1 == "AF_LOCAL", "`docqa \(name)` opened a socket: \(line)")
                    }
                    if line.contains("connect(") {
                        #expect(line.contains("sa_family=AF_UNIX") || line.contains("sa_family=AF_LOCAL"),
                                "`docqa \(name)` connected somewhere: \(line)")
                    }
                }
            }
        }

        /// `index` then `ask` succeed inside a new network namespace that has no interface up,
        /// so they need no network to work.
        @Test func indexAndAskWorkWithoutANetwork() async throws {
            try DefaultModels.require(chat: true)
            let unshare = try #require(ChildProcess.which("unshare"), "unshare (util-linux) is not installed.")
            // Root can make a network namespace directly; anyone else needs a user namespace too.
            let namespace = getuid() == 0 ? ["--net"] : ["--user", "--map-root-user", "--net"]
            let folder = try TestFolder()
            let probe = try await ChildProcess.run(unshare, namespace + ["--", "true"], in: folder)
            try #require(probe.status == 0, """
                This system does not allow a new network namespace (`unshare \(namespace.joined(separator: " "))`), \
                so docqa cannot be shown to work offline here: \(probe)
                """)
            try folder.write("docs/harbour.txt", Self.document)
            let index = folder.file("x.sqlite")
            let docqa = try DocQABinary.path()

            let indexed = try await ChildProcess.run(unshare, namespace + ["--", docqa, "index", "docs", "--index", index],
                                                     in: folder)
            #expect(indexed.status == 0, "\(indexed)")
            #expect(indexed.stdout.hasPrefix("1 indexed, 0 unchanged, 0 renamed, 0 removed, 0 skipped, 0 failed"), "\(indexed)")

            let ask = ["ask", Self.question, "--index", index, "--top-k", "1", "--max-tokens", "16"]
            let asked = try await ChildProcess.run(unshare, namespace + ["--", docqa] + ask, in: folder,
                                                   timeout: ChildProcess.modelTimeout)
            #expect(asked.status == 0, "\(asked)")
            #expect(asked.stderr.isEmpty, "\(asked)")
            // Answered or declined, the run must end in a sources block or the not-found sentence.
            #expect(asked.stdout.contains("\nSources:\n")
                    || asked.stdout.hasPrefix("Not found: the indexed documents do not appear to answer this question."),
                    "\(asked)")
        }
    }
}
