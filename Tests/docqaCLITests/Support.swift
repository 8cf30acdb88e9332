import DocQATestSupport
import Foundation
import Synchronization
import Testing

// These tests run the built `docqa` executable as a user would, so they see exactly what a
// user sees: exit code, stdout and stderr. They do not import DocQA; the few facts they
// need from it (where the default models live) are restated here on purpose, so a change
// there that breaks users' set-ups also breaks these tests.

/// A setup problem that makes a test fail with a sentence saying what to do.
struct SetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The default models where Scripts/bootstrap installs them: `$XDG_DATA_HOME/docqa/models`
/// (an absolute XDG_DATA_HOME only, as in `Locations`), else `~/.local/share/docqa/models`.
enum DefaultModels {
    static let setupHint = "Run: bash Scripts/bootstrap"

    static var directory: String {
        let environment = ProcessInfo.processInfo.environment
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        }
        return base + "/docqa/models"
    }

    static var embedding: String { directory + "/all-MiniLM-L6-v2.f16.gguf" }
    /// The default chat model (Scripts/models.tsv marks it `default`).
    static var chat: String { directory + "/Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf" }
    /// The default search model, which writes the sentence questions are also searched by.
    static var search: String { directory + "/Qwen2.5-Coder-0.5B-Instruct.Q4_K_M.gguf" }

    /// Fails the calling test (by throwing) when a default model is missing; never skips.
    /// With `chat`, the search model is needed too: whatever runs the chat model also
    /// searches with the sentence the search model writes.
    static func require(chat needsChat: Bool = false) throws {
        for path in [embedding] + (needsChat ? [chat, search] : []) where !FileManager.default.fileExists(atPath: path) {
            throw SetupError("The default model \(path) is not installed, so this test cannot run. \(setupHint)")
        }
    }
}

/// The `docqa` executable that `swift build --build-tests` put next to the test bundle.
///
/// On Linux the test bundle is the executable `<products>/docqaPackageTests.xctest`, and
/// `CommandLine.arguments[0]` and `Bundle.main.bundleURL` both lead to `<products>`; on macOS
/// the bundle is a folder (`…xctest/Contents/MacOS/…`) inside `<products>`. So walk up from
/// each a few levels and take the first executable regular file named `docqa`.
enum DocQABinary {
    static let located: Result<String, SetupError> = locate()

    static func path() throws -> String { try located.get() }

    private static func locate() -> Result<String, SetupError> {
        var starts = [URL(fileURLWithPath: CommandLine.arguments[0]), Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { starts.append(executable) }
        for start in starts {
            var folder = start.resolvingSymlinksInPath()
            for _ in 0..<5 {
                let candidate = folder.appendingPathComponent("docqa").path
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate) {
                    return .success(candidate)
                }
                folder.deleteLastPathComponent()
            }
        }
        return .failure(SetupError("""
            The docqa executable was not found near the test bundle (\(CommandLine.arguments[0])). \
            Build it with the tests: swift build --build-tests
            """))
    }
}

/// What one run of a program produced.
struct CommandResult: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String

    /// The non-empty lines of stderr.
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

    var description: String {
        "`\(arguments.joined(separator: " "))` exited with \(status)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
    }
}

/// Runs programs with output captured to files (no pipe can fill up and block) and a
/// watchdog that kills a run that takes too long, so a hang fails the test instead of CI.
enum ChildProcess {
    /// Long enough for a model run on a busy two-core machine (an answer has taken 150 s
    /// there), short enough that a hang fails the run instead of stalling CI.
    static let modelTimeout = Duration.seconds(300)

    /// Variables that would make `docqa` use something other than what a test names.
    static let overriddenVariables = ["DOCQA_INDEX", "DOCQA_MODEL", "DOCQA_EMBEDDING_MODEL"]

    /// Runs the built `docqa` with `arguments`.
    static func docqa(_ arguments: [String], in folder: TestFolder, timeout: Duration = .seconds(120),
                      started: @escaping @Sendable (pid_t) -> Void = { _ in }) async throws -> CommandResult {
        try await run(DocQABinary.path(), arguments, in: folder, timeout: timeout, started: started)
    }

    /// Runs `executable` with `arguments`; stdout and stderr are kept in hidden files in `folder`.
    ///
    /// - Throws: `SetupError` when the program cannot be started or was killed after `timeout`.
    /// `started` is called with the child's process id once it runs.
    static func run(_ executable: String, _ arguments: [String], in folder: TestFolder,
                    timeout: Duration = .seconds(120),
                    started: @escaping @Sendable (pid_t) -> Void = { _ in }) async throws -> CommandResult {
        let captureFolder = folder.file(".captured")
        try FileManager.default.createDirectory(atPath: captureFolder, withIntermediateDirectories: true)
        let name = UUID().uuidString
        let outPath = captureFolder + "/\(name).stdout"
        let errPath = captureFolder + "/\(name).stderr"
        guard FileManager.default.createFile(atPath: outPath, contents: nil),
              FileManager.default.createFile(atPath: errPath, contents: nil),
              let outHandle = FileHandle(forWritingAtPath: outPath),
              let errHandle = FileHandle(forWritingAtPath: errPath) else {
            throw SetupError("Could not create capture files in \(captureFolder).")
        }
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        var environment = ProcessInfo.processInfo.environment
        for variable in overriddenVariables { environment[variable] = nil }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle

        let clock = ContinuousClock()
        let start = clock.now
        var watchdog: Task<Void, Never>?
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: SetupError("Could not start \(executable): \(error)"))
                return
            }
            let pid = process.processIdentifier
            started(pid)
            watchdog = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                // The whole group when the child leads one, so a traced `docqa` under
                // strace or unshare dies with it.
                _ = getpgid(pid) == pid ? kill(-pid, SIGKILL) : kill(pid, SIGKILL)
            }
        }
        watchdog?.cancel()
        let elapsed = start.duration(to: clock.now)

        let result = CommandResult(
            arguments: [(executable as NSString).lastPathComponent] + arguments,
            status: process.terminationStatus,
            stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
        if process.terminationReason == .uncaughtSignal, elapsed >= timeout {
            throw SetupError("Killed after \(timeout) without finishing: \(result)")
        }
        return result
    }

    /// Runs the built `docqa` and sends it SIGINT, as Ctrl-C would, once `ready` holds.
    ///
    /// `ready` is polled on a thread of its own, not in a task: tests that run models in
    /// process can hold every thread of Swift's cooperative pool for seconds, and a task
    /// polling there once saw the child finish before it could send the signal.
    static func docqaInterrupted(_ arguments: [String], in folder: TestFolder, timeout: Duration = modelTimeout,
                                 when ready: @escaping @Sendable () -> Bool) async throws -> CommandResult {
        let child = Mutex<pid_t>(0)
        let sent = Mutex<Bool?>(nil)
        let finished = Mutex(false)
        let deadline = ContinuousClock.now + timeout
        let watcher = Thread {
            while ContinuousClock.now < deadline, !finished.withLock({ $0 }) {
                let pid = child.withLock { $0 }
                if pid > 0, ready() {
                    sent.withLock { $0 = kill(pid, SIGINT) == 0 }
                    return
                }
                usleep(20_000)
            }
            sent.withLock { $0 = false }
        }
        watcher.start()
        let result = try await docqa(arguments, in: folder, timeout: timeout,
                                     started: { pid in child.withLock { $0 = pid } })
        finished.withLock { $0 = true }
        while sent.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(20)) }
        #expect(sent.withLock { $0 } == true, "could not interrupt docqa before it finished: \(result)")
        return result
    }

    /// Everything the programs run in `folder` have written so far, stdout and stderr.
    static func capturedOutput(in folder: TestFolder) -> String {
        let captured = folder.file(".captured")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: captured)) ?? []
        return names.map { (try? String(contentsOfFile: captured + "/" + $0, encoding: .utf8)) ?? "" }.joined()
    }

    /// The full path of a program found on PATH, or nil.
    static func which(_ program: String) -> String? {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let folders = searchPath.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for folder in folders {
            let candidate = folder + "/" + program
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Another writer, for the lock tests: a python3 process that holds `index`'s write lock
/// as docqa does (flock on INDEX.lock, with the holder line "test writer (process 42,
/// started 2026-01-01T00:00:00Z)") until `release()` or fifteen minutes pass.
struct TestLockHolder {
    private let process = Process()
    private let releaseFile: String

    /// Starts the holder; returns once it holds the lock.
    init(index: String, in folder: TestFolder) async throws {
        releaseFile = folder.file("release-\(UUID().uuidString)")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import fcntl, os, sys, time
            fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, b"test writer (process 42, started 2026-01-01T00:00:00Z)\\n")
            end = time.time() + 900
            while time.time() < end and not os.path.exists(sys.argv[2]):
                time.sleep(0.05)
            """, index + ".lock", releaseFile]
        try process.run()
        // Python can take long to start while the suite's model tests load the machine;
        // going on without the lock would test nothing, so a holder that never gets it fails.
        let holds = { (try? String(contentsOfFile: index + ".lock", encoding: .utf8))?.contains("test writer") == true }
        do {
            try await waitUntil("the Python lock holder to take the lock on \(index).lock", within: .seconds(300), holds)
        } catch {
            kill()
            throw error
        }
    }

    /// Lets the lock go.
    func release() {
        _ = FileManager.default.createFile(atPath: releaseFile, contents: nil)
    }

    /// Ends the holder at once if it still runs (SIGKILL: children of the test runner
    /// inherit its blocked SIGTERM).
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Returns once `condition` holds, checking every 50 ms; throws `WaitError`, naming `what`
/// was awaited, when `timeout` passes first. (The suite runs everything at once on two
/// cores: a child process has taken over a minute just to start, so callers allow minutes.)
func waitUntil(_ what: String, within timeout: Duration, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw WaitError(message: "waited \(timeout) for \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

struct WaitError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Parses `text` as one JSON object.
func jsonObject(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
}

/// The members of `object[key]`, which must be an array of objects.
func jsonObjects(_ object: [String: Any], _ key: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
    try #require(object[key] as? [[String: Any]], "`\(key)` is not an array of objects", sourceLocation: sourceLocation)
}

/// A page number field: an `Int`, or nil for JSON `null`. Anything else fails the test.
func pageField(_ object: [String: Any], _ key: String,
               sourceLocation: SourceLocation = #_sourceLocation) throws -> Int? {
    if object[key] is NSNull { return nil }
    return .some(try #require(object[key] as? Int, "`\(key)` is neither an integer nor null",
                              sourceLocation: sourceLocation))
}

/// Collapses runs of whitespace (help text wraps at the terminal width) to single spaces.
func collapsingWhitespace(_ text: String) -> String {
    text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
}

/// Fails the test when stderr contains a phrase from the sample documents or `extra` text.
func expectNoDocumentText(in result: CommandResult, also extra: [String] = [],
                          sourceLocation: SourceLocation = #_sourceLocation) {
    for phrase in Repository.documentPhrases + extra {
        #expect(!result.stderr.contains(phrase), "stderr contains \"\(phrase)\": \(result)",
                sourceLocation: sourceLocation)
    }
}

/// The suites that run the models, one test at a time. llama.cpp starts a thread per core
/// and its threads wait for each other at every step, so two model runs side by side (or
/// a busy machine) slow each other down far more than twice.
@Suite(.serialized) enum ModelBackedTests {}
