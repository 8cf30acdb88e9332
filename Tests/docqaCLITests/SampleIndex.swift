import DocQATestSupport
import Foundation
import Testing

/// The sample case file indexed once, in a temporary folder, for the tests of one suite.
///
/// Indexing the seven files takes tens of seconds, so the suite shares one index: the first
/// test that asks for it builds it, the others wait for that same build. Tests that change
/// an index copy this one into their own folder first.
actor SampleIndex {
    /// The index of the suite being run, set by the `.sampleIndex` trait.
    @TaskLocal static var current: SampleIndex?

    let folder: TestFolder
    let path: String
    private var build: Task<CommandResult, any Error>?

    init() throws {
        folder = try TestFolder()
        path = folder.file("case-file.sqlite")
    }

    /// The `docqa index` run that built the index; it ran once, whatever its outcome.
    func indexRun() async throws -> CommandResult {
        if let build { return try await build.value }
        let task = Task { [folder, path] in
            try DefaultModels.require()
            return try await ChildProcess.docqa(["index", Repository.caseFile, "--index", path],
                                                in: folder, timeout: ChildProcess.modelTimeout)
        }
        build = task
        return try await task.value
    }

    /// The index path, once `docqa index` has built it successfully.
    func ready() async throws -> String {
        let run = try await indexRun()
        guard run.status == 0 else { throw SetupError("Indexing the sample case file failed: \(run)") }
        return path
    }

    /// The current suite's sample index.
    static func shared(sourceLocation: SourceLocation = #_sourceLocation) throws -> SampleIndex {
        try #require(current, "The suite needs the .sampleIndex trait.", sourceLocation: sourceLocation)
    }
}

/// Gives a suite one `SampleIndex`, removed with its folder when the suite is done.
struct SampleIndexTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let index = try SampleIndex()
        try await SampleIndex.$current.withValue(index) {
            try await function()
        }
    }
}

extension Trait where Self == SampleIndexTrait {
    /// The sample case file indexed once for the whole suite.
    static var sampleIndex: Self { Self() }
}
