import Foundation

/// The text of a Word document (`.docx`, Office Open XML), read with libzip and libxml2.
///
/// - Paragraphs in reading order, separated by blank lines; list items as `- ` lines.
/// - Headings (paragraph styles "heading 1"…"heading 9", or an outline level) become
///   Markdown `#` lines, so chunks carry them as sections: Word has no stable pages, so
///   a passage is cited by file and section, never by a page number.
/// - The "Title" paragraph (or the title in the document's properties) is the title.
/// - Tables as one line per row, cells separated by ` | `.
/// - Footnotes and endnotes: a reference becomes `[1]` (endnotes `[E1]`) in the text,
///   and the notes follow the body under a "Footnotes" ("Endnotes") heading.
/// - Left out: deleted text of tracked changes, hidden text (`w:vanish`), field codes,
///   headers and footers (they repeat on every page and would drown real passages),
///   comments, and the fallback copy of alternate content.
enum DOCXReader {
    /// The largest part docqa inflates from the archive. The text of 20,000 pages fits
    /// in far less; a part beyond it is a zip bomb or not a document.
    static let maximumPartBytes = 64 * 1024 * 1024

    /// Reads the Word document at `path`.
    ///
    /// - Throws: `DocQAError` with code `.encryptedDocument` (a password-protected Word
    ///   file, which is not a zip but an encrypted container, or encrypted zip entries),
    ///   `.damagedDocument` (not a zip, a broken archive, no `word/document.xml`, XML
    ///   that is not well-formed), `.fileTooLarge` (a part inflating past
    ///   ``maximumPartBytes``) or `.unreadableFile`.
    static func read(_ path: String, maximumPartBytes: Int = maximumPartBytes) throws(DocQAError) -> ExtractedDocument {
        let archive: ZipArchive
        do {
            archive = try ZipArchive(path: path)
        } catch {
            throw describe(error, path: path)
        }
        func part(_ name: String) throws(DocQAError) -> MarkupElement? {
            let data: Data?
            do {
                data = try archive.entry(named: name, maximumBytes: maximumPartBytes)
            } catch {
                throw describe(error, path: path)
            }
            guard let data else { return nil }
            do {
                return try Markup.parseXML(data)
            } catch {
                throw DocQAError(.damagedDocument,
                    "this Word document is damaged (its part \(name) is not well-formed XML"
                    + (error.line > 0 ? " at line \(error.line)" : "") + "); open and re-save it in Word "
                    + "or LibreOffice and index again.", path: path)
            }
        }
        guard let body = try part("word/document.xml") else {
            throw DocQAError(.damagedDocument,
                "this file is a zip archive but not a Word document (it has no word/document.xml); "
                + "save it as .docx from Word or LibreOffice, or leave it out.", path: path)
        }
        var writer = Writer(headingLevels: try part("word/styles.xml").map(headingLevels) ?? [:])
        writer.blocks(of: body)

        var notes: [(heading: String, marker: String, kind: String, part: String)] = [
            ("Footnotes", "", "footnote", "word/footnotes.xml"),
            ("Endnotes", "E", "endnote", "word/endnotes.xml"),
        ]
        notes.removeAll { writer.noteNumbers[$0.kind, default: [:]].isEmpty }
        for note in notes {
            guard let root = try part(note.part) else { continue }
            var texts: [(number: Int, text: String)] = []
            for element in root.elements where element.name == note.kind && element.attributes["type"] == nil {
                guard let id = element.attributes["id"], let number = writer.noteNumbers[note.kind]?[id] else { continue }
                var inner = Writer(headingLevels: [:])
                inner.blocks(of: element)
                texts.append((number, HTMLReader.oneLine(inner.text)))
            }
            guard !texts.isEmpty else { continue }
            writer.heading(note.heading, level: 1)
            for (number, text) in texts.sorted(by: { $0.number < $1.number }) {
                writer.line("[\(note.marker)\(number)] \(text)")
            }
        }

        let text = ExtractedTextNormalization.normalize(writer.text)
        let properties = try? part("docProps/core.xml")
        let metadataTitle = properties.flatMap { root in
            root.elements.first { $0.name == "title" }.map { HTMLReader.oneLine($0.textContent) }
        }
        let title = DocumentExtractor.usableTitle(metadataTitle) ?? writer.title ?? writer.firstHeading
            ?? PageLayout.leadingTitle(text)
        return ExtractedDocument(format: .docx, pages: [ExtractedPage(number: nil, text: text)], title: title)
    }

    /// Heading depth by paragraph style id, from `word/styles.xml`: styles named
    /// "heading N" (the built-in names, English in every language version), styles with
    /// an outline level, and the "Title" style as depth 0.
    static func headingLevels(_ styles: MarkupElement) -> [String: Int] {
        var levels: [String: Int] = [:]
        for style in styles.elements where style.name == "style" && style.attributes["type"] == "paragraph" {
            guard let id = style.attributes["styleId"] else { continue }
            let name = style.elements.first { $0.name == "name" }?.attributes["val"]?.lowercased() ?? ""
            if name == "title" {
                levels[id] = 0
            } else if name.hasPrefix("heading "), let level = Int(name.dropFirst(8)), (1...9).contains(level) {
                levels[id] = level
            } else if let outline = style.elements.first(where: { $0.name == "pPr" })?
                        .elements.first(where: { $0.name == "outlineLvl" })?.attributes["val"],
                      let level = Int(outline), (0...8).contains(level) {
                levels[id] = level + 1
            }
        }
        return levels
    }

    private static func describe(_ failure: ZipArchive.Failure, path: String) -> DocQAError {
        switch failure {
        case .notAZip:
            let handle = FileHandle(forReadingAtPath: path)
            let head = (try? handle?.read(upToCount: 8)) ?? Data()
            try? handle?.close()
            // Word saves a password-protected .docx as an encrypted OLE container.
            if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
                return DocQAError(.encryptedDocument,
                    "this Word document is password-protected (or is an old-style .doc named .docx); "
                    + "save an unprotected .docx copy and index that.", path: path)
            }
            // A zip's first entry, but no directory at the end: cut short.
            if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return describe(.damaged, path: path) }
            return DocQAError(.damagedDocument,
                "this file is not a Word document (it is not a zip archive); save it as .docx from Word "
                + "or LibreOffice, or leave it out.", path: path)
        case .damaged:
            return DocQAError(.damagedDocument,
                "this Word document is damaged (its zip archive is broken or truncated); open and re-save "
                + "it in Word or LibreOffice and index again.", path: path)
        case .unreadable:
            return DocQAError(.unreadableFile,
                "this file cannot be read; check that the file is readable and try again.", path: path)
        case .encrypted:
            return DocQAError(.encryptedDocument,
                "this Word document's archive is encrypted; save an unprotected copy and index that.", path: path)
        case .tooLarge(let entry, let limit):
            return DocQAError(.fileTooLarge,
                "this Word document's part \(entry) inflates to more than \(Indexer.megabytes(Int64(limit))), "
                + "far beyond any real document (a zip bomb?); it was not read. Leave it out.", path: path)
        }
    }

    /// Lays out body elements as text.
    private struct Writer {
        let headingLevels: [String: Int]
        private(set) var text = ""
        private(set) var title: String?
        private(set) var firstHeading: String?
        /// Display numbers of the notes referenced so far, by kind ("footnote",
        /// "endnote") and note id, in order of first reference as Word numbers them.
        var noteNumbers: [String: [String: Int]] = [:]
        /// Line breaks owed before the next block (1 or 2).
        private var pendingBreaks = 0

        init(headingLevels: [String: Int]) {
            self.headingLevels = headingLevels
        }

        mutating func blocks(of element: MarkupElement) {
            for child in element.elements {
                switch child.name {
                case "p": paragraph(child)
                case "tbl": table(child)
                case "sectPr", "Fallback": break
                default: blocks(of: child)  // body, sdt/sdtContent, customXml, ins
                }
            }
        }

        mutating func heading(_ text: String, level: Int) {
            write(String(repeating: "#", count: min(level, 6)) + " " + text, breaks: 2)
            pendingBreaks = 2
        }

        mutating func line(_ text: String) {
            write(text, breaks: 1)
            pendingBreaks = 1
        }

        private mutating func write(_ block: String, breaks: Int) {
            if !text.isEmpty { text += String(repeating: "\n", count: max(breaks, pendingBreaks)) }
            text += block
        }

        private mutating func paragraph(_ element: MarkupElement) {
            let properties = element.elements.first { $0.name == "pPr" }
            let content = inline(element).trimmingCharacters(in: .whitespaces)
            guard content.contains(where: { !$0.isWhitespace }) else { return }
            if let level = headingLevel(properties) {
                let single = HTMLReader.oneLine(content)
                if level == 0 {
                    if title == nil { title = String(single.prefix(160)) }
                    write(single, breaks: 2)
                    pendingBreaks = 2
                } else {
                    if firstHeading == nil { firstHeading = String(single.prefix(160)) }
                    heading(single, level: level)
                }
                return
            }
            if properties?.elements.contains(where: { $0.name == "numPr" }) == true {
                line("- " + content)
            } else {
                write(content, breaks: 2)
                pendingBreaks = 2
            }
        }

        private func headingLevel(_ properties: MarkupElement?) -> Int? {
            guard let properties else { return nil }
            if let style = properties.elements.first(where: { $0.name == "pStyle" })?.attributes["val"] {
                if let level = headingLevels[style] { return level }
                let lower = style.lowercased()
                if lower == "title" { return 0 }
                if lower.hasPrefix("heading"), let level = Int(lower.dropFirst(7)), (1...9).contains(level) { return level }
            }
            if let outline = properties.elements.first(where: { $0.name == "outlineLvl" })?.attributes["val"],
               let level = Int(outline), (0...8).contains(level) {
                return level + 1
            }
            return nil
        }

        private mutating func table(_ element: MarkupElement) {
            for row in element.elements where row.name == "tr" {
                let cells = row.elements.filter { $0.name == "tc" || $0.name == "sdt" }.map { cell -> String in
                    var inner = Writer(headingLevels: [:])
                    inner.noteNumbers = noteNumbers
                    inner.blocks(of: cell)
                    noteNumbers = inner.noteNumbers
                    return HTMLReader.oneLine(inner.text)
                }
                if cells.contains(where: { !$0.isEmpty }) { line(cells.joined(separator: " | ")) }
            }
            pendingBreaks = 2
        }

        /// The visible text of a paragraph: runs' text, tabs and breaks, note markers.
        private mutating func inline(_ element: MarkupElement) -> String {
            var result = ""
            for child in element.children {
                guard case .element(let node) = child else { continue }
                switch node.name {
                case "t": result += node.textContent
                case "tab": result += "\t"
                case "br", "cr": result += "\n"
                case "noBreakHyphen": result += "-"
                case "footnoteReference": result += noteMarker("footnote", "", node)
                case "endnoteReference": result += noteMarker("endnote", "E", node)
                case "pPr", "rPr", "del", "delText", "instrText", "Fallback", "commentReference":
                    break
                case "r" where isHidden(node):
                    break
                default:
                    result += inline(node)
                }
            }
            return result
        }

        private func isHidden(_ run: MarkupElement) -> Bool {
            guard let vanish = run.elements.first(where: { $0.name == "rPr" })?
                    .elements.first(where: { $0.name == "vanish" }) else { return false }
            return !["0", "false", "off"].contains(vanish.attributes["val"]?.lowercased() ?? "true")
        }

        private mutating func noteMarker(_ kind: String, _ prefix: String, _ reference: MarkupElement) -> String {
            guard let id = reference.attributes["id"] else { return "" }
            var numbers = noteNumbers[kind, default: [:]]
            let number = numbers[id] ?? (numbers.count + 1)
            numbers[id] = number
            noteNumbers[kind] = numbers
            return "[\(prefix)\(number)]"
        }
    }
}
