import ArgumentParser
import DocQA
import Foundation

struct FindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "List every place a phrase occurs, in document order, with a count.",
        discussion: """
            Exhaustive, not ranked: every occurrence in every indexed document (or in those \
            --path and --type select), documents by path, occurrences in reading order. \
            No model is loaded.

            A phrase matches case-insensitively; any run of spaces or line breaks in it \
            matches any run in the text (so a phrase matches across a line or page break); \
            curly and straight quotes are the same; and it must start and end at a word \
            boundary ("cap" does not match "capital", and "terminate" does not match \
            "terminated"). Each line gives file:page and the match in context, marked \
            [[like this]] (in bold on a terminal).

            --all-words finds passages that contain every word of the phrase (its parts \
            between spaces), in any order: each page of a PDF, or for a text file each \
            chunk-sized stretch of about 150 words (a chunk without the text it repeats \
            from the one before), that holds them all is one match, shown around the \
            shortest stretch that holds them.

            Example: docqa find "limitation of liability" --path '*.pdf' --json
            """
    )

    @Argument(help: "The phrase to look for; quote it when it has spaces.")
    var phrase: String

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var filter: FilterOptions

    @Flag(name: .customLong("all-words"),
          help: "Find passages (pages, or chunks of a text file) that hold every word of the phrase, in any order.")
    var allWords = false

    @Option(help: ArgumentHelp("Show at most N matches; the count still covers all of them.", valueName: "N"))
    var limit: Int?

    @Flag(help: "Print JSON: {\"phrase\",\"count\",\"documents\",\"matches\":[{\"path\",\"page\",\"pageEnd\",\"offset\",\"length\",\"snippet\",\"match\"}]}.")
    var json = false

    func validate() throws {
        guard phrase.contains(where: { $0.isLetter || $0.isNumber }) else {
            throw ValidationError("The phrase has no letter or digit to look for. Give a word or a phrase, for example: docqa find \"limitation of liability\"")
        }
        if let limit, limit < 1 {
            throw ValidationError("--limit must be at least 1.")
        }
    }

    func run() throws {
        try reportingErrors {
            let store = try openExistingIndex(indexOptions)
            let documents = try filter.documentFilter.map { try store.documentIDs(matching: $0) }
            let matches = try store.find(phrase, mode: allWords ? .allWords : .phrase, in: documents)
            let documentCount = Set(matches.map(\.documentId)).count
            let shown = matches.prefix(limit ?? matches.count)
            if json {
                print(JSONOutput.render(JSONOutput.find(phrase: phrase, matches: Array(shown), count: matches.count,
                                                        documents: documentCount)))
                return
            }
            guard !matches.isEmpty else {
                print(documents?.isEmpty == true ? "No matches: no indexed document passes --path/--type." : "No matches")
                return
            }
            let marks = HighlightMarks.forStandardOutput()
            for match in shown {
                print(location(match.path, match.pageStart, match.pageEnd))
                print("   " + match.snippet.segments.map { segment in
                    let text = terminalSafe(segment.text)
                    return segment.isMatch ? marks.open + text + marks.close : text
                }.joined())
            }
            let noun = allWords ? ("passage", "passages") : ("match", "matches")
            var summary = "\(matches.count) \(matches.count == 1 ? noun.0 : noun.1) in \(documentCount) "
                + (documentCount == 1 ? "document" : "documents")
            if shown.count < matches.count {
                summary += " (showing the first \(shown.count); raise --limit to see more)"
            }
            print("\n" + summary)
        }
    }
}

/// How matched text is marked: bold on a terminal, brackets that survive a pipe or a file.
struct HighlightMarks {
    var open: String
    var close: String

    static let plain = HighlightMarks(open: "[[", close: "]]")
    static let bold = HighlightMarks(open: "\u{1B}[1m", close: "\u{1B}[22m")

    /// Bold when standard output is a terminal that is not `dumb` and `NO_COLOR` is unset.
    static func forStandardOutput() -> HighlightMarks {
        let environment = ProcessInfo.processInfo.environment
        let styled = isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        return styled ? bold : plain
    }
}
