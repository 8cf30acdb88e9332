import ArgumentParser
import DocQA

/// The child process that reads one PDF for `docqa index` (see `IsolatedExtractor`):
/// hidden, as only docqa runs it, through /proc/self/exe.
struct ExtractWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract-worker",
        abstract: "Read one PDF for docqa index in a separate process (internal).",
        shouldDisplay: false
    )

    // The extraction options as JSON, then the path (which may begin with a dash).
    @Argument(parsing: .captureForPassthrough)
    var values: [String] = []

    func run() {
        IsolatedExtractor.serve(values)
    }
}
