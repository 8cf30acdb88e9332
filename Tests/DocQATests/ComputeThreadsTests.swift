@testable import DocQA
import Foundation
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

    /// This process's own runnable threads are not counted as load.
    @Test func ownThreadsAreNotLoad() throws {
        let before = try #require(CPUActivity.otherRunnableThreads(), "/proc/stat has no procs_running")
        #expect(before >= 0)
    }

    /// A real competing CPU-bound process is seen within a few readings, and a context's
    /// thread count drops below the cores (on a machine with more than one).
    @Test func competingProcessIsNoticed() async throws {
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
