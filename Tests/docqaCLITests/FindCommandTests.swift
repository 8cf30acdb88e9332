import DocQATestSupport
import Foundation
import Testing

/// A three-page PDF and a text file indexed once, in a temporary folder, for the suite below.
actor FindFixture {
    /// The fixture of the suite being run, set by the `.findFixture` trait.
    @TaskLocal static var current: FindFixture?

    let folder: TestFolder
    let indexPath: String
    let pdf: String
    let notes: String
    private var build: Task<CommandResult, any Error>?

    init() throws {
        folder = try TestFolder()
        indexPath = folder.file("find.sqlite")
        pdf = try folder.copy(Repository.fixture("three-pages.pdf"), to: "documents/three-pages.pdf")
        notes = try folder.write("documents/notes.txt", """
            The distinctive word appears in the notes too.
            A distinctive
            word straddles a line break here, and distinctiveness is not the word.
            """)
    }

    /// The index path, once `docqa index` has built it (once for the suite).
    func ready() async throws -> String {
        let task = build ?? Task { [folder, indexPath] in
            try DefaultModels.require()
            return try await ChildProcess.docqa(["index", folder.file("documents"), "--index", indexPath],
                                                in: folder, timeout: ChildProcess.modelTimeout)
        }
        build = task
        let run = try await task.value
        guard run.status == 0 else { throw SetupError("Indexing the find fixture failed: \(run)") }
        return indexPath
    }

    static func shared(sourceLocation: SourceLocation = #_sourceLocation) throws -> FindFixture {
        try #require(current, "The suite needs the .findFixture trait.", sourceLocation: sourceLocation)
    }
}

struct FindFixtureTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        try await FindFixture.$current.withValue(try FindFixture()) {
            try await function()
        }
    }
}

extension Trait where Self == FindFixtureTrait {
    /// A PDF and a text file indexed once for the whole suite.
    static var findFixture: Self { Self() }
}

extension ModelBackedTests {
    /// `docqa find` run as a user runs it: what it prints, its JSON, its filters and its
    /// refusals. Nested in `ModelBackedTests` because building the index runs the model.
    @Suite("docqa find", .findFixture)
    struct FindCommandTests {
        /// Runs `docqa find ARGUMENTS --index FIXTURE`.
        private func find(_ arguments: [String]) async throws -> CommandResult {
            let fixture = try FindFixture.shared()
            let index = try await fixture.ready()
            return try await ChildProcess.docqa(["find"] + arguments + ["--index", index], in: fixture.folder)
        }

        /// Text output: one `file:page` line and one marked snippet per match, in document
        /// order (the PDF's pages, then the text file), the line-broken occurrence included,
        /// and a count line; no escape codes when stdout is not a terminal.
        @Test func textOutput() async throws {
            let fixture = try FindFixture.shared()
            let result = try await find(["distinctive WORD"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let locations = lines.filter { !$0.hasPrefix("   ") && !$0.isEmpty }.dropLast()
            #expect(Array(locations) == ["\(fixture.notes)", "\(fixture.notes)",
                                         "\(fixture.pdf):1", "\(fixture.pdf):2", "\(fixture.pdf):3"], "\(result)")
            let snippets = lines.filter { $0.hasPrefix("   ") }
            #expect(snippets.count == 5, "\(result)")
            #expect(snippets.allSatisfy { $0.lowercased().contains("[[distinctive word]]") }, "\(result)")
            #expect(snippets[2].contains("The [[distinctive word]] is alpha-marker"), "\(result)")
            #expect(lines.suffix(2) == ["5 matches in 2 documents", ""], "\(result)")
            #expect(!result.stdout.contains("\u{1B}"), "\(result)")
        }

        /// `--json` prints the documented object: exact counts, 1-based pages for the PDF and
        /// `null` for the text file, UTF-8 offsets, the snippet and the text matched.
        @Test func jsonOutput() async throws {
            let fixture = try FindFixture.shared()
            let result = try await find(["distinctive word", "--json"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.hasPrefix("{\"phrase\":\"distinctive word\",\"count\":5,\"documents\":2,\"matches\":[{\"path\":"),
                    "\(result)")
            let output = try jsonObject(result.stdout)
            let matches = try jsonObjects(output, "matches")
            try #require(matches.count == 5, "\(result)")
            for match in matches {
                #expect(Set(match.keys) == ["path", "page", "pageEnd", "offset", "length", "snippet", "match"])
                #expect((match["match"] as? String)?.lowercased().split(whereSeparator: \.isWhitespace) == ["distinctive", "word"])
                #expect((match["snippet"] as? String)?.contains("[[") == false)
            }
            #expect(try matches.map { try pageField($0, "page") } == [nil, nil, 1, 2, 3])
            #expect(matches.map { $0["path"] as? String } == [fixture.notes, fixture.notes, fixture.pdf, fixture.pdf, fixture.pdf])
            // "The distinctive word appears…": the match starts at byte 4 of the notes.
            #expect(matches[0]["offset"] as? Int == 4)
            #expect(matches[1]["match"] as? String == "distinctive\nword")
        }

        /// `--path` and `--type` keep only the documents they select; the count follows.
        @Test(arguments: [
            (["--path", "*.txt"], ["notes.txt", "notes.txt"]),
            (["--type", "pdf"], ["three-pages.pdf", "three-pages.pdf", "three-pages.pdf"]),
            (["--path", "*.pdf", "--path", "notes.*"],
             ["notes.txt", "notes.txt", "three-pages.pdf", "three-pages.pdf", "three-pages.pdf"]),
            (["--type", "text", "--path", "*.pdf"], []),
        ])
        func filters(_ filter: [String], expected: [String]) async throws {
            let result = try await find(["distinctive word", "--json"] + filter)
            #expect(result.status == 0, "\(result)")
            let output = try jsonObject(result.stdout)
            #expect(output["count"] as? Int == expected.count, "\(result)")
            let names = try jsonObjects(output, "matches").map { ($0["path"] as? String).map { ($0 as NSString).lastPathComponent } }
            #expect(names == expected, "\(result)")
        }

        /// `--limit` caps the matches shown, not the count. `--all-words` counts the PDF's
        /// pages that hold every word, and words on different pages do not make a match.
        @Test func limitAndAllWords() async throws {
            let limited = try await find(["distinctive word", "--limit", "2"])
            #expect(limited.status == 0, "\(limited)")
            #expect(limited.stdout.hasSuffix("\n5 matches in 2 documents (showing the first 2; raise --limit to see more)\n"),
                    "\(limited)")
            #expect(limited.stdout.split(separator: "\n").filter { $0.hasPrefix("   ") }.count == 2, "\(limited)")

            let pages = try await find(["fixture page", "--all-words"])
            #expect(pages.status == 0, "\(pages)")
            #expect(pages.stdout.hasSuffix("\n3 passages in 1 document\n"), "\(pages)")
            let apart = try await find(["alpha bravo", "--all-words"])
            #expect(apart.stdout == "No matches\n", "\(apart)")
        }

        /// A phrase that occurs nowhere exits 0 and says so.
        @Test func noMatches() async throws {
            let result = try await find(["charlie bravo"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "No matches\n", "\(result)")
        }

        /// An empty phrase, one without a letter or digit, or a limit below 1 is a usage
        /// error (exit 64) with a sentence that says what to give.
        @Test(arguments: [[""], ["  -- "], ["word", "--limit", "0"]])
        func refusesUnusableArguments(_ arguments: [String]) async throws {
            let fixture = try FindFixture.shared()
            // Validation comes before the index is opened, so it need not exist yet.
            let result = try await ChildProcess.docqa(["find"] + arguments + ["--index", fixture.indexPath], in: fixture.folder)
            #expect(result.status == 64, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(result.stderr.contains("Give a word or a phrase") || result.stderr.contains("--limit must be at least 1"),
                    "\(result)")
        }

        /// `find` loads no model: it works with no models installed.
        @Test func needsNoModel() async throws {
            let fixture = try FindFixture.shared()
            let index = try await fixture.ready()
            let empty = try TestFolder()
            let result = try await ChildProcess.run("/usr/bin/env",
                                                    ["XDG_DATA_HOME=\(empty.path)", "HOME=\(empty.path)", try DocQABinary.path(),
                                                     "find", "alpha-marker", "--index", index], in: fixture.folder)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.hasSuffix("\n1 match in 1 document\n"), "\(result)")
        }
    }
}
