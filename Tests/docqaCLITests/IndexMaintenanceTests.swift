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
        let before = try await ChildProcess.docqa(["search", "--no-expand", "Quillfeather rent", "--index", index, "--json"], in: folder)
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
        let after = try await ChildProcess.docqa(["search", "--no-expand", "Quillfeather rent", "--index", index, "--json"], in: folder)
        let top = try #require(try jsonObjects(try jsonObject(after.stdout), "results").first)
        #expect(top["path"] as? String == old && top["chunkId"] as? Int == chunkBefore, "\(after)")
    }

    /// `remove` then `purge`: a canary word in the removed files' names and text, and the
    /// bytes of one of their vectors, occur nowhere in the raw bytes of the index file,
    /// its -wal or -shm afterwards (they still did after `remove` alone), while the other
    /// documents still answer `search`; a removed file's failure state goes too.
    @Test func removeThenPurgeLeavesNoTrace() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        // Letters no stemmer shortens and digits last; the tail is searched as well, since
        // the keyword index stores a word as the prefix it shares with the previous word
        // plus the rest.
        let canary = "qzxv" + String(UUID().uuidString.filter(\.isLetter).lowercased().prefix(6)) + "4817"
        let paragraph = (1...30).map { "Clause \($0): the settlement reference \(canary) binds the parties to silence." }
            .joined(separator: " ")
        try folder.write("docs/privileged/\(canary)-memo.txt", paragraph)
        try folder.write("docs/privileged/notes.md", "# Notes\n\nThe \(canary) file is privileged. " + paragraph)
        try folder.copy(Repository.fixture("damaged.pdf"), to: "docs/privileged/broken.pdf")
        let kept = try folder.write("docs/harbour.txt", "The Quillfeather harbour office opens at nine in the morning.")
        let index = folder.file("x.sqlite")
        let indexed = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(indexed.status == 1 && indexed.stdout.hasPrefix("3 indexed"), "\(indexed)")

        // One of the canary documents' vectors, as stored (32 bytes are plenty to be unique).
        let vector = try await ChildProcess.run("/usr/bin/python3", ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            row = db.execute("SELECT hex(substr(v.embedding, 1, 32)) FROM vectors v JOIN chunks c ON c.id = v.chunk_id "
                             "JOIN documents d ON d.id = c.document_id WHERE d.path LIKE ?", ("%" + sys.argv[2] + "%",)).fetchone()
            print(row[0])
            db.close()
            """, index, canary], in: folder)
        let vectorHex = vector.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(vector.status == 0 && vectorHex.count == 64, "\(vector)")
        let vectorBytes = Data(stride(from: 0, to: 64, by: 2).map {
            UInt8(vectorHex[vectorHex.index(vectorHex.startIndex, offsetBy: $0)...].prefix(2), radix: 16)!
        })
        let traces = [Data(canary.utf8), Data(canary.dropFirst(4).utf8), vectorBytes]
        func tracesLeft() -> [String] {
            ["", "-wal", "-shm"].flatMap { suffix -> [String] in
                guard let bytes = FileManager.default.contents(atPath: index + suffix) else { return [] }
                return traces.enumerated().compactMap { bytes.range(of: $1) == nil ? nil : "trace \($0) in x.sqlite\(suffix)" }
            }
        }

        let removed = try await ChildProcess.docqa(["remove", "docs/privileged", "--index", index], in: folder)
        #expect(removed.status == 0, "\(removed)")
        #expect(removed.stdout.hasPrefix("2 documents removed from \(index). Their text stays in the index file until"),
                "\(removed)")
        #expect(removed.stderrLines.count == 2, "\(removed)")
        // Without a purge the removed text is still in the file: this is what purge is for.
        #expect(!tracesLeft().isEmpty, "remove alone left no trace, so this test would prove nothing")
        let status = try jsonObject(try await ChildProcess.docqa(["status", "--index", index, "--json"], in: folder).stdout)
        #expect(try jsonObjects(status, "documents").map { $0["path"] as? String } == [kept])
        #expect(try jsonObjects(status, "notIndexed").isEmpty, "the removed folder's failure state is left")

        let purged = try await ChildProcess.docqa(["purge", "--index", index, "--json"], in: folder)
        #expect(purged.status == 0, "\(purged)")
        let report = try jsonObject(purged.stdout)
        let reclaimed = try #require(report["bytesReclaimed"] as? Int)
        #expect(reclaimed > 0 && report["bytesBefore"] as? Int == (report["bytesAfter"] as? Int ?? 0) + reclaimed, "\(purged)")
        #expect(tracesLeft().isEmpty, "\(tracesLeft())")
        let fileMode = (try FileManager.default.attributesOfItem(atPath: index)[.posixPermissions] as? NSNumber)?.intValue
        #expect(fileMode == 0o600)

        let search = try await ChildProcess.docqa(["search", "--no-expand", "harbour office", "--index", index, "--json"], in: folder)
        #expect(search.status == 0, "\(search)")
        #expect(try jsonObjects(try jsonObject(search.stdout), "results").map { $0["path"] as? String } == [kept])
        #expect(tracesLeft().isEmpty, "\(tracesLeft())")

        let again = try await ChildProcess.docqa(["remove", "docs/privileged", "--index", index], in: folder)
        #expect(again.status == 1, "\(again)")
        #expect(again.stderr.contains("nothing is indexed under \(folder.file("docs/privileged")); `docqa status` lists what is."),
                "\(again)")
    }

    /// While another program reads the index (an open read transaction, as a long `ask`
    /// holds), `purge` cannot clear the log: it exits 1 with a sentence saying to run it
    /// again, and the index still answers; once the reader is gone, `purge` succeeds.
    @Test func purgeUnderAReaderSaysToRunAgain() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let kept = try folder.write("docs/harbour.txt", "The Quillfeather harbour office opens at nine in the morning.")
        try folder.write("docs/old.txt", "The Zanzibar depot closes at noon on Saturdays.")
        let index = folder.file("x.sqlite")
        let indexed = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(indexed.status == 0, "\(indexed)")
        let removed = try await ChildProcess.docqa(["remove", "docs/old.txt", "--index", index], in: folder)
        try #require(removed.status == 0, "\(removed)")

        let release = folder.file("release"), reading = folder.file("reading")
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        reader.arguments = ["-c", """
            import os, sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN")
            db.execute("SELECT count(*) FROM chunks").fetchone()
            open(sys.argv[3], "w").close()
            end = time.time() + 900
            while time.time() < end and not os.path.exists(sys.argv[2]):
                time.sleep(0.05)
            db.execute("COMMIT")
            """, index, release, reading]
        try reader.run()
        defer { _ = FileManager.default.createFile(atPath: release, contents: nil); reader.terminate() }
        try await waitUntil("the Python reader to open the index", within: .seconds(300)) {
            FileManager.default.fileExists(atPath: reading)
        }

        let refused = try await ChildProcess.docqa(["purge", "--index", index], in: folder)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderrLines == ["docqa: error: \(index): another program (such as docqa ask or search) is reading "
                                        + "this index, so its log could not be cleared; run docqa purge again when it has finished."],
                "\(refused)")
        _ = FileManager.default.createFile(atPath: release, contents: nil)
        reader.waitUntilExit()

        let purged = try await ChildProcess.docqa(["purge", "--index", index], in: folder)
        #expect(purged.status == 0, "\(purged)")
        let search = try await ChildProcess.docqa(["search", "--no-expand", "harbour office", "--index", index, "--json"], in: folder)
        #expect(try jsonObjects(try jsonObject(search.stdout), "results").map { $0["path"] as? String } == [kept])
    }
}
