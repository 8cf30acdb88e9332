@testable import DocQA
import Foundation
import Synchronization
import Testing

/// The thread count follows the machine's load: the cores other processes leave free.
@Suite struct ComputeThreadsTests {
    @Test func threadsAreTheFreeCoresAndAtLeastOne() {
        #expect(ComputeThreads.threads(cores: 2, otherLoad: 0) == 2)
        #expect(ComputeThreads.threads(cores: 2, otherLoad: 1) == 1)
        #expect(ComputeThreads.threads(cores: 2, otherLoad: 5) == 1)
        #expect(ComputeThreads.threads(cores: 8, otherLoad: 3) == 5)
        #expect(ComputeThreads.threads(cores: 1, otherLoad: 0) == 1)
    }

    /// A count asked for is kept whatever the load.
    @Test func requestedCountIsFixed() {
        let threads = ComputeThreads(requested: 3)
        var applied: [Int32] = []
        threads.refresh { applied.append($0) }
        #expect(threads.current == 3)
        #expect(applied.isEmpty)
    }

    /// The load is read from each other process's threads' states, also when a command
    /// name holds spaces and parentheses; this machine's /proc gives a value.
    @Test func loadIsReadFromProc() throws {
        #expect(CPUActivity.isProcessID("4242"))
        #expect(!CPUActivity.isProcessID("self"))
        #expect(!CPUActivity.isProcessID(""))
        #expect(!CPUActivity.isProcessID("٤٢"))
        #expect(CPUActivity.isRunnable(taskStat: "4242 (docqa) R 1 4242 4242 0 -1"))
        #expect(!CPUActivity.isRunnable(taskStat: "4242 (docqa) S 1 4242 4242 0 -1"))
        #expect(!CPUActivity.isRunnable(taskStat: "4243 (odd ) R (name) S 1 4242"))
        #expect(CPUActivity.isRunnable(taskStat: "4243 (odd ) S (name) R 1 4242"))
        #expect(CPUActivity.otherRunnableThreads() != nil, "/proc has no process directories")
    }

    /// A real competing CPU-bound process is seen within a few readings, and a context's
    /// thread count drops below the cores (on a machine with more than one), also while
    /// threads of ours keep starting and stopping work (as when tests run in parallel).
    @Test func competingProcessIsNoticed() async throws {
        let stop = Atomic<Bool>(false)
        let churners = (0..<12).map { _ in
            Thread {
                while !stop.load(ordering: .relaxed) {
                    let end = ContinuousClock.now + .microseconds(300)
                    while ContinuousClock.now < end {}
                    Thread.sleep(forTimeInterval: 0.0003)
                }
            }
        }
        churners.forEach { $0.start() }
        defer { stop.store(true, ordering: .relaxed) }
        let competitor = Process()
        competitor.executableURL = URL(fileURLWithPath: "/bin/sh")
        competitor.arguments = ["-c", "while :; do :; done"]
        try competitor.run()
        defer {
            // SIGKILL: the test runner's children inherit its blocked SIGTERM.
            kill(competitor.processIdentifier, SIGKILL)
            competitor.waitUntilExit()
        }
        CPULoadMonitor.shared.start()
        let deadline = ContinuousClock.now + .seconds(10)
        while CPULoadMonitor.shared.steadyOtherLoad < 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(CPULoadMonitor.shared.steadyOtherLoad >= 1)
        let threads = ComputeThreads(requested: nil)
        threads.refresh { _ in }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if cores > 1 {
            #expect(threads.current < cores)
        } else {
            #expect(threads.current == 1)
        }
    }
}
