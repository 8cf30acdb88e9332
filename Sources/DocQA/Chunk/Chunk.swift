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

    public init(ordinal: Int, text: String, pageStart: Int?, pageEnd: Int?,
                byteStart: Int, byteEnd: Int, tokenCount: Int) {
        self.ordinal = ordinal
        self.text = text
        self.pageStart = pageStart
        self.pageEnd = pageEnd
        self.byteStart = byteStart
        self.byteEnd = byteEnd
        self.tokenCount = tokenCount
    }
}
