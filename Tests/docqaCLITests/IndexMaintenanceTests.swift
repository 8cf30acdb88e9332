import DocQATestSupport
import Foundation
import Testing

/// Keeping an index in step with files that move, and taking documents out of it, as a
/// user runs it: the built `docqa`, real files, a real index and the real embedding model.
@Suite("docqa index maintenance")
struct IndexMaintenanceTests {
    /// A file moved to another folder under a new name is re-pointed, not re-embedded:
    /// the summary says "1 renamed", JSON names the old path, the search finds it at the
    /// new path with the same chunk id, and no embedding tokens were spent.
    @Test func movedFileIsReportedAsRenamed() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let old = try folder.write("docs/lease.txt", "The Quillfeather lessee pays the rent monthly, in advance.")
        try folder.write("docs/memo.txt", "Memo: the tenant asked to repaint the hall in spring.")
        let index = folder.file("x.sqlite")
        let first = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(first.status == 0, "\(first)")
        let before = try await ChildProcess.docqa(["search", "Quillfeather rent", "--index", index, "--json"], in: folder)
        let chunkBefore = try #require(try jsonObjects(try jsonObject(before.stdout), "results").first?["chunkId"] as? Int)

        try FileManager.default.createDirectory(atPath: folder.file("docs/2024"), withIntermediateDirectories: true)
        let new = folder.file("docs/2024/lease-signed.txt")
        try FileManager.default.moveItem(atPath: old, toPath: new)
        let moved = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        #expect(moved.status == 0, "\(moved)")
        #expect(moved.stdout.hasPrefix("0 indexed, 1 unchanged, 1 renamed, 0 removed, 0 skipped, 0 failed"), "\(moved)")
        #expect(moved.stderrLines.contains("renamed    \(new) (was \(old); nothing embedded)"), "\(moved)")

        try FileManager.default.moveItem(atPath: new, toPath: old)
        let back = try await ChildProcess.docqa(["index", "docs", "--index", index, "--json"], in: folder)
        #expect(back.status == 0, "\(back)")
        let summary = try jsonObject(back.stdout)
        #expect(summary["renamed"] as? Int == 1 && summary["indexed"] as? Int == 0, "\(back)")
        #expect(summary["embeddedTokens"] as? Int == 0, "\(back)")
        let entry = try jsonObjects(summary, "files").first { $0["path"] as? String == old }
        #expect(entry?["status"] as? String == "renamed" && entry?["from"] as? String == new, "\(back)")
        let after = try await ChildProcess.docqa(["search", "Quillfeather rent", "--index", index, "--json"], in: folder)
        let top = try #require(try jsonObjects(try jsonObject(after.stdout), "results").first)
        #expect(top["path"] as? String == old && top["chunkId"] as? Int == chunkBefore, "\(after)")
    }
}
