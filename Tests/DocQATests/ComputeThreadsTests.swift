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

    /// Other processes' threads in state R are counted, read from a /proc-shaped folder:
    /// our own process (the one /proc/self names), entries that are not process IDs, a
    /// process without a task folder and a thread without a stat file are passed over.
    @Test func otherProcessesRunnableThreadsAreCounted() throws {
        try withTemporaryFolder { root in
            func stat(_ path: String, _ line: String) throws {
                let folder = root + "/" + path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                if !line.isEmpty { try Data(line.utf8).write(to: URL(fileURLWithPath: folder + "/stat")) }
            }
            try stat("100/task/100", "100 (docqa) R 1 100 100 0 -1")
            try stat("100/task/101", "101 (docqa) R 1 100 100 0 -1")
            try FileManager.default.createSymbolicLink(atPath: root + "/self", withDestinationPath: "100")
            try stat("200/task/200", "200 (busy) R 1 200 200 0 -1")
            try stat("200/task/201", "201 (busy) S 1 200 200 0 -1")
            try stat("300/task/300", "300 (odd ) S (name) R 1 300")
            try stat("400", "")
            try stat("500/task/500", "")
            try stat("sys/task/1", "1 (init) R 0 1 1 0 -1")
            #expect(CPUActivity.otherRunnableThreads(root: root) == 2)
            // No /proc there at all, or no other thread's state readable: nothing can be told.
            #expect(CPUActivity.otherRunnableThreads(root: root + "/missing") == nil)
            try FileManager.default.removeItem(atPath: root + "/200")
            try FileManager.default.removeItem(atPath: root + "/300")
            #expect(CPUActivity.otherRunnableThreads(root: root) == nil)
        }
    }

    /// A real competing CPU-bound process is seen within a few readings, and a context's
    /// thread count drops below the cores (on a machine with more than one).
    @Test func competingProcessIsNoticed() async throws {
        let competitor = Process()
        competitor.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Spins while this test process lives: a runner killed mid-test must not leave an
        // orphan holding a core (one did, and slowed a later test run by half).
        competitor.arguments = ["-c", "while kill -0 \(ProcessInfo.processInfo.processIdentifier) 2>/dev/null; do :; done"]
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
