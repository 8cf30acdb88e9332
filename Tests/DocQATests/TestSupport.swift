import DocQA
import Foundation
import Testing

/// A fresh folder under the system temporary directory, removed when the test is done.
final class TestFolder {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("docqa-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }
}

/// The repository's folders, found from this source file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let caseFile = root + "/samples/case-file"
    static let questions = root + "/samples/questions.jsonl"
}

/// The default models, as Scripts/bootstrap installs them. A test that needs one fails
/// with a message naming the setup command when it is missing; it never skips.
enum TestModels {
    static let setupHint = "The default models are not installed. Run: bash Scripts/bootstrap"

    static var embeddingModelPath: String {
        get throws { try require(Locations().defaultEmbeddingModel) }
    }

    static var chatModelPath: String {
        get throws { try require(Locations().defaultChatModel) }
    }

    private static func require(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DocQAError(.modelNotFound, "\(setupHint) (missing \(path))")
        }
        return path
    }
}

/// One line of samples/questions.jsonl.
struct SampleQuestion: Decodable, Sendable, CustomTestStringConvertible {
    struct Source: Decodable, Sendable {
        var file: String
        var page: Int?
    }

    var id: String
    var question: String
    var answer: String?
    var sources: [Source]

    var testDescription: String { id }

    static func all() throws -> [SampleQuestion] {
        let text = try String(contentsOfFile: Repository.questions, encoding: .utf8)
        return try text.split(separator: "\n").map {
            try JSONDecoder().decode(SampleQuestion.self, from: Data($0.utf8))
        }
    }
}

/// The committed test fixture called `name` (see Fixtures/make-fixtures.sh).
func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// Runs `body` with the path of a fresh, empty temporary folder, removed afterwards.
func withTemporaryFolder<T>(_ body: (String) throws -> T) throws -> T {
    let folder = try TestFolder()
    return try body(folder.path)
}

/// Runs `body` with a fresh, empty temporary folder, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    try withTemporaryFolder { try body(URL(fileURLWithPath: $0, isDirectory: true)) }
}

/// Runs `body` and returns the `DocQAError` it throws, recording a test issue when it
/// throws nothing or another kind of error.
func capturedError(_ body: () throws -> Void) -> DocQAError? {
    do {
        try body()
        Issue.record("expected a DocQAError, got none")
    } catch let error as DocQAError {
        return error
    } catch {
        Issue.record("expected a DocQAError, got \(error)")
    }
    return nil
}

/// A small, reproducible random number generator (SplitMix64), so randomised tests are
/// the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
