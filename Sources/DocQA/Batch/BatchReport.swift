import Foundation

/// The review table and the printable report, made from a batch's records.
public enum BatchReport {
    /// The formats a batch can be written in.
    public enum Format: String, Sendable, CaseIterable {
        case jsonl, csv, markdown

        /// The format an output file's extension says: `.csv`, `.md`/`.markdown`, else JSONL.
        public init(path: String) {
            switch (path as NSString).pathExtension.lowercased() {
            case "csv": self = .csv
            case "md", "markdown": self = .markdown
            default: self = .jsonl
            }
        }
    }

    /// One row per record: id, question, (document,) answer, status, citations, evidence, note.
    ///
    /// UTF-8 with a byte-order mark (spreadsheet programs then read accents right), every
    /// field quoted, and any cell that a spreadsheet would run as a formula (starting with
    /// `=`, `+`, `-`, `@`, tab or carriage return) prefixed with `'`.
    public static func csv(_ records: [BatchRecord], eachDocument: Bool) -> String {
        var header = ["id", "question"]
        if eachDocument { header.append("document") }
        header += ["answer", "status", "citations", "evidence", "note"]
        var text = "\u{FEFF}" + CSV.line(header)
        for record in records {
            var row = [record.id, record.question]
            if eachDocument { row.append(record.document ?? "") }
            row += [record.answer, status(of: record), record.citationList,
                    record.evidence.map { "\(place($0.path, $0.pageStart, $0.pageEnd)): \"\(oneLine($0.text))\"" }
                        .joined(separator: " | "),
                    record.error ?? record.declineReason ?? ""]
            text += CSV.line(row.map(neutralised))
        }
        return text
    }

    /// Documents as rows and questions as columns, each cell the answer with its citations:
    /// the due-diligence table.
    public static func matrix(_ records: [BatchRecord]) -> String {
        var questions: [String] = []       // ids, in order of first appearance
        var texts: [String: String] = [:]  // id → question
        var documents: [String] = []
        var cells: [String: [String: String]] = [:]
        for record in records {
            if texts[record.id] == nil {
                questions.append(record.id)
                texts[record.id] = record.question
            }
            let document = record.document ?? ""
            if cells[document] == nil { documents.append(document) }
            cells[document, default: [:]][record.id] = cell(record)
        }
        var text = "\u{FEFF}" + CSV.line((["document"] + questions.map { texts[$0] ?? $0 }).map(neutralised))
        for document in documents {
            text += CSV.line(([document] + questions.map { cells[document]?[$0] ?? "" }).map(neutralised))
        }
        return text
    }

    /// A report a person can read and print: what produced it, then each question with its
    /// answer, its sources and the passages that support it.
    public static func markdown(_ records: [BatchRecord], run: BatchRun) -> String {
        var text = "# docqa batch answers\n\n"
        text += "- Questions: `\(run.questionsFile)`\n"
        text += "- Index: `\(run.index.path)`, \(run.index.documents) documents (digest `\(run.index.digest.prefix(16))…`)\n"
        text += "- Chat model: `\(run.chatModel.file)` (SHA-256 `\(run.chatModel.sha256.prefix(16))…`)\n"
        text += "- Embedding model: `\(run.embeddingModel.file)` (SHA-256 `\(run.embeddingModel.sha256.prefix(16))…`)\n"
        text += "- docqa \(run.docqaVersion), started \(run.created); top \(run.settings.topK) passages, \(run.settings.ranking) ranking\n"
        let answered = records.filter { $0.error == nil && !$0.notFound }.count
        let declined = records.filter { $0.error == nil && $0.notFound }.count
        let failed = records.filter { $0.error != nil }.count
        text += "- \(records.count) questions: \(answered) answered, \(declined) not found, \(failed) failed\n"
        text += "\nEvery answer cites its sources as file:page; check the quoted passages before relying on it.\n"
        for record in records {
            text += "\n## \(markdownEscaped(record.id)). \(markdownEscaped(oneLine(record.question)))\n\n"
            if let document = record.document { text += "Document: `\(document)`\n\n" }
            if let error = record.error {
                text += "**Failed:** \(markdownEscaped(error))\n"
                continue
            }
            if record.notFound {
                text += "**Not found** in the documents searched."
                if let reason = record.declineReason { text += " \(markdownEscaped(reason))" }
                text += "\n"
                continue
            }
            text += "**Answer:** \(markdownEscaped(oneLine(record.answer)))\n\n"
            let sources = record.citationList
            text += "Sources: \(sources.isEmpty ? "none matched; read the passages before relying on this answer" : sources)\n"
            for evidence in record.evidence {
                text += "\n> \(markdownEscaped(oneLine(evidence.text)))\n> — \(place(evidence.path, evidence.pageStart, evidence.pageEnd))\n"
            }
        }
        return text
    }

    static func status(of record: BatchRecord) -> String {
        record.error != nil ? "failed" : record.notFound ? "not found" : "answered"
    }

    static func cell(_ record: BatchRecord) -> String {
        if let error = record.error { return "(failed: \(error))" }
        if record.notFound { return "(not found)" }
        let citations = record.citationList
        return oneLine(record.answer) + (citations.isEmpty ? "" : " [\(citations)]")
    }

    /// A cell a spreadsheet shows as text, never runs as a formula.
    static func neutralised(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }

    /// `file.pdf:4`, `file.pdf:4-5` or `file.txt`: a location by file name and pages.
    static func place(_ path: String, _ start: Int?, _ end: Int?) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        switch (start, end) {
        case let (start?, end?) where end != start: return "\(name):\(start)-\(end)"
        case let (start?, _): return "\(name):\(start)"
        default: return name
        }
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Text from documents or the model with Markdown's markup characters escaped, so it
    /// prints as written and cannot inject links, images or HTML.
    static func markdownEscaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\`*_{}[]<>|~".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// Writes `text` to `path` whole or not at all: a private temporary file in the same
    /// folder, flushed, then renamed over the old one.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let failure = { (reason: String) in
            DocQAError(.unreadableFile, "cannot write this file (\(reason)); check that its folder is writable.", path: path)
        }
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary) else { throw failure("cannot create a temporary file") }
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw failure(error.localizedDescription)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw failure(reason)
        }
    }
}
