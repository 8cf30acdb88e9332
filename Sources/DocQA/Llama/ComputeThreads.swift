import Foundation
import Synchronization

/// How many threads llama.cpp computes with, chosen again as the machine's load changes.
///
/// llama.cpp's threads meet at a barrier after every step of the model's graph, and wait
/// there spinning (OpenMP's default). When another process holds one of the cores, one of
/// our threads is descheduled and the others spin until it runs again: measured here, a
/// busy 2-core machine made indexing and answering 5–10× slower (BENCHMARKS.md,
/// "Contention"). So, unless a fixed count is asked for, docqa computes with the cores
/// that other processes leave free: all of them on a quiet machine, fewer on a busy one.
final class ComputeThreads {
    /// A fixed count: from the caller, or `DOCQA_THREADS` (for measurements).
    private let fixed: Int?
    private let cores: Int
    private(set) var current: Int

    /// With `followsLoad` false the count is fixed at every core (unless one is asked for):
    /// llama.cpp's results can change in the last bits with the thread count, and an
    /// answer's wording with them (sample q17 did, with 1 and 2 threads), so answers are
    /// computed with a count that does not depend on what else the machine is doing.
    init(requested: Int?, followsLoad: Bool = true) {
        let environment = ProcessInfo.processInfo.environment["DOCQA_THREADS"].flatMap { Int($0) }
        cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        fixed = (requested ?? environment ?? (followsLoad ? nil : cores)).map { max(1, $0) }
        current = fixed ?? cores
        if fixed == nil { CPULoadMonitor.shared.start() }
    }

    /// Rechecks the machine's load before a computation; `apply` runs with the new count
    /// when it differs from the one in use.
    func refresh(apply: (Int32) -> Void) {
        guard fixed == nil else { return }
        let load = CPULoadMonitor.shared.steadyOtherLoad
        let wanted = Self.threads(cores: cores, otherLoad: load)
        if wanted != current {
            if LlamaRuntime.verbose {
                FileHandle.standardError.write(Data("docqa: \(load) other threads busy; computing with \(wanted) of \(cores) cores\n".utf8))
            }
            current = wanted
            apply(Int32(wanted))
        }
    }

    /// The cores left free by `otherLoad` runnable threads of other processes, at least one.
    static func threads(cores: Int, otherLoad: Int) -> Int {
        max(1, min(cores, cores - otherLoad))
    }
}

/// Reads the machine's load four times a second on a background thread, once started.
///
/// A core counts as taken only when the last three readings (0.75 s) agree, so a passing
/// command does not halve docqa's speed, while a competing job is noticed within a second.
final class CPULoadMonitor: Sendable {
    static let shared = CPULoadMonitor()
    private static let interval = 0.25
    private static let readings = 3
    private let state = Mutex<(started: Bool, recent: [Int])>((false, []))

    /// Threads of other processes that have kept a CPU busy through the last three
    /// readings; 0 before there are three, or where the load cannot be read.
    var steadyOtherLoad: Int {
        state.withLock { $0.recent.count == Self.readings ? ($0.recent.min() ?? 0) : 0 }
    }

    /// Starts the readings where /proc can give them. Whether it can is judged from the
    /// directory's presence, not from a first reading, which a passing shortage (of file
    /// descriptors, say) could fail and so leave the monitor off for the whole run.
    func start() {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first, CPUActivity.isReadable() else { return }
        let thread = Thread { [self] in
            while true {
                if let load = CPUActivity.otherRunnableThreads() {
                    state.withLock { state in
                        state.recent.append(load)
                        if state.recent.count > Self.readings { state.recent.removeFirst() }
                    }
                }
                Thread.sleep(forTimeInterval: Self.interval)
            }
        }
        thread.name = "docqa load monitor"
        thread.stackSize = 1 << 18
        thread.start()
    }
}
