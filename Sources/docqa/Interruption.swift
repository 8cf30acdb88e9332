import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM as a request to stop at the next safe point.
///
/// After `install`, the first signal is only recorded (and announced on stderr): the
/// command finishes the step it is in, writes what it must and exits with 128 + the
/// signal's number. A second signal ends the process at once, as it would have without
/// docqa's handler; what is already written stays intact (batch rows are synced one by one).
enum Interruption {
    private static let received = Atomic<Int32>(0)

    /// The signal that asked the run to stop, or `nil`.
    static var signal: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// The exit status for an interrupted run: 130 after Ctrl-C, 143 after SIGTERM.
    static var exitCode: Int32? { signal.map { 128 + $0 } }

    /// Routes SIGINT and SIGTERM to the handler; `announcement` is written to stderr when
    /// the first one arrives.
    static func install(announcing announcement: StaticString) {
        Self.announcement = announcement
        // A parent may have started docqa with these signals blocked (a blocked mask is
        // inherited); the handler is of no use unless they reach this thread.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        for number in [SIGINT, SIGTERM] {
            _ = Foundation.signal(number) { number in
                let (first, _) = Interruption.received.compareExchange(expected: 0, desired: number, ordering: .relaxed)
                guard first else {
                    // The second signal: the default action, now.
                    _ = Foundation.signal(number, SIG_DFL)
                    _ = raise(number)
                    return
                }
                // Only async-signal-safe calls here: write(2) of constant text.
                let text = Interruption.announcement
                _ = write(STDERR_FILENO, text.utf8Start, text.utf8CodeUnitCount)
            }
        }
    }

    nonisolated(unsafe) private static var announcement: StaticString = ""
}
