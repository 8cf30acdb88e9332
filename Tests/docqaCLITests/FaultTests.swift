import DocQATestSupport
import Foundation
import Testing

/// Faults of the machine and damaged files around docqa, made for real: a full disk, a
/// read-only file system, a damaged index, damaged models. Each ends in one sentence that
/// says what to do, and the index afterwards holds what docqa said it holds.
@Suite("docqa faults")
struct FaultTests {
    /// Twelve files of about 25 chunks each: together more than the small disks below hold.
    private static func writeDocuments(in folder: TestFolder) throws -> [String] {
        try (1...12).map { number in
            let text = (1...60).map { "Clause \($0) of deed \(number): the Quillfeather tenant keeps ledger \($0) for the harbour." }
                .joined(separator: " ")
            return try folder.write("docs/deed-\(String(format: "%02d", number)).txt", text)
        }
    }

    /// Checks an index that a full disk interrupted: the files reported as indexed are
    /// exactly the index's documents, and `search` answers from it.
    private static func expectConsistent(_ run: CommandResult, index: String, in folder: TestFolder,
                                         sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int {
        let reported = run.stderrLines.filter { $0.hasPrefix("indexed    ") }
            .map { String($0.dropFirst("indexed    ".count).prefix { $0 != " " }) }
        let status = try await ChildProcess.docqa(["status", "--index", index, "--json"], in: folder)
        #expect(status.status == 0, "\(status)", sourceLocation: sourceLocation)
        let stored = try jsonObjects(try jsonObject(status.stdout), "documents").compactMap { $0["path"] as? String }
        #expect(Set(stored) == Set(reported), "reported \(reported), stored \(stored)", sourceLocation: sourceLocation)
        let search = try await ChildProcess.docqa(["search", "--no-expand", "Quillfeather ledger", "--index", index, "--json"], in: folder)
        #expect(search.status == 0, "\(search)", sourceLocation: sourceLocation)
        if !stored.isEmpty {
            #expect(!(try jsonObjects(try jsonObject(search.stdout), "results")).isEmpty, "\(search)",
                    sourceLocation: sourceLocation)
        }
        return reported.count
    }

    /// A file-size limit (`ulimit -f`, which works for any user) reached while indexing:
    /// docqa is not killed by SIGXFSZ but stops with one sentence about a full disk; the
    /// files it reported as indexed are in the index, which still answers `search`; once
    /// the limit is gone the next run indexes the rest, the others unchanged.
    @Test func fileSizeLimitDuringIndexing() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let files = try Self.writeDocuments(in: folder)
        let index = folder.file("x.sqlite")
        let limited = try await ChildProcess.run("/bin/sh", [
            "-c", "ulimit -f 700 && exec \"$0\" index docs --index \"$1\"", try DocQABinary.path(), index,
        ], in: folder, timeout: ChildProcess.modelTimeout)
        #expect(limited.status == 1, "\(limited)")
        #expect(limited.stderrLines.last?.hasSuffix(
            "the disk may be full or a file-size limit (ulimit -f) reached. Free some space (or raise the limit), "
            + "then run the command again.") == true, "\(limited)")
        #expect(limited.stderrLines.last?.hasPrefix("docqa: error: \(index): Writing the index failed") == true,
                "\(limited)")
        let done = try await Self.expectConsistent(limited, index: index, in: folder)
        #expect((1..<files.count).contains(done), "\(limited)")

        let resumed = try await ChildProcess.docqa(["index", "docs", "--index", index, "--json"], in: folder,
                                                   timeout: ChildProcess.modelTimeout)
        #expect(resumed.status == 0, "\(resumed)")
        let summary = try jsonObject(resumed.stdout)
        #expect(summary["unchanged"] as? Int == done && summary["indexed"] as? Int == files.count - done, "\(resumed)")
    }

    /// A real full disk: the index on a 1 MB tmpfs (mounted in a private mount namespace,
    /// so it needs root). docqa stops with the full-disk sentence, the index holds what was
    /// reported, and after the disk grows the next run indexes the rest.
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func diskFullDuringIndexing() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        let files = try Self.writeDocuments(in: folder)
        let disk = folder.file("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let index = disk + "/x.sqlite"
        // Everything runs inside the namespace, whose tmpfs goes when it ends; each step's
        // output goes to its own files in the test folder.
        let script = """
            set -u
            docqa="$0"; folder="$1"; disk="$2"
            mount -t tmpfs -o size=1024k tmpfs "$disk" || exit 90
            "$docqa" index "$folder/docs" --index "$disk/x.sqlite" >"$folder/full.out" 2>"$folder/full.err"
            echo $? >"$folder/full.status"
            "$docqa" status --index "$disk/x.sqlite" --json >"$folder/status.out" 2>&1
            "$docqa" search "Quillfeather ledger" --index "$disk/x.sqlite" --json >"$folder/search.out" 2>&1
            echo $? >"$folder/search.status"
            mount -o remount,size=64m "$disk" || exit 91
            "$docqa" index "$folder/docs" --index "$disk/x.sqlite" --json >"$folder/again.out" 2>"$folder/again.err"
            echo $? >"$folder/again.status"
            """
        let run = try await ChildProcess.run("/usr/bin/unshare", [
            "--mount", "--propagation", "private", "/bin/sh", "-c", script, try DocQABinary.path(), folder.path, disk,
        ], in: folder, timeout: ChildProcess.modelTimeout)
        #expect(run.status == 0, "\(run)")
        func read(_ name: String) -> String {
            (try? String(contentsOfFile: folder.file(name), encoding: .utf8)) ?? ""
        }
        let full = CommandResult(arguments: ["docqa", "index"], status: Int32(read("full.status").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1,
                                 stdout: read("full.out"), stderr: read("full.err"))
        #expect(full.status == 1, "\(full)")
        #expect(full.stderrLines.last == "docqa: error: \(index): The disk holding the index is full (SQLite 13/13: "
                + "database or disk is full). Free some space, then run the command again.", "\(full)")
        let reported = Set(full.stderrLines.filter { $0.hasPrefix("indexed    ") }
            .map { String($0.dropFirst("indexed    ".count).prefix { $0 != " " }) })
        #expect((1..<files.count).contains(reported.count), "\(full)")
        let stored = try jsonObjects(try jsonObject(read("status.out")), "documents").compactMap { $0["path"] as? String }
        #expect(Set(stored) == reported, "status: \(read("status.out"))")
        #expect(read("search.status").hasPrefix("0"), "\(read("search.out"))")
        #expect(!(try jsonObjects(try jsonObject(read("search.out")), "results")).isEmpty, "\(read("search.out"))")
        #expect(read("again.status").hasPrefix("0"), "\(read("again.err"))")
        let again = try jsonObject(read("again.out"))
        #expect(again["unchanged"] as? Int == reported.count && again["indexed"] as? Int == files.count - reported.count,
                "\(read("again.out"))")
    }

    /// Runs `commands` (each a docqa argument list) with `target` (the index's folder, or
    /// the index file itself) read-only: for root through a read-only bind mount in a
    /// private mount namespace (root may write to any file whatever its mode), for anyone
    /// else by taking away the write permission. Returns each command's result.
    private static func runReadOnly(_ target: String, _ commands: [[String]], in folder: TestFolder) async throws
        -> [CommandResult] {
        let docqa = try DocQABinary.path()
        guard getuid() == 0 else {
            let mode = (try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? NSNumber)?.int16Value ?? 0o700
            try FileManager.default.setAttributes([.posixPermissions: mode & ~0o222], ofItemAtPath: target)
            defer { try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target) }
            var results: [CommandResult] = []
            for command in commands {
                results.append(try await ChildProcess.docqa(command, in: folder, timeout: ChildProcess.modelTimeout))
            }
            return results
        }
        var script = "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" || exit 90\n"
        for (number, command) in commands.enumerated() {
            let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            script += "\"$0\" \(quoted) >\"$2/ro-\(number).out\" 2>\"$2/ro-\(number).err\"; echo $? >\"$2/ro-\(number).status\"\n"
        }
        let run = try await ChildProcess.run("/usr/bin/unshare", [
            "--mount", "--propagation", "private", "/bin/sh", "-c", script, docqa, target, folder.path,
        ], in: folder, timeout: ChildProcess.modelTimeout)
        #expect(run.status == 0, "\(run)")
        return commands.indices.map { number in
            func read(_ suffix: String) -> String {
                (try? String(contentsOfFile: folder.file("ro-\(number).\(suffix)"), encoding: .utf8)) ?? ""
            }
            return CommandResult(arguments: ["docqa"] + commands[number],
                                 status: Int32(read("status").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1,
                                 stdout: read("out"), stderr: read("err"))
        }
    }

    /// An index whose folder, or whose file alone, cannot be written: `search`, `status`
    /// and `ask` (the fast chat model) read it; `index` fails with one sentence before it
    /// reads any document; the index file's bytes are unchanged.
    @Test(arguments: ["folder", "file"])
    func readOnlyIndex(what: String) async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        try folder.write("docs/lease.txt", "The Quillfeather lessee pays the rent of 900 crowns monthly, in advance.")
        let later = try folder.write("later/memo.txt", "Memo: the Quillfeather tenant asked to repaint the hall.")
        try FileManager.default.createDirectory(atPath: folder.file("store"), withIntermediateDirectories: true)
        let index = folder.file("store/x.sqlite")
        let built = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(built.status == 0, "\(built)")
        let before = try #require(FileManager.default.contents(atPath: index))

        let results = try await Self.runReadOnly(what == "folder" ? folder.file("store") : index, [
            ["search", "--no-expand", "Quillfeather rent", "--index", index, "--json"],
            ["status", "--index", index],
            ["ask", "How much rent does the Quillfeather lessee pay?", "--index", index, "--model", "smollm2-135m", "--json"],
            ["index", later, "--index", index],
        ], in: folder)
        let (search, status, ask, index2) = (results[0], results[1], results[2], results[3])
        #expect(search.status == 0, "\(search)")
        #expect(try jsonObjects(try jsonObject(search.stdout), "results").first?["path"] as? String == folder.file("docs/lease.txt"))
        #expect(status.status == 0 && status.stdout.contains("1 documents, 1 chunks"), "\(status)")
        #expect(ask.status == 0, "\(ask)")
        #expect(try jsonObject(ask.stdout)["answer"] != nil, "\(ask)")
        #expect(index2.status == 1, "\(index2)")
        #expect(index2.stderrLines.count == 1, "\(index2)")
        #expect(!index2.stderr.contains("indexed ") && !index2.stderr.contains(later), "\(index2)")
        if what == "folder" {
            #expect(index2.stderr.hasPrefix("docqa: error: \(index).lock: cannot create the index's lock file"), "\(index2)")
        } else {
            #expect(index2.stderrLines == ["docqa: error: \(index): The index file is read-only, so nothing can be added "
                + "to it (search and ask still read it). Make the file and its folder writable, or copy the index "
                + "somewhere writable, then run the command again."], "\(index2)")
        }
        #expect(FileManager.default.contents(atPath: index) == before, "the read-only index changed")
    }

    /// A damaged index (garbage written over its pages, cut in half, cut to 100 bytes):
    /// `status`, `search` and `index` exit 1 with the damaged-index sentence, read no
    /// document, and leave the file's bytes as they were.
    @Test(arguments: ["garbage", "half", "header"])
    func corruptIndexIsRefused(damage: String) async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        try folder.write("docs/lease.txt", (1...80).map { "Clause \($0): the Quillfeather lessee pays rent monthly." }
            .joined(separator: " "))
        try folder.write("docs/memo.txt", "Memo: the Quillfeather tenant asked to repaint the hall.")
        let index = folder.file("x.sqlite")
        let built = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(built.status == 0, "\(built)")
        var bytes = try #require(FileManager.default.contents(atPath: index))
        try #require(bytes.count > 16384)
        switch damage {
        case "garbage":
            var generator = SplitMix64(seed: 8)
            for start in stride(from: 4096, to: bytes.count, by: 4096) {
                for offset in start..<min(start + 2048, bytes.count) { bytes[offset] = UInt8.random(in: 0...255, using: &generator) }
            }
        case "half": bytes = bytes.prefix(bytes.count / 2)
        default: bytes = bytes.prefix(100)
        }
        try bytes.write(to: URL(fileURLWithPath: index))

        for command in [["status"], ["search", "--no-expand", "Quillfeather rent"], ["index", "docs"]] {
            let result = try await ChildProcess.docqa(command + ["--index", index], in: folder)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderr.hasPrefix("docqa: error: \(index): The index file is damaged or is not a docqa index ("),
                    "\(result)")
            #expect(result.stderr.contains("Move it aside or delete it, then run `docqa index` to build a new index."),
                    "\(result)")
            #expect(FileManager.default.contents(atPath: index) == bytes, "`\(command[0])` changed the damaged file")
        }
    }

    /// A -wal file from another SQLite database beside the index: SQLite would replay it
    /// and, on closing, copy that database over the index. docqa refuses to open the index
    /// with one sentence saying to move the -wal aside; both files are unchanged, and once
    /// it is moved the index answers as before.
    @Test func foreignLogIsRefused() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        try folder.write("docs/lease.txt", "The Quillfeather lessee pays the rent monthly, in advance.")
        let index = folder.file("x.sqlite")
        let built = try await ChildProcess.docqa(["index", "docs", "--index", index], in: folder)
        try #require(built.status == 0, "\(built)")
        let before = try #require(FileManager.default.contents(atPath: index))

        // Another database left with a full log: python's sqlite3 without a checkpoint,
        // ended before it can close.
        let other = folder.file("other.sqlite")
        let made = try await ChildProcess.run("/usr/bin/python3", ["-c", """
            import sqlite3, shutil, os, sys
            c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA wal_autocheckpoint=0")
            c.execute("CREATE TABLE t(x)"); c.executemany("INSERT INTO t VALUES (?)", [("y" * 500,)] * 300); c.commit()
            shutil.copy(sys.argv[1] + "-wal", sys.argv[2])
            os._exit(0)
            """, other, index + "-wal"], in: folder)
        try #require(made.status == 0, "\(made)")
        let log = try #require(FileManager.default.contents(atPath: index + "-wal"))

        for command in [["status"], ["search", "--no-expand", "Quillfeather rent"], ["index", "docs"]] {
            let result = try await ChildProcess.docqa(command + ["--index", index], in: folder)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderrLines == [
                "docqa: error: \(index): The log file beside the index (x.sqlite-wal) was written by another database, "
                    + "so the index was not opened (SQLite would have copied that database over it). Move that -wal "
                    + "file out of the folder, then run the command again.",
            ], "\(result)")
            #expect(FileManager.default.contents(atPath: index) == before, "the index changed")
            #expect(FileManager.default.contents(atPath: index + "-wal") == log, "the -wal changed")
        }
        try FileManager.default.moveItem(atPath: index + "-wal", toPath: folder.file("aside-wal"))
        try? FileManager.default.removeItem(atPath: index + "-shm")
        let search = try await ChildProcess.docqa(["search", "--no-expand", "Quillfeather rent", "--index", index, "--json"], in: folder)
        #expect(search.status == 0, "\(search)")
        #expect(try jsonObjects(try jsonObject(search.stdout), "results").count == 1, "\(search)")
    }

    /// Damaged models given as the embedding model: a folder, a truncated GGUF, a file
    /// with the wrong magic, a chat model. `index` exits 1 with one sentence naming the
    /// file and what to do, and creates no index.
    @Test(arguments: ["folder", "truncated", "magic", "chat"])
    func damagedEmbeddingModelIsRefused(damage: String) async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        try folder.write("docs/lease.txt", "The Quillfeather lessee pays the rent monthly, in advance.")
        let real = try #require(FileManager.default.contents(atPath: DefaultModels.embedding))
        let model: String
        let expected: String
        switch damage {
        case "folder":
            model = folder.file("model.gguf")
            try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
            expected = "this is a folder, not a model file. Name a .gguf file, or install the default models with Scripts/bootstrap."
        case "truncated":
            model = folder.file("model.gguf")
            try real.prefix(real.count / 3).write(to: URL(fileURLWithPath: model))
            expected = "llama.cpp could not load this model; it may be damaged, truncated, or of an architecture"
        case "magic":
            model = folder.file("model.gguf")
            try (Data("GGUX".utf8) + real.dropFirst(4)).write(to: URL(fileURLWithPath: model))
            expected = "this is not a GGUF model file (or it cannot be read). Name a .gguf file made for llama.cpp."
        default:
            model = DefaultModels.directory + "/SmolLM2-135M-Instruct.Q4_1.gguf"
            expected = "this is a chat model, not an embedding model; give it with --model, and name an embedding model "
                + "(see `docqa models`, e.g. minilm-l6-v2) with --embedding-model."
        }
        let index = folder.file("x.sqlite")
        let result = try await ChildProcess.docqa(["index", "docs", "--index", index, "--embedding-model", model], in: folder)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderr.hasPrefix("docqa: error: \(model): \(expected)"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: index), "a refused model left an index behind")
    }
}
