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
        guard let stat = readSmallFile("/proc/stat"),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("procs_running ") }),
              let all = Int(line.dropFirst("procs_running ".count).trimmingCharacters(in: .whitespaces))
        else { return nil }
        return max(0, all - ownRunnableThreads())
    }

    /// Threads of this process in state R (running or runnable).
    private static func ownRunnableThreads() -> Int {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return 1 }
        var running = 0
        for task in tasks {
            // The state is the first field after the parenthesised command name, which may
            // itself hold spaces and parentheses: look after the last ')'.
            guard let stat = readSmallFile("/proc/self/task/\(task)/stat"),
                  let close = stat.lastIndex(of: ")") else { continue }
            let rest = stat[stat.index(after: close)...].drop(while: { $0 == " " })
            if rest.first == "R" { running += 1 }
        }
        return max(1, running)
    }

    /// Reads a /proc file, whose reported size is 0, to its end (up to 1 MiB).
    private static func readSmallFile(_ path: String) -> String? {
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
