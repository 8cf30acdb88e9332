import Foundation

/// Core dumps would hold whatever the process had in memory: document text, questions,
/// answers. docqa turns them off for itself at start.
public enum CoreDumps {
    /// Sets the process's core-file size limit (`RLIMIT_CORE`), soft and hard, to zero, so
    /// a crash writes no core file; child processes inherit the limit. Crash handlers
    /// reached through a pipe (systemd-coredump, apport) read the limit and store nothing.
    ///
    /// The corresponding C function is `setrlimit`.
    /// - Returns: whether the limit was set (it fails only in unusual sandboxes; a crash
    ///   is then handled as the system is configured to).
    @discardableResult
    public static func disable() -> Bool {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        #if os(Linux)
        return setrlimit(Int32(RLIMIT_CORE.rawValue), &limit) == 0
        #else
        return setrlimit(RLIMIT_CORE, &limit) == 0
        #endif
    }
}
