import Foundation

/// Where a batch run is, for progress output.
public struct BatchProgress: Sendable {
    /// Questions answered in this run so far (failed ones included).
    public var done: Int
    /// Questions this run has to answer (those already in the file not counted).
    public var total: Int
    /// The record just written.
    public var record: BatchRecord
    /// Mean seconds per question in this run so far.
    public var meanSeconds: Double

    /// Seconds left at the mean pace.
    public var remainingSeconds: Double { Double(total - done) * meanSeconds }
}

/// What a batch run did.
public struct BatchSummary: Sendable, Equatable {
    /// Questions (× documents) in the job.
    public var questions = 0
    /// Already answered by an earlier run of the same file, so skipped.
    public var skipped = 0
    public var answered = 0
    public var notFound = 0
    public var failed = 0
    public var seconds = 0.0
}

/// Answers many questions (optionally of every document separately) with models and index
/// opened once, writing each answer to a `BatchJournal` as soon as it is made.
///
/// A question that fails is recorded with its error and the run goes on.
/// Not `Sendable`: it owns the answerer's llama.cpp context.
public final class BatchRunner {
    public let store: IndexStore
    public var retriever: Retriever
    public let answerer: Answerer
    /// Passages retrieved per question.
    public var topK: Int

    public init(store: IndexStore, retriever: Retriever, answerer: Answerer, topK: Int) {
        self.store = store
        self.retriever = retriever
        self.answerer = answerer
        self.topK = topK
    }

    /// The documents `--each-document` goes through: every indexed document the retriever's
    /// filter admits, by path.
    public func documents() throws -> [StoredDocument] {
        let all = try store.documents()
        guard let filter = retriever.filter else { return all }
        let allowed = try store.documentIDs(matching: filter)
        return all.filter { allowed.contains($0.id) }
    }

    /// Answers `questions` (of each of `documents`, when given) that `journal` does not
    /// already hold, appending each answer to it.
    ///
    /// - Parameters:
    ///   - shouldStop: checked before each question (each group of `answerer.parallelism`
    ///     questions); when it returns true the run ends there (every answer so far is in
    ///     the journal).
    ///   - progress: called after each question.
    /// Citations and sources from a stale document (``IndexStore/stalePaths()``) are
    /// marked `stale` on their rows.
    /// - Throws: when the journal cannot be written or the index's file states cannot be
    ///   read; a question's own failure is recorded on its row.
    public func run(_ questions: [BatchQuestion], documents: [StoredDocument]?, journal: BatchJournal,
                    shouldStop: () -> Bool = { false }, progress: (BatchProgress) -> Void = { _ in }) throws -> BatchSummary {
        let clock = ContinuousClock()
        let start = clock.now
        let finished = journal.finished
        var jobs: [(question: BatchQuestion, document: StoredDocument?)] = []
        for document in documents.map({ $0.map(Optional.some) }) ?? [nil] {
            for question in questions { jobs.append((question, document)) }
        }
        var summary = BatchSummary(questions: jobs.count)
        // Read once: a batch does not index, so no document turns stale during the run.
        let stale = try store.stalePaths()
        let pending = jobs.filter { job in
            !finished.contains(BatchRecord.Key(id: job.question.id, question: job.question.question, document: job.document?.path))
        }
        summary.skipped = jobs.count - pending.count
        var patternMatches: [String: Set<Int64>] = [:]
        var done = 0
        var next = 0
        // Up to `answerer.parallelism` questions at a time: each retrieved on its own,
        // their answers generated together.
        while next < pending.count {
            if shouldStop() { break }
            let group = Array(pending[next..<min(next + max(1, answerer.parallelism), pending.count)])
            next += group.count
            let groupStart = clock.now
            var retrieved: [(job: Int, retrieval: Retrieval, seconds: Double)] = []
            var records = [BatchRecord?](repeating: nil, count: group.count)
            for (slot, job) in group.enumerated() {
                let questionStart = clock.now
                do {
                    var restricted = retriever
                    if let pattern = job.question.path {
                        if patternMatches[pattern] == nil {
                            patternMatches[pattern] = try store.documentIDs(matching: DocumentFilter(paths: [pattern]))
                        }
                        restricted.documentIDs = patternMatches[pattern]
                    }
                    if let document = job.document {
                        restricted.documentIDs = (restricted.documentIDs ?? [document.id]).intersection([document.id])
                    }
                    let found = try restricted.retrieval(for: job.question.question, limit: topK)
                    retrieved.append((slot, found, questionStart.duration(to: clock.now).inSeconds))
                } catch {
                    records[slot] = BatchRecord(question: job.question, document: job.document?.path, error: error,
                                                totalSeconds: questionStart.duration(to: clock.now).inSeconds)
                }
            }
            let answers = answerer.answers(retrieved.map { (group[$0.job].question.question, $0.retrieval) })
            // Each question is charged its share of the group's time.
            let seconds = groupStart.duration(to: clock.now).inSeconds / Double(group.count)
            for (item, outcome) in zip(retrieved, answers) {
                let job = group[item.job]
                switch outcome {
                case .success(var answer):
                    answer.timings.retrievalSeconds = item.seconds
                    if item.retrieval.chunks.isEmpty, job.question.path != nil || job.document != nil {
                        answer.check.declineReason = "No passage of the documents this question is limited to matches it."
                    }
                    records[item.job] = BatchRecord(question: job.question, document: job.document?.path, answer: answer,
                                                    retrievalSeconds: item.seconds, totalSeconds: seconds, stale: stale)
                case .failure(let error):
                    records[item.job] = BatchRecord(question: job.question, document: job.document?.path, error: error,
                                                    totalSeconds: seconds)
                }
            }
            for record in records.compactMap({ $0 }) {
                try journal.append(record)
                if record.error != nil { summary.failed += 1 } else if record.notFound { summary.notFound += 1 } else { summary.answered += 1 }
                done += 1
                let elapsed = start.duration(to: clock.now).inSeconds
                progress(BatchProgress(done: done, total: pending.count, record: record,
                                       meanSeconds: elapsed / Double(done)))
            }
        }
        summary.seconds = start.duration(to: clock.now).inSeconds
        return summary
    }

    /// SHA-256 over the sorted paths and content hashes of the indexed documents.
    public static func digest(of documents: [StoredDocument]) -> String {
        var hash = SHA256()
        for document in documents.sorted(by: { $0.path < $1.path }) {
            hash.update("\(document.path)\u{0}\(document.contentHash)\n")
        }
        return hash.finalize()
    }
}
