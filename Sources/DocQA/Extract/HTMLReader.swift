import Foundation

/// The visible text of an HTML page, laid out as plain text the chunker understands.
///
/// - Left out: `<head>` (except `<title>`, which becomes the document title), scripts,
///   styles, `<noscript>`, `<template>`, embedded objects and SVG, and elements hidden by
///   the `hidden` attribute, `aria-hidden="true"` or an inline `display:none` /
///   `visibility:hidden` style. Stylesheet rules are not evaluated.
/// - Headings `<h1>`…`<h6>` become Markdown `#` lines, so chunks carry them as sections.
/// - Block elements (paragraphs, divisions, list items, rows) start new lines; list items
///   are `- ` lines; a table row is one line of cells separated by ` | `.
/// - Inline white space collapses to one space, as a browser shows it; `<pre>` keeps its
///   line breaks.
enum HTMLReader {
    /// The text and title of the page in `data`; `utf8` says the bytes are UTF-8
    /// whatever the page declares (see ``Markup/parseHTML(_:utf8:)``).
    ///
    /// - Throws: ``Markup/ParseFailure`` when libxml2 finds no document (empty input).
    static func read(_ data: Data, utf8: Bool = false) throws(Markup.ParseFailure) -> (text: String, title: String?) {
        let root = try Markup.parseHTML(data, utf8: utf8)
        var writer = Writer()
        writer.render(root)
        let text = writer.finished()
        let head = root.elements.first { $0.name == "head" }
        let title = head.flatMap { findFirst("title", in: $0) }.map { oneLine($0.textContent) }
            ?? findFirst("h1", in: root).map { oneLine($0.textContent) }
        return (text, title.flatMap { $0.isEmpty ? nil : String($0.prefix(160)) })
    }

    /// Elements whose content is never shown as text.
    static let invisible: Set<String> = [
        "head", "script", "style", "noscript", "template", "iframe", "object", "embed",
        "canvas", "svg", "audio", "video", "map", "select", "datalist",
    ]

    /// Elements that start and end on their own lines.
    static let blocks: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p",
        "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
    ]

    /// Whether the element is hidden by markup a browser honours without stylesheets.
    static func isHidden(_ element: MarkupElement) -> Bool {
        if element.attributes["hidden"] != nil { return true }
        if element.attributes["aria-hidden"]?.lowercased() == "true" { return true }
        if element.name == "input", element.attributes["type"]?.lowercased() == "hidden" { return true }
        if let style = element.attributes["style"] {
            let compact = style.lowercased().filter { !$0.isWhitespace }
            if compact.contains("display:none") || compact.contains("visibility:hidden") { return true }
        }
        return false
    }

    private static func findFirst(_ name: String, in element: MarkupElement) -> MarkupElement? {
        for child in element.elements {
            if child.name == name { return child }
            if let found = findFirst(name, in: child) { return found }
        }
        return nil
    }

    /// `text` with every run of white space (line breaks included) as one space, trimmed.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Accumulates text with line breaks requested by blocks, writing each break once.
    private struct Writer {
        private var output = ""
        /// Line breaks owed before the next text: 1 ends the line, 2 leaves a blank line.
        private var pendingBreaks = 0
        private var preformatted = 0

        mutating func render(_ element: MarkupElement) {
            guard !Self.skipped(element) else { return }
            let name = element.name
            if let level = Self.headingLevel(name) {
                let text = HTMLReader.oneLine(Self.inlineText(element))
                if !text.isEmpty {
                    requestBreak(2)
                    write(String(repeating: "#", count: level) + " " + text)
                    requestBreak(2)
                }
                return
            }
            switch name {
            case "br":
                requestBreak(1, force: true)
            case "tr":
                let cells = element.elements.filter { $0.name == "td" || $0.name == "th" }
                    .filter { !Self.skipped($0) }
                    .map { HTMLReader.oneLine(Self.inlineText($0)) }
                if cells.contains(where: { !$0.isEmpty }) {
                    requestBreak(1)
                    write(cells.joined(separator: " | "))
                    requestBreak(1)
                }
            case "li":
                requestBreak(1)
                write("- ")
                renderChildren(element)
                requestBreak(1)
            case "p", "pre", "blockquote", "table", "ul", "ol", "dl", "figure", "hr":
                requestBreak(2)
                if name == "pre" { preformatted += 1 }
                renderChildren(element)
                if name == "pre" { preformatted -= 1 }
                requestBreak(2)
            default:
                let isBlock = HTMLReader.blocks.contains(name) || name == "td" || name == "th"
                if isBlock { requestBreak(1) }
                renderChildren(element)
                if isBlock { requestBreak(1) }
            }
        }

        private mutating func renderChildren(_ element: MarkupElement) {
            for child in element.children {
                switch child {
                case .element(let inner): render(inner)
                case .text(let text): writeText(text)
                }
            }
        }

        private mutating func writeText(_ text: String) {
            if preformatted > 0 {
                for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    if index > 0 { requestBreak(1, force: true) }
                    if !line.isEmpty { write(String(line)) }
                }
                return
            }
            guard text.contains(where: { !$0.isWhitespace }) else {
                if !output.isEmpty, pendingBreaks == 0, output.last != " " { output += " " }
                return
            }
            var collapsed = HTMLReader.oneLine(text)
            if text.first?.isWhitespace == true { collapsed = " " + collapsed }
            if text.last?.isWhitespace == true { collapsed += " " }
            write(collapsed)
        }

        private mutating func write(_ text: String) {
            if pendingBreaks > 0 {
                while output.last == " " { output.removeLast() }
                if !output.isEmpty { output += String(repeating: "\n", count: pendingBreaks) }
                pendingBreaks = 0
                let trimmed = text.drop { $0 == " " }
                output += trimmed
                return
            }
            if output.last == " " || output.last == "\n" || output.isEmpty {
                output += text.drop { $0 == " " && preformatted == 0 }
            } else {
                output += text
            }
        }

        /// Asks for `count` line breaks before the next text. `force` writes a `<br>`'s
        /// break even when another break is pending, so two `<br>`s leave a blank line.
        private mutating func requestBreak(_ count: Int, force: Bool = false) {
            if force && pendingBreaks > 0 {
                pendingBreaks = min(2, pendingBreaks + count)
            } else {
                pendingBreaks = max(pendingBreaks, count)
            }
        }

        mutating func finished() -> String {
            ExtractedTextNormalization.normalize(output)
        }

        static func skipped(_ element: MarkupElement) -> Bool {
            HTMLReader.invisible.contains(element.name) || HTMLReader.isHidden(element)
        }

        static func headingLevel(_ name: String) -> Int? {
            guard name.count == 2, name.first == "h", let digit = name.last?.wholeNumberValue,
                  (1...6).contains(digit) else { return nil }
            return digit
        }

        /// The visible text of an element written on one line (for headings and cells).
        static func inlineText(_ element: MarkupElement) -> String {
            var writer = Writer()
            writer.renderChildren(element)
            return writer.output
        }
    }
}
