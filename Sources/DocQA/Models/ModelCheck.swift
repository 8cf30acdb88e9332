import Foundation

/// One installed model checked against the `SHA256SUMS` beside it, for `docqa doctor`.
public struct ModelCheck: Sendable {
    /// What the check found.
    public enum State: String, Sendable {
        /// The file's SHA-256 equals its line in SHA256SUMS.
        case verified
        /// The file is there and looks like a GGUF model; it was not hashed (`--no-hash`).
        case present
        /// The file's SHA-256 differs from SHA256SUMS: damaged or replaced.
        case mismatch
        /// The manifest lists the model but its file is not there.
        case missing
        /// The file does not start with the GGUF magic bytes.
        case notGGUF = "not-gguf"
        /// The folder's SHA256SUMS has no line for the file, so it cannot be checked.
        case unlisted
        /// The file exists but cannot be read.
        case unreadable
    }

    public var model: InstalledModel
    public var state: State
    /// The size on disk, when the file exists.
    public var bytes: Int64?
    /// The SHA-256 from SHA256SUMS, and the one computed (when hashed).
    public var expectedSHA256: String?
    public var actualSHA256: String?
    /// Seconds spent hashing this file (0 when not hashed).
    public var hashSeconds: Double

    /// True when the model is usable as far as the check can tell.
    public var isHealthy: Bool { [.verified, .present, .unlisted].contains(state) }

    /// Checks `model`: present, GGUF, and (when `hash` is true) its SHA-256 against the
    /// `SHA256SUMS` file in its folder.
    ///
    /// Not an error: every failure is a `State`.
    public static func check(_ model: InstalledModel, hash: Bool) -> ModelCheck {
        let folder = (model.path as NSString).deletingLastPathComponent
        let sums = checksums(inFolder: folder)
        var result = ModelCheck(model: model, state: .missing, bytes: nil,
                                expectedSHA256: sums[model.fileName], actualSHA256: nil, hashSeconds: 0)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: model.path) else { return result }
        result.bytes = (attributes[.size] as? NSNumber)?.int64Value
        guard let handle = FileHandle(forReadingAtPath: model.path) else {
            result.state = .unreadable
            return result
        }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        try? handle.close()
        guard magic == Data("GGUF".utf8) else {
            result.state = magic.count < 4 && result.bytes != 0 ? .unreadable : .notGGUF
            return result
        }
        guard let expected = result.expectedSHA256 else {
            result.state = .unlisted
            return result
        }
        guard hash else {
            result.state = .present
            return result
        }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let actual = try SHA256.hex(ofFileAt: model.path)
            result.actualSHA256 = actual
            result.state = actual == expected ? .verified : .mismatch
        } catch {
            result.state = .unreadable
        }
        let elapsed = start.duration(to: clock.now).components
        result.hashSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return result
    }

    /// The `SHA256SUMS` file in `folder` (sha256sum's format: `HEX  NAME` or `HEX *NAME`),
    /// as file name → lower-case hex. Empty when the file is missing or unreadable.
    public static func checksums(inFolder folder: String) -> [String: String] {
        let path = (folder as NSString).appendingPathComponent("SHA256SUMS")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        return parseChecksums(text)
    }

    static func parseChecksums(_ text: String) -> [String: String] {
        var sums: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit) else { continue }
            var name = parts[1].drop(while: { $0 == " " })
            if name.first == "*" { name = name.dropFirst() }
            guard !name.isEmpty else { continue }
            sums[String(name)] = parts[0].lowercased()
        }
        return sums
    }
}
