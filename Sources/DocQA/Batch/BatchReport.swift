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
    ///
    /// A citation of a stale document (marked so in its record, or in `stale`, the stale
    /// documents now) reads `note.txt (stale)` in the citations cell, and the note cell
    /// says what that means, so the mark is seen where the source is read and a filter on
    /// the note column finds every such row.
    public static func csv(_ records: [BatchRecord], eachDocument: Bool, stale: Set<String> = []) -> String {
        var header = ["id", "question"]
        if eachDocument { header.append("document") }
        header += ["answer", "status", "citations", "evidence", "note"]
        var text = "\u{FEFF}" + CSV.line(header)
        for record in records {
            var row = [record.id, record.question]
            if eachDocument { row.append(record.document ?? "") }
            var notes = [record.error ?? record.declineReason].compactMap { $0 }
            var staleNames: [String] = []
            for cited in record.citedPlaces(stale: stale) where cited.isStale {
                let name = URL(fileURLWithPath: cited.path).lastPathComponent
                if !staleNames.contains(name) { staleNames.append(name) }
            }
            if !staleNames.isEmpty { notes.append(staleNames.joined(separator: ", ") + ": " + FileState.staleNote + ".") }
            row += [record.answer, status(of: record), record.citationList(stale: stale),
                    record.evidence.map { "\(place($0.path, $0.pageStart, $0.pageEnd)): \"\(oneLine($0.text))\"" }
                        .joined(separator: " | "),
                    notes.joined(separator: " ")]
            text += CSV.line(row.map(neutralised))
        }
        return text
    }

    /// Documents as rows and questions as columns, each cell the answer with its citations:
    /// the due-diligence table. A stale document's citation reads `note.txt (stale)`, as in
    /// ``csv(_:eachDocument:stale:)``.
    public static func matrix(_ records: [BatchRecord], stale: Set<String> = []) -> String {
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
            cells[document, default: [:]][record.id] = cell(record, stale: stale)
        }
        var text = "\u{FEFF}" + CSV.line((["document"] + questions.map { texts[$0] ?? $0 }).map(neutralised))
        for document in documents {
            text += CSV.line(([document] + questions.map { cells[document]?[$0] ?? "" }).map(neutralised))
        }
        return text
    }

    /// A report a person can read and print: what produced it, then each question with its
    /// answer, its sources and the passages that support it. A source from a stale
    /// document (marked so in its record, or in `stale`, the stale documents now) carries
    /// the note `docqa ask` gives it (``FileState/staleNote``), its passages `(stale)`.
    public static func markdown(_ records: [BatchRecord], run: BatchRun, stale: Set<String> = []) -> String {
        var text = "# docqa batch answers\n\n"
        text += "- Questions: `\(run.questionsFile)`\n"
        text += "- Index: `\(run.index.path)`, \(run.index.documents) documents (digest `\(run.index.digest.prefix(16))…`)\n"
        text += "- Chat model: `\(run.chatModel.file)` (SHA-256 `\(run.chatModel.sha256.prefix(16))…`)\n"
        text += "- Embedding model: `\(run.embeddingModel.file)` (SHA-256 `\(run.embeddingModel.sha256.prefix(16))…`)\n"
        if let search = run.searchModel {
            text += "- Search model: `\(search.file)` (SHA-256 `\(search.sha256.prefix(16))…`)\n"
        }
        text += "- docqa \(run.docqaVersion), started \(run.created); top \(run.settings.topK) passages, \(run.settings.ranking) ranking"
            + (run.settings.expandsQuestions == true ? ", questions whose two searches disagreed also searched by a sentence a model wrote" : "") + "\n"
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
            let sources = record.citationList(stale: stale, note: FileState.staleNote)
            text += "Sources: \(sources.isEmpty ? "none matched; read the passages before relying on this answer" : sources)\n"
            let stalePaths = stale.union(record.recordedStalePaths)
            for evidence in record.evidence {
                text += "\n> \(markdownEscaped(oneLine(evidence.text)))\n> — \(place(evidence.path, evidence.pageStart, evidence.pageEnd))"
                    + (stalePaths.contains(evidence.path) ? " (stale)" : "") + "\n"
            }
        }
        return text
    }

    static func status(of record: BatchRecord) -> String {
        record.error != nil ? "failed" : record.notFound ? "not found" : "answered"
    }

    static func cell(_ record: BatchRecord, stale: Set<String> = []) -> String {
        if let error = record.error { return "(failed: \(error))" }
        if record.notFound { return "(not found)" }
        let citations = record.citationList(stale: stale)
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
