import Foundation

/// One question of a batch, with where it came from.
public struct BatchQuestion: Sendable, Equatable {
    /// The question's id: given in the file, or `line<N>` / `row<N>` from its position.
    public var id: String
    public var question: String
    /// A path pattern (as `--path`) that limits this question's retrieval; `nil` for all documents.
    public var path: String?

    public init(id: String, question: String, path: String? = nil) {
        self.id = id
        self.question = question
        self.path = path
    }

    /// The formats a questions file can have.
    public enum FileFormat: String, Sendable, CaseIterable {
        /// One question per line; blank lines and lines starting with `#` are skipped.
        case text
        /// One JSON object per line: `id`, `question`, optional `path`.
        case jsonl
        /// A header row naming `id` and `question` (and optionally `path`), then one row per question.
        case csv

        /// The format a file's extension says: `.jsonl`/`.json` and `.csv`; anything else is text.
        public init(path: String) {
            switch (path as NSString).pathExtension.lowercased() {
            case "jsonl", "json", "ndjson": self = .jsonl
            case "csv": self = .csv
            default: self = .text
            }
        }
    }

    /// Reads a questions file, checking all of it before any work starts.
    ///
    /// - Throws: `.fileNotFound` when it cannot be read; `.invalidArgument` naming the line
    ///   (CSV: the row) and the reason for a malformed line, an empty question, a duplicate
    ///   id, an unknown CSV column, or a file with no questions.
    public static func load(path: String, format: FileFormat? = nil) throws -> [BatchQuestion] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocQAError(.fileNotFound, "cannot read this questions file; check the path and its permissions.", path: path)
        }
        return try parse(data, format: format ?? FileFormat(path: path), path: path)
    }

    /// Parses the contents of a questions file; `path` names it in errors.
    public static func parse(_ data: Data, format: FileFormat, path: String) throws -> [BatchQuestion] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw DocQAError(.notUTF8, "the questions file is not UTF-8 text; save it as UTF-8 and run again.", path: path)
        }
        func bad(_ place: String, _ reason: String) -> DocQAError {
            DocQAError(.invalidArgument, "\(place): \(reason)", path: path)
        }
        var questions: [BatchQuestion] = []
        var lines: [String: String] = [:]  // id → where it was first used
        func add(_ question: BatchQuestion, at place: String) throws {
            guard !question.question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw bad(place, "the question is empty.")
            }
            if let first = lines[question.id] {
                throw bad(place, "the id \"\(question.id)\" is already used on \(first); ids must be unique.")
            }
            if let pattern = question.path, pattern.trimmingCharacters(in: .whitespaces).isEmpty {
                throw bad(place, "\"path\" is empty; leave it out to search every document.")
            }
            lines[question.id] = place
            questions.append(question)
        }

        switch format {
        case .text:
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var question = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if index == 0, question.hasPrefix("\u{FEFF}") { question.removeFirst() }
                if question.isEmpty || question.hasPrefix("#") { continue }
                try add(BatchQuestion(id: "line\(index + 1)", question: question), at: "line \(index + 1)")
            }
        case .jsonl:
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if index == 0, trimmed.hasPrefix("\u{FEFF}") { trimmed.removeFirst() }
                if trimmed.isEmpty { continue }
                let place = "line \(index + 1)"
                guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                    throw bad(place, "not a JSON object; each line must be like {\"id\": \"q1\", \"question\": \"…\"}.")
                }
                if let unknown = object.keys.sorted().first(where: { !["id", "question", "path"].contains($0) }) {
                    throw bad(place, "unknown field \"\(unknown)\"; the fields are id, question and path.")
                }
                guard let question = object["question"] as? String else {
                    throw bad(place, "no \"question\" text.")
                }
                let id: String
                switch object["id"] {
                case nil, is NSNull: id = "line\(index + 1)"
                case let text as String where !text.isEmpty: id = text
                case let number as NSNumber where Int(number.stringValue) != nil: id = number.stringValue
                default: throw bad(place, "\"id\" must be a non-empty string or a whole number.")
                }
                if object["path"] != nil, !(object["path"] is String) {
                    throw bad(place, "\"path\" must be a string, a pattern such as \"contracts/*.pdf\".")
                }
                try add(BatchQuestion(id: id, question: question, path: object["path"] as? String), at: place)
            }
        case .csv:
            let records: [[String]]
            do {
                records = try CSV.records(in: data)
            } catch let error as CSV.ParseError {
                throw bad("row \(error.record)", "not valid CSV (\(error.reason)); quote fields that hold commas, quotes or line breaks.")
            }
            guard let header = records.first else { throw bad("row 1", "no header row; the first row must name the columns id and question.") }
            let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if let unknown = names.first(where: { !["id", "question", "path"].contains($0) }) {
                throw bad("row 1", "unknown column \"\(unknown)\"; the columns are id, question and (optionally) path.")
            }
            guard let questionColumn = names.firstIndex(of: "question") else {
                throw bad("row 1", "no \"question\" column; the header must name the columns id and question.")
            }
            if names.count != Set(names).count { throw bad("row 1", "a column is named twice.") }
            let idColumn = names.firstIndex(of: "id")
            let pathColumn = names.firstIndex(of: "path")
            for (index, record) in records.enumerated().dropFirst() {
                let place = "row \(index + 1)"
                if record.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
                guard record.count == header.count else {
                    throw bad(place, "\(record.count) fields where the header has \(header.count); quote fields that hold commas.")
                }
                let givenID = idColumn.map { record[$0].trimmingCharacters(in: .whitespaces) } ?? ""
                let pattern = pathColumn.map { record[$0].trimmingCharacters(in: .whitespaces) }
                try add(BatchQuestion(id: givenID.isEmpty ? "row\(index + 1)" : givenID,
                                      question: record[questionColumn].trimmingCharacters(in: .whitespacesAndNewlines),
                                      path: pattern?.isEmpty == true ? nil : pattern),
                        at: place)
            }
        }
        guard !questions.isEmpty else {
            throw DocQAError(.invalidArgument, "the questions file holds no questions.", path: path)
        }
        return questions.map {
            var question = $0
            question.question = question.question.trimmingCharacters(in: .whitespacesAndNewlines)
            return question
        }
    }
}
