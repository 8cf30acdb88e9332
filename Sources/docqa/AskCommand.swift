import ArgumentParser
import DocQA
import Foundation

struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Answer a question from the indexed documents, citing file and page.",
        discussion: """
            Retrieves the best passages, picks the sentences in them that bear on the \
            question, and asks the chat model for a short answer that cites them. Each \
            sentence of the answer is checked against the passage it cites; the supporting \
            sentences are quoted with file and page. When the passages do not cover the \
            question, or the answer is not supported by them, docqa says the documents do \
            not answer it and shows the closest passages.

            Example: docqa ask "What is the liability cap?" --index acme
            """
    )

    @Argument(help: "The question.")
    var question: String

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var embedding: EmbeddingOptions
    @OptionGroup var retrieval: RetrievalOptions
    @OptionGroup var answering: AnsweringOptions

    @Flag(help: "Print one JSON object (answer, notFound, citations, evidence, check, sources, timings).")
    var json = false

    func validate() throws {
        guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("The question is empty; ask something about the indexed documents.")
        }
    }

    func run() throws {
        Interruption.install(announcing: "\nask: stopping (press Ctrl-C again to stop at once)\n")
        try reportingErrors {
            let clock = ContinuousClock()
            let start = clock.now
            let store = try openExistingIndex(indexOptions)
            let embedder = try embedding.makeEmbedder()
            let answerer = try answering.makeAnswerer(embedder: embedder)
            answerer.shouldStop = { Interruption.signal != nil }

            let retrievalStart = clock.now
            let expander = try retrieval.lazyExpander(loaded: answerer.model)
            let found = try retrieval.makeRetriever(store: store, embedder: embedder, expander: expander)
                .retrieval(for: question, limit: retrieval.topK)
            let retrievalSeconds = retrievalStart.duration(to: clock.now).inSeconds

            // Stopped before the model ran, or while it wrote (at its next piece of text).
            let result = Interruption.signal == nil ? try answerer.answer(question, from: found) : nil
            if let code = Interruption.exitCode {
                // A half-written answer is not checked well enough to show.
                printError("ask: interrupted; no answer was given.")
                throw ExitCode(code)
            }
            guard var answer = result else { return }
            answer.timings.retrievalSeconds = retrievalSeconds
            let total = start.duration(to: clock.now).inSeconds
            if json {
                print(JSONOutput.render(JSONOutput.ask(answer, totalSeconds: total, stale: try store.stalePaths())))
                return
            }
            printAnswer(answer, closest: found.chunks, stale: try store.stalePaths())
        }
    }
}

/// Prints an answer for a person: the answer, the sentences that support it, and flags
/// for anything docqa could not check.
/// `stale`: the paths of stale documents, marked where they are shown.
func printAnswer(_ answer: Answer, closest: [RetrievedChunk], stale: Set<String> = []) {
    if answer.notFound {
        print("Not found: the indexed documents do not appear to answer this question.")
        if let reason = answer.check.declineReason { print(terminalSafe(reason)) }
        if !answer.draft.isEmpty {
            print("\nUnverified draft (not supported by the passages; do not rely on it):\n  \(terminalSafe(answer.draft))")
        }
        if let expansion = answer.check.expansion {
            print("\nAlso searched for, by meaning (a sentence a model wrote before reading any passage; a guess, not evidence):\n  \(terminalSafe(expansion))")
        }
        if !closest.isEmpty {
            print("\nClosest passages searched:")
            for hit in closest.prefix(3) {
                let snippet = hit.chunk.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                print("  \(location(hit.chunk.path, hit.chunk.pageStart, hit.chunk.pageEnd))  "
                      + (stale.contains(hit.chunk.path) ? "(\(FileState.staleNote)) " : "")
                      + terminalSafe(String(snippet.prefix(160))) + (snippet.count > 160 ? "…" : ""))
            }
        }
        return
    }
    print(terminalSafe(answer.text))
    for sentence in answer.check.unsupportedSentences {
        print("  (unsupported: docqa did not find this in the cited passage: \"\(terminalSafe(sentence))\")")
    }
    print("\nSources:")
    for citation in answer.citations {
        var notes: [String] = []
        if citation.kind == .matched { notes.append("not cited by the model; the closest matching source") }
        if !citation.supported { notes.append("its wording does not match the answer") }
        if stale.contains(citation.path) { notes.append(FileState.staleNote) }
        let note = notes.isEmpty ? "" : "  (" + notes.joined(separator: "; ") + ")"
        print("  [\(citation.source)] \(location(citation.path, citation.pageStart, citation.pageEnd))\(note)")
    }
    if answer.citations.isEmpty {
        print("  (the answer matches none of the sources)")
    }
    if !answer.evidence.isEmpty {
        print("\nEvidence:")
        for sentence in answer.evidence {
            print("  \(location(sentence.path, sentence.pageStart, sentence.pageEnd)): \"\(terminalSafe(sentence.displayText))\"")
        }
    }
    if !answer.citations.contains(where: \.supported) {
        print("\nCaution: docqa could not match this answer to the text of its sources. Read the passages (docqa search) before relying on it.")
    }
}

/// A file path on one line: line breaks, tabs and other control characters written as
/// escapes (`\n`, `\t`, `\u{1b}`), so a file named with a line break cannot split or
/// forge a line of output.
func printablePath(_ path: String) -> String {
    var result = ""
    for scalar in path.unicodeScalars {
        switch scalar {
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case "\\": result += "\\\\"
        case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isBidiControl(scalar):
            result += "\\u{" + String(scalar.value, radix: 16) + "}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// Text from documents or the model with control characters (escape sequences among
/// them) and direction controls replaced by U+FFFD, so it cannot drive the terminal;
/// line breaks and tabs stay.
func terminalSafe(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
        (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
            || isBidiControl(scalar) ? "\u{FFFD}" : scalar
    }))
}

/// Unicode's explicit direction controls (embeddings, overrides, isolates): they make a
/// terminal show text in another order than it is stored ("Trojan source"), so a file
/// name or a passage could pass for something else.
func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
    (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
}
