import ArgumentParser
import DocQA
import Foundation

@main
struct DocQACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docqa",
        abstract: "Answer questions about your documents, privately, with local models.",
        discussion: """
            docqa indexes PDFs and text files into one SQLite file and answers questions \
            about them with a local language model, citing file and page. Nothing leaves \
            this machine: there is no network code.

            Files live in $XDG_DATA_HOME/docqa (default ~/.local/share/docqa): models in \
            models/ (then /usr/share/docqa/models, from the docqa-models package), named \
            indexes in indexes/NAME.sqlite. `docqa doctor` checks the installation.
            """,
        version: "0.1.0",
        subcommands: [IndexCommand.self, RemoveCommand.self, PurgeCommand.self, AskCommand.self, BatchCommand.self, SearchCommand.self, FindCommand.self, StatusCommand.self, ModelsCommand.self, DoctorCommand.self, EvalCommand.self, ExtractWorkerCommand.self]
    )

    /// Turns core dumps off before anything is read: a crash must not write document text
    /// to disk. Ignores SIGXFSZ, so a file-size limit (`ulimit -f`) reached while writing
    /// the index fails that write (reported as a full disk) instead of killing docqa
    /// mid-run without a word.
    static func main() {
        CoreDumps.disable()
        signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
}

/// Runs a command body, printing a `DocQAError` as one clear line on stderr and exiting 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DocQAError {
        // The message can quote a file name or a model's metadata: nothing in it may drive
        // the terminal.
        printError("docqa: error: " + (error.path.map { printablePath($0) + ": " } ?? "") + terminalSafe(error.message))
        throw ExitCode.failure
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// `path:page` or `path:start-end`, or just the path for files without pages; the path
/// as `printablePath` writes it.
func location(_ path: String, _ start: Int?, _ end: Int?) -> String {
    switch (start, end) {
    case let (start?, end?) where end != start: return "\(printablePath(path)):\(start)-\(end)"
    case let (start?, _): return "\(printablePath(path)):\(start)"
    default: return printablePath(path)
    }
}
