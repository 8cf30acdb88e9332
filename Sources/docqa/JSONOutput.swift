import DocQA
import Foundation

/// A JSON value whose object keys keep their order, so output reads in the documented order.
indirect enum JSON {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    static func optional(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }
    static func optional(_ value: Double?) -> JSON { value.map(JSON.double) ?? .null }

    func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value): output += value.isFinite ? String(format: "%.6g", value) : "null"
        case .string(let value): JSON.writeString(value, to: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output += "," }
                JSON.writeString(key, to: &output)
                output += ":"
                value.write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let s where s.value < 0x20 || s.value == 0x2028 || s.value == 0x2029:
                output += String(format: "\\u%04x", s.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

/// The machine-readable output of each command: a contract other tools script against.
enum JSONOutput {
    static func render(_ value: JSON) -> String {
        var output = ""
        value.write(to: &output)
        return output
    }

    /// `stale`: the paths of stale documents (see `IndexStore.stalePaths`).
    static func search(_ results: [RetrievedChunk], expansion: String? = nil, stale: Set<String> = []) -> JSON {
        .object([("results", .array(results.enumerated().map { rank, result in
            .object([
                ("rank", .int(rank + 1)),
                ("path", .string(result.chunk.path)),
                ("pageStart", .optional(result.chunk.pageStart)),
                ("pageEnd", .optional(result.chunk.pageEnd)),
                ("section", .string(result.chunk.section)),
                ("chunkId", .int(Int(result.chunk.chunkId))),
                ("score", .double(result.score)),
                ("ocr", .bool(result.chunk.ocrConfidence != nil)),
                ("ocrConfidence", .optional(result.chunk.ocrConfidence)),
                ("hiddenText", .bool(result.chunk.hasHiddenText)),
                ("stale", .bool(stale.contains(result.chunk.path))),
                ("text", .string(result.chunk.text)),
            ])
        })), ("expansion", expansion.map(JSON.string) ?? .null)])
    }

    /// `docqa find`: `count` and `documents` cover every match, `matches` the ones shown.
    static func find(phrase: String, matches: [PhraseMatch], count: Int, documents: Int) -> JSON {
        .object([
            ("phrase", .string(phrase)),
            ("count", .int(count)),
            ("documents", .int(documents)),
            ("matches", .array(matches.map { match in
                .object([
                    ("path", .string(match.path)),
                    ("page", .optional(match.pageStart)),
                    ("pageEnd", .optional(match.pageEnd)),
                    ("offset", .int(match.byteOffset)),
                    ("length", .int(match.byteLength)),
                    ("snippet", .string(match.snippet.text)),
                    ("match", .string(match.text)),
                ])
            })),
        ])
    }

    static func ask(_ answer: Answer, totalSeconds: Double, stale: Set<String> = []) -> JSON {
        .object(askMembers(answer, totalSeconds: totalSeconds, stale: stale))
    }

    /// The members of an answer object, shared by `ask` and `eval`/`batch` rows.
    /// `stale`: the paths of stale documents, marked in citations and sources.
    static func askMembers(_ answer: Answer, totalSeconds: Double, stale: Set<String> = []) -> [(String, JSON)] {
        let timings = answer.timings
        return [
            ("answer", .string(answer.text)),
            ("notFound", .bool(answer.notFound)),
            ("citations", .array(answer.citations.map { citation in
                .object([
                    ("source", .int(citation.source)),
                    ("path", .string(citation.path)),
                    ("pageStart", .optional(citation.pageStart)),
                    ("pageEnd", .optional(citation.pageEnd)),
                    ("kind", .string(citation.kind.rawValue)),
                    ("supported", .bool(citation.supported)),
                    ("stale", .bool(stale.contains(citation.path))),
                ])
            })),
            ("evidence", .array(answer.evidence.map(evidence))),
            ("check", .object([
                ("coverage", .double(answer.check.coverage)),
                ("missingTerms", .array(answer.check.missingTerms.map(JSON.string))),
                ("bestSimilarity", .double(answer.check.bestSimilarity)),
                ("evidenceSimilarity", .double(answer.check.evidenceSimilarity)),
                ("evidenceCoverage", .double(answer.check.evidenceCoverage)),
                ("answersQuestion", answer.check.answersQuestion.map(JSON.double) ?? .null),
                ("unsupportedSentences", .array(answer.check.unsupportedSentences.map(JSON.string))),
                ("namedDocuments", answer.check.namedDocuments.map { named in
                    .object([("words", .array(named.words.map(JSON.string))),
                             ("paths", .array(named.paths.sorted().map(JSON.string)))])
                } ?? .null),
                ("expansion", answer.check.expansion.map(JSON.string) ?? .null),
                ("declineReason", answer.check.declineReason.map(JSON.string) ?? .null),
                ("draft", .string(answer.draft)),
            ] + retryMembers(answer))),
            ("sources", .array(answer.sources.map { source in
                .object([
                    ("source", .int(source.number)),
                    ("path", .string(source.chunk.path)),
                    ("pageStart", .optional(source.chunk.pageStart)),
                    ("pageEnd", .optional(source.chunk.pageEnd)),
                    ("chunkId", .int(Int(source.chunk.chunkId))),
                    ("hiddenText", .bool(source.chunk.hasHiddenText)),
                    ("stale", .bool(stale.contains(source.chunk.path))),
                    ("text", .string(source.text)),
                ])
            })),
            ("timings", .object([
                ("retrievalSeconds", .double(timings.retrievalSeconds)),
                ("evidenceSeconds", .double(timings.evidenceSeconds)),
                ("promptTokens", .int(timings.promptTokens)),
                ("promptSeconds", .double(timings.promptSeconds)),
                ("timeToFirstTokenSeconds", .optional(timings.timeToFirstToken)),
                ("generatedTokens", .int(timings.generatedTokens)),
                ("generationSeconds", .double(timings.generationSeconds)),
                ("checkSeconds", .double(timings.checkSeconds)),
            ] + (answer.check.retryDraft == nil ? [] : [("retrySeconds", .double(timings.retrySeconds))])
              + [("totalSeconds", .double(totalSeconds))])),
        ]
    }

    /// The second try's members (`eval --retry-quote`, for calibration only), present
    /// only when there was a second try, so that the default contract does not change.
    private static func retryMembers(_ answer: Answer) -> [(String, JSON)] {
        guard let retry = answer.check.retryDraft else { return [] }
        return [
            ("retryDraft", .string(retry)),
            ("retryAnswersQuestion", answer.check.retryAnswersQuestion.map(JSON.double) ?? .null),
            ("retryEvidenceCoverage", answer.check.retryEvidenceCoverage.map(JSON.double) ?? .null),
            ("retryDeclineReason", answer.check.retryDeclineReason.map(JSON.string) ?? .null),
            ("firstDraft", answer.check.firstDraft.map(JSON.string) ?? .null),
            ("firstDeclineReason", answer.check.firstDeclineReason.map(JSON.string) ?? .null),
        ]
    }

    static func evidence(_ sentence: EvidenceSentence) -> JSON {
        .object([
            ("text", .string(sentence.text)),
            ("path", .string(sentence.path)),
            ("pageStart", .optional(sentence.pageStart)),
            ("pageEnd", .optional(sentence.pageEnd)),
            ("chunkId", .int(Int(sentence.chunkId))),
            ("byteStart", .int(sentence.byteStart)),
            ("byteEnd", .int(sentence.byteEnd)),
        ])
    }

    static func indexSummary(_ report: IndexReport, indexPath: String, documents: Int, chunks: Int) -> JSON {
        .object([
            ("index", .string(indexPath)),
            ("files", .array(report.outcomes.map { path, outcome in
                var members: [(String, JSON)] = [("path", .string(path))]
                switch outcome {
                case let .indexed(chunks, pages):
                    members += [("status", .string("indexed")), ("chunks", .int(chunks)), ("pages", .optional(pages))]
                case .unchanged: members.append(("status", .string("unchanged")))
                case let .renamed(from): members += [("status", .string("renamed")), ("from", .string(from))]
                case .removed: members.append(("status", .string("removed")))
                case let .failed(error):
                    members += [("status", .string(FileState.Kind(recording: error).rawValue)),
                                ("code", .string(error.code.rawValue)), ("error", .string(error.message))]
                }
                return .object(members)
            })),
            ("indexed", .int(report.indexedCount)),
            ("unchanged", .int(report.unchangedCount)),
            ("renamed", .int(report.renamedCount)),
            ("removed", .int(report.removedCount)),
            ("skipped", .int(report.skippedCount)),
            ("failed", .int(report.failedCount)),
            ("pages", .int(report.pages)),
            ("chunks", .int(report.chunks)),
            ("embeddedTokens", .int(report.embeddedTokens)),
            ("seconds", .double(report.seconds)),
            ("ocrPages", .int(report.ocrPages)),
            ("ocrSeconds", .double(report.ocrSeconds)),
            ("hiddenTextPages", .int(report.hiddenTextPages)),
            ("interrupted", .bool(report.interrupted)),
            ("totalDocuments", .int(documents)),
            ("totalChunks", .int(chunks)),
        ])
    }

    static func status(store: IndexStore, documents: [StoredDocument], problems: [FileState],
                       model: EmbeddingModelInfo?, ocrPages: [OCRPage] = [],
                       hiddenTextPages: [HiddenTextPage] = []) -> JSON {
        let stale = Set(problems.filter(\.isStale).map(\.path))
        let ocrByPath = Dictionary(grouping: ocrPages, by: \.path)
        return .object([
            ("index", .string(store.path)),
            ("embeddingModel", model.map { .object([("name", .string($0.name)), ("dimension", .int($0.dimension)),
                                                     ("fingerprint", .string($0.fingerprint))]) } ?? .null),
            ("documents", .array(documents.map { document in
                .object([
                    ("path", .string(document.path)),
                    ("format", .string(document.format.rawValue)),
                    ("pages", .optional(document.pageCount)),
                    ("chunks", .int(document.chunkCount)),
                    ("contentHash", .string(document.contentHash)),
                    ("title", document.title.map(JSON.string) ?? .null),
                    ("current", .bool(document.pipeline >= Indexer.pipelineVersion)),
                    ("stale", .bool(stale.contains(document.path))),
                    ("ocrPages", .int(ocrByPath[document.path]?.count ?? 0)),
                    // null: a format without text colours and sizes, never checked.
                    ("hiddenTextChecked", document.format == .pdf ? .bool(document.isCheckedForHiddenText) : .null),
                ])
            })),
            ("ocrConfidenceFloor", .int(IndexStore.ocrConfidenceFloor)),
            ("lowConfidencePages", .array(ocrPages.filter { $0.confidence < IndexStore.ocrConfidenceFloor }.map { page in
                .object([("path", .string(page.path)), ("page", .int(page.page)), ("confidence", .int(page.confidence))])
            })),
            ("hiddenTextPages", .array(hiddenTextPages.map { page in
                .object([("path", .string(page.path)), ("page", .int(page.page)),
                         ("whiteCharacters", .int(page.count.white)), ("tinyCharacters", .int(page.count.tiny))])
            })),
            ("notIndexed", .array(problems.map { state in
                .object([
                    ("path", .string(state.path)),
                    ("state", .string(state.kind.rawValue)),
                    ("code", state.code.map { .string($0.rawValue) } ?? .null),
                    ("reason", state.reason.map(JSON.string) ?? .null),
                    ("since", .string(timestamp(state.recordedAt))),
                    ("stale", .bool(state.isStale)),
                ])
            })),
        ])
    }

    /// ISO 8601 in UTC, to the second.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
