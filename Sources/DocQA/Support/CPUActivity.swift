import Foundation

/// What the machine's CPUs are busy with right now, read from Linux's /proc.
enum CPUActivity {
    /// Threads of other processes that are running or waiting for a CPU at this moment,
    /// or nil where /proc cannot tell (not Linux, or /proc not mounted).
    ///
    /// `procs_running` in /proc/stat counts every runnable thread on the machine; this
    /// process's own (those in state R under /proc/self/task) are taken off, so spinning
    /// compute threads of ours do not count as load.
    static func otherRunnableThreads() -> Int? {
        guard let all = readSmallFile("/proc/stat").flatMap(runnableThreads(inProcStat:)) else { return nil }
        return max(0, all - ownRunnableThreads())
    }

    /// The `procs_running` count of /proc/stat's text.
    static func runnableThreads(inProcStat text: String) -> Int? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("procs_running ") }) else { return nil }
        return Int(line.dropFirst("procs_running ".count).trimmingCharacters(in: .whitespaces))
    }

    /// Whether a thread's /proc/…/stat line shows state R (running or runnable). The state
    /// is the first field after the parenthesised command name, which may itself hold
    /// spaces and parentheses: it is read after the last ')'.
    static func isRunnable(taskStat text: String) -> Bool {
        guard let close = text.lastIndex(of: ")") else { return false }
        return text[text.index(after: close)...].drop(while: { $0 == " " }).first == "R"
    }

    /// Threads of this process in state R (at least 1: the one asking).
    private static func ownRunnableThreads() -> Int {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return 1 }
        let running = tasks.filter { task in
            readSmallFile("/proc/self/task/\(task)/stat").map(isRunnable(taskStat:)) ?? false
        }.count
        return max(1, running)
    }

    /// Reads a /proc file, whose reported size is 0, to its end (up to 1 MiB).
    static func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while bytes.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
