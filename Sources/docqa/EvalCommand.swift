import ArgumentParser
import DocQA
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure retrieval (and, with --answers, answers) on a file of questions with known answers.",
        discussion: """
            QUESTIONS is JSONL, one object per line: {"id","question","answer","accept",\
            "sources":[{"file","page"}]}, with "answer": null for questions no document \
            answers (the format of samples/questions.jsonl). Files match as path suffixes.

            Retrieval: recall@1, @5 and @10 and MRR, at file and page level and for \
            passages that hold the expected text, over the answerable questions. With \
            --answers: answers that contain the expected text, unanswerable questions \
            declined, answerable ones wrongly declined, citations supported, and median \
            timings. It measures; it exits 0 whatever the scores.

            Example: docqa eval samples/questions.jsonl --index samples --answers
            """
    )

    @Argument(help: "The questions file (JSONL).")
    var questions: String

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var embedding: EmbeddingOptions
    @OptionGroup var retrieval: RetrievalOptions
    @OptionGroup var answering: AnsweringOptions

    @Flag(help: "Also answer every question with the chat model and score the answers.")
    var answers = false

    @Flag(help: "Print JSON (scores and one row per question) instead of a table.")
    var json = false

    @Flag(help: .hidden)
    var noDecline = false

    @Flag(help: .hidden)
    var evidenceOnly = false

    // For calibration: the yes/no check's threshold (0 turns it off).
    @Option(help: .hidden)
    var minAnswersQuestion: Double?

    @Flag(help: .hidden)
    var retryQuote = false

    // For measurement: yes/no questions answered as other questions are.
    @Flag(help: .hidden)
    var noYesNoQuotes = false

    @Option(help: .hidden)
    var minCoverage: Double?

    @Option(help: .hidden)
    var minRetryScore: Double?

    // For measurement: the evidence score's bonus for answer-shaped sentences (0 turns it off).
    @Option(help: .hidden)
    var shapeWeight: Double?

    @Option(help: .hidden)
    var literalWeight: Double?

    @Flag(help: .hidden)
    var noEvidenceLabels = false

    func run() throws {
        try reportingErrors {
            let questions = try EvaluationQuestion.load(path: expand(self.questions))
            let store = try openExistingIndex(indexOptions)
            let embedder = try embedding.makeEmbedder()
            let answerer = answers ? try answering.makeAnswerer(embedder: embedder) : nil
            // Retrieval as `ask` does it: with the search sentence when --expand is on.
            let expander = try retrieval.makeExpander(loaded: answerer?.model,
                                                      chatModel: { try LlamaModel(path: try answering.chatModelPath) })
            var retriever = retrieval.makeRetriever(store: store, embedder: embedder, expander: expander)
            // Neighbouring chunks are read only to choose evidence for answers.
            if !answers { retriever.windowNeighbours = 0 }
            if noDecline { answerer?.policy.enabled = false }
            if evidenceOnly { answerer?.selectsEvidenceOnly = true }
            if let minAnswersQuestion { answerer?.policy.minimumAnswersQuestion = minAnswersQuestion }
            if retryQuote { answerer?.policy.retriesWithQuote = true }
            if noYesNoQuotes { answerer?.policy.quotesForYesNoQuestions = false }
            if let minCoverage { answerer?.policy.minimumCoverage = minCoverage }
            if let minRetryScore { answerer?.policy.minimumAnswersQuestionOnRetry = minRetryScore }
            if let shapeWeight { answerer?.evidenceSelector.shapeWeight = shapeWeight }
            if let literalWeight { answerer?.evidenceSelector.literalWeight = literalWeight }
            if noEvidenceLabels { answerer?.evidenceSelector.takesLabels = false }
            let isTerminal = isatty(STDERR_FILENO) == 1

            var scores = RetrievalScores()
            var tally = AnswerTally()
            var rows: [JSON] = []
            let clock = ContinuousClock()
            for (number, question) in questions.enumerated() {
                let start = clock.now
                let found = try retriever.retrieval(for: question.question, limit: max(10, retrieval.topK))
                let retrievalSeconds = start.duration(to: clock.now).inSeconds
                if question.isAnswerable { scores.add(question, ranking: found.chunks) }
                var row: [(String, JSON)] = [
                    ("id", .string(question.id)), ("question", .string(question.question)),
                    ("expected", question.answer.map(JSON.string) ?? .null),
                    ("ranking", .array(found.chunks.map {
                        .string(location($0.chunk.path, $0.chunk.pageStart, $0.chunk.pageEnd))
                    })),
                ]
                if let answerer {
                    var top = found
                    top.chunks = Array(found.chunks.prefix(retrieval.topK))
                    var answer = try answerer.answer(question.question, from: top)
                    answer.timings.retrievalSeconds = retrievalSeconds
                    let total = start.duration(to: clock.now).inSeconds
                    let correct = question.isAnsweredBy(answer.text)
                    tally.add(question, answer, correct: correct, seconds: total)
                    row.append(("correct", .bool(correct)))
                    row += JSONOutput.askMembers(answer, totalSeconds: total)
                    if isTerminal && !json {
                        printError("eval: \(number + 1)/\(questions.count) \(question.id) "
                                   + (question.isAnswerable ? (correct ? "correct" : (answer.notFound ? "declined" : "wrong"))
                                                            : (answer.notFound ? "declined" : "answered"))
                                   + String(format: " %.1fs", total))
                    }
                }
                rows.append(.object(row))
            }

            if json {
                var members: [(String, JSON)] = [("questions", .int(questions.count)), ("retrieval", retrievalJSON(scores))]
                if answers { members.append(("answers", tally.json)) }
                members.append(("rows", .array(rows)))
                print(JSONOutput.render(.object(members)))
                return
            }
            print("Retrieval over \(scores.questions) answerable questions (of \(questions.count)):")
            print("            @1     @5     @10    MRR")
            print(String(format: "  file   %5.2f  %5.2f  %5.2f  %5.2f", scores.fileRecall(at: 1), scores.fileRecall(at: 5),
                         scores.fileRecall(at: 10), scores.fileMRR))
            print(String(format: "  page   %5.2f  %5.2f  %5.2f  %5.2f", scores.pageRecall(at: 1), scores.pageRecall(at: 5),
                         scores.pageRecall(at: 10), scores.pageMRR))
            print(String(format: "  answer %5.2f  %5.2f  %5.2f  %5.2f", scores.passageRecall(at: 1), scores.passageRecall(at: 5),
                         scores.passageRecall(at: 10), scores.passageMRR))
            print("  (answer: a passage in the right place that holds the expected text)")
            if answers { tally.printTable() }
        }
    }

    private func retrievalJSON(_ scores: RetrievalScores) -> JSON {
        var members: [(String, JSON)] = [("answerable", .int(scores.questions))]
        for k in RetrievalScores.cutoffs {
            members.append(("fileRecallAt\(k)", .double(scores.fileRecall(at: k))))
            members.append(("pageRecallAt\(k)", .double(scores.pageRecall(at: k))))
            members.append(("passageRecallAt\(k)", .double(scores.passageRecall(at: k))))
        }
        members.append(("fileMRR", .double(scores.fileMRR)))
        members.append(("pageMRR", .double(scores.pageMRR)))
        members.append(("passageMRR", .double(scores.passageMRR)))
        return .object(members)
    }
}

/// Answer scores over a question set.
struct AnswerTally {
    var answerable = 0, unanswerable = 0
    var correct = 0, declinedUnanswerable = 0, wronglyDeclined = 0
    /// Answerable questions whose passages, as shown to the model, contain the expected text.
    var shownContainAnswer = 0
    var citations = 0, supportedCitations = 0
    var seconds: [Double] = []
    var firstToken: [Double] = []

    mutating func add(_ question: EvaluationQuestion, _ answer: Answer, correct isCorrect: Bool, seconds total: Double) {
        if question.isAnswerable {
            answerable += 1
            if isCorrect { correct += 1 }
            if answer.notFound { wronglyDeclined += 1 }
            if question.isAnsweredBy(answer.sources.map(\.text).joined(separator: "\n")) { shownContainAnswer += 1 }
        } else {
            unanswerable += 1
            if answer.notFound { declinedUnanswerable += 1 }
        }
        citations += answer.citations.count
        supportedCitations += answer.citations.filter(\.supported).count
        seconds.append(total)
        if let ttft = answer.timings.timeToFirstToken { firstToken.append(ttft) }
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    var supportedShare: Double { citations == 0 ? 0 : Double(supportedCitations) / Double(citations) }

    var json: JSON {
        .object([
            ("answerable", .int(answerable)), ("correct", .int(correct)),
            ("passagesContainAnswer", .int(shownContainAnswer)),
            ("unanswerable", .int(unanswerable)), ("declinedUnanswerable", .int(declinedUnanswerable)),
            ("wronglyDeclined", .int(wronglyDeclined)),
            ("citations", .int(citations)), ("supportedCitations", .int(supportedCitations)),
            ("medianSeconds", .optional(Self.median(seconds))),
            ("medianTimeToFirstTokenSeconds", .optional(Self.median(firstToken))),
        ])
    }

    func printTable() {
        print("\nAnswers:")
        print("  contain the expected text        \(correct)/\(answerable)")
        print("  passages shown hold the answer   \(shownContainAnswer)/\(answerable)")
        print("  unanswerable declined            \(declinedUnanswerable)/\(unanswerable)")
        print("  answerable wrongly declined      \(wronglyDeclined)/\(answerable)")
        print(String(format: "  citations supported              %d/%d (%.0f%%)", supportedCitations, citations, supportedShare * 100))
        print(String(format: "  median time per question         %.1f s", Self.median(seconds) ?? 0))
        print(String(format: "  median time to first token       %.2f s", Self.median(firstToken) ?? 0))
    }
}
