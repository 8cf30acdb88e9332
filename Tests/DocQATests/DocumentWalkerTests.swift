import DocQATestSupport
import Foundation
import Testing
@testable import DocQA

/// A folder tree on disk, built fresh for one test and removed when it ends.
///
/// ```
/// root/
///   A.md  a.txt  a-c.pdf  b.pdf  notes.odt  .hidden.txt  pipe.txt (a FIFO)
///   a/z.text
///   .git/config.md
///   sub/c.markdown  sub/deep/d.TXT
///   link-to-sub      -> sub          (symbolic link to a folder: not followed)
///   loop             -> .            (symbolic link to its own folder: not followed)
///   linked-file.txt  -> ../outside.txt
///   dangling.pdf     -> nowhere.pdf  (link to nothing: reported)
///   self-loop.md     -> self-loop.md (link to itself: reported as a loop of links)
/// outside.txt
/// ```
private final class Tree {
    let top: URL
    var root: String { top.appendingPathComponent("root").path }

    init() throws {
        top = FileManager.default.temporaryDirectory
            .appendingPathComponent("docqa-walk-\(UUID().uuidString)")
        let files = ["root/A.md", "root/a.txt", "root/a-c.pdf", "root/b.pdf", "root/notes.odt",
                     "root/.hidden.txt", "root/a/z.text", "root/.git/config.md",
                     "root/sub/c.markdown", "root/sub/deep/d.TXT", "outside.txt"]
        for file in files {
            let url = top.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try Data("text of \(file)\n".utf8).write(to: url)
        }
        let links = [("link-to-sub", "sub"), ("loop", "."),
                     ("linked-file.txt", "../outside.txt"), ("dangling.pdf", "nowhere.pdf"),
                     ("self-loop.md", "self-loop.md")]
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(
                atPath: top.appendingPathComponent("root/\(name)").path,
                withDestinationPath: target)
        }
        guard mkfifo(top.appendingPathComponent("root/pipe.txt").path, 0o600) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    deinit { try? FileManager.default.removeItem(at: top) }

    func path(_ relative: String) -> String { root + "/" + relative }
}

@Suite("Finding documents in folders")
struct DocumentWalkerTests {
    /// A folder yields its supported files recursively, in component-wise byte order,
    /// skipping hidden entries, unsupported files, pipes and links to folders, and
    /// reporting only the links that lead to no file.
    @Test func folderIsWalkedInOrder() throws {
        let tree = try Tree()
        let found = DocumentWalker.walk([tree.root])
        #expect(found.files == [
            "A.md", "a/z.text", "a-c.pdf", "a.txt", "b.pdf", "linked-file.txt",
            "sub/c.markdown", "sub/deep/d.TXT",
        ].map(tree.path))
        #expect(found.problems.map(\.code) == [.fileNotFound, .fileNotFound])
        #expect(found.problems.map(\.path) == [tree.path("dangling.pdf"), tree.path("self-loop.md")])
        #expect(found.problems.map { $0.message.contains("leads back to itself") } == [false, true])
    }

    /// The result does not depend on the order of the named paths or on overlaps
    /// between them: the same files come out once each, in the same order.
    @Test func orderAndOverlapDoNotMatter() throws {
        let tree = try Tree()
        let plain = DocumentWalker.walk([tree.root]).files
        let shuffled = DocumentWalker.walk([tree.path("sub"), tree.path("b.pdf"), tree.root, tree.root]).files
        #expect(shuffled == plain)
    }

    /// Relative paths resolve against the given folder and come out absolute and
    /// standardized.
    @Test func relativePathsBecomeAbsolute() throws {
        let tree = try Tree()
        let found = DocumentWalker.walk(["sub/../a.txt", "./sub/deep"], relativeTo: tree.root)
        #expect(found.files == [tree.path("a.txt"), tree.path("sub/deep/d.TXT")])
        #expect(found.problems.isEmpty)
    }

    /// A named path that does not exist is reported as `.fileNotFound` and the other
    /// paths are still walked.
    @Test func missingPathIsReportedAndTheRestWalked() throws {
        let tree = try Tree()
        let found = DocumentWalker.walk([tree.path("gone"), tree.path("sub")])
        #expect(found.files == [tree.path("sub/c.markdown"), tree.path("sub/deep/d.TXT")])
        #expect(found.problems == [DocQAError(.fileNotFound,
            "this file does not exist; check the path and try again.", path: tree.path("gone"))])
    }

    /// A named file with an unsupported extension is reported as `.unsupportedFormat`;
    /// a named pipe as `.unreadableFile`.
    @Test func namedUnsupportedFilesAreReported() throws {
        let tree = try Tree()
        let found = DocumentWalker.walk([tree.path("notes.odt"), tree.path("pipe.txt"), tree.path("b.pdf")])
        #expect(found.files == [tree.path("b.pdf")])
        #expect(found.problems.map(\.code) == [.unsupportedFormat, .unreadableFile])
        #expect(found.problems.map(\.path) == [tree.path("notes.odt"), tree.path("pipe.txt")])
    }

    /// Hidden files and folders are taken when named explicitly, and a named link to a
    /// folder is followed.
    @Test func namedHiddenPathsAndLinksAreTaken() throws {
        let tree = try Tree()
        let found = DocumentWalker.walk([tree.path(".hidden.txt"), tree.path(".git"), tree.path("link-to-sub")])
        #expect(found.files == [
            tree.path(".git/config.md"), tree.path(".hidden.txt"),
            tree.path("link-to-sub/c.markdown"), tree.path("link-to-sub/deep/d.TXT"),
        ])
        #expect(found.problems.isEmpty)
    }

    /// A named link to its own folder walks that folder once and does not loop.
    @Test func linkLoopTerminates() throws {
        let tree = try Tree()
        let found = DocumentWalker.walk([tree.path("loop")])
        #expect(found.files.count == 8)
        #expect(found.files.allSatisfy { $0.hasPrefix(tree.path("loop/")) })
    }

    /// Every file the walker finds in the fixtures folder is one the extractor reads.
    @Test func walkerAndExtractorAgree() throws {
        let found = DocumentWalker.walk([Repository.fixtures])
        #expect(found.problems.isEmpty)
        #expect(found.files.map { URL(fileURLWithPath: $0).lastPathComponent } == [
            "bad-xml.docx", "blank.pdf", "bom-crlf.txt", "bomb.docx", "damaged.pdf", "empty.docx", "empty.eml",
            "encrypted-entry.docx", "encrypted.eml", "encrypted.pdf", "hidden-text-pages.pdf", "hidden-text.pdf", "html-only.eml",
            "latin1.txt", "memo.docx", "no-document.docx", "not-a-pdf.pdf", "not-a-zip.docx", "not-an-email.eml",
            "outline-cycle.pdf", "outline-no-pages.pdf", "outline.pdf",
            "password.docx", "stamped-scan.pdf", "thread.eml", "three-pages.pdf", "tiny-stamped-scan.pdf", "truncated.docx",
            "utf16le.txt", "utf8.txt", "white-on-dark.pdf",
        ])
    }
}
