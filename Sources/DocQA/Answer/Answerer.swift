import Foundation

/// Answers a question from retrieved passages with a local chat model, citing them.
///
/// The steps: pick the sentences that bear on the question (`EvidenceSelector`), give
/// them to the model as numbered sources, take its short answer, strip what it copied of
/// the source labels, check each sentence against the source it cites, and decide "not
/// found" from that evidence (`NotFoundPolicy`), never from the model's say-so alone.
///
/// Not `Sendable`: it owns a llama.cpp context.
public final class Answerer {
    public let model: LlamaModel
    private let context: GenerationContext
    /// Most tokens an answer may have.
    public var maxAnswerTokens: Int
    public var sampling: SamplingSettings
    public var evidenceSelector = EvidenceSelector()
    public var policy = NotFoundPolicy()
    /// Scores evidence sentences by meaning; without it they are scored by key terms alone.
    public var embedder: Embedder?
    /// For measuring evidence selection alone: stop before running the chat model.
    public var selectsEvidenceOnly = false
    /// Asked at every generated piece of text; `true` ends the answer there (Ctrl-C).
    public var shouldStop: () -> Bool = { false }
    /// Called with each answer prompt's tokens before the model reads them; tests check
    /// here that document text opened no chat turn.
    var promptPrepared: ([LlamaToken]) -> Void = { _ in }
    private let threads: Int?
    /// Tokens at the start of every prompt (the system message and what opens the user's
    /// turn): the context keeps them between questions instead of reading them again.
    private let systemPrefix: Int
    /// Made on first use, for models large enough to ask (nil inside: not asked).
    private var verifier: AnswerVerifier??

    // Measured on the samples and the real-document set (BENCHMARKS.md): a plain
    // instruction that asks for a short, cited statement and never offers a "not found"
    // reply (small models either never use it or use it for everything).
    static let instructions = """
        Answer the question using only the numbered passages. Reply in one or two short \
        sentences that state the answer directly. Copy names, numbers, dates and amounts \
        exactly as the passages write them. End each sentence with the number of the \
        passage it comes from in square brackets, like [1].
        """

    /// Loads the chat model at `modelPath` and makes a context of `contextLength` tokens.
    ///
    /// - Throws: `.modelNotFound`, `.modelLoadFailed`, `.contextFailed`.
    /// With `parallel` above 1, `answers(_:)` generates that many answers at once.
    public init(modelPath: String, contextLength: Int = 4096, maxAnswerTokens: Int = 128,
                sampling: SamplingSettings = .answering, threads: Int? = nil, embedder: Embedder? = nil,
                parallel: Int = 1) throws {
        model = try LlamaModel(path: modelPath)
        context = try GenerationContext(model: model, contextLength: contextLength, threads: threads, sequences: parallel)
        self.maxAnswerTokens = maxAnswerTokens
        self.sampling = sampling
        self.embedder = embedder
        self.threads = threads
        systemPrefix = try Self.systemPrefixLength(model: model, instructions: Self.instructions)
    }

    /// Answers `question` from passages retrieved without weights or a query vector
    /// (evidence is then chosen by key terms alone).
    public func answer(_ question: String, from retrieved: [RetrievedChunk],
                       onText: (String) -> Void = { _ in }) throws -> Answer {
        try answer(question, from: Retrieval(chunks: retrieved, queryVector: [], termWeights: [:]), onText: onText)
    }

    /// Answers `question` from `retrieval` (best passages first), passing the model's raw
    /// text to `onText` as it is generated.
    ///
    /// With no passages, or passages that miss the question's key terms, the answer is
    /// "not found" without running the model.
    /// - Throws: model and template errors; `.promptTooLong` when even the question alone
    ///   does not fit.
    public func answer(_ question: String, from retrieval: Retrieval,
                       onText: (String) -> Void = { _ in }) throws -> Answer {
        switch try prepare(question, from: retrieval) {
        case .done(let answer):
            return answer
        case .pending(let pending):
            return try finish(pending, generation: try generate(pending, onText: onText), generationStart: pending.start)
        }
    }

    /// The model's text for one pending answer, generated on its own.
    private func generate(_ pending: PendingAnswer, onText: (String) -> Void = { _ in }) throws -> GenerationResult {
        var raw = ""
        return try context.generate(prompt: pending.prompt, reusablePrefix: systemPrefix, sharedPrefix: true,
                                    maxTokens: pending.answerRoom, sampling: sampling) { piece in
            raw += piece
            onText(piece)
            // One short paragraph is the whole answer: stop at the first blank line
            // instead of letting a small model ramble to the token cap.
            return !Self.isComplete(raw) && !shouldStop()
        }
    }

    /// Questions the context can answer at once with `answers(_:)`.
    public var parallelism: Int { context.sequences }

    /// Answers several questions, each from its retrieval, generating up to `parallelism`
    /// answers together (one llama.cpp batch per step). Each answer is what `answer` gives
    /// for it alone: every prompt is read on its own; only the answer tokens are decoded
    /// side by side. One question's failure is its own result.
    public func answers(_ questions: [(question: String, retrieval: Retrieval)]) -> [Result<Answer, any Error>] {
        var results = [Result<Answer, any Error>?](repeating: nil, count: questions.count)
        var pending: [(index: Int, answer: PendingAnswer)] = []
        for (index, item) in questions.enumerated() {
            do {
                switch try prepare(item.question, from: item.retrieval) {
                case .done(let answer): results[index] = .success(answer)
                case .pending(let answer): pending.append((index, answer))
                }
            } catch {
                results[index] = .failure(error)
            }
        }
        var start = 0
        while start < pending.count {
            let group = Array(pending[start..<min(start + context.sequences, pending.count)])
            start += group.count
            let clock = ContinuousClock()
            let groupStart = clock.now
            var raw = [String](repeating: "", count: group.count)
            do {
                let generations = try context.generate(
                    prompts: group.map(\.answer.prompt), reusablePrefix: systemPrefix,
                    maxTokens: group.map(\.answer.answerRoom), sampling: sampling) { slot, piece in
                        raw[slot] += piece
                        return !Self.isComplete(raw[slot]) && !shouldStop()
                    }
                for (slot, item) in group.enumerated() {
                    results[item.index] = Result { try finish(item.answer, generation: generations[slot], generationStart: groupStart) }
                }
            } catch {
                // One by one instead, so that each question gets its own answer or error.
                for item in group {
                    results[item.index] = Result {
                        try finish(item.answer, generation: try generate(item.answer), generationStart: item.answer.start)
                    }
                }
            }
        }
        return results.map { $0! }
    }

    /// What answering decided before the chat model runs.
    enum Preparation {
        /// Declined (or evidence only): the answer as it stands.
        case done(Answer)
        /// The prompt is ready for the model.
        case pending(PendingAnswer)
    }

    /// An answer waiting for the chat model.
    struct PendingAnswer {
        var result: Answer
        var retrieval: Retrieval
        var prompt: [LlamaToken]
        var answerRoom: Int
        var start: ContinuousClock.Instant
    }

    /// Chooses the evidence and decides what can be decided before the model runs.
    private func prepare(_ question: String, from retrieval: Retrieval) throws -> Preparation {
        let clock = ContinuousClock()
        let start = clock.now
        var result = Answer(question: question, text: "", notFound: true, citations: [], evidence: [], sources: [],
                            check: AnswerCheck(coverage: 0, missingTerms: [], bestSimilarity: 0, evidenceSimilarity: 0, evidenceCoverage: 0,
                                               unsupportedSentences: [], declineReason: nil),
                            stopReason: nil, timings: AnswerTimings())
        guard !retrieval.chunks.isEmpty else {
            result.check.declineReason = "No indexed passage matches the question."
            return .done(result)
        }

        let (coverage, missing) = NotFoundPolicy.coverage(of: question, in: retrieval.chunks.map(\.chunk.text),
                                                          weights: retrieval.termWeights)
        result.check.coverage = coverage
        result.check.missingTerms = missing
        result.check.namedDocuments = retrieval.namedDocuments
        result.check.expansion = retrieval.expansion
        let sources = try evidenceSources(question: question, retrieval: retrieval)
        result.sources = sources
        result.check.bestSimilarity = sources.flatMap(\.sentences).map(\.similarity).max() ?? 0
        result.timings.evidenceSeconds = start.duration(to: clock.now).inSeconds
        if let reason = policy.declineBeforeAnswering(coverage: coverage, missingTerms: missing) {
            result.check.declineReason = reason
            return .done(result)
        }
        if selectsEvidenceOnly { return .done(result) }

        let prompt = try model.chatPromptTokens([
            ChatMessage(role: .system, content: Self.instructions),
            ChatMessage(role: .user, content: Self.userMessage(question: question, sources: sources)),
        ])
        promptPrepared(prompt)
        let answerRoom = max(16, min(maxAnswerTokens, context.contextLength - prompt.count - 1))
        return .pending(PendingAnswer(result: result, retrieval: retrieval,
                                      prompt: prompt, answerRoom: answerRoom, start: start))
    }

    /// The answer from the model's text: cleaned, cited, checked, and declined when the
    /// checks say so. `generationStart` is when the model started on it.
    private func finish(_ pending: PendingAnswer, generation: GenerationResult,
                        generationStart: ContinuousClock.Instant) throws -> Answer {
        var result = pending.result
        let question = result.question
        let waited = pending.start.duration(to: generationStart).inSeconds
        result.stopReason = generation.stopReason
        result.timings.promptTokens = generation.promptTokens
        result.timings.promptSeconds = generation.promptSeconds
        result.timings.timeToFirstToken = generation.timeToFirstToken.map { $0 + waited }
        result.timings.generatedTokens = generation.generatedTokens
        result.timings.generationSeconds = generation.totalSeconds - generation.promptSeconds

        // Only where the yes/no check can judge the quote (models of 1B parameters or more):
        // a verbatim quote passes the support check by construction.
        let yesNo = try policy.enabled && policy.quotesForYesNoQuestions && policy.minimumAnswersQuestionOnRetry > 0
            && YesNoQuestion.matches(question) && answerVerifier() != nil
        var judged = try judge(generation.text, question: question, pending: pending,
                               minimumScore: { [policy] _ in policy.minimumAnswersQuestion }, rejectsRestatement: yesNo,
                               result: &result)
        if judged.reason != nil, policy.retriesWithQuote || yesNo, !shouldStop() {
            // A second try, asking for the passage's own words: a verbatim sentence is
            // supported by construction, so what decides is whether it answers the question.
            let retryStart = ContinuousClock.now
            let retry = try generateQuote(pending)
            var retried = result
            let second = try judge(retry.text, question: question, pending: pending,
                                   minimumScore: policy.minimumAnswersQuestionOnRetry(evidenceCoverage:), result: &retried)
            result.check.retryDraft = second.text
            result.check.retryAnswersQuestion = retried.check.answersQuestion
            result.check.retryEvidenceCoverage = retried.check.evidenceCoverage
            result.check.retryDeclineReason = second.reason
            result.timings.retrySeconds = retryStart.duration(to: .now).inSeconds
            if second.reason == nil {
                retried.check.retryDraft = second.text
                retried.check.retryAnswersQuestion = retried.check.answersQuestion
                retried.check.retryEvidenceCoverage = retried.check.evidenceCoverage
                retried.check.firstDraft = judged.text
                retried.check.firstDeclineReason = judged.reason
                retried.timings.retrySeconds = result.timings.retrySeconds
                result = retried
                judged = second
            }
        }
        if let reason = judged.reason {
            result.check.declineReason = reason
            result.draft = judged.text
            return result
        }
        result.notFound = false
        result.text = judged.text
        result.citations = judged.citations
        result.evidence = judged.evidence
        return result
    }

    /// The model's raw text cleaned, cited and checked: the decline reason is nil when
    /// every check passes. Fills `result.check` with what the checks measured.
    /// `minimumScore` gives the yes/no check's bar for the answer's evidence coverage (0: not asked).
    private func judge(_ raw: String, question: String, pending: PendingAnswer, minimumScore: (Double) -> Double,
                       rejectsRestatement: Bool = false, result: inout Answer) throws
        -> (text: String, citations: [Citation], evidence: [EvidenceSentence], reason: String?) {
        let sources = result.sources
        let text = Self.quotedAsTheSourcesWrite(Self.cleaned(raw, sources: sources), sources: sources)
        var citations = Self.citations(for: text, question: question, sources: sources)
        if policy.enabled && policy.checksNamedDocuments {
            citations = Self.citingNamedDocuments(citations, named: result.check.namedDocuments?.paths ?? [],
                                                  answer: text, question: question, sources: sources)
        }
        let unsupported = Self.unsupportedSentences(of: text, question: question, sources: sources)
        result.check.unsupportedSentences = unsupported
        let evidence = Self.evidence(for: text, citations: citations, question: question, sources: sources)
        result.check.evidenceSimilarity = evidence.map(\.similarity).max() ?? 0
        result.check.evidenceCoverage = NotFoundPolicy.coverage(of: question, in: evidence.map(\.text),
                                                                weights: pending.retrieval.termWeights).0
        var reason = policy.declineAfterAnswering(text: text, citations: citations, check: result.check)
        // Set aside before the yes/no check: there is nothing of the passages to score. A
        // yes/no answer may add only "yes" or "no"; any other must name something new.
        let restatement = YesNoQuestion.matches(question)
            ? rejectsRestatement && YesNoQuestion.restates(text, question: question)
            : policy.enabled && Self.namesNothing(text, question: question)
        if reason == nil, restatement {
            reason = "The model's answer only restates the question; it names nothing from the passages."
        }
        let minimum = minimumScore(result.check.evidenceCoverage)
        if reason == nil, minimum > 0, let verifier = try answerVerifier() {
            let checkStart = ContinuousClock.now
            let cited = Set(citations.map(\.source))
            let quoted = evidence.isEmpty
                ? sources.filter { cited.contains($0.number) }.map(\.text)
                : evidence.map(\.text)
            let score = try verifier.score(question: question,
                                           evidence: (quoted.isEmpty ? sources.prefix(1).map(\.text) : quoted).joined(separator: " "))
            result.check.answersQuestion = score
            result.timings.checkSeconds += checkStart.duration(to: .now).inSeconds
            reason = policy.declineAfterVerifying(score: score, minimum: minimum)
        }
        return (text, citations, evidence, reason)
    }

    /// Whether `answer` names nothing that `question` did not: no word of its own (in
    /// figures, in letters, or however short: "CA"), and no quoted term (“Combined Work”
    /// for "what does the licence call the work made by combining …?", whose words the
    /// question holds). Such an answer cannot say what a question other than yes or no
    /// asks for: "To mail a signed agreement, you should mail it to [2]." for "to what
    /// postal address do I mail it?", "The Foundation acquired the trademark." for "when
    /// did it acquire the trademark?". Citation marks are not words of the answer.
    static func namesNothing(_ answer: String, question: String) -> Bool {
        let text = answer.replacing(CitationCheck.citation, with: " ")
        guard !text.contains(where: { "\"“”`".contains($0) }) else { return false }
        let askedTerms = Set(Terms.keyTerms(question))
        let askedWords = Set(Terms.words(question))
        if Terms.keyWords(text).contains(where: { !askedTerms.contains($0.term) }) { return false }
        return !Terms.words(text).contains { !Terms.stopWords.contains($0) && !askedWords.contains($0) && $0.count < 3 }
    }

    /// The answer with its numbers, dates, bounds and settings written as its sources write
    /// them, so that a reader who searches the document for the answer's words finds them.
    static func quotedAsTheSourcesWrite(_ answer: String, sources: [Source]) -> String {
        var text = quotingNumbers(in: answer, sources: sources)
        text = spellingNumbers(in: text, sources: sources)
        text = quotingDates(in: text, sources: sources)
        text = quotingQualifiers(in: text, sources: sources)
        return quotingSettings(in: text, sources: sources)
    }

    /// What the second try's answer starts with: the model goes on to copy a passage.
    static let quoteOpening = "The passages say: \""

    /// A second answer to a pending question: the same prompt, with the answer begun as a
    /// quotation, so the model copies the passage's own words. After a question answered on
    /// its own the first try's prompt is still in the KV cache and only the opening is
    /// read; after a parallel batch (`answers(_:)`) the prompt is read again.
    private func generateQuote(_ pending: PendingAnswer) throws -> GenerationResult {
        let prompt = pending.prompt + (try model.tokenize(Self.quoteOpening, addSpecial: false))
        var raw = ""
        var result = try context.generate(prompt: prompt, reusablePrefix: pending.prompt.count,
                                          maxTokens: max(16, min(maxAnswerTokens, context.contextLength - prompt.count - 1)),
                                          sampling: sampling) { piece in
            raw += piece
            return !raw.contains("\"") && !Self.isComplete(raw) && !shouldStop()
        }
        if let end = raw.firstIndex(of: "\"") { raw = String(raw[..<end]) }
        result.text = raw
        return result
    }

    /// The tokens that every chat prompt with this system message shares, up to where the
    /// user's text begins.
    static func systemPrefixLength(model: LlamaModel, instructions: String) throws -> Int {
        let system = ChatMessage(role: .system, content: instructions)
        let one = try model.chatPromptTokens([system, ChatMessage(role: .user, content: "a")])
        let other = try model.chatPromptTokens([system, ChatMessage(role: .user, content: "b")])
        return zip(one, other).prefix { $0 == $1 }.count
    }

    /// The yes/no checker, made on first use; nil for models too small to ask.
    private func answerVerifier() throws -> AnswerVerifier? {
        if let verifier { return verifier }
        let made = model.parameterCount >= AnswerVerifier.minimumParameters
            ? try AnswerVerifier(model: model, threads: threads) : nil
        verifier = .some(made)
        return made
    }

    /// Whether generated text already holds a whole answer: a paragraph followed by a blank line.
    static func isComplete(_ text: String) -> Bool {
        guard let range = text.range(of: "\n\n") else { return false }
        return text[..<range.lowerBound].contains { $0.isLetter || $0.isNumber }
    }

    /// The passages for the prompt: selected sentences grouped by chunk, numbered from 1.
    private func evidenceSources(question: String, retrieval: Retrieval) throws -> [Source] {
        let embed: (([String]) throws -> [[Float]])? = embedder.map { embedder in { try embedder.embed($0) } }
        let groups = try evidenceSelector.select(
            question: question, from: retrieval.chunks, weights: retrieval.termWeights,
            queryVector: retrieval.queryVector.isEmpty ? nil : retrieval.queryVector,
            embed: retrieval.queryVector.isEmpty ? nil : embed,
            countTokens: { try self.model.countTokens(in: $0) })
        var sources: [Source] = []
        for group in groups {
            guard let first = group.first,
                  var hit = retrieval.chunks.first(where: { $0.chunk.chunkId == first.chunkId })?.chunk else { continue }
            // The source is cited by the pages of the sentences shown, which may be fewer
            // than the chunk's, or a neighbour's.
            if let start = group.compactMap(\.pageStart).min(), let end = group.compactMap(\.pageEnd).max() {
                hit.pageStart = start
                hit.pageEnd = end
            }
            sources.append(Source(number: sources.count + 1, chunk: hit, text: Self.passageText(group), sentences: group))
        }
        return sources
    }

    /// Sentences of one chunk as one passage: neighbours joined by a space, gaps marked "…".
    static func passageText(_ sentences: [EvidenceSentence]) -> String {
        var text = ""
        var previousEnd: Int?
        for sentence in sentences {
            if let end = previousEnd {
                text += sentence.byteStart - end <= 2 ? " " : " … "
            }
            text += sentence.displayText
            previousEnd = sentence.byteEnd
        }
        return text
    }

    /// The user turn: numbered sources, then the question.
    ///
    /// Passage text goes in as message content, which `chatPromptTokens` never parses for
    /// special tokens, so a document cannot close the turn or open a new one.
    static func userMessage(question: String, sources: [Source]) -> String {
        var message = ""
        for source in promptOrder(sources) {
            message += header(number: source.number, chunk: source.chunk)
            message += source.text.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n"
        }
        message += "Question: \(question)"
        return message
    }

    /// The order the prompt lists `sources` in: the source whose best sentence is most like
    /// the question last, right before the question, the others before it by the same
    /// measure (ties in number order). Each keeps its number. The 1.5B model reads the
    /// passage next to the question most closely: listed this way rather than best first,
    /// it answered 16 of the hard set's 40 questions right instead of 11 and 39 of the
    /// second set's 61 instead of 33 (BENCHMARKS.md, "The closest passage next to the
    /// question"). Listing them in reverse number order gained less (12 and 38).
    static func promptOrder(_ sources: [Source]) -> [Source] {
        func closeness(_ source: Source) -> Double { source.sentences.map(\.similarity).max() ?? 0 }
        return sources.sorted { (closeness($0), $0.number) < (closeness($1), $1.number) }
    }

    /// The line that introduces a source: its number, file and page, e.g. `[2] amendment-1.pdf, page 1`.
    static func header(number: Int, chunk: ChunkHit) -> String {
        "[\(number)] \(label(for: chunk))\n"
    }

    static func label(for chunk: ChunkHit) -> String {
        let name = URL(fileURLWithPath: chunk.path).lastPathComponent
        switch (chunk.pageStart, chunk.pageEnd) {
        case let (start?, end?) where end != start: return "\(name), pages \(start)-\(end)"
        case let (start?, _): return "\(name), page \(start)"
        default: return name
        }
    }

    /// The model's text without what it copied of the prompt's scaffolding: source labels
    /// ("[2] (file.txt)", "(file.pdf, page 3)"), an "Answer:" prefix, and white space.
    static func cleaned(_ text: String, sources: [Source]) -> String {
        var result = text
        if let range = result.range(of: "\n\n") { result = String(result[..<range.lowerBound]) }
        for source in sources {
            let label = Self.label(for: source.chunk)
            let name = URL(fileURLWithPath: source.chunk.path).lastPathComponent
            for echo in ["(\(label))", label, "(\(name))"] {
                result = result.replacingOccurrences(of: echo, with: "")
            }
        }
        // "[2] (…)" and "[Source 2]" → "[2]"
        result.replace(#/\[\s*(?:[Ss]ources?|[Pp]assages?)\s*(\d{1,3})\s*\]/#) { "[\($0.output.1)]" }
        result.replace(#/\[(\d{1,3})\]\s*\(\s*\)/#) { "[\($0.output.1)]" }
        // A number that names no source ("[8]" with four) points the reader nowhere: it
        // goes (the spaces it leaves are tidied below), and the citation check attributes
        // the claim to the source that holds it.
        let numbers = Set(sources.map(\.number))
        result.replace(CitationCheck.citation) { match in
            let written = CitationCheck.numbers(inCitation: match.output.1)
            let kept = written.filter(numbers.contains)
            if kept.count == written.count { return String(match.output.0) }
            return kept.isEmpty ? "" : "[" + kept.map(String.init).joined(separator: ", ") + "]"
        }
        // What a removed label leaves at the start ("file.pdf, page 3: …" → ": …"), and an
        // "Answer:" prefix.
        result.replace(#/^[\s:;,]*(?:(?:[Aa]nswer|A)\s*:\s*)?/#, with: "")
        // "from [1]", "from passage [1]", and the "from the." a removed file name leaves.
        result.replace(#/\s+from(?:\s+(?:the|passage|source))?\s*(?=\[\d|[.;,]?\s*$)/#, with: " ")
        result.replace(#/[ \t]{2,}/#, with: " ")
        result.replace(#/[ \t]+([.,;:])/#) { String($0.output.1) }
        return Self.withoutQuestions(Self.withoutCitationOnlySentences(result.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// The answer without sentences that ask rather than state, such as the question
    /// copied back before its answer ("How long must it be debated? Two weeks. [2]"): they
    /// claim nothing, and the support check would otherwise flag them and decline the
    /// answer. A reply that is nothing but a question is left as it is.
    static func withoutQuestions(_ text: String) -> String {
        let sentences = CitationCheck.sentences(of: text)
        let statements = sentences.filter { sentence in
            sentence.replacing(#/\[[^\]]*\]/#, with: "").trimmingCharacters(in: .whitespaces).last != "?"
        }
        guard !statements.isEmpty, statements.count < sentences.count else { return text }
        return statements.joined().trimmingCharacters(in: .whitespaces)
    }

    /// The answer without sentences that only point at a source ("This is stated in
    /// passage [2]."): their citations move to the sentence before, which makes the claim,
    /// or, when they come first ("[1]" on a line of its own, then the claim), to the
    /// sentence after. An answer that is nothing but citations is left as it is.
    static func withoutCitationOnlySentences(_ text: String) -> String {
        var kept: [String] = []
        var leading: [String] = []
        for sentence in CitationCheck.sentences(of: text) {
            let claim = sentence.replacing(#/\[[^\]]*\]/#, with: " ")
            let marks = sentence.matches(of: CitationCheck.citation).map { String($0.output.0) }
            let pointsOnly = !marks.isEmpty && CitationCheck.contentWords(claim).subtracting(citationWords).isEmpty
            if pointsOnly, let previous = kept.popLast() {
                kept.append(citing(previous, with: marks))
            } else if pointsOnly {
                leading += marks
            } else {
                kept.append(leading.isEmpty ? String(sentence) : citing(String(sentence), with: leading))
                leading = []
            }
        }
        guard !kept.isEmpty else { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        return kept.joined().trimmingCharacters(in: .whitespaces)
    }

    /// `sentence` with the citations in `marks` it does not already carry, before its full stop.
    private static func citing(_ sentence: String, with marks: [String]) -> String {
        var result = sentence.trimmingCharacters(in: .whitespacesAndNewlines)
        let stop = result.last.map { ".!?".contains($0) } == true ? String(result.removeLast()) : ""
        for mark in marks where !result.contains(mark) { result += " " + mark }
        return result + stop + " "
    }

    /// Words of a sentence that only says where something is written.
    private static let citationWords: Set<String> = [
        "passage", "passages", "stated", "states", "mentioned", "mentions", "cited", "given", "see", "found",
        "shown", "written", "specified", "described", "provided", "information", "per", "refer", "referenced",
    ]

    /// The answer with each number that a source writes both in words and in figures
    /// ("thirty (30) days", "three percent (3%)") quoted in the source's form, however the
    /// model shortened it ("30 days", "three percent"), unless a source writes it the
    /// model's way too.
    static func quotingNumbers(in answer: String, sources: [Source]) -> String {
        var forms: [(words: String, figure: String, unit: String)] = []
        for source in sources {
            for match in source.text.matches(of: #/\b((?:[A-Za-z]+[- ]){0,3}[A-Za-z]+) \((\d[\d,.]*%?)\)(?: ([A-Za-z]+))?/#) {
                // Keep the words that spell the number ("thirty" of "within thirty (30)");
                // skip when they do not end in a number word.
                let tokens = match.output.1.split(separator: " ")
                let spelled = tokens.reversed().prefix { token in
                    token.lowercased().split(separator: "-").allSatisfy { numberWords.contains(String($0)) || $0 == "percent" || $0 == "and" }
                }
                guard let last = spelled.first?.lowercased(), last != "and",
                      numberWords.contains(String(last.split(separator: "-").last ?? "")) || (last == "percent" && spelled.count > 1)
                else { continue }
                forms.append((spelled.reversed().joined(separator: " "), String(match.output.2), match.output.3.map(String.init) ?? ""))
            }
        }
        var result = answer
        for form in forms {
            let quoted = "\(form.words) (\(form.figure))"
            guard !result.contains(quoted) else { continue }
            let isPercent = form.figure.hasSuffix("%")
            // A figure is only rewritten with the source's unit after it ("30 days", not a
            // date's "June 30"); a percentage needs none. Spelled-out words always are.
            let unit = form.unit.isEmpty || isPercent ? "" : "\\s+" + NSRegularExpression.escapedPattern(for: form.unit)
            var patterns = ["(?i)\\b" + NSRegularExpression.escapedPattern(for: form.words) + "\\b(?!\\s*\\()" + unit]
            if !unit.isEmpty || isPercent {
                // Not "(30) days", not "130 days", not "$30".
                patterns.insert("(?i)(?<![\\d(.,$])" + NSRegularExpression.escapedPattern(for: form.figure) + "(?![\\d)])" + unit, at: 0)
            }
            for pattern in patterns {
                guard let expression = try? NSRegularExpression(pattern: pattern),
                      let match = expression.firstMatch(in: result, range: NSRange(result.startIndex..., in: result)),
                      let found = Range(match.range, in: result) else { continue }
                // The model's form is already a source's own ("in the twelve months before"
                // in a memo, where the contract writes "twelve (12) months"): rewriting it
                // would put a figure in the claim that its source does not hold.
                if sources.contains(where: { expression.firstMatch(in: $0.text, range: NSRange($0.text.startIndex..., in: $0.text)) != nil }) {
                    break
                }
                result.replaceSubrange(found, with: quoted + (unit.isEmpty ? "" : " " + form.unit))
                break
            }
        }
        return result
    }

    /// The answer with a small number that the model wrote in figures ("10 lines") in the
    /// words its source uses ("ten lines"), when a source spells it out before the same
    /// word and no source writes it in figures there: the prompt asks for numbers as the
    /// passages write them, and the support check would otherwise find no "10" in the
    /// source. Only whole numbers 1–99 followed by a word ("10 lines", not "June 10").
    static func spellingNumbers(in answer: String, sources: [Source]) -> String {
        let texts = sources.map { $0.text.lowercased() }
        func holds(_ text: String, _ phrase: String) -> Bool {
            text.range(of: "\\b" + NSRegularExpression.escapedPattern(for: phrase) + "\\b", options: .regularExpression) != nil
        }
        var result = ""
        var last = answer.startIndex
        for match in answer.matches(of: #/\b([1-9]\d?) ([A-Za-z]+)\b/#) {
            // Not part of an amount, a date ("06/10"), a version ("1.10"), a range ("5–10
            // days"), a section ("§ 10") or "(30) days"; not before a function word
            // ("Section 1 of", which "one of the parties" would otherwise spell).
            if match.range.lowerBound > answer.startIndex,
               "0123456789(.,$/:-–—#§".contains(answer[answer.index(before: match.range.lowerBound)]) { continue }
            let number = Int(match.output.1) ?? 0
            let word = String(match.output.2)
            guard !Terms.stopWords.contains(word.lowercased()),
                  !texts.contains(where: { holds($0, "\(number) \(word.lowercased())") }),
                  let spelling = spelled(number).first(where: { spelling in
                      texts.contains { holds($0, "\(spelling) \(word.lowercased())") }
                  }) else { continue }
            // Capitalised at the start of a sentence or a line.
            let before = answer[..<match.range.lowerBound]
            let startsSentence = before.reversed().prefix(while: \.isWhitespace).contains(where: \.isNewline)
                || before.trimmingCharacters(in: .whitespacesAndNewlines).last.map { ".!?".contains($0) } ?? true
            result += answer[last..<match.range.lowerBound]
            result += (startsSentence ? spelling.prefix(1).uppercased() + spelling.dropFirst() : spelling) + " " + word
            last = match.range.upperBound
        }
        return result + answer[last...]
    }

    /// "ten", "twenty-one" and "twenty one" for 10 and 21.
    static func spelled(_ number: Int) -> [String] {
        guard (1...99).contains(number) else { return [] }
        if number < 20 { return [ones[number]] }
        if number % 10 == 0 { return [tens[number / 10]] }
        return [tens[number / 10] + "-" + ones[number % 10], tens[number / 10] + " " + ones[number % 10]]
    }

    private static let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                               "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                               "eighteen", "nineteen"]
    private static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    /// The words that spell numbers ("one" … "ninety", "hundred", … "billion").
    static let numberWords = Set(ones.dropFirst() + tens.filter { !$0.isEmpty } + ["hundred", "thousand", "million", "billion"])

    /// Citations the answer makes, checked against the sources; when it makes none, the
    /// sources whose words it shares most.
    static func citations(for answer: String, question: String, sources: [Source]) -> [Citation] {
        func citation(_ source: Source, _ kind: Citation.Kind, supported: Bool) -> Citation {
            Citation(source: source.number, path: source.chunk.path, pageStart: source.chunk.pageStart,
                     pageEnd: source.chunk.pageEnd, kind: kind, supported: supported)
        }
        var cited: [Citation] = []
        for (number, sentence) in CitationCheck.citedNumbers(in: answer) {
            guard let source = sources.first(where: { $0.number == number }) else { continue }
            let claim = sentence.replacing(#/\[[^\]]*\]/#, with: "")
            if CitationCheck.isSupported(claim, by: source.text, question: question) {
                cited.append(citation(source, .cited, supported: true))
            } else if let other = sources.first(where: { CitationCheck.isSupported(claim, by: $0.text, question: question) }) {
                // A small model often writes the wrong number; point the reader at the
                // passage that does hold the claim, marked as docqa's attribution.
                if !cited.contains(where: { $0.source == other.number }) {
                    cited.append(citation(other, .matched, supported: true))
                }
            } else {
                cited.append(citation(source, .cited, supported: false))
            }
        }
        if !cited.isEmpty { return cited }
        let scored = sources.map { ($0, CitationCheck.support(of: answer, in: $0.text, question: question)) }
        guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 > 0 else { return [] }
        return [citation(best.0, .matched, supported: CitationCheck.isSupported(answer, by: best.0.text, question: question))]
    }

    /// `citations`, plus the first source of a document the question names that holds
    /// every claim of the answer, when no supported citation is from such a document: licences and
    /// contract versions repeat clauses word for word, and the model may cite the
    /// sibling's copy ("Under GPL version 2, …" answered from the LGPL's identical
    /// section) while the named document's copy is in front of it.
    static func citingNamedDocuments(_ citations: [Citation], named: Set<String>, answer: String, question: String,
                                     sources: [Source]) -> [Citation] {
        guard !named.isEmpty, !citations.contains(where: { $0.supported && named.contains($0.path) }) else { return citations }
        let claims = self.claims(of: answer)
        guard !claims.isEmpty, let source = sources.first(where: { source in
            named.contains(source.chunk.path)
                && claims.allSatisfy { CitationCheck.isSupported($0.claim, by: source.text, question: question) }
        }) else { return citations }
        // Replaces an unsupported entry for the same source (the best-match guess made when
        // the model cited nothing).
        return citations.filter { $0.source != source.number }
            + [Citation(source: source.number, path: source.chunk.path, pageStart: source.chunk.pageStart,
                        pageEnd: source.chunk.pageEnd, kind: .matched, supported: true)]
    }

    /// Sentences of the answer whose facts no source holds (a sentence citing the wrong
    /// source is re-attributed by `citations`, not flagged).
    static func unsupportedSentences(of answer: String, question: String, sources: [Source]) -> [String] {
        claims(of: answer).compactMap { sentence, claim in
            let supported = sources.contains { CitationCheck.isSupported(claim, by: $0.text, question: question) }
            return supported ? nil : sentence.trimmingCharacters(in: .whitespaces)
        }
    }

    /// The answer's sentences that state something, each with its claim (the sentence
    /// without its citation marks). A sentence with no facts of its own ("See [1].")
    /// claims nothing to check.
    static func claims(of answer: String) -> [(sentence: Substring, claim: String)] {
        CitationCheck.sentences(of: answer).compactMap { sentence in
            let claim = String(sentence.replacing(#/\[[^\]]*\]/#, with: ""))
            return Terms.keyTerms(claim).isEmpty ? nil : (sentence, claim)
        }
    }

    /// For each supported citation, the sentences of its source that share most of the
    /// answer's facts: what a reader should check.
    static func evidence(for answer: String, citations: [Citation], question: String, sources: [Source]) -> [EvidenceSentence] {
        var result: [EvidenceSentence] = []
        let answerTerms = Set(Terms.keyTerms(answer.replacing(#/\[[^\]]*\]/#, with: "")))
        // The answer's own facts; when it only restates the question, all its terms.
        let newTerms = answerTerms.subtracting(Terms.keyTerms(question))
        let claimTerms = newTerms.isEmpty ? answerTerms : newTerms
        for citation in citations where citation.supported {
            guard let source = sources.first(where: { $0.number == citation.source }) else { continue }
            let scored = source.sentences.map { sentence in
                (sentence, Set(Terms.keyTerms(sentence.text)).intersection(claimTerms).count)
            }
            guard let best = scored.map(\.1).max(), best > 0 else { continue }
            for (sentence, score) in scored where score == best && !result.contains(sentence) {
                result.append(sentence)
            }
        }
        return result
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
