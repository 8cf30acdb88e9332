import DocQATestSupport
import Foundation
import Testing

/// Argument parsing as seen from outside: help, version, usage errors. No model is loaded.
@Suite("docqa arguments")
struct ParsingTests {
    /// `docqa --help` exits 0 and lists each subcommand with its abstract.
    @Test func topLevelHelpListsSubcommands() async throws {
        let folder = try TestFolder()
        let result = try await ChildProcess.docqa(["--help"], in: folder)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let help = collapsingWhitespace(result.stdout)
        #expect(help.contains("USAGE: docqa <subcommand>"), "\(result)")
        for line in [
            "index Add or update files in an index.",
            "ask Answer a question from the indexed documents, citing file and page.",
            "search Show the passages that best match a query, without generating an answer.",
            "status Show what an index holds, which files could not be indexed, and which embedding model built it.",
            "remove Take documents out of an index (the files on disk are not touched).",
            "purge Erase the text and vectors of removed documents from the index file for good.",
        ] {
            #expect(help.contains(line), "missing \"\(line)\": \(result)")
        }
    }

    /// `docqa <command> --help` exits 0 and shows the command's usage and example.
    @Test(arguments: [
        ("index", "Example: docqa index ~/cases/acme-v-brightline --index acme"),
        ("ask", "Example: docqa ask \"What is the liability cap?\" --index acme"),
        ("search", "Example: docqa search \"limitation of liability\" --top-k 3 --json"),
        ("status", "Example: docqa status --index acme"),
        ("remove", "Example: docqa remove ~/cases/acme/privileged --index acme"),
        ("purge", "Example: docqa purge --index acme"),
    ])
    func subcommandHelpShowsExample(command: String, example: String) async throws {
        let folder = try TestFolder()
        let result = try await ChildProcess.docqa([command, "--help"], in: folder)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.contains("USAGE: docqa \(command)"), "\(result)")
        #expect(result.stdout.contains(example), "\(result)")
    }

    /// `docqa --version` prints the version alone and exits 0.
    @Test func version() async throws {
        let folder = try TestFolder()
        let result = try await ChildProcess.docqa(["--version"], in: folder)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "0.1.0\n", "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    /// An unknown option exits 64 (EX_USAGE) with the error and a usage line on stderr.
    @Test(arguments: [
        (["--bogus"], "Usage: docqa <subcommand>"),
        (["search", "cap", "--bogus"], "Usage: docqa search <query>"),
    ])
    func unknownOptionIsAUsageError(arguments: [String], usage: String) async throws {
        let folder = try TestFolder()
        let result = try await ChildProcess.docqa(arguments, in: folder)
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains("Error: Unknown option '--bogus'"), "\(result)")
        #expect(result.stderr.contains(usage), "\(result)")
    }

    /// Empty or blank queries and questions exit 64 with a full-sentence message and usage.
    @Test(arguments: [
        (["search", ""], "Error: The query is empty; say what to look for.", "Usage: docqa search"),
        (["search", " \n\t"], "Error: The query is empty; say what to look for.", "Usage: docqa search"),
        (["ask", "  "], "Error: The question is empty; ask something about the indexed documents.", "Usage: docqa ask"),
    ])
    func blankInputIsRejected(arguments: [String], message: String, usage: String) async throws {
        let folder = try TestFolder()
        let result = try await ChildProcess.docqa(arguments, in: folder)
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(result.stderr.contains(usage), "\(result)")
    }

    /// Out-of-range numeric options exit 64 with a message naming the option and its range.
    @Test(arguments: [
        (["search", "cap", "--top-k", "0"], "Error: --top-k must be between 1 and 100."),
        (["search", "cap", "--top-k", "101"], "Error: --top-k must be between 1 and 100."),
        (["ask", "What is the cap?", "--top-k", "0"], "Error: --top-k must be between 1 and 100."),
        (["ask", "What is the cap?", "--max-tokens", "8"], "Error: --max-tokens must be between 16 and 4096."),
        (["ask", "What is the cap?", "--context", "100"], "Error: --context must be at least 512 tokens."),
        (["search", "cap", "--top-k", "many"], "Error: The value 'many' is invalid for '--top-k <top-k>'"),
    ])
    func outOfRangeOptionsAreRejected(arguments: [String], message: String) async throws {
        let folder = try TestFolder()
        let result = try await ChildProcess.docqa(arguments, in: folder)
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
    }

    /// An index value that is neither a valid name nor a path exits 1 with one sentence.
    @Test(arguments: ["bad name!", ".hidden"])
    func invalidIndexNameIsRejected(name: String) async throws {
        let folder = try TestFolder()
        let result = try await ChildProcess.docqa(["status", "--index", name], in: folder)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderrLines == [
            "docqa: error: '\(name)' is not a valid index name; use letters, digits, '.', '_' and '-', "
                + "or give a path to a .sqlite file.",
        ], "\(result)")
        #expect(try folder.contents() == [".captured"], "nothing may be created in the working folder")
    }
}
