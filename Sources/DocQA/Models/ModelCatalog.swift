import Foundation

/// What a model is for.
public enum ModelRole: String, Sendable, Codable {
    /// Writes answers (a GGUF instruct model with a chat template).
    case chat
    /// Turns text into vectors for retrieval.
    case embedding
    /// Writes the sentence a question is also searched by where its two searches disagree
    /// (`HypotheticalAnswerWriter`, `Retriever.expansionAgreement`): a small instruct model with a chat template, so it can also answer when named with
    /// `--model`. Without one, the chat model writes the sentence.
    case search
}

/// A model the bootstrap installed, as its manifest describes it.
public struct InstalledModel: Sendable, Equatable {
    /// The short name `--model` accepts, e.g. `qwen2.5-coder-1.5b`.
    public var name: String
    public var role: ModelRole
    /// The file's full path in the models folder.
    public var path: String
    /// The pinned size and SHA-256 the bootstrap verified.
    public var bytes: Int64?
    public var sha256: String?
    /// Whether this is the model docqa uses for its role when none is named.
    public var isDefault: Bool
    public var description: String

    public init(name: String, role: ModelRole, path: String, bytes: Int64?, sha256: String?,
                isDefault: Bool, description: String) {
        self.name = name
        self.role = role
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
        self.isDefault = isDefault
        self.description = description
    }

    /// The model file's name.
    public var fileName: String { (path as NSString).lastPathComponent }
}

/// The models installed in the models folders, read from the `models.tsv` manifest that
/// Scripts/bootstrap (in the user's folder) and the docqa-models package (in the
/// system-wide folder) write there (name, role, file, bytes, sha256, default, description).
///
/// The user's folder comes first: a model it lists hides the system folder's model of the
/// same name, and its defaults win. Without any manifest (an older install, or models
/// copied by hand) the catalog falls back to the default file names in the user's folder,
/// so docqa still finds them.
public struct ModelCatalog: Sendable {
    public var models: [InstalledModel]
    /// The user's models folder (where Scripts/bootstrap installs).
    public var folder: String
    /// Every folder searched, the user's first; models come from those with a manifest.
    public var folders: [String]

    /// The file the bootstrap writes beside the models.
    public static let manifestName = "models.tsv"

    /// Reads the manifests in `locations.modelsDirectories`.
    ///
    /// Not an error: a missing or unreadable manifest gives the built-in fallback; malformed
    /// lines are skipped.
    public init(locations: Locations = Locations()) {
        folder = locations.modelsDirectory
        folders = locations.modelsDirectories
        var found: [InstalledModel] = []
        for folder in folders {
            let manifest = (folder as NSString).appendingPathComponent(Self.manifestName)
            guard let text = try? String(contentsOfFile: manifest, encoding: .utf8) else { continue }
            for model in Self.parse(text, folder: folder) where !found.contains(where: { $0.name == model.name }) {
                found.append(model)
            }
        }
        models = found.isEmpty ? Self.fallback(folder: folder) : found
    }

    public init(models: [InstalledModel], folder: String) {
        self.models = models
        self.folder = folder
        folders = [folder]
    }

    /// Parses a tab-separated manifest with a header line; columns are found by name.
    static func parse(_ text: String, folder: String) -> [InstalledModel] {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("#") }
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) else {
            return []
        }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let nameColumn = column("name"), let roleColumn = column("role"), let fileColumn = column("file") else {
            return []
        }
        var result: [InstalledModel] = []
        for line in lines.dropFirst() {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            func cell(_ index: Int?) -> String? {
                guard let index, index < cells.count else { return nil }
                let value = cells[index].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            guard let name = cell(nameColumn), let role = cell(roleColumn).flatMap(ModelRole.init(rawValue:)),
                  let file = cell(fileColumn), !file.contains("/") else { continue }
            let isDefault = ["yes", "true", "1"].contains(cell(column("default"))?.lowercased() ?? "")
            result.append(InstalledModel(
                name: name, role: role, path: (folder as NSString).appendingPathComponent(file),
                bytes: cell(column("bytes")).flatMap { Int64($0) }, sha256: cell(column("sha256")),
                isDefault: isDefault, description: cell(column("description")) ?? ""))
        }
        return result
    }

    static func fallback(folder: String) -> [InstalledModel] {
        [
            InstalledModel(name: "minilm-l6-v2", role: .embedding,
                           path: (folder as NSString).appendingPathComponent(Locations.defaultEmbeddingModelFile),
                           bytes: nil, sha256: nil, isDefault: true, description: "all-MiniLM-L6-v2 sentence embeddings"),
            InstalledModel(name: "qwen2.5-coder-1.5b", role: .chat,
                           path: (folder as NSString).appendingPathComponent(Locations.defaultChatModelFile),
                           bytes: nil, sha256: nil, isDefault: true, description: "Qwen2.5-Coder-1.5B-Instruct"),
            InstalledModel(name: "smollm2-135m", role: .chat,
                           path: (folder as NSString).appendingPathComponent(Locations.fastChatModelFile),
                           bytes: nil, sha256: nil, isDefault: false, description: "SmolLM2-135M-Instruct"),
        ]
    }

    /// The default model for `role`: the manifest's default row, else its first row of that role.
    public func defaultModel(for role: ModelRole) -> InstalledModel? {
        let candidates = models.filter { $0.role == role }
        return candidates.first(where: \.isDefault) ?? candidates.first
    }

    /// The path of the model a user named: an installed model's name, or a path to a GGUF
    /// file. `nil` means the default for `role`.
    ///
    /// - Throws: `.modelNotFound` for a name that is neither installed nor a file, naming
    ///   the installed models and how to install more.
    public func resolve(_ nameOrPath: String?, role: ModelRole) throws -> String {
        guard let value = nameOrPath?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            if let model = defaultModel(for: role) { return model.path }
            throw DocQAError(.modelNotFound,
                             "no \(role.rawValue) model is installed; run Scripts/bootstrap, or install the docqa-models package, to install the default models.",
                             path: folder)
        }
        if let model = models.first(where: { $0.name.caseInsensitiveCompare(value) == .orderedSame }) {
            return model.path
        }
        let looksLikePath = value.contains("/") || value.hasSuffix(".gguf") || value.hasPrefix("~")
        if looksLikePath {
            return URL(fileURLWithPath: (value as NSString).expandingTildeInPath).standardizedFileURL.path
        }
        // A search model is an instruct model too: `--model` may name it to answer.
        let names = models.filter { $0.role == role || (role == .chat && $0.role == .search) }.map(\.name)
            .joined(separator: ", ")
        throw DocQAError(.modelNotFound,
                         "'\(value)' is neither an installed \(role.rawValue) model (\(names.isEmpty ? "none installed" : names)) nor a path to a .gguf file; list models with `docqa models`, or install an optional one with `bash Scripts/bootstrap --model NAME`.")
    }
}
