import Foundation

/// Which documents a search may return: by path pattern and by format.
///
/// A document passes when it matches any of `paths` (or `paths` is empty) and its format
/// is in `formats` (or `formats` is empty).
public struct DocumentFilter: Sendable, Equatable {
    /// Shell-style patterns (`*`, `?`, `[…]`; `*` also crosses `/`). A pattern starting
    /// with `/` must match the whole indexed path; any other pattern may also match its
    /// end, from a folder boundary on: `*.pdf`, `contracts/*`, `lease-2019.pdf`.
    public var paths: [String]
    /// Formats to keep, such as `.pdf`.
    public var formats: Set<ExtractedDocument.Format>

    public init(paths: [String] = [], formats: Set<ExtractedDocument.Format> = []) {
        self.paths = paths
        self.formats = formats
    }

    /// Whether a document at `path` in `format` passes.
    public func admits(path: String, format: ExtractedDocument.Format) -> Bool {
        if !formats.isEmpty && !formats.contains(format) { return false }
        return paths.isEmpty || paths.contains { Self.path(path, matches: $0) }
    }

    static func path(_ path: String, matches pattern: String) -> Bool {
        if fnmatch(pattern, path, 0) == 0 { return true }
        guard !pattern.hasPrefix("/") else { return false }
        // Try every tail that starts after a slash: "contracts/*" against "a/b/contracts/x.pdf".
        var index = path.startIndex
        while let slash = path[index...].firstIndex(of: "/") {
            index = path.index(after: slash)
            if fnmatch(pattern, String(path[index...]), 0) == 0 { return true }
        }
        return false
    }
}
