import Foundation

// Helpers shared by both test targets. This target depends on nothing, so the CLI tests
// can use it and still not import DocQA.

/// A fresh folder under the system temporary directory, removed when the last reference goes.
public final class TestFolder: Sendable {
    public let path: String

    public init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("docqa-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.resolvingSymlinksInPath().path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `text` as UTF-8 to `name`, creating folders on the way; returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let target = try prepare(name)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }

    /// Copies the file at `source` to `name`, creating folders on the way; returns its path.
    @discardableResult
    public func copy(_ source: String, to name: String) throws -> String {
        let target = try prepare(name)
        try FileManager.default.copyItem(atPath: source, toPath: target)
        return target
    }

    /// The names in the folder, hidden ones included, sorted.
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    private func prepare(_ name: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        return target
    }
}

/// The repository's folders and sample files, found from this source file.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    public static let caseFile = root + "/samples/case-file"
    public static let questions = root + "/samples/questions.jsonl"
    public static let fixtures = root + "/Tests/DocQATests/Fixtures"

    /// The committed test fixture called `name` (see Tests/DocQATests/Fixtures/make-fixtures.sh).
    public static func fixture(_ name: String) -> String { fixtures + "/" + name }

    /// The sample files, as docqa stores them (absolute paths).
    /// The files in the sample case file, sorted.
    public static let caseFileFiles = [
        "amendment-1.pdf", "case-memo.md", "demand-letter.pdf",
        "deposition-excerpt.txt", "email-thread.txt", "inspection-report-scan.pdf", "rotterdam-field-report.eml",
        "seal-test-memo.docx", "supply-agreement.pdf", "van-houten-berth-notice.html",
    ].map { caseFile + "/" + $0 }

    /// The documents indexing the sample case file makes, sorted: its files and the
    /// e-mail's attachment.
    public static let caseFileDocuments = (caseFileFiles
        + [caseFile + "/rotterdam-field-report.eml › field-service-report.pdf"]).sorted()

    /// Words from the sample documents that must never reach stderr or a log.
    public static let documentPhrases = ["Corvane", "Tallis", "Marlowe", "HV-220", "750,000"]
}

/// A small, reproducible random number generator (SplitMix64), so randomised tests are
/// the same on every run.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
