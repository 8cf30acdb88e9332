import Foundation

/// A question with its expected answer and where the answer is, as in
/// samples/questions.jsonl: `{"id","question","answer","accept","sources":[{"file","page"}]}`.
public struct EvaluationQuestion: Sendable, Equatable {
    public struct Location: Sendable, Equatable {
        /// A file name or a path relative to the indexed folder; matched as a path suffix.
        public var file: String
        /// 1-based page, `nil` for files without pages.
        public var page: Int?
    }

    public var id: String
    public var question: String
    /// The text a correct answer contains; `nil` when no document answers the question.
    public var answer: String?
    /// Other acceptable forms of the answer.
    public var accept: [String]
    public var sources: [Location]

    public var isAnswerable: Bool { answer != nil }

    /// Reads a JSONL file of questions.
    ///
    /// - Throws: `.invalidArgument` naming the line for a malformed line, a missing id or
    ///   question, or a duplicate id; `.fileNotFound` when the file cannot be read.
    public static func load(path: String) throws -> [EvaluationQuestion] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocQAError(.fileNotFound, "cannot read this questions file; check the path.", path: path)
        }
        var questions: [EvaluationQuestion] = []
        var ids = Set<String>()
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            func bad(_ reason: String) -> DocQAError {
                DocQAError(.invalidArgument, "line \(index + 1): \(reason)", path: path)
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw bad("not a JSON object; each line must be {\"id\",\"question\",\"answer\",\"sources\"}.")
            }
            guard let question = object["question"] as? String,
                  !question.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw bad("no \"question\" text.")
            }
            let id = (object["id"] as? String) ?? "line\(index + 1)"
            guard ids.insert(id).inserted else { throw bad("the id \"\(id)\" is used twice.") }
            let sources = (object["sources"] as? [[String: Any]] ?? []).compactMap { source -> Location? in
                guard let file = source["file"] as? String else { return nil }
                return Location(file: file, page: source["page"] as? Int)
            }
            questions.append(EvaluationQuestion(id: id, question: question, answer: object["answer"] as? String,
                                                accept: object["accept"] as? [String] ?? [], sources: sources))
        }
        return questions
    }

    /// Whether `path` is one of the files the answer is in.
    public func matchesFile(_ path: String) -> Bool {
        sources.contains { Self.path(path, endsWith: $0.file) }
    }

    /// Whether a passage of `path` covering `pageStart...pageEnd` holds the answer.
    public func matchesPage(path: String, pageStart: Int?, pageEnd: Int?) -> Bool {
        sources.contains { location in
            guard Self.path(path, endsWith: location.file) else { return false }
            guard let page = location.page else { return true }
            guard let start = pageStart else { return false }
            return start <= page && page <= (pageEnd ?? start)
        }
    }

    /// Whether `text` contains the expected answer or an accepted form (case and white
    /// space ignored).
    public func isAnsweredBy(_ text: String) -> Bool {
        guard let answer else { return false }
        let haystack = Self.normalized(text)
        return ([answer] + accept).contains { !Self.normalized($0).isEmpty && haystack.contains(Self.normalized($0)) }
    }

    static func normalized(_ text: String) -> String {
        text.lowercased()
            .replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{201C}", with: "\"")
            .replacingOccurrences(of: "\u{201D}", with: "\"")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func path(_ path: String, endsWith file: String) -> Bool {
        path == file || path.hasSuffix("/" + file)
    }
}

/// Ranking quality over a set of answerable questions.
public struct RetrievalScores: Sendable, Equatable {
    public var questions = 0
    public var fileHits: [Int: Int] = [:]   // k → questions with the right file in the top k
    public var pageHits: [Int: Int] = [:]
    /// k → questions with a passage in the top k that is in the right place and holds the
    /// expected text: stricter than the page for files without pages, where the page
    /// check is only the file.
    public var passageHits: [Int: Int] = [:]
    public var fileReciprocalRanks = 0.0
    public var pageReciprocalRanks = 0.0
    public var passageReciprocalRanks = 0.0

    public static let cutoffs = [1, 5, 10]

    public init() {}

    /// Adds one question's ranking (best first).
    public mutating func add(_ question: EvaluationQuestion, ranking: [RetrievedChunk]) {
        questions += 1
        let fileRank = ranking.firstIndex { question.matchesFile($0.chunk.path) }.map { $0 + 1 }
        func inPlace(_ hit: RetrievedChunk) -> Bool {
            question.matchesPage(path: hit.chunk.path, pageStart: hit.chunk.pageStart, pageEnd: hit.chunk.pageEnd)
        }
        let pageRank = ranking.firstIndex(where: inPlace).map { $0 + 1 }
        let passageRank = ranking.firstIndex { inPlace($0) && question.isAnsweredBy($0.chunk.text) }.map { $0 + 1 }
        for k in Self.cutoffs {
            if let rank = fileRank, rank <= k { fileHits[k, default: 0] += 1 }
            if let rank = pageRank, rank <= k { pageHits[k, default: 0] += 1 }
            if let rank = passageRank, rank <= k { passageHits[k, default: 0] += 1 }
        }
        fileReciprocalRanks += fileRank.map { 1 / Double($0) } ?? 0
        pageReciprocalRanks += pageRank.map { 1 / Double($0) } ?? 0
        passageReciprocalRanks += passageRank.map { 1 / Double($0) } ?? 0
    }

    public func fileRecall(at k: Int) -> Double { questions == 0 ? 0 : Double(fileHits[k] ?? 0) / Double(questions) }
    public func pageRecall(at k: Int) -> Double { questions == 0 ? 0 : Double(pageHits[k] ?? 0) / Double(questions) }
    public var fileMRR: Double { questions == 0 ? 0 : fileReciprocalRanks / Double(questions) }
    public var pageMRR: Double { questions == 0 ? 0 : pageReciprocalRanks / Double(questions) }
    public func passageRecall(at k: Int) -> Double { questions == 0 ? 0 : Double(passageHits[k] ?? 0) / Double(questions) }
    public var passageMRR: Double { questions == 0 ? 0 : passageReciprocalRanks / Double(questions) }
}
