import DocQATestSupport
import Foundation
import Synchronization
import Testing

/// What the running `docqa` process itself guarantees.
@Suite("docqa process")
struct ProcessTests {
    /// A running docqa has core dumps turned off (soft and hard limit 0), so a crash
    /// cannot write document text to disk. Read from /proc of a real `docqa index` while
    /// it waits for an index's write lock that the test holds. (The soft limit is often 0
    /// already; the hard limit shows that docqa set it.)
    @Test func coreDumpsAreOff() async throws {
        try DefaultModels.require()
        let folder = try TestFolder()
        try folder.write("docs/note.txt", "The Quillfeather warehouse opens at nine in the morning.")
        let index = folder.file("x.sqlite")
        let holder = try await TestLockHolder(index: index, in: folder)
        defer { holder.kill() }

        let child = Mutex<pid_t>(0)
        async let run = ChildProcess.docqa(["index", "docs", "--index", index, "--wait"], in: folder,
                                           timeout: .seconds(600), started: { pid in child.withLock { $0 = pid } })
        try await waitUntil("docqa index --wait to say it waits", within: .seconds(300)) {
            ChildProcess.capturedOutput(in: folder).contains("docqa: waiting for test writer")
        }
        let pid = child.withLock { $0 }
        let limits = (try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)) ?? ""
        holder.release()
        let result = try await run
        #expect(result.status == 0, "\(result)")

        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }
        let values = line.map { $0.dropFirst("Max core file size".count).split(separator: " ").map(String.init) } ?? []
        #expect(values.prefix(2) == ["0", "0"], "core dumps are not off: \(line ?? "no limits read for process \(pid)")")
    }
}
