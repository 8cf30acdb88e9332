import Foundation

/// What the machine's CPUs are busy with right now, read from Linux's /proc.
enum CPUActivity {
    /// Threads of other processes that are running or waiting for a CPU at this moment,
    /// or nil where /proc cannot tell (not Linux, /proc not mounted, or no other
    /// process's threads could be read).
    ///
    /// Every other process's threads (/proc/PID/task/TID/stat) are read and those in
    /// state R counted. Counting them directly, rather than taking this process's own off
    /// /proc/stat's `procs_running`, keeps our own threads out of the figure even while
    /// they start and stop between the two readings: with many threads of ours changing
    /// state, the subtraction erased a competing process (seen in a CI run of the tests).
    /// Only the processes this /proc shows are seen: not those hidden by `hidepid`, and
    /// in a container (its own process namespace) not those of the host or other
    /// containers, though they share the CPUs. Our own entry is found through
    /// /proc/self, which names it in the namespace of this /proc.
    ///
    /// - Parameter root: the /proc to read (a folder of the same shape, in tests).
    static func otherRunnableThreads(root: String = "/proc") -> Int? {
        guard isReadable(root: root), let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return nil }
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/self")) ?? String(getpid())
        var running = 0, read = 0, others = 0
        for process in entries where process != own && isProcessID(process) {
            others += 1
            let tasks = "\(root)/\(process)/task"
            guard let threads = try? FileManager.default.contentsOfDirectory(atPath: tasks) else { continue }
            for thread in threads {
                guard let stat = readSmallFile("\(tasks)/\(thread)/stat", chunk: 1024) else { continue }
                read += 1
                if isRunnable(taskStat: stat) { running += 1 }
            }
        }
        return read > 0 || others == 0 ? running : nil
    }

    /// Whether `root` is a /proc that lists threads (Linux with /proc mounted).
    static func isReadable(root: String = "/proc") -> Bool { FileManager.default.fileExists(atPath: root + "/self/task") }

    /// Whether a /proc entry's name is a process ID (all ASCII digits).
    static func isProcessID(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Whether a thread's /proc/…/stat line shows state R (running or runnable). The state
    /// is the first field after the parenthesised command name, which may itself hold
    /// spaces and parentheses: it is read after the last ')'.
    static func isRunnable(taskStat text: String) -> Bool {
        guard let close = text.lastIndex(of: ")") else { return false }
        return text[text.index(after: close)...].drop(while: { $0 == " " }).first == "R"
    }

    /// Reads a /proc file, whose reported size is 0, to its end (up to 1 MiB), `chunk`
    /// bytes at a time (a thread's stat line is a few hundred bytes).
    static func readSmallFile(_ path: String, chunk: Int = 16_384) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while bytes.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
