import Foundation

/// Where docqa keeps its files, following the XDG base directory convention.
///
/// - data directory: `$XDG_DATA_HOME/docqa`, default `~/.local/share/docqa`
/// - models: `<data>/models` (installed by Scripts/bootstrap), then the system-wide
///   `/usr/share/docqa/models` (installed by the docqa-models Debian package)
/// - indexes named by a bare name: `<data>/indexes/NAME.sqlite`
/// - cache directory: `$XDG_CACHE_HOME/docqa`, default `~/.cache/docqa`: saved
///   system-prompt states in `<cache>/prompt-states`
public struct Locations: Sendable {
    public var dataDirectory: String
    /// Where the docqa-models package installs the default models; read after the user's
    /// own models folder. `DOCQA_SYSTEM_MODELS` names another folder (for tests).
    public var systemModelsDirectory: String

    /// The system-wide models folder the docqa-models package installs into.
    public static let packagedModelsDirectory = "/usr/share/docqa/models"

    /// Default model files, as Scripts/bootstrap installs them (Scripts/models.tsv); used
    /// when the models folder has no manifest.
    public static let defaultChatModelFile = "Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf"
    /// The fast chat tier: much quicker, much less often right.
    public static let fastChatModelFile = "SmolLM2-135M-Instruct.Q4_1.gguf"
    public static let defaultEmbeddingModelFile = "all-MiniLM-L6-v2.f16.gguf"
    public static let defaultIndexName = "default"

    /// `$XDG_CACHE_HOME/docqa`, default `~/.cache/docqa`; nil when neither is an absolute
    /// path (nothing is then cached).
    public var cacheDirectory: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        dataDirectory = (Self.base("XDG_DATA_HOME", else: ".local/share", environment) as NSString)
            .appendingPathComponent("docqa")
        let cache = Self.base("XDG_CACHE_HOME", else: ".cache", environment)
        cacheDirectory = cache.hasPrefix("/") ? (cache as NSString).appendingPathComponent("docqa") : nil
        if let system = environment["DOCQA_SYSTEM_MODELS"], system.hasPrefix("/") {
            systemModelsDirectory = system
        } else {
            systemModelsDirectory = Self.packagedModelsDirectory
        }
    }

    /// The XDG base folder `variable` names when it is absolute, else `underHome` in HOME.
    private static func base(_ variable: String, else underHome: String, _ environment: [String: String]) -> String {
        if let xdg = environment[variable], xdg.hasPrefix("/") { return xdg }
        return ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(underHome)
    }

    /// Saved system-prompt states (`PrefixStateStore`).
    public var promptStatesDirectory: String? {
        cacheDirectory.map { ($0 as NSString).appendingPathComponent("prompt-states") }
    }

    public var modelsDirectory: String { (dataDirectory as NSString).appendingPathComponent("models") }
    /// The folders models are looked up in, the user's first.
    public var modelsDirectories: [String] {
        modelsDirectory == systemModelsDirectory ? [modelsDirectory] : [modelsDirectory, systemModelsDirectory]
    }
    public var indexesDirectory: String { (dataDirectory as NSString).appendingPathComponent("indexes") }
    public var defaultChatModel: String { (modelsDirectory as NSString).appendingPathComponent(Self.defaultChatModelFile) }
    public var fastChatModel: String { (modelsDirectory as NSString).appendingPathComponent(Self.fastChatModelFile) }
    public var defaultEmbeddingModel: String {
        (modelsDirectory as NSString).appendingPathComponent(Self.defaultEmbeddingModelFile)
    }

    /// The index file for `nameOrPath`: a bare name (letters, digits, `.`, `_`, `-`) lives
    /// in the indexes folder; anything with a `/` or ending in `.sqlite`/`.db` is a path.
    ///
    /// - Throws: `.invalidArgument` for an empty name or one that is neither.
    public func indexPath(for nameOrPath: String) throws -> String {
        let value = nameOrPath.trimmingCharacters(in: .whitespaces)
        if value.contains("/") || value.hasSuffix(".sqlite") || value.hasSuffix(".db") {
            let expanded = (value as NSString).expandingTildeInPath
            return URL(fileURLWithPath: expanded).standardizedFileURL.path
        }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
        guard !value.isEmpty, !value.hasPrefix("."), value.unicodeScalars.allSatisfy(allowed.contains) else {
            throw DocQAError(.invalidArgument,
                             "'\(value)' is not a valid index name; use letters, digits, '.', '_' and '-', or give a path to a .sqlite file.")
        }
        return (indexesDirectory as NSString).appendingPathComponent(value + ".sqlite")
    }
}
