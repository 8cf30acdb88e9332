import Foundation

/// A passage of a document small enough to embed, with the pages it came from.
public struct Chunk: Sendable, Equatable {
    /// Position of the chunk within its document, from 0.
    public var ordinal: Int
    public var text: String
    /// First and last 1-based page the chunk covers; `nil` for files without pages.
    public var pageStart: Int?
    public var pageEnd: Int?
    /// UTF-8 byte offsets of the chunk within the document's text (pages joined by "\n\n").
    public var byteStart: Int
    public var byteEnd: Int
    /// Number of embedding-model tokens in `text` (without special tokens).
    public var tokenCount: Int
    /// The headings the chunk falls under, outermost first (for example
    /// "3 Binary packages › 3.2 The version of a package"); empty when none was found.
    public var section: String
    /// Whether the chunk comes from a navigation page (a table of contents).
    public var isNavigation: Bool

    public init(ordinal: Int, text: String, pageStart: Int?, pageEnd: Int?,
                byteStart: Int, byteEnd: Int, tokenCount: Int, section: String = "",
                isNavigation: Bool = false) {
        self.section = section
        self.isNavigation = isNavigation
        self.ordinal = ordinal
        self.text = text
        self.pageStart = pageStart
        self.pageEnd = pageEnd
        self.byteStart = byteStart
        self.byteEnd = byteEnd
        self.tokenCount = tokenCount
    }
}

/// What a chunk's text alone does not say: which document it is from and where in it.
///
/// Added to what is embedded and to a keyword-index column of its own, never to the
/// passage text shown to users, so a question that names its document ("in the 1998
/// constitution", "under the supply agreement") finds that document's passages.
public enum ChunkContext {
    /// "Title · file name · section", leaving out empty parts and a file name the title
    /// already says. The file name loses its folder and extension and has `-`/`_` as
    /// spaces ("lease_2019-rev2.pdf" → "lease 2019 rev2").
    public static func text(title: String?, path: String, section: String) -> String {
        let file = (path as NSString).lastPathComponent
        let stem = ((file as NSString).deletingPathExtension)
            .replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        var parts: [String] = []
        if let title, !title.isEmpty { parts.append(title) }
        if !stem.isEmpty, !(title ?? "").lowercased().contains(stem.lowercased()) { parts.append(stem) }
        if !section.isEmpty { parts.append(section) }
        return parts.joined(separator: " · ")
    }

    /// The text given to the embedding model for a chunk.
    public static func embeddingText(context: String, text: String) -> String {
        context.isEmpty ? text : context + "\n\n" + text
    }
}
