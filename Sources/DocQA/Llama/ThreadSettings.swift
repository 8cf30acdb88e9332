import Foundation

/// How many threads llama.cpp would compute with now, and why, for `docqa doctor`.
public struct ThreadSettings: Sendable {
    /// The value of `DOCQA_THREADS`, as set (nil when unset).
    public var environment: String?
    /// The fixed count `DOCQA_THREADS` asks for; nil when it is unset or not a whole number
    /// (then the count follows the machine's load).
    public var fixed: Int?
    /// Cores docqa may run on.
    public var cores: Int
    /// Threads of other processes that are runnable right now (one reading of
    /// `/proc`); nil where that cannot be read.
    public var otherLoad: Int?
    /// The count docqa would use now: the fixed one, or the cores left free.
    public var threads: Int

    /// `DOCQA_THREADS` is set but is not a whole number, so docqa ignores it (below 1 counts as 1).
    public var environmentIgnored: Bool { environment != nil && fixed == nil }

    /// Reads the settings as `ComputeThreads` would apply them (see there).
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> ThreadSettings {
        let value = environment["DOCQA_THREADS"]
        let fixed = value.flatMap { Int($0) }.map { max(1, $0) }
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let load = CPUActivity.otherRunnableThreads()
        let threads = fixed ?? ComputeThreads.threads(cores: cores, otherLoad: load ?? 0)
        return ThreadSettings(environment: value, fixed: fixed, cores: cores, otherLoad: load, threads: threads)
    }
}
