import Foundation

/// What produced a batch's answers, recorded once at the top of its JSONL file so that a
/// reviewer can tell, and a resumed run can check that it would produce the same answers.
public struct BatchRun: Codable, Sendable, Equatable {
    public struct Model: Codable, Sendable, Equatable {
        public var file: String
        public var sha256: String
        public init(file: String, sha256: String) {
            self.file = file
            self.sha256 = sha256
        }
    }

    public struct IndexInfo: Codable, Sendable, Equatable {
        public var path: String
        public var documents: Int
        /// SHA-256 over the sorted (path, content hash) of every indexed document: equal
        /// digests mean the same documents, byte for byte.
        public var digest: String
        public init(path: String, documents: Int, digest: String) {
            self.path = path
            self.documents = documents
            self.digest = digest
        }
    }

    /// Everything that changes the answers.
    public struct Settings: Codable, Sendable, Equatable {
        public var topK: Int
        public var ranking: String
        public var paths: [String]
        public var types: [String]
        public var eachDocument: Bool
        public var contextLength: Int
        public var maxAnswerTokens: Int
        public var evidenceTokens: Int
        /// Answers generated at once (`nil` in files from before it existed: 1). Batched
        /// matrix products round differently, so answers can differ in wording from those
        /// generated one at a time (BENCHMARKS.md): a file is not resumed with another value.
        public var parallel: Int?
        /// Whether questions were also searched by a sentence a model wrote
        /// (`HypotheticalAnswerWriter`), those whose two searches disagreed
        /// (`Retriever.expansionAgreement`, not recorded); `nil` in files from before it
        /// existed: no.
        public var expandsQuestions: Bool?
        public init(topK: Int, ranking: String, paths: [String], types: [String], eachDocument: Bool,
                    contextLength: Int, maxAnswerTokens: Int, evidenceTokens: Int, parallel: Int? = nil,
                    expandsQuestions: Bool? = nil) {
            self.topK = topK
            self.ranking = ranking
            self.paths = paths
            self.types = types
            self.eachDocument = eachDocument
            self.contextLength = contextLength
            self.maxAnswerTokens = maxAnswerTokens
            self.evidenceTokens = evidenceTokens
            self.parallel = parallel
            self.expandsQuestions = expandsQuestions
        }
    }

    /// Always "run": tells this line from the answer lines.
    public var record = "run"
    public var docqaVersion: String
    /// When the first run of this file started (ISO 8601, UTC).
    public var created: String
    public var questionsFile: String
    public var chatModel: Model
    public var embeddingModel: Model
    /// The model that writes the sentence a question is also searched by where its two
    /// searches disagree (`nil` with `--no-expand`, or in files from before it was recorded).
    public var searchModel: Model?
    public var index: IndexInfo
    public var settings: Settings

    public init(docqaVersion: String, created: String, questionsFile: String, chatModel: Model,
                embeddingModel: Model, searchModel: Model? = nil, index: IndexInfo, settings: Settings) {
        self.docqaVersion = docqaVersion
        self.created = created
        self.questionsFile = questionsFile
        self.chatModel = chatModel
        self.embeddingModel = embeddingModel
        self.searchModel = searchModel
        self.index = index
        self.settings = settings
    }

    /// What differs between the run that made a file and this one, in words, where it
    /// would change the answers; empty when a resumed run gives the same answers.
    public func differences(from other: BatchRun) -> [String] {
        var result: [String] = []
        if chatModel != other.chatModel { result.append("chat model (\(other.chatModel.file) then, \(chatModel.file) now)") }
        if embeddingModel != other.embeddingModel {
            result.append("embedding model (\(other.embeddingModel.file) then, \(embeddingModel.file) now)")
        }
        // Files from before the search model was recorded had the chat model write the sentence.
        let writer = { (run: BatchRun) in run.searchModel ?? (run.settings.expandsQuestions == true ? run.chatModel : nil) }
        if let mine = writer(self), let theirs = writer(other), mine != theirs {
            result.append("search model (\(theirs.file) then, \(mine.file) now)")
        }
        if index.digest != other.index.digest {
            result.append("indexed documents (\(other.index.documents) then, \(index.documents) now, or their contents changed)")
        }
        let then = other.settings, now = settings
        func compare<T: Equatable>(_ name: String, _ old: T, _ new: T) {
            if old != new { result.append("\(name) (\(old) then, \(new) now)") }
        }
        compare("--top-k", then.topK, now.topK)
        compare("--ranking", then.ranking, now.ranking)
        compare("--path", then.paths, now.paths)
        compare("--type", then.types, now.types)
        compare("--each-document", then.eachDocument, now.eachDocument)
        compare("--context", then.contextLength, now.contextLength)
        compare("--max-tokens", then.maxAnswerTokens, now.maxAnswerTokens)
        compare("evidence budget", then.evidenceTokens, now.evidenceTokens)
        compare("--parallel", then.parallel ?? 1, now.parallel ?? 1)
        compare("--expand", then.expandsQuestions ?? false, now.expandsQuestions ?? false)
        if docqaVersion != other.docqaVersion { result.append("docqa version (\(other.docqaVersion) then, \(docqaVersion) now)") }
        return result
    }
}

/// One answered question (of one document, with `--each-document`): a line of a batch's JSONL.
public struct BatchRecord: Codable, Sendable, Equatable {
    public struct CitationRecord: Codable, Sendable, Equatable {
        public var source: Int
        public var path: String
        public var pageStart: Int?
        public var pageEnd: Int?
        /// "cited" (the model gave the number) or "matched" (docqa found the source).
        public var kind: String
        public var supported: Bool
        /// `true` when the document was stale as the answer was made (its file had changed
        /// and could not be indexed again, so the answer rests on its earlier version);
        /// absent otherwise, and in files written before docqa recorded it.
        public var stale: Bool? = nil
    }

    public struct EvidenceRecord: Codable, Sendable, Equatable {
        public var text: String
        public var path: String
        public var pageStart: Int?
        public var pageEnd: Int?
        public var byteStart: Int
        public var byteEnd: Int
    }

    public struct SourceRecord: Codable, Sendable, Equatable {
        public var source: Int
        public var path: String
        public var pageStart: Int?
        public var pageEnd: Int?
        /// The text the model was shown.
        public var text: String
        /// `true` when the document was stale as the answer was made; absent otherwise
        /// (see ``CitationRecord/stale``).
        public var stale: Bool? = nil
    }

    public struct Timings: Codable, Sendable, Equatable {
        public var retrievalSeconds: Double
        public var timeToFirstTokenSeconds: Double?
        public var totalSeconds: Double
    }

    /// Always "answer".
    public var record = "answer"
    public var id: String
    public var question: String
    /// With `--each-document`: the document the question was asked of.
    public var document: String?
    public var answer: String
    public var notFound: Bool
    /// Why docqa declined, when it did.
    public var declineReason: String?
    public var citations: [CitationRecord]
    public var evidence: [EvidenceRecord]
    public var sources: [SourceRecord]
    public var timings: Timings
    /// Why this question failed (nothing else is then meaningful); `nil` when it was answered.
    public var error: String?

    /// Identifies the row for resuming: the same id, question and document.
    public var key: Key { Key(id: id, question: question, document: document) }

    public struct Key: Hashable, Sendable {
        public var id: String
        public var question: String
        public var document: String?
    }

    public init(id: String, question: String, document: String?, answer: String, notFound: Bool,
                declineReason: String?, citations: [CitationRecord], evidence: [EvidenceRecord],
                sources: [SourceRecord], timings: Timings, error: String?) {
        self.id = id
        self.question = question
        self.document = document
        self.answer = answer
        self.notFound = notFound
        self.declineReason = declineReason
        self.citations = citations
        self.evidence = evidence
        self.sources = sources
        self.timings = timings
        self.error = error
    }

    /// The record of an answer; citations and sources from a document in `stale` (see
    /// ``IndexStore/stalePaths()``) are marked so.
    public init(question: BatchQuestion, document: String?, answer: Answer, retrievalSeconds: Double, totalSeconds: Double,
                stale: Set<String> = []) {
        self.init(
            id: question.id, question: question.question, document: document,
            answer: answer.notFound ? "" : answer.text, notFound: answer.notFound,
            declineReason: answer.check.declineReason,
            citations: answer.citations.map {
                CitationRecord(source: $0.source, path: $0.path, pageStart: $0.pageStart, pageEnd: $0.pageEnd,
                               kind: $0.kind.rawValue, supported: $0.supported, stale: stale.contains($0.path) ? true : nil)
            },
            evidence: answer.evidence.map {
                EvidenceRecord(text: $0.text, path: $0.path, pageStart: $0.pageStart, pageEnd: $0.pageEnd,
                               byteStart: $0.byteStart, byteEnd: $0.byteEnd)
            },
            sources: answer.sources.map {
                SourceRecord(source: $0.number, path: $0.chunk.path, pageStart: $0.chunk.pageStart,
                             pageEnd: $0.chunk.pageEnd, text: $0.text, stale: stale.contains($0.chunk.path) ? true : nil)
            },
            timings: Timings(retrievalSeconds: retrievalSeconds, timeToFirstTokenSeconds: answer.timings.timeToFirstToken,
                             totalSeconds: totalSeconds),
            error: nil)
    }

    /// The record of a question that failed with `error`.
    public init(question: BatchQuestion, document: String?, error: any Error, totalSeconds: Double) {
        self.init(id: question.id, question: question.question, document: document, answer: "", notFound: false,
                  declineReason: nil, citations: [], evidence: [], sources: [],
                  timings: Timings(retrievalSeconds: 0, timeToFirstTokenSeconds: nil, totalSeconds: totalSeconds),
                  error: (error as? DocQAError)?.description ?? "\(error)")
    }

    /// The paths of the documents this record marks stale (in its citations or sources).
    public var recordedStalePaths: Set<String> {
        Set(citations.filter { $0.stale == true }.map(\.path) + sources.filter { $0.stale == true }.map(\.path))
    }

    /// The supported citations' places (`file.pdf:4`, `other.txt`), each once, in order,
    /// with whether the document is stale: marked so in this record, or in `stale` (the
    /// stale documents now, so that rows answered before a file went stale show it too).
    public func citedPlaces(stale: Set<String> = []) -> [(place: String, path: String, isStale: Bool)] {
        var result: [(place: String, path: String, isStale: Bool)] = []
        for citation in citations where citation.supported {
            let place = BatchReport.place(citation.path, citation.pageStart, citation.pageEnd)
            let isStale = citation.stale == true || stale.contains(citation.path)
            if let index = result.firstIndex(where: { $0.place == place }) {
                result[index].isStale = result[index].isStale || isStale
            } else {
                result.append((place, citation.path, isStale))
            }
        }
        return result
    }

    /// The citations as one cell: `file.pdf:4; other.txt`, supported ones only, each once;
    /// one from a stale document (see ``citedPlaces(stale:)``) is followed by `(note)`:
    /// `note.txt (stale)`.
    public func citationList(stale: Set<String> = [], note: String = "stale") -> String {
        citedPlaces(stale: stale).map { $0.isStale ? "\($0.place) (\(note))" : $0.place }.joined(separator: "; ")
    }
}
