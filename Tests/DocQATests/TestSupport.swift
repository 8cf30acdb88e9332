import DocQA
import DocQATestSupport
import Foundation
import Testing

/// The default models, as Scripts/bootstrap installs them. A test that needs one fails
/// with a message naming the setup command when it is missing; it never skips.
enum TestModels {
    static let setupHint = "The default models are not installed. Run: bash Scripts/bootstrap"

    static var embeddingModelPath: String {
        get throws { try require(Locations().defaultEmbeddingModel) }
    }

    /// The fast chat tier (SmolLM2-135M): for tests of the llama.cpp layer, where the
    /// model's quality does not matter and its speed does.
    static var chatModelPath: String {
        get throws { try require(Locations().fastChatModel) }
    }

    /// The default chat model (Qwen2.5-Coder-1.5B), for the few tests of real answers.
    static var defaultChatModelPath: String {
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
func fixture(_ name: String) -> String { Repository.fixture(name) }

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
