import Foundation

/// Finds the files to index under the paths a user names.
///
/// Rules, chosen so that the same folder always gives the same list and nothing outside
/// the named folders sneaks in:
/// - A named file is taken if its extension is supported, whatever its name (even a
///   hidden one: the user asked for it). A named folder is searched recursively.
/// - Inside folders, hidden files and folders (name starting with ".") are skipped, and
///   so are files with unsupported extensions: folders hold all sorts of things.
/// - Inside folders, symbolic links to files are taken, but symbolic links to folders
///   are not followed: such a link can loop back to its parent or lead anywhere on the
///   disk, such as another matter's folder. Name the linked folder to include it.
/// - Only regular files are taken; pipes, sockets and devices are skipped.
/// - The result is absolute, standardized paths, sorted by path component (byte order)
///   and without duplicates, whatever the order or overlap of the named paths.
public enum DocumentWalker {
    /// Finds the supported files under `paths`.
    ///
    /// Problems with one path never stop the rest; they are collected in `problems`:
    /// - `.fileNotFound` for a named path that does not exist, or a link inside a folder
    ///   that points to nothing;
    /// - `.unsupportedFormat` for a named file whose extension is not supported;
    /// - `.unreadableFile` for a named path that is neither file nor folder, or a folder
    ///   that cannot be listed.
    ///
    /// - Parameters:
    ///   - paths: Files and folders, absolute or relative to `directory`.
    ///   - directory: The folder relative paths start from; the current directory when nil.
    ///   - supportedExtensions: Lowercase extensions without the dot.
    public static func walk(
        _ paths: [String],
        relativeTo directory: String? = nil,
        supportedExtensions: Set<String> = DocumentExtractor.supportedExtensions
    ) -> (files: [String], problems: [DocQAError]) {
        var walk = Walk(supportedExtensions: supportedExtensions)
        let base = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath,
                       isDirectory: true)
        for path in paths {
            walk.visitNamed(URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path)
        }
        return (sortedUnique(walk.files), walk.problems)
    }

    private struct Walk {
        let supportedExtensions: Set<String>
        var files: [String] = []
        var problems: [DocQAError] = []

        private var fileManager: FileManager { .default }

        mutating func visitNamed(_ path: String) {
            switch kind(of: path, followingLinks: true) {
            case .missing:
                problems.append(DocQAError(.fileNotFound,
                    "this file does not exist; check the path and try again.", path: path))
            case .directory:
                visitDirectory(path)
            case .regularFile:
                if isSupported(path) {
                    files.append(path)
                } else {
                    problems.append(DocumentExtractor.unsupportedFormat(path))
                }
            case .other:
                problems.append(DocQAError(.unreadableFile,
                    "this file is neither a file nor a folder (a pipe, socket or device); "
                    + "name a file or a folder.", path: path))
            case .linkToDirectory:
                preconditionFailure("links are followed for named paths")
            }
        }

        private mutating func visitDirectory(_ path: String) {
            let names: [String]
            do {
                names = try fileManager.contentsOfDirectory(atPath: path)
            } catch {
                problems.append(DocQAError(.unreadableFile,
                    "this folder cannot be read; check its permissions and try again.",
                    path: path))
                return
            }
            // Sorted here as well as at the end so that problems come out in a stable order.
            for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            where !name.hasPrefix(".") {
                let child = URL(fileURLWithPath: path, isDirectory: true)
                    .appendingPathComponent(name).path
                switch kind(of: child, followingLinks: false) {
                case .directory:
                    visitDirectory(child)
                case .regularFile:
                    if isSupported(child) { files.append(child) }
                case .missing:
                    // Listed but not there: a link to nothing (or a file deleted just now).
                    if isSupported(child) {
                        var target = stat()
                        let isLoop = stat(child, &target) != 0 && errno == ELOOP
                        problems.append(DocQAError(.fileNotFound,
                            isLoop
                                ? "this file is a link that leads back to itself through other links; fix or remove the link."
                                : "this file is a link to a file that does not exist; fix or remove the link.",
                            path: child))
                    }
                case .linkToDirectory, .other:
                    continue
                }
            }
        }

        private func isSupported(_ path: String) -> Bool {
            supportedExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased())
        }

        private enum Kind { case missing, directory, linkToDirectory, regularFile, other }

        /// What is at `path`. A link to a file counts as that file; a link to a folder is
        /// a `.directory` only when following links.
        private func kind(of path: String, followingLinks: Bool) -> Kind {
            guard let ownType = (try? fileManager.attributesOfItem(atPath: path))?[.type]
                    as? FileAttributeType else {
                return .missing
            }
            var type = ownType
            if ownType == .typeSymbolicLink {
                let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                guard let targetType = (try? fileManager.attributesOfItem(atPath: target))?[.type]
                        as? FileAttributeType, targetType != .typeSymbolicLink else {
                    return .missing  // dangling, or a loop of links
                }
                if targetType == .typeDirectory && !followingLinks { return .linkToDirectory }
                type = targetType
            }
            switch type {
            case .typeDirectory: return .directory
            case .typeRegular: return .regularFile
            default: return .other
            }
        }
    }

    /// Sorts by path component, comparing bytes, so a folder's files stay together
    /// ("a/b.pdf" before "a-c.pdf") and names that differ only in Unicode normalisation
    /// stay distinct, as they are distinct files.
    private static func sortedUnique(_ paths: [String]) -> [String] {
        let sorted = paths
            .map { path in (path, path.split(separator: "/", omittingEmptySubsequences: true)) }
            .sorted { lhs, rhs in
                lhs.1.lexicographicallyPrecedes(rhs.1) { a, b in
                    a.utf8.lexicographicallyPrecedes(b.utf8)
                }
            }
            .map(\.0)
        var unique: [String] = []
        for path in sorted where !(unique.last?.utf8.elementsEqual(path.utf8) ?? false) {
            unique.append(path)
        }
        return unique
    }
}
